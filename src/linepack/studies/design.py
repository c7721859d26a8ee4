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
  inserted (:func:`~linepack.network.compile.compile_like` keeps it at a few ms).
* :func:`compare_diameters`: per diameter the wall from the design basis, steel mass,
  free-flow capacity and, per target throughput, the fewest stations, their placement, power,
  installed power with spare units and fuel.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

from linepack.errors import CaseError
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.design import DesignBasis, grade_smys
from linepack.network.model import Network
from linepack.steady.solve import SteadySolution
from linepack.studies.capacity import SECONDS_PER_YEAR, CapacityResult, max_throughput
from linepack.studies.layout import SET_POINT, LayoutState, LayoutTrials
from linepack.studies.placement import furthest_layout
from linepack.studies.stations import (
    evenly_spaced,
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
#: The siting search narrows each station's chainage to this [m].
SITE_TOLERANCE = 1e3
#: After the first sweep, a line search spans the last move along its direction plus this [m].
WINDOW = 10e3
#: The siting search stops when a sweep lowers the objective by less than this fraction.
SWEEP_GAIN = 1e-3
#: Most sweeps of the siting search.
MAX_SWEEPS = 10


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
        API 5L grade (its SMYS ``S`` from :data:`linepack.network.design.SMYS`).
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
    state: LayoutState | None = None


def _score(trials: LayoutTrials, chainages: Sequence[float] | np.ndarray) -> _Eval:
    """Total shaft power [W] plus the penalty, for stations at ``chainages`` [m].

    Sites closer than the minimum spacing, and layouts without a steady state, get a large
    finite value (:data:`UNUSABLE` plus the spacing deficit) so the search can move away.
    """
    d = trials.design
    ch = sorted(float(c) for c in chainages)
    gaps = np.diff(ch) if len(ch) > 1 else np.zeros(0)
    deficit = float(np.sum(np.maximum(d.min_station_spacing - gaps, 0.0)))
    if deficit > 0:
        return _Eval(UNUSABLE + PENALTY * deficit / d.min_station_spacing, None, math.inf)
    st = trials.state(ch)
    if not st.ok:
        return _Eval(UNUSABLE, None, math.inf, st)
    return _Eval(st.total_power + PENALTY * st.violation, st.solution, st.violation, st)


def _fewest(
    trials: LayoutTrials, n_max: int, counter: list[int]
) -> tuple[int, tuple[float, ...] | None]:
    for n in range(n_max + 1):
        lay = furthest_layout(trials.bare, trials.target, n, trials.design, trials.like, counter)
        if lay is None:
            continue
        if _score(trials, lay).violation == 0.0:
            return len(lay), lay
    return n_max + 1, None


def fewest_stations(
    bare: Network,
    target: float,
    design: DesignBasis,
    like: CompiledNetwork,
    n_max: int | None = None,
) -> tuple[int, tuple[float, ...] | None, int]:
    """Fewest stations that carry ``target`` [kg/s], with the greedy layout that does.

    Each greedy furthest layout (:func:`~linepack.studies.placement.furthest_layout`) is
    checked with every station at its most restrictive limit
    (:class:`~linepack.studies.layout.LayoutTrials`).

    Returns
    -------
    (int, tuple or None, int)
        Number of stations (``n_max + 1`` if none up to ``n_max`` did), their chainages [m]
        (None if none) and the steady solves (marches or solver runs) used.
    """
    top = design.max_stations if n_max is None else n_max
    trials = LayoutTrials(bare, target, design, like)
    count = [0]
    n, lay = _fewest(trials, top, count)
    return n, lay, count[0] + trials.evaluations


def _directions(n: int) -> np.ndarray:
    """Search directions (rows): shift stations ``k`` to ``n - 2`` together, or the last alone.

    Shifting stations ``k..n-2`` lengthens the section before station ``k`` and shortens the
    one before the last station, leaving the others (and the last station, which with the
    delivery pressure sets the end of the line) alone. Station powers depend mostly on the
    length of the section before each station, so these directions are far less coupled than
    moving one station at a time (which trades two neighbouring sections and zigzags).
    """
    out = np.zeros((n, n))
    for k in range(n - 1):
        out[k, k : n - 1] = 1.0
    out[n - 1, n - 1] = 1.0
    return out


def _step_range(x: np.ndarray, u: np.ndarray, top: float, spacing: float) -> tuple[float, float]:
    """Steps ``t`` [km] keeping ``x + t u`` on ``[0, top]`` with gaps of at least ``spacing``."""
    lo, hi = -math.inf, math.inf
    pts = np.concatenate([[-spacing], x, [top + spacing]])
    du = np.diff(np.concatenate([[0.0], u, [0.0]]))
    room = np.diff(pts) - spacing
    for r, v in zip(room, du, strict=True):
        if v > 0:
            lo = max(lo, -r / v)
        elif v < 0:
            hi = min(hi, r / -v)
    return min(lo, 0.0), max(hi, 0.0)


def _descend(
    f: Callable[[np.ndarray], float], x0: np.ndarray, top: float, spacing: float, budget: int
) -> np.ndarray:
    """Coordinate descent along :func:`_directions` with bounded Brent line searches (km)."""
    n = x0.size
    dirs = _directions(n)
    x, best = x0.copy(), f(x0)
    moves = np.full(n, math.inf)
    used = 1
    for _ in range(MAX_SWEEPS):
        before = best
        for k in reversed(range(n)):
            u = dirs[k]
            lo, hi = _step_range(x, u, top, spacing)
            if math.isfinite(moves[k]):
                w = abs(moves[k]) + WINDOW / 1e3
                lo, hi = max(lo, -w), min(hi, w)
            moves[k] = 0.0
            if hi - lo <= SITE_TOLERANCE / 1e3 or used >= budget:
                continue
            xk = x.copy()
            res = minimize_scalar(
                lambda t, xk=xk, u=u: f(xk + t * u),
                bounds=(lo, hi),
                method="bounded",
                options={"xatol": SITE_TOLERANCE / 1e3, "maxiter": max(1, budget - used)},
            )
            used += int(res.nfev)
            if float(res.fun) < best:
                x, best, moves[k] = xk + float(res.x) * u, float(res.fun), float(res.x)
        if before - best <= SWEEP_GAIN * abs(best) or used >= budget:
            break
    return x


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

    Every layout is evaluated with each station at its most restrictive limit
    (:class:`~linepack.studies.layout.LayoutTrials`: the tree march, a few ms, where the
    line allows it, else the steady solver), limits entering as an exact penalty
    (:data:`PENALTY` W per unit of summed relative violation). The search starts from the
    better of even spacing and ``feasible_start`` (the greedy furthest layout) and descends
    along the directions of :func:`_directions` by bounded Brent line searches to
    :data:`SITE_TOLERANCE`, each after the first sweep within the last move plus
    :data:`WINDOW`, until a sweep gains less than :data:`SWEEP_GAIN` of the objective or
    ``max_evaluations`` (default ``40 n + 40``) are used. The layout found is solved again
    by the steady solver with each station in the mode of the limit it holds
    (:meth:`~linepack.studies.layout.LayoutTrials.confirm`).

    Returns
    -------
    (tuple of float, _Eval, int, str)
        Chainages [m], the evaluation there (``solution`` the confirming steady solution, None
        if the solver did not confirm it), the number of evaluations and a description.
    """
    trials = LayoutTrials(bare, target, design, like)
    return _place(trials, n, feasible_start, max_evaluations)


def _place(
    trials: LayoutTrials,
    n: int,
    feasible_start: Sequence[float] | None,
    max_evaluations: int | None,
) -> tuple[tuple[float, ...], _Eval, int, str]:
    if n == 0:
        ev = _confirmed(trials, ())
        return (), ev, trials.evaluations, "no stations"
    d = trials.design
    total = route_length(trials.bare)

    def f(x: np.ndarray) -> float:
        return _score(trials, np.sort(x) * 1e3).value / 1e6

    even = np.asarray(evenly_spaced(n, total)) / 1e3
    x0, method = even, "from even spacing"
    if feasible_start is not None and len(feasible_start) == n:
        greedy = np.sort(np.asarray(feasible_start, dtype=float)) / 1e3
        if f(greedy) < f(even):
            x0, method = greedy, "from the greedy furthest layout"
    budget = max_evaluations or 40 * n + 40
    best = _descend(f, x0, (total - 1e3) / 1e3, d.min_station_spacing / 1e3, budget)
    chain = tuple(float(c) for c in np.sort(best) * 1e3)
    ev = _confirmed(trials, chain)
    text = f"coordinate descent (Brent line searches to {SITE_TOLERANCE / 1e3:g} km) {method}"
    if ev.state is not None and ev.state.ok:
        names = [c.name for c in ev.state.problem.network.compressors] if ev.state.problem else []
        at = [f"{nm} at {h}" for nm, h in zip(names, ev.state.held, strict=False) if h != SET_POINT]
        if at:
            text += "; " + ", ".join(at)
    return chain, ev, trials.evaluations, text


def _confirmed(trials: LayoutTrials, chainages: Sequence[float]) -> _Eval:
    """:func:`_score` with the steady solver's confirming solution attached."""
    ev = _score(trials, chainages)
    if ev.state is not None and ev.state.ok and ev.solution is None:
        ev.solution = trials.confirm(ev.state)
    return ev


def station_design(
    network: Network,
    target: float,
    *,
    design: DesignBasis,
    like: CompiledNetwork | None = None,
    n_stations: int | None = None,
) -> StationDesign:
    """Fewest stations for ``target`` [kg/s] (or ``n_stations``), sited for least power.

    ``network``'s own stations are removed first.
    """
    d = design
    bare = remove_stations(network)
    base = like if like is not None else compile_network(bare)
    trials = LayoutTrials(bare, target, d, base)
    count = [0]
    if n_stations is None:
        n, greedy = _fewest(trials, d.max_stations, count)
    else:
        n = n_stations
        greedy = furthest_layout(bare, target, n, d, base, count) if n else ()
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
            count[0] + trials.evaluations,
            f"no layout of up to {d.max_stations} stations carries the target",
            density_sm3=d.density_sm3,
            **common,
        )
    chain, ev, _, method = _place(trials, n, greedy, None)
    st = ev.state
    ok = st is not None and st.ok
    power = tuple(float(w) for w in st.power) if st is not None and ok else ()
    units, installed = _installed(power, d)
    notes = [] if ev.violation == 0 else ["the placement found violates a limit"]
    if ok and ev.solution is None:
        notes.append("the steady solver did not confirm the marched state")
    return StationDesign(
        target=target,
        feasible=ev.violation == 0,
        n_stations=n,
        chainages=chain,
        station_power=power,
        total_power=float(sum(power)) if ok else math.nan,
        units_per_station=units,
        installed_power=installed,
        fuel=float(np.sum(st.fuel)) if st is not None and ok else math.nan,
        delivery_pressure=st.delivery_pressure if st is not None else math.nan,
        method=method,
        evaluations=count[0] + trials.evaluations,
        note="; ".join(notes),
        density_sm3=d.density_sm3,
        **common,
    )


def compare_diameters(
    network: Network,
    diameters: Sequence[str] = ("42 in", "56 in"),
    target: Sequence[float] | float | None = None,
    *,
    design: DesignBasis,
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
    d = design
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
