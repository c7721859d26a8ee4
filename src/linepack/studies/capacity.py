"""Capacity: the largest throughput a pipeline delivers within its limits.

The network is compiled once and every trial throughput is checked against every limit
(:mod:`linepack.studies.limits`). The search brackets the capacity (steps of x1.2 up or /2 down
from the case's throughput), then narrows the bracket by regula falsi (Illinois) on the
smallest relative margin, falling back to bisection when a side has no solution or the
interpolation stalls, until it is at most ``tolerance`` wide (default 0.1 MMSCFD). The capacity
reported is the feasible end of the bracket; the binding constraint is the one violated at the
infeasible end. Compressor stations that reach a limit are switched by the solver to hold it;
the capacity is then where the delivery can no longer be held, and the stations at a limit are
named with it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from linepack.errors import CaseError
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.design import DesignBasis
from linepack.network.model import Network
from linepack.steady.changes import Hold
from linepack.steady.solve import SteadySolution
from linepack.studies.limits import (
    NO_SOLUTION,
    Margin,
    Problem,
    Trial,
    prepare,
    pressure_supply_index,
)
from linepack.studies.placement import furthest_layout
from linepack.studies.stations import (
    insert_stations,
    remove_stations,
    route_length,
    station_chainages,
)
from linepack.units import MMSCFD_PER_SCF_M3_S

#: Bracketing step up from a feasible throughput (small: far above the capacity Newton may
#: need many iterations before the solver gives up).
STEP = 1.2
#: A station limit within this relative margin counts as reached.
NEAR_LIMIT = 5e-3
#: Default search tolerance [MMSCFD].
TOLERANCE_MMSCFD = 0.1
SECONDS_PER_YEAR = 365.25 * 86_400


@dataclass(frozen=True)
class CapacityResult:
    """The capacity of a network and what limits it.

    Attributes
    ----------
    case : str
    max_throughput : float
        Largest delivered throughput found feasible [kg/s] (the feasible end of the bracket).
    tolerance : float
        Width of the final bracket, at most the requested tolerance [kg/s].
    binding_constraint, binding_element : str
        The limit violated just above the capacity, and where.
    binding_margin_above : float or None
        That limit's margin just above the capacity (negative, SI), None if no solution there.
    infeasible_above : str
        What happened just above the capacity, in words.
    margins : tuple of Margin
        Every limit's margin at the capacity.
    stations_at_limit : tuple of (str, str)
        Stations the solver switched to a limit at the capacity, with the limit.
    stations : tuple of (str, float)
        Station names and their chainage [m] (stations on the route).
    inlet_pressure, min_delivery_pressure, max_velocity : float
        The limits used [Pa abs, Pa abs, m/s].
    delivery_pressure : float
        At the capacity [Pa abs].
    supply_inflow, power, fuel : float
        At the capacity: inflow [kg/s], total shaft power [W], fuel [kg/s].
    supply_limit : bool
        Whether supplies' ``flow_max`` counted.
    solves : int
        Steady solves used.
    atmosphere, density_scf, density_sm3 : float
        For conversions [Pa], [kg/m³], [kg/m³].
    solution : SteadySolution or None
        The solution at the capacity.
    """

    case: str
    max_throughput: float
    tolerance: float
    binding_constraint: str
    binding_element: str
    binding_margin_above: float | None
    infeasible_above: str
    margins: tuple[Margin, ...]
    stations_at_limit: tuple[tuple[str, str], ...]
    stations: tuple[tuple[str, float], ...]
    inlet_pressure: float
    min_delivery_pressure: float
    max_velocity: float
    delivery_pressure: float
    supply_inflow: float
    power: float
    fuel: float
    supply_limit: bool
    solves: int
    atmosphere: float
    density_scf: float
    density_sm3: float
    solution: SteadySolution | None = field(default=None, repr=False, compare=False)

    @property
    def max_throughput_mmscfd(self) -> float:
        """Capacity [MMSCFD]."""
        return self.max_throughput / self.density_scf * MMSCFD_PER_SCF_M3_S

    def margin(self, constraint: str) -> Margin | None:
        """The margin of one constraint at the capacity (the first if several)."""
        return next((m for m in self.margins if m.constraint == constraint), None)

    def binding_text(self) -> str:
        """One line: what binds, where, and which stations sit at a limit."""
        text = f"{self.binding_constraint} at {self.binding_element}"
        if self.stations_at_limit:
            text += " (" + ", ".join(f"{n} at {lim}" for n, lim in self.stations_at_limit) + ")"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with units in the key names."""
        atm, rho = self.atmosphere, self.density_scf
        f = MMSCFD_PER_SCF_M3_S / rho
        bm = self.binding_margin_above
        binding = next((m for m in self.margins if m.constraint == self.binding_constraint), None)
        return {
            "case": self.case,
            "max_throughput_mmscfd": self.max_throughput_mmscfd,
            "max_throughput_kg_s": self.max_throughput,
            "max_throughput_bcm_per_year": self.max_throughput
            / self.density_sm3
            * SECONDS_PER_YEAR
            / 1e9,
            "tolerance_mmscfd": self.tolerance * f,
            "binding_constraint": self.binding_constraint,
            "binding_element": self.binding_element,
            "binding": self.binding_text(),
            "binding_margin_above": None
            if bm is None or binding is None
            else dataclasses.replace(binding, margin=bm).to_dict(atm, rho),
            "infeasible_above": self.infeasible_above,
            "stations_at_limit": dict(self.stations_at_limit),
            "stations": [{"name": n, "chainage_km": c / 1e3} for n, c in self.stations],
            "inlet_pressure_barg": (self.inlet_pressure - atm) / 1e5,
            "min_delivery_pressure_barg": (self.min_delivery_pressure - atm) / 1e5,
            "max_velocity_limit_m_s": self.max_velocity,
            "delivery_pressure_barg": (self.delivery_pressure - atm) / 1e5,
            "supply_inflow_mmscfd": self.supply_inflow * f,
            "power_mw": self.power / 1e6,
            "fuel_mmscfd": self.fuel * f,
            "supply_limit_applied": self.supply_limit,
            "solves": self.solves,
            "margins": [m.to_dict(atm, rho) for m in self.margins],
        }


