"""Design study: wall thickness, compressor stations and power for a pipe diameter.

* :func:`wall_thickness`: ASME B31.8 (§841.1.1) steel pipe design formula
  ``P = 2 S t F E T / D`` solved for ``t``, plus a corrosion allowance, optionally rounded up to
  a commercial increment.
* :func:`fewest_stations`: the fewest stations that carry a target throughput, from the greedy
  furthest layout of :func:`linepack.studies.capacity.furthest_layout` (it carries a flow if
  any layout of that many stations does).
* :func:`place_stations`: the chainages of ``n`` stations that minimise the total shaft power
  at a target throughput, by Nelder-Mead (scipy) over the chainages, started from even spacing
  (or from the greedy layout when even spacing does not deliver), with an exact penalty on
  any violated limit. Every evaluation is a full steady solve of the network with the stations
  inserted (:func:`~linepack.studies.stations.compile_like` keeps it at a few ms).
* :func:`compare_diameters`: per diameter the wall from the design basis, steel mass,
  free-flow capacity and, per target throughput, the fewest stations, their placement, power,
  installed power with spare units and fuel.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from linepack.errors import CaseError
from linepack.io.design_toml import DesignBasis, grade_smys, read_design
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.model import Network
from linepack.steady.solve import SteadySolution
from linepack.studies.capacity import SECONDS_PER_YEAR, CapacityResult, max_throughput
from linepack.studies.limits import prepare
from linepack.studies.placement import furthest_layout
from linepack.studies.stations import (
    evenly_spaced,
    insert_stations,
    remove_stations,
    route_length,
    route_pipes,
)
from linepack.units import MMSCFD_PER_SCF_M3_S, parse

#: Density of carbon steel [kg/m³] (the value behind the API 5L plain-end mass formula).
STEEL_DENSITY = 7850.0
#: Penalty on the sum of relative limit violations [W per unit] in the placement search.
PENALTY = 1e9
#: Value of a layout without a steady solution or with sites too close [W].
UNUSABLE = 1e10


def wall_thickness(
    maop: float,
    od: float,
    grade: str = "X70",
    design_factor: float = 0.72,
    joint_factor: float = 1.0,
    temperature_derating: float = 1.0,
    *,
    corrosion_allowance: float = 0.0,
    increment: float = 0.0,
) -> float:
    """Wall thickness [m] by ASME B31.8 §841.1.1: ``t = P D / (2 S F E T)`` (+ allowance).

    Parameters
    ----------
    maop : float
        Design pressure, **gauge** [Pa g].
    od : float
        Outside diameter [m].
    grade : str
        API 5L grade (its SMYS ``S`` from :data:`linepack.io.design_toml.SMYS`).
    design_factor, joint_factor, temperature_derating : float
        ``F`` (0.72 for location class 1), ``E`` (1.0 for SAW/ERW pipe), ``T`` (1.0 below
        121 °C) [-].
    corrosion_allowance : float, optional
        Added after the pressure design [m].
    increment : float, optional
        Round up to a multiple of this [m] (0: no rounding).

    Returns
    -------
    float
        Wall thickness [m].

    Examples
    --------
    >>> round(wall_thickness(99.3e5, 56 * 0.0254) * 1e3, 1)  # 56 in X70 at 99.3 barg
    20.2
    """
    for name, v in (("maop", maop), ("od", od)):
        if not v > 0:
            raise CaseError("must be positive", element="[design]", key=name, value=v)
    smys = grade_smys(grade)
    t = maop * od / (2.0 * smys * design_factor * joint_factor * temperature_derating)
    t += corrosion_allowance
    if increment > 0:
        t = math.ceil(t / increment - 1e-9) * increment
    return t


def steel_mass_per_length(od: float, wall: float) -> float:
    """Mass of pipe steel [kg/m]: ``π (D - t) t ρ``."""
    return math.pi * (od - wall) * wall * STEEL_DENSITY


def resize(network: Network, od: float, wall: float) -> Network:
    """A copy with every route pipe at outside diameter ``od`` and wall ``wall`` [m]."""
    net = dataclasses.replace(network, pipes=[dataclasses.replace(p) for p in network.pipes])
    net.extras = dict(network.extras)
    names = {rp.name for rp in route_pipes(network)}
    for p in net.pipes:
        if p.name in names:
            p.outer_diameter, p.wall_thickness, p.diameter = od, wall, od - 2.0 * wall
    return net


@dataclass(frozen=True)
class StationDesign:
    """Stations for one target throughput.

    Attributes
    ----------
    target : float
        Delivered throughput [kg/s].
    feasible : bool
        Whether the layout delivers it within every limit.
    n_stations : int
        Fewest stations that carry it (``max_stations + 1`` if none up to the maximum did).
    chainages : tuple of float
        Station sites [m], upstream first.
    station_power : tuple of float
        Shaft power of each station [W].
    total_power : float
        [W].
    units_per_station : int
        Running units of the largest station plus spares (every station the same).
    installed_power : float
        ``n × units_per_station × unit size`` [W].
    fuel : float
        Fuel gas of all stations [kg/s].
    delivery_pressure : float
        [Pa abs].
    method : str
        How the sites were chosen.
    evaluations : int
        Steady solves of the placement search.
    note : str
        Why not feasible, if so.
    atmosphere, density_scf, density_sm3 : float
        For conversions.
    """

    target: float
    feasible: bool
    n_stations: int
    chainages: tuple[float, ...]
    station_power: tuple[float, ...]
    total_power: float
    units_per_station: int
    installed_power: float
    fuel: float
    delivery_pressure: float
    method: str
    evaluations: int
    note: str
    atmosphere: float
    density_scf: float
    density_sm3: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with units in the key names."""
        f = MMSCFD_PER_SCF_M3_S / self.density_scf
        return {
            "target_mmscfd": self.target * f,
            "feasible": self.feasible,
            "n_stations": self.n_stations,
            "chainages_km": [c / 1e3 for c in self.chainages],
            "station_power_mw": [w / 1e6 for w in self.station_power],
            "total_power_mw": self.total_power / 1e6,
            "units_per_station": self.units_per_station,
            "installed_power_mw": self.installed_power / 1e6,
            "fuel_mmscfd": self.fuel * f,
            "fuel_mmscm_per_year": self.fuel / self.density_sm3 * SECONDS_PER_YEAR / 1e6,
            "fuel_t_per_year": self.fuel * SECONDS_PER_YEAR / 1e3,
            "delivery_pressure_barg": (self.delivery_pressure - self.atmosphere) / 1e5,
            "method": self.method,
            "evaluations": self.evaluations,
            "note": self.note,
        }


