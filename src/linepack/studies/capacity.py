"""Capacity: the largest throughput a pipeline delivers within its limits.

The network is compiled once; each trial throughput only changes the delivery node's fixed
withdrawal in a copy of the compiled arrays (``dataclasses.replace(cn, injection=...)``). A new
:class:`~linepack.network.compile.CompiledNetwork` object gets a fresh
:class:`~linepack.steady.system.SteadySystem` (cached per object: its flow scale is taken from
the injections when it is built, so editing ``cn.injection`` in place would leave a stale
scale), at ~0.1 ms instead of a ~40 ms compile.

A trial is feasible when the steady solve succeeds and

* the delivery pressure is at least the minimum delivery pressure,
* no node is above its ``p_max`` and no pipe above its MAOP,
* the gas velocity in every pipe segment (both ends) is at most the velocity limit,
* (optionally) no pressure-set supply gives more than its ``flow_max``.

Compressor-station limits (ratio, power, suction, discharge) are held by the solver, which
switches a station that reaches one to hold it; the capacity is then where the delivery can no
longer be held. A solve that raises :class:`~linepack.errors.InfeasibleError` is an infeasible
trial. The supply pressure is an input and must not exceed the MAOP.

The search brackets the capacity (steps of x1.2 up or /2 down from the case's throughput),
then narrows the bracket by regula falsi (Illinois) on the smallest relative margin, falling
back to bisection when a side has no solution, until it is at most ``tolerance`` wide
(default 0.1 MMSCFD). The capacity reported is the feasible end of the bracket.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import brentq

from linepack.errors import CaseError, ConvergenceError, InfeasibleError
from linepack.io.design_toml import DesignBasis, read_design
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.model import Demand, Network
from linepack.steady import system as sy
from linepack.steady.kernels import compression_power
from linepack.steady.solve import SteadyOptions, SteadySolution, solve
from linepack.studies.stations import (
    compile_like,
    insert_stations,
    remove_stations,
    route_length,
    route_pipes,
    route_section,
    station_chainages,
)
from linepack.units import MMSCFD_PER_SCF_M3_S

#: Constraint names.
MIN_DELIVERY = "min_delivery_pressure"
MAX_PRESSURE = "max_pressure"
MAX_VELOCITY = "max_velocity"
SUPPLY_FLOW = "supply_flow_max"
STATION_RATIO = "station_max_ratio"
STATION_POWER = "station_max_power"
STATION_SUCTION = "station_min_suction_pressure"
STATION_OUTLET = "station_max_outlet_pressure"
NO_SOLUTION = "no_steady_solution"
#: Bracketing step up from a feasible throughput (small: far above the capacity Newton may
#: need many iterations before the solver gives up).
STEP = 1.2
#: Length of the probe section that estimates where the line pressure reaches a threshold [m].
PROBE = 100e3
#: A station limit within this relative margin counts as reached.
NEAR_LIMIT = 1e-3
#: Default search tolerance [MMSCFD].
TOLERANCE_MMSCFD = 0.1
SECONDS_PER_YEAR = 365.25 * 86_400
_OPTIONS = SteadyOptions(enforce_limits=False)


@dataclass(frozen=True)
class Margin:
    """How far one limit is from binding.

    Attributes
    ----------
    constraint : str
        One of the constraint names of this module.
    element : str
        Where, e.g. ``"node 'kasur'"``, ``"pipe 'L11'"``, ``"compressor 'CS-1'"``.
    value, limit : float
        The quantity and its limit (SI: Pa abs, m/s, kg/s, W or -).
    margin : float
        Distance to the limit in the safe direction (SI; negative when violated).
    unit : str
        SI unit of the three numbers.
    decides : bool
        Whether it decides feasibility (station limits are held by the solver instead).
    """

    constraint: str
    element: str
    value: float
    limit: float
    margin: float
    unit: str
    decides: bool = True

    @property
    def relative(self) -> float:
        """Margin over the limit [-]."""
        return self.margin / abs(self.limit) if self.limit else self.margin

    def to_dict(self, atmosphere: float, density_scf: float) -> dict[str, Any]:
        """JSON-ready dict: pressures in barg (margin in bar), flows in MMSCFD, power in MW."""
        out: dict[str, Any] = {"constraint": self.constraint, "element": self.element}
        if self.unit == "Pa":
            out.update(
                value_barg=(self.value - atmosphere) / 1e5,
                limit_barg=(self.limit - atmosphere) / 1e5,
                margin_bar=self.margin / 1e5,
            )
        elif self.unit == "kg/s":
            f = MMSCFD_PER_SCF_M3_S / density_scf
            out.update(
                value_mmscfd=self.value * f,
                limit_mmscfd=self.limit * f,
                margin_mmscfd=self.margin * f,
            )
        elif self.unit == "W":
            out.update(
                value_mw=self.value / 1e6, limit_mw=self.limit / 1e6, margin_mw=self.margin / 1e6
            )
        elif self.unit == "m/s":
            out.update(value_m_s=self.value, limit_m_s=self.limit, margin_m_s=self.margin)
        else:
            out.update(value=self.value, limit=self.limit, margin=self.margin)
        out["decides_feasibility"] = self.decides
        return out


@dataclass(frozen=True)
class Trial:
    """One steady solve at a trial throughput.

    Attributes
    ----------
    flow : float
        Delivered throughput [kg/s].
    feasible : bool
    margins : tuple of Margin
        Empty when the solve failed.
    error : str
        Why the solve failed ("" if it did not).
    error_element : str
        The element the solver named.
    solution : SteadySolution or None
    """

    flow: float
    feasible: bool
    margins: tuple[Margin, ...]
    error: str = ""
    error_element: str = ""
    solution: SteadySolution | None = field(default=None, repr=False, compare=False)

    def worst(self) -> Margin | None:
        """The deciding margin with the smallest relative value."""
        ms = [m for m in self.margins if m.decides]
        return min(ms, key=lambda m: m.relative) if ms else None

    def score(self) -> float:
        """Smallest relative deciding margin (NaN if the solve failed)."""
        w = self.worst()
        return w.relative if w is not None and self.solution is not None else math.nan


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


# ------------------------------------------------------------------------------------ problem
@dataclass
class Problem:
    """A network prepared for throughput trials: compiled once, delivery as a withdrawal.

    Build it with :func:`prepare`; call :meth:`trial` for each throughput.
    """

    network: Network
    compiled: CompiledNetwork
    delivery: int
    design: DesignBasis
    max_velocity: float
    min_delivery_pressure: float
    inlet_pressure: float
    supply_limit: bool
    seg_maop: np.ndarray
    solves: int = 0

    def at(self, flow: float) -> CompiledNetwork:
        """The compiled network with ``flow`` [kg/s] withdrawn at the delivery node."""
        inj = self.compiled.injection.copy()
        inj[self.delivery] -= flow
        return dataclasses.replace(self.compiled, injection=inj)

    def trial(self, flow: float) -> Trial:
        """Solve at a throughput [kg/s] and check every limit."""
        self.solves += 1
        try:
            sol = solve(self.at(flow), _OPTIONS)
        except InfeasibleError as exc:
            return Trial(flow, False, (), exc.message, exc.element or "")
        except ConvergenceError as exc:
            return Trial(flow, False, (), f"no convergence: {exc.message}", exc.element or "")
        ms = margins(self, sol)
        ok = all(m.margin >= 0 for m in ms if m.decides)
        return Trial(flow, ok, ms, solution=sol)


def _single_pressure_supply(net: Network) -> int:
    idx = [i for i, s in enumerate(net.supplies) if s.pressure is not None]
    if len(idx) != 1:
        raise CaseError(
            "the capacity study needs exactly one pressure-set supply (the inlet)",
            file=net.source,
            element="[[supply]]",
            key="pressure",
            value=len(idx),
            expected="one supply with a pressure",
        )
    return idx[0]


def _delivery_node(net: Network) -> str:
    if net.delivery:
        return net.delivery
    fixed = [d for d in net.demands if d.flow]
    if not fixed:
        raise CaseError(
            "the capacity study needs a delivery node",
            file=net.source,
            element="[case]",
            key="delivery",
            expected="a delivery node name",
        )
    return max(fixed, key=lambda d: d.flow or 0.0).node


def prepare(
    network: Network,
    *,
    design: DesignBasis | None = None,
    inlet_pressure: float | None = None,
    min_delivery_pressure: float | None = None,
    max_velocity: float | None = None,
    supply_limit: bool = True,
    like: CompiledNetwork | None = None,
) -> Problem:
    """Prepare ``network`` for throughput trials.

    The delivery node's demands are replaced by one fixed withdrawal (the trial throughput),
    the single pressure-set supply is set to ``inlet_pressure``. Defaults come from
    :func:`~linepack.io.design_toml.read_design`.

    Raises
    ------
    CaseError
        No delivery node, not exactly one pressure-set supply, or an inlet above the MAOP.
    """
    d = design if design is not None else read_design(network)
    p_in = d.inlet_pressure if inlet_pressure is None else inlet_pressure
    if p_in > d.maop * (1 + 1e-12):
        raise CaseError(
            "inlet pressure above the MAOP",
            file=network.source,
            element="capacity",
            key="inlet_pressure",
            value=f"{d.barg(p_in):.2f} barg",
            expected=f"at most the MAOP {d.barg(d.maop):.2f} barg",
        )
    net = copy.deepcopy(network)
    net.supplies[_single_pressure_supply(net)].pressure = p_in
    node = _delivery_node(net)
    net.demands = [x for x in net.demands if x.node != node]
    net.demands.append(Demand("capacity-delivery", node, flow=0.0))
    net.delivery = node
    cn = compile_like(net, like) if like is not None else compile_network(net)
    maop = {p.name: p.maop for p in net.pipes}
    seg_maop = np.asarray([maop[cn.pipe_names[i]] or np.inf for i in cn.segments.pipe], dtype=float)
    return Problem(
        network=net,
        compiled=cn,
        delivery=cn.node_names.index(node),
        design=d,
        max_velocity=d.max_velocity if max_velocity is None else max_velocity,
        min_delivery_pressure=d.min_delivery_pressure
        if min_delivery_pressure is None
        else min_delivery_pressure,
        inlet_pressure=p_in,
        supply_limit=supply_limit,
        seg_maop=seg_maop,
    )


def margins(pb: Problem, sol: SteadySolution) -> tuple[Margin, ...]:
    """Every limit's margin in a solution (see the module docstring)."""
    cn = sol.compiled
    p = sol.pressure
    out = [
        Margin(
            MIN_DELIVERY,
            f"node '{cn.node_names[pb.delivery]}'",
            float(p[pb.delivery]),
            pb.min_delivery_pressure,
            float(p[pb.delivery] - pb.min_delivery_pressure),
            "Pa",
        )
    ]
    out.append(_pressure_margin(pb, sol))
    out.append(_velocity_margin(pb, sol))
    out += _supply_margins(pb, sol)
    out += _station_margins(sol)
    return tuple(out)