def search(
    trial: Callable[[float], Trial],
    start: float,
    tolerance: float,
    *,
    ceiling: float,
    interpolate: bool = True,
) -> tuple[Trial, Trial]:
    """Bracket and narrow the largest feasible flow.

    Parameters
    ----------
    trial : callable
        Flow [kg/s] -> :class:`Trial`.
    start : float
        First flow tried [kg/s], > 0.
    tolerance : float
        Final bracket width [kg/s].
    ceiling : float
        Give up bracketing above this flow [kg/s].
    interpolate : bool
        Regula falsi on the smallest relative margin where both ends solved (else bisection).

    Returns
    -------
    (Trial, Trial)
        The feasible end (flow 0 if nothing is) and the infeasible end (``hi.flow - lo.flow
        <= tolerance``).

    Raises
    ------
    CaseError
        No infeasible flow below ``ceiling`` (the network has no limit that binds).
    """
    t = trial(start)
    if t.feasible:
        lo, q = t, start
        while True:
            q *= STEP
            if q > ceiling:
                raise CaseError(
                    "no limit binds below the search ceiling",
                    element="capacity",
                    value=f"{ceiling:.4g} kg/s",
                    expected="a network with a minimum delivery pressure or another limit",
                )
            t = trial(q)
            if not t.feasible:
                hi = t
                break
            lo = t
    else:
        hi, q = t, start
        while True:
            q /= 2.0
            if q < tolerance:
                t = trial(0.0)
                if not t.feasible:
                    return t, hi
                lo = t
                break
            t = trial(q)
            if t.feasible:
                lo = t
                break
            hi = t
    f_lo, f_hi = lo.score(), hi.score()
    side, stalled = 0, 0
    while hi.flow - lo.flow > tolerance:
        width = hi.flow - lo.flow
        q = 0.5 * (lo.flow + hi.flow)
        usable = np.isfinite(f_lo) and np.isfinite(f_hi) and f_lo > 0 > f_hi
        if interpolate and usable and stalled < 3:
            q = lo.flow + width * f_lo / (f_lo - f_hi)
            edge = 0.45 * tolerance
            q = min(max(q, lo.flow + edge), hi.flow - edge)
        t = trial(q)
        if t.feasible:
            lo, f_lo = t, t.score()
            if side == 1:  # Illinois: the same end retained twice, halve its value
                f_hi *= 0.5
            side = 1
        else:
            hi, f_hi = t, t.score()
            if side == -1:
                f_lo *= 0.5
            side = -1
        # fall back to bisection when interpolation stops halving the bracket
        stalled = stalled + 1 if hi.flow - lo.flow > 0.5 * width else 0
    return lo, hi