@dataclass(frozen=True)
class DesignOption:
    """One pipe diameter, designed.

    Attributes
    ----------
    label : str
        As given, e.g. ``"56 in"``.
    outer_diameter, wall_required, wall, inner_diameter : float
        [m]; ``wall_required`` by the formula, ``wall`` after allowance and rounding.
    steel_mass_per_km, steel_mass : float
        [kg/km], [kg] over the route.
    route_length : float
        [m].
    free_flow : CapacityResult
        Capacity without stations.
    targets : tuple of StationDesign
    """

    label: str
    outer_diameter: float
    wall_required: float
    wall: float
    inner_diameter: float
    steel_mass_per_km: float
    steel_mass: float
    route_length: float
    free_flow: CapacityResult
    targets: tuple[StationDesign, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with units in the key names."""
        return {
            "diameter": self.label,
            "outer_diameter_mm": self.outer_diameter * 1e3,
            "wall_required_mm": self.wall_required * 1e3,
            "wall_mm": self.wall * 1e3,
            "inner_diameter_mm": self.inner_diameter * 1e3,
            "steel_t_per_km": self.steel_mass_per_km / 1e3,
            "steel_t": self.steel_mass / 1e3,
            "route_length_km": self.route_length / 1e3,
            "free_flow_mmscfd": self.free_flow.max_throughput_mmscfd,
            "free_flow_binding": self.free_flow.binding_text(),
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass(frozen=True)
class DiameterComparison:
    """The design options side by side.

    Attributes
    ----------
    options : tuple of DesignOption
    design : DesignBasis
    """

    options: tuple[DesignOption, ...]
    design: DesignBasis = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the options and the design basis used."""
        return {
            "options": [o.to_dict() for o in self.options],
            "design_basis": self.design.to_dict(),
        }


def _installed(power: Sequence[float], d: DesignBasis) -> tuple[int, float]:
    if not power:
        return 0, 0.0
    s = d.station
    units = math.ceil(max(power) / s.unit_size - 1e-9) + s.spare_units
    return units, len(power) * units * s.unit_size


@dataclass
class _Eval:
    value: float
    solution: SteadySolution | None
    violation: float


def _evaluate(
    bare: Network,
    chainages: Sequence[float] | np.ndarray,
    target: float,
    d: DesignBasis,
    like: CompiledNetwork,
) -> _Eval:
    """Total shaft power [W] plus the penalty, for stations at ``chainages``.

    Sites closer than the minimum spacing, and layouts without a steady solution, get a
    large finite value (:data:`UNUSABLE` plus the spacing deficit) so the simplex search can
    move away from them.
    """
    ch = sorted(float(c) for c in chainages)
    gaps = np.diff(ch) if len(ch) > 1 else np.zeros(0)
    deficit = float(np.sum(np.maximum(d.min_station_spacing - gaps, 0.0)))
    if deficit > 0:
        return _Eval(UNUSABLE + PENALTY * deficit / d.min_station_spacing, None, math.inf)
    try:
        net = insert_stations(bare, ch, d.station, min_spacing=d.min_station_spacing)
    except CaseError:
        return _Eval(UNUSABLE, None, math.inf)
    pb = prepare(net, design=d, like=like, supply_limit=False)
    t = pb.trial(target)
    if t.solution is None:
        return _Eval(UNUSABLE, None, math.inf)
    bad = sum(max(0.0, -m.relative) for m in t.margins if m.decides)
    power = float(t.solution.power.sum())
    return _Eval(power + PENALTY * bad, t.solution, bad)


def fewest_stations(
    bare: Network,
    target: float,
    design: DesignBasis,
    like: CompiledNetwork,
    n_max: int | None = None,
) -> tuple[int, tuple[float, ...] | None, int]:
    """Fewest stations that carry ``target`` [kg/s], with the greedy layout that does.

    Returns
    -------
    (int, tuple or None, int)
        Number of stations (``n_max + 1`` if none up to ``n_max`` did), their chainages [m]
        (None if none) and the steady solves used.
    """
    top = design.max_stations if n_max is None else n_max
    count = [0]
    for n in range(top + 1):
        lay = furthest_layout(bare, target, n, design, like, count)
        if lay is None:
            continue
        ev = _evaluate(bare, lay, target, design, like)
        count[0] += 1
        if ev.violation == 0.0:
            return len(lay), lay, count[0]
    return top + 1, None, count[0]


def place_stations(
    bare: Network,
    target: float,
    n: int,
    design: DesignBasis,
    like: CompiledNetwork,
    *,
    feasible_start: Sequence[float] | None = None,
    max_evaluations: int | None = None,
) -> tuple[tuple[float, ...], _Eval, int, str]:
    """Chainages of ``n`` stations minimising the total shaft power at ``target``.

    Nelder-Mead over the chainages in km (bounded to the route, at most ``40 n + 40``
    evaluations), started from even spacing when that delivers the target within every limit,
    else from ``feasible_start`` (the greedy furthest layout). Limits enter as an exact penalty
    (:data:`PENALTY` W per unit of summed relative violation).

    Returns
    -------
    (tuple of float, _Eval, int, str)
        Chainages [m], the evaluation there, the number of evaluations and a description.
    """
    if n == 0:
        return (), _evaluate(bare, (), target, design, like), 1, "no stations"
    total = route_length(bare)
    count = [0]

    def f(x: np.ndarray) -> float:
        count[0] += 1
        return _evaluate(bare, np.sort(x) * 1e3, target, design, like).value / 1e6

    def run(x0: np.ndarray) -> np.ndarray:
        step = 0.1 * total / 1e3 / (n + 1)
        simplex = np.vstack([x0] + [x0 + step * np.eye(n)[i] for i in range(n)])
        res = minimize(
            f,
            x0,
            method="Nelder-Mead",
            bounds=[(0.0, (total - 1e3) / 1e3)] * n,
            options={
                "initial_simplex": simplex,
                "xatol": 0.5,
                "fatol": 1e-3,
                "maxfev": max_evaluations or 40 * n + 40,
            },
        )
        return np.sort(np.asarray(res.x, dtype=float))

    even = np.asarray(evenly_spaced(n, total))
    if _evaluate(bare, even, target, design, like).violation == 0 or feasible_start is None:
        x0, method = even / 1e3, "Nelder-Mead from even spacing"
    else:
        x0 = np.sort(np.asarray(feasible_start, dtype=float)) / 1e3
        method = "Nelder-Mead from the greedy furthest layout (even spacing does not deliver)"
    best = run(x0)
    ev = _evaluate(bare, best * 1e3, target, design, like)
    return tuple(float(c) for c in best * 1e3), ev, count[0] + 2, method


def station_design(
    network: Network,
    target: float,
    *,
    design: DesignBasis | None = None,
    like: CompiledNetwork | None = None,
    n_stations: int | None = None,
) -> StationDesign:
    """Fewest stations for ``target`` [kg/s] (or ``n_stations``), sited for least power.

    ``network``'s own stations are removed first.
    """
    d = design if design is not None else read_design(network)
    bare = remove_stations(network)
    base = like if like is not None else compile_network(bare)
    if n_stations is None:
        n, greedy, solves = fewest_stations(bare, target, d, base)
    else:
        n, solves = n_stations, 0
        greedy = furthest_layout(bare, target, n, d, base) if n else ()
    common = {"atmosphere": d.atmosphere, "density_scf": d.density_scf}
    if n > d.max_stations and n_stations is None:
        return StationDesign(
            target,
            False,
            n,
            (),
            (),
            math.nan,
            0,
            math.nan,
            math.nan,
            math.nan,
            "greedy furthest layout",
            solves,
            f"no layout of up to {d.max_stations} stations carries the target",
            density_sm3=d.density_sm3,
            **common,
        )
    chain, ev, evals, method = place_stations(bare, target, n, d, base, feasible_start=greedy)
    sol = ev.solution
    power = tuple(float(w) for w in sol.power) if sol is not None else ()
    units, installed = _installed(power, d)
    note = "" if ev.violation == 0 else "the placement found violates a limit"
    delivery = math.nan
    if sol is not None:
        node = sol.compiled.network.delivery or ""
        delivery = float(sol.pressure[sol.compiled.node_names.index(node)])
    return StationDesign(
        target=target,
        feasible=ev.violation == 0,
        n_stations=n,
        chainages=chain,
        station_power=power,
        total_power=float(sum(power)),
        units_per_station=units,
        installed_power=installed,
        fuel=float(sol.fuel.sum()) if sol is not None else math.nan,
        delivery_pressure=delivery,
        method=method,
        evaluations=evals + solves,
        note=note,
        density_sm3=d.density_sm3,
        **common,
    )


def compare_diameters(
    network: Network,
    diameters: Sequence[str] = ("42 in", "56 in"),
    target: Sequence[float] | float | None = None,
    *,
    design: DesignBasis | None = None,
) -> DiameterComparison:
    """Design the line at each diameter and compare.

    Parameters
    ----------
    network : Network
        The case; its stations are removed and every route pipe gets the diameter and the
        wall of the design basis (:func:`wall_thickness` at the MAOP).
    diameters : sequence of str
        Outside diameters with units, e.g. ``"42 in"``.
    target : float or sequence of float, optional
        Throughputs [kg/s] (default: the design basis' targets, 1,200 and 2,000 MMSCFD).
    design : DesignBasis, optional

    Returns
    -------
    DiameterComparison
    """
    d = design if design is not None else read_design(network)
    targets = (
        d.targets
        if target is None
        else ((target,) if isinstance(target, int | float) else tuple(target))
    )
    bare0 = remove_stations(network)
    total = route_length(bare0)
    options = []
    for label in diameters:
        od = parse(label, "length", element="diameters", key=label)
        need = wall_thickness(
            d.maop - d.atmosphere,
            od,
            d.steel_grade,
            d.design_factor,
            d.joint_factor,
            d.temperature_derating,
        )
        wall = wall_thickness(
            d.maop - d.atmosphere,
            od,
            d.steel_grade,
            d.design_factor,
            d.joint_factor,
            d.temperature_derating,
            corrosion_allowance=d.corrosion_allowance,
            increment=d.wall_increment,
        )
        bare = resize(bare0, od, wall)
        like = compile_network(bare)
        free = max_throughput(bare, design=d, like=like, supply_limit=False)
        rows = tuple(station_design(bare, q, design=d, like=like) for q in targets)
        per_m = steel_mass_per_length(od, wall)
        options.append(
            DesignOption(
                label=label,
                outer_diameter=od,
                wall_required=need,
                wall=wall,
                inner_diameter=od - 2 * wall,
                steel_mass_per_km=per_m * 1e3,
                steel_mass=per_m * total,
                route_length=total,
                free_flow=free,
                targets=rows,
            )
        )
    return DiameterComparison(tuple(options), d)