def _pressure_margin(pb: Problem, sol: SteadySolution) -> Margin:
    cn, p = sol.compiled, sol.pressure
    nc = cn.n_case_nodes
    node_m = cn.p_max[:nc] - p[:nc]
    seg = cn.segments
    pseg = np.maximum(p[seg.from_node], p[seg.to_node])
    seg_m = pb.seg_maop - pseg
    i = int(np.argmin(node_m)) if nc else 0
    j = int(np.argmin(seg_m)) if seg_m.size else 0
    if seg_m.size and (not nc or seg_m[j] < node_m[i]):
        name = cn.pipe_names[seg.pipe[j]]
        return Margin(
            MAX_PRESSURE,
            f"pipe '{name}'",
            float(pseg[j]),
            float(pb.seg_maop[j]),
            float(seg_m[j]),
            "Pa",
        )
    return Margin(
        MAX_PRESSURE,
        f"node '{cn.node_names[i]}'",
        float(p[i]),
        float(cn.p_max[i]),
        float(node_m[i]),
        "Pa",
    )


def segment_velocity(sol: SteadySolution) -> np.ndarray:
    """Largest gas speed [m/s] of each pipe segment (inlet or outlet)."""
    cn, s = sol.compiled, sol.system
    seg = cn.segments
    rs = cn.gas.gas_constant
    q = np.abs(sol.flow[: len(seg.length)])
    p_lo = np.minimum(sol.pressure[seg.from_node], sol.pressure[seg.to_node])
    z, _ = s.z(p_lo, seg.temperature)
    rho = p_lo / (z * rs * seg.temperature)
    return np.asarray(q / (rho * seg.area), dtype=float)