def _binding(lo: Trial, hi: Trial) -> tuple[str, str, float | None, str]:
    """Binding constraint, element, its margin above the capacity and a sentence."""
    if hi.solution is not None:
        bad = [m for m in hi.margins if m.decides and m.margin < 0]
        m = min(bad, key=lambda x: x.relative)
        return m.constraint, m.element, m.margin, f"{m.constraint} violated at {m.element}"
    w = lo.worst()
    if w is not None and w.relative < 1e-3:
        return w.constraint, w.element, None, f"no steady solution: {hi.error}"
    return NO_SOLUTION, hi.error_element or "-", None, f"no steady solution: {hi.error}"


def _result(pb: Problem, lo: Trial, hi: Trial) -> CapacityResult:
    bc, be, bm, text = _binding(lo, hi)
    sol = lo.solution
    cn = pb.compiled
    at_limit: list[tuple[str, str]] = []
    inflow = power = fuel = 0.0
    p_del = math.nan
    if sol is not None:
        names = cn.labels.compressors
        at_limit = [
            (names[k], held.label)
            for k, held in enumerate(sol.modes.limit)
            if held.hold is not Hold.SET_POINT
        ]
        # a station placed exactly at a limit holds its set-point: name it too
        for m in lo.margins:
            hold = m.station_hold
            if hold is not None and m.relative <= NEAR_LIMIT and m.name not in dict(at_limit):
                at_limit.append((m.name, hold.label))
        i = pressure_supply_index(pb.network)
        node = cn.node_names.index(cn.labels.supply_nodes[i])
        inflow = float(-sol.node_balance[node])
        power, fuel = float(sol.power.sum()), float(sol.fuel.sum())
        p_del = float(sol.pressure[pb.delivery])
    try:
        stations = tuple(station_chainages(pb.network).items())
    except CaseError:
        stations = ()
    return CapacityResult(
        case=pb.network.name,
        max_throughput=lo.flow,
        tolerance=hi.flow - lo.flow,
        binding_constraint=bc,
        binding_element=be,
        binding_margin_above=bm,
        infeasible_above=text,
        margins=lo.margins,
        stations_at_limit=tuple(at_limit),
        stations=stations,
        inlet_pressure=pb.inlet_pressure,
        min_delivery_pressure=pb.min_delivery_pressure,
        max_velocity=pb.max_velocity,
        delivery_pressure=p_del,
        supply_inflow=inflow,
        power=power,
        fuel=fuel,
        supply_limit=pb.supply_limit,
        solves=pb.solves,
        atmosphere=pb.design.atmosphere,
        density_scf=pb.design.density_scf,
        density_sm3=pb.design.density_sm3,
        solution=sol,
    )