def _velocity_margin(pb: Problem, sol: SteadySolution) -> Margin:
    cn = sol.compiled
    v = segment_velocity(sol)
    if not v.size:
        return Margin(MAX_VELOCITY, "-", 0.0, pb.max_velocity, pb.max_velocity, "m/s")
    k = int(np.argmax(v))
    name = cn.pipe_names[cn.segments.pipe[k]]
    return Margin(
        MAX_VELOCITY,
        f"pipe '{name}'",
        float(v[k]),
        pb.max_velocity,
        float(pb.max_velocity - v[k]),
        "m/s",
    )


def _supply_margins(pb: Problem, sol: SteadySolution) -> list[Margin]:
    cn = sol.compiled
    bal = sol.node_balance
    out = []
    for s in cn.network.supplies:
        if s.pressure is not None and s.flow_max is not None:
            i = cn.node_names.index(s.node)
            inflow = float(-bal[i])
            out.append(
                Margin(
                    SUPPLY_FLOW,
                    f"supply '{s.name}'",
                    inflow,
                    s.flow_max,
                    s.flow_max - inflow,
                    "kg/s",
                    pb.supply_limit,
                )
            )
    return out


def _station_margins(sol: SteadySolution) -> list[Margin]:
    cn = sol.compiled
    c = cn.compressors
    p = sol.pressure
    out: list[Margin] = []
    for k, name in enumerate(x.name for x in cn.network.compressors):
        if sol.modes.compressor[k] in (sy.M_BYPASS, sy.M_OFF):
            continue
        ps, pd = float(p[c.from_node[k]]), float(p[c.to_node[k]])
        el = f"compressor '{name}'"
        if np.isfinite(c.max_ratio[k]):
            r = pd / ps
            out.append(
                Margin(
                    STATION_RATIO,
                    el,
                    r,
                    float(c.max_ratio[k]),
                    float(c.max_ratio[k] - r),
                    "-",
                    False,
                )
            )
        if np.isfinite(c.max_power[k]):
            w = float(sol.power[k])
            out.append(
                Margin(
                    STATION_POWER,
                    el,
                    w,
                    float(c.max_power[k]),
                    float(c.max_power[k] - w),
                    "W",
                    False,
                )
            )
        if c.min_suction[k] > 0:
            out.append(
                Margin(
                    STATION_SUCTION,
                    el,
                    ps,
                    float(c.min_suction[k]),
                    ps - float(c.min_suction[k]),
                    "Pa",
                    False,
                )
            )
        if np.isfinite(c.max_outlet[k]):
            out.append(
                Margin(
                    STATION_OUTLET,
                    el,
                    pd,
                    float(c.max_outlet[k]),
                    float(c.max_outlet[k]) - pd,
                    "Pa",
                    False,
                )
            )
    return out


# ------------------------------------------------------------------------------------- search
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
        names = [c.name for c in cn.network.compressors]
        at_limit = [(names[k], lim) for k, lim in enumerate(sol.modes.limit) if lim]
        # a station placed exactly at a limit holds its set-point: name it too
        for m in lo.margins:
            name = m.element.split("'")[1] if "'" in m.element else m.element
            near = not m.decides and m.relative <= NEAR_LIMIT
            if near and name not in dict(at_limit):
                at_limit.append((name, m.constraint.removeprefix("station_")))
        i = _single_pressure_supply(cn.network)
        node = cn.node_names.index(cn.network.supplies[i].node)
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
    design: DesignBasis | None = None,
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
    design : DesignBasis, optional
        Limits and defaults (default: :func:`~linepack.io.design_toml.read_design`).
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
        (:func:`~linepack.studies.stations.compile_like`).

    Returns
    -------
    CapacityResult
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


# ---------------------------------------------------------------------------- sweeps, curves
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
        return {"rows": [_row(r) for r in self.rows]}


def _row(r: CapacityResult) -> dict[str, Any]:
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
    design: DesignBasis | None = None,
    **options: Any,
) -> InletCurve:
    """Capacity at each inlet pressure [Pa abs] (other options as :func:`max_throughput`)."""
    d = design if design is not None else read_design(network)
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
            "rows": [{"n_stations": len(r.stations), **_row(r)} for r in self.rows],
        }