def max_throughput(
    network: Network,
    *,
    design: DesignBasis,
    inlet_pressure: float | None = None,
    min_delivery_pressure: float | None = None,
    max_velocity: float | None = None,
    supply_limit: bool = True,
    tolerance_mmscfd: float = TOLERANCE_MMSCFD,
    like: CompiledNetwork | None = None,
) -> CapacityResult:
    """The largest throughput delivered within every limit.

    Parameters
    ----------
    network : Network
        The case (stations as given; not changed).
    design : DesignBasis
        Limits and defaults (:func:`~linepack.io.design_toml.read_design`, read once by the
        caller).
    inlet_pressure : float, optional
        Supply pressure [Pa abs] (default: the design basis'); at most the MAOP.
    min_delivery_pressure : float, optional
        [Pa abs] (default: the design basis').
    max_velocity : float, optional
        [m/s] (default: the design basis').
    supply_limit : bool, optional
        Whether the supplies' ``flow_max`` limits the throughput.
    tolerance_mmscfd : float, optional
        Width of the final bracket [MMSCFD].
    like : CompiledNetwork, optional
        A compiled variant of the same case whose EOS table is reused
        (:func:`~linepack.network.compile.compile_like`).

    Returns
    -------
    CapacityResult
        The capacity [kg/s] (also in MMSCFD), the binding limit and where, the margins.

    Notes
    -----
    :func:`linepack.capacity` reads the design basis from the case when not given.

    Examples
    --------
    >>> from linepack.io.design_toml import read_design
    >>> from linepack.io.load import load
    >>> net = load("psgp-56in-phase1")
    >>> cap = max_throughput(net, design=read_design(net))
    >>> print(f"{cap.max_throughput_mmscfd:,.0f} MMSCFD")
    1,416 MMSCFD
    """
    pb = prepare(
        network,
        design=design,
        inlet_pressure=inlet_pressure,
        min_delivery_pressure=min_delivery_pressure,
        max_velocity=max_velocity,
        supply_limit=supply_limit,
        like=like,
    )
    d = pb.design
    tol = d.kg_s(tolerance_mmscfd)
    given = sum(x.flow or 0.0 for x in network.demands if x.node == pb.network.delivery)
    start = given if given > 0 else d.kg_s(1000.0)
    lo, hi = search(pb.trial, start, tol, ceiling=d.kg_s(1e5))
    return _result(pb, lo, hi)