def capacity_vs_stations(
    network: Network,
    n_max: int,
    placement: str = "optimal",
    *,
    design: DesignBasis | None = None,
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
    d = design if design is not None else read_design(network)
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


# --------------------------------------------------------------------- greedy station layout
def _route_profile(cn: CompiledNetwork, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chainage [m] and pressure [Pa] at every segment end along the route."""
    net = cn.network
    index = {n: i for i, n in enumerate(cn.pipe_names)}
    seg = cn.segments
    xs, ps = [], []
    for rp in route_pipes(net):
        sel = np.flatnonzero(seg.pipe == index[rp.name])
        xs.append(rp.start + seg.x_start[sel])
        ps.append(p[seg.from_node[sel]])
        xs.append(np.asarray([rp.end]))
        ps.append(np.asarray([p[seg.to_node[sel[-1]]]]))
    return np.concatenate(xs), np.concatenate(ps)


def suction_threshold(cn: CompiledNetwork, design: DesignBasis, flow: float, vmax: float) -> float:
    """Lowest suction [Pa abs] at which a design station carries ``flow`` [kg/s].

    The largest of: discharge / max ratio, the minimum suction, the suction at which the
    station's power reaches its maximum, and the pressure at which the gas speed in the pipe
    reaches ``vmax``.
    """
    s = design.station
    pd = s.outlet_pressure
    t = cn.network.settings.gas_temperature
    tt = np.asarray([t])

    def z(p: float) -> float:
        lo, hi = cn.eos_p_range
        return float(cn.eos.z(np.asarray([min(max(p, lo), hi)]), tt)[0])

    def power(ps: float) -> float:
        w, *_ = compression_power(
            np.asarray([flow]),
            np.asarray([ps]),
            np.asarray([pd]),
            z=np.asarray([z(ps)]),
            dz_dps=np.zeros(1),
            temperature=t,
            gas_constant=cn.gas.gas_constant,
            kappa=cn.gas.kappa,
            efficiency=np.asarray([s.efficiency]),
            polytropic=np.asarray([True]),
        )
        return float(w[0])

    cands = [pd / s.max_ratio, s.min_suction_pressure]
    if power(pd * (1 - 1e-9)) < s.max_power < power(1e5):
        cands.append(brentq(lambda x: power(x) - s.max_power, 1e5, pd * (1 - 1e-9), xtol=10.0))
    elif power(1e5) <= s.max_power:
        pass
    else:
        cands.append(pd)
    area = float(np.min(cn.segments.area))
    rs = cn.gas.gas_constant
    pv = flow * rs * t / (area * vmax)
    for _ in range(3):
        pv = flow * z(pv) * rs * t / (area * vmax)
    cands.append(pv)
    return max(cands)


def _crossing(
    bare: Network,
    start: float,
    p_start: float,
    flow: float,
    p_thr: float,
    like: CompiledNetwork,
    counter: list[int],
) -> float | None:
    """First chainage [m] after ``start`` where the line pressure falls below ``p_thr``.

    The route from ``start`` is solved as a line of its own (inlet pressure ``p_start``,
    ``flow`` withdrawn at its end). If the whole rest of the route has no solution (the
    pressure would reach zero), a shorter section is solved (bisection on its length) until one
    ends below ``p_thr``. None if the pressure stays above ``p_thr`` to the end of the route.
    """
    if p_start < p_thr:
        return start
    rest = route_length(bare) - start

    def attempt(length: float) -> tuple[np.ndarray, np.ndarray] | None:
        sec = route_section(bare, start, start + length, p_start, flow)
        counter[0] += 1
        try:
            sol = solve(compile_like(sec, like), _OPTIONS)
        except (InfeasibleError, ConvergenceError):
            return None
        return _route_profile(sol.compiled, sol.pressure)

    def cross(x: np.ndarray, p: np.ndarray) -> float | None:
        below = np.flatnonzero(p < p_thr)
        if not below.size:
            return None
        j = int(below[0])
        if j == 0:
            return start
        x0, x1, p0, p1 = x[j - 1], x[j], p[j - 1], p[j]
        return start + float(x0 + (x1 - x0) * (p0 - p_thr) / (p0 - p1))

    # a short probe gives the slope of p^2 (isothermal law), hence a first guess of the length
    lo, hi, length = 0.0, rest, rest
    probe = min(PROBE, rest)
    for _ in range(8):
        prof = attempt(probe)
        if prof is not None:
            c = cross(*prof)
            if c is not None:
                return c
            lo = probe
            slope = (p_start**2 - prof[1][-1] ** 2) / probe
            if slope > 0:
                length = min(rest, 1.1 * (p_start**2 - p_thr**2) / slope + 5e3)
            break
        hi = probe
        probe *= 0.5
    for _ in range(40):
        if length <= lo:
            return None if lo >= rest - 1.0 else start + lo
        prof = attempt(length)
        if prof is None:
            hi = length
            length = 0.5 * (lo + hi)
            continue
        c = cross(*prof)
        if c is not None:
            return c
        if length >= rest - 1.0:
            return None
        lo = length
        length = min(0.5 * (lo + hi), lo + 0.2 * rest) if hi > lo else rest
    return None  # pragma: no cover - the bisection narrows to metres long before this


def furthest_layout(
    bare: Network,
    flow: float,
    n: int,
    design: DesignBasis,
    like: CompiledNetwork,
    counter: list[int] | None = None,
) -> tuple[float, ...] | None:
    """Up to ``n`` stations, each as far downstream as its suction allows at ``flow``.

    Station ``k`` goes where the line pressure, from the inlet (or the discharge of station
    ``k - 1`` at its set-point), falls to the larger of :func:`suction_threshold` and the
    minimum delivery pressure. With the power, ratio, suction and velocity limits this is the
    furthest site (a station further down would pass a limit), so the layout carries ``flow``
    if any layout of ``n`` such stations does, except where the threshold is below the minimum
    delivery pressure (the station could then sit further down: the layout is conservative).
    The flow of each section includes the fuel of the stations after it, taken at their
    maximum power (exact for stations at their power limit, conservative otherwise).

    Parameters
    ----------
    bare : Network
        The line without stations.
    flow : float
        Delivered flow [kg/s].
    n : int
        Most stations.
    design : DesignBasis
        Inlet pressure, limits and station spec.
    like : CompiledNetwork
        Compiled ``bare`` (EOS table reused).
    counter : list of int, optional
        ``counter[0]`` is increased by the number of steady solves.

    Returns
    -------
    tuple of float or None
        Chainages [m]; fewer than ``n`` when fewer reach the end of the route above the
        minimum delivery pressure; None when a station would have to sit closer than the
        minimum spacing to the one before.
    """
    spec = design.station
    fuel_max = spec.max_power / (spec.driver_efficiency * like.gas.lhv_mass)
    count = counter if counter is not None else [0]
    layout: list[float] = []
    start, p_start = 0.0, design.inlet_pressure
    for k in range(n):
        through = flow + (n - k) * fuel_max  # this section also carries station k's fuel
        p_star = suction_threshold(like, design, through - fuel_max, design.max_velocity)
        p_thr = max(p_star, design.min_delivery_pressure)
        c = _crossing(bare, start, p_start, through, p_thr, like, count)
        if c is None:
            return tuple(layout)
        if layout and c < start + design.min_station_spacing:
            return None
        if c >= route_length(bare) - 1.0:
            return tuple(layout)
        layout.append(c)
        start, p_start = c, spec.outlet_pressure
    return tuple(layout)


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