@dataclass(frozen=True)
class InletCurve:
    """Capacity against inlet pressure.

    Attributes
    ----------
    rows : tuple of CapacityResult
        One per inlet pressure, in the order given.
    """

    rows: tuple[CapacityResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: one row per inlet pressure."""
        return {"rows": [summary_row(r) for r in self.rows]}


def summary_row(r: CapacityResult) -> dict[str, Any]:
    """The main columns of a capacity result (a row of a curve or table)."""
    d = r.to_dict()
    keys = (
        "inlet_pressure_barg",
        "min_delivery_pressure_barg",
        "max_throughput_mmscfd",
        "binding_constraint",
        "binding_element",
        "binding",
        "delivery_pressure_barg",
        "power_mw",
        "fuel_mmscfd",
        "stations",
        "stations_at_limit",
        "supply_limit_applied",
    )
    return {k: d[k] for k in keys}


def capacity_vs_inlet(
    network: Network,
    inlet_pressures: Sequence[float],
    *,
    design: DesignBasis,
    **options: Any,
) -> InletCurve:
    """Capacity at each inlet pressure [Pa abs] (other options as :func:`max_throughput`)."""
    d = design
    base = compile_network(network)
    rows = [
        max_throughput(network, design=d, inlet_pressure=p, like=base, **options)
        for p in inlet_pressures
    ]
    return InletCurve(tuple(rows))


@dataclass(frozen=True)
class StationsCurve:
    """Capacity against the number of compressor stations.

    Attributes
    ----------
    placement : str
        ``"optimal"`` (each station as far downstream as its limits allow at the trial
        throughput: the layout that carries the most) or ``"even"``.
    rows : tuple of CapacityResult
        For 0, 1, ... ``n_max`` stations.
    """

    placement: str
    rows: tuple[CapacityResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: one row per station count."""
        return {
            "placement": self.placement,
            "rows": [{"n_stations": len(r.stations), **summary_row(r)} for r in self.rows],
        }


def capacity_vs_stations(
    network: Network,
    n_max: int,
    placement: str = "optimal",
    *,
    design: DesignBasis,
    supply_limit: bool = True,
    tolerance_mmscfd: float = TOLERANCE_MMSCFD,
) -> StationsCurve:
    """Capacity of the line with 0 ... ``n_max`` stations (the case's own stations removed).

    Parameters
    ----------
    network : Network
        The case; its stations are removed first (:func:`remove_stations`).
    n_max : int
        Most stations.
    placement : {"optimal", "even"}
        ``"even"``: equal sections. ``"optimal"``: for each trial throughput the stations are
        placed one after the other, each as far downstream as the suction pressure allows
        (where the station would reach its power, ratio or suction limit, or the velocity
        limit, at that throughput); the greedy furthest layout carries a throughput if any
        layout of that many stations does. The capacity is then searched by bisection.
    design : DesignBasis, optional
        Station spec and limits.
    supply_limit : bool, optional
        Whether the supplies' ``flow_max`` limits the throughput.
    tolerance_mmscfd : float, optional

    Returns
    -------
    StationsCurve
    """
    if placement not in ("optimal", "even"):
        raise CaseError(
            "unknown placement", key="placement", value=placement, expected="'optimal' or 'even'"
        )
    d = design
    bare = remove_stations(network)
    base = compile_network(bare)
    total = route_length(bare)
    rows = []
    for n in range(n_max + 1):
        if placement == "even" or n == 0:
            from linepack.studies.stations import evenly_spaced

            net = insert_stations(
                bare, evenly_spaced(n, total), d.station, min_spacing=d.min_station_spacing
            )
            rows.append(
                max_throughput(
                    net,
                    design=d,
                    like=base,
                    supply_limit=supply_limit,
                    tolerance_mmscfd=tolerance_mmscfd,
                )
            )
        else:
            rows.append(
                optimal_capacity(
                    bare,
                    n,
                    design=d,
                    like=base,
                    supply_limit=supply_limit,
                    tolerance_mmscfd=tolerance_mmscfd,
                )
            )
    return StationsCurve(placement, tuple(rows))


def optimal_capacity(
    bare: Network,
    n: int,
    *,
    design: DesignBasis,
    like: CompiledNetwork,
    supply_limit: bool = True,
    tolerance_mmscfd: float = TOLERANCE_MMSCFD,
) -> CapacityResult:
    """Capacity with ``n`` stations placed by :func:`furthest_layout` at each trial flow."""
    problems: dict[float, Problem] = {}
    count = [0]

    def trial(flow: float) -> Trial:
        lay = furthest_layout(bare, flow, n, design, like, count) if flow > 0 else ()
        count[0] += 1
        if lay is None:
            return Trial(flow, False, (), "the stations cannot be spaced to carry this flow")
        net = insert_stations(bare, lay, design.station, min_spacing=design.min_station_spacing)
        pb = prepare(net, design=design, like=like, supply_limit=supply_limit)
        t = pb.trial(flow)
        problems[flow] = pb
        return t

    tol = design.kg_s(tolerance_mmscfd)
    free = max_throughput(bare, design=design, like=like, supply_limit=supply_limit)
    count[0] += free.solves
    start = free.max_throughput * (1 + 0.5 * n)
    lo, hi = search(trial, start, tol, ceiling=design.kg_s(1e5), interpolate=False)
    pb = problems.get(lo.flow)
    if pb is None:  # nothing feasible: report the bare line at zero flow
        pb = prepare(bare, design=design, like=like, supply_limit=supply_limit)
    pb.solves = count[0]
    return _result(pb, lo, hi)
