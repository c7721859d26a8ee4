"""Trial throughputs and the limits they are checked against.

A :class:`Problem` is a network compiled once with its delivery as a fixed withdrawal; each
trial throughput only changes that withdrawal in a copy of the compiled arrays
(``dataclasses.replace(cn, injection=...)``). A new
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
switches a station that reaches one to hold it; their margins are reported but do not decide
feasibility. A solve that raises :class:`~linepack.errors.InfeasibleError` (or does not
converge within :data:`TRIAL_NEWTON_STEPS` Newton steps per round) is an infeasible trial.
The supply pressure is an input and must not exceed the MAOP.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from linepack.errors import CaseError, ConvergenceError, InfeasibleError
from linepack.network.compile import CompiledNetwork, compile_like, compile_network
from linepack.network.design import DesignBasis
from linepack.network.model import Demand, Network
from linepack.steady import system as sy
from linepack.steady.changes import Hold
from linepack.steady.newton import NewtonOptions
from linepack.steady.solve import SteadyOptions, SteadySolution, solve
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
#: The station limit each station constraint is the margin of.
STATION_HOLDS = {
    STATION_RATIO: Hold.MAX_RATIO,
    STATION_POWER: Hold.MAX_POWER,
    STATION_SUCTION: Hold.MIN_SUCTION_PRESSURE,
    STATION_OUTLET: Hold.MAX_OUTLET_PRESSURE,
}
#: Newton steps per solve of a trial: feasible PSGP trials converge in 4-10; a trial beyond
#: the capacity may otherwise take the default 60 (x rounds) before the solver gives up.
TRIAL_NEWTON_STEPS = 25
#: Steady options of every trial (limits are checked here, not raised by the solver).
OPTIONS = SteadyOptions(newton=NewtonOptions(max_iter=TRIAL_NEWTON_STEPS), enforce_limits=False)


@dataclass(frozen=True)
class Margin:
    """How far one limit is from binding.

    Attributes
    ----------
    constraint : str
        One of the constraint names of this module.
    kind : str
        Kind of the element where it is measured: "node", "pipe", "supply" or "compressor"
        ("" when there is none, e.g. the velocity of a network without pipes).
    name : str
        Name of that element ("-" when there is none).
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
    kind: str
    name: str
    value: float
    limit: float
    margin: float
    unit: str
    decides: bool = True

    @property
    def element(self) -> str:
        """Where, e.g. ``"node 'kasur'"``, ``"pipe 'L11'"``, ``"compressor 'CS-1'"``."""
        return f"{self.kind} '{self.name}'" if self.kind else self.name

    @property
    def station_hold(self) -> Hold | None:
        """The station limit this is the margin of (None for a network constraint)."""
        return STATION_HOLDS.get(self.constraint)

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
            sol = solve(self.at(flow), OPTIONS)
        except InfeasibleError as exc:
            return Trial(flow, False, (), exc.message, exc.element or "")
        except ConvergenceError as exc:
            return Trial(flow, False, (), f"no convergence: {exc.message}", exc.element or "")
        ms = margins(self, sol)
        ok = all(m.margin >= 0 for m in ms if m.decides)
        return Trial(flow, ok, ms, solution=sol)


def pressure_supply_index(net: Network) -> int:
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
    design: DesignBasis,
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
    d = design
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
    net.supplies[pressure_supply_index(net)].pressure = p_in
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


def variant(pb: Problem, network: Network, like: CompiledNetwork) -> Problem:
    """The limits of ``pb`` for a variant of its network (e.g. with stations inserted).

    ``network`` must keep ``pb.network``'s supplies, delivery node and withdrawal (as
    :func:`~linepack.studies.stations.insert_stations` does); it is compiled with
    :func:`~linepack.network.compile.compile_like` (``like``'s EOS table) and not copied.
    """
    cn = compile_like(network, like)
    maop = {p.name: p.maop for p in network.pipes}
    seg_maop = np.asarray([maop[cn.pipe_names[i]] or np.inf for i in cn.segments.pipe], dtype=float)
    node = network.delivery or pb.network.delivery or ""
    return dataclasses.replace(
        pb,
        network=network,
        compiled=cn,
        delivery=cn.node_names.index(node),
        seg_maop=seg_maop,
        solves=0,
    )


def margins(pb: Problem, sol: SteadySolution) -> tuple[Margin, ...]:
    """Every limit's margin in a solution (see the module docstring)."""
    active = ~np.isin(sol.modes.compressor, (sy.M_BYPASS, sy.M_OFF))
    return state_margins(
        pb,
        sol.compiled,
        sol.pressure,
        segment_velocity(sol),
        -sol.node_balance,
        sol.power,
        active,
    )


def state_margins(
    pb: Problem,
    cn: CompiledNetwork,
    pressure: np.ndarray,
    velocity: np.ndarray,
    inflow: np.ndarray,
    power: np.ndarray,
    active: np.ndarray,
) -> tuple[Margin, ...]:
    """Every limit's margin in a steady state given as arrays (from any solver).

    Parameters
    ----------
    pb : Problem
        The limits.
    cn : CompiledNetwork
        The network solved (``pb.compiled`` or a variant with the same pipes and MAOPs).
    pressure : ndarray
        Node pressures [Pa abs].
    velocity : ndarray
        Largest gas speed of each pipe segment [m/s].
    inflow : ndarray
        Net inflow at each node from outside [kg/s] (at a pressure-set supply: what it gives).
    power : ndarray
        Shaft power of each compressor [W].
    active : ndarray of bool
        Compressors running (not bypassed or off): only they have station margins.

    Returns
    -------
    tuple of Margin
        As :func:`margins`.
    """
    p = pressure
    out = [
        Margin(
            MIN_DELIVERY,
            "node",
            cn.node_names[pb.delivery],
            float(p[pb.delivery]),
            pb.min_delivery_pressure,
            float(p[pb.delivery] - pb.min_delivery_pressure),
            "Pa",
        )
    ]
    out.append(_pressure_margin(pb, cn, p))
    out.append(_velocity_margin(pb, cn, velocity))
    out += _supply_margins(pb, cn, inflow)
    out += _station_margins(cn, p, power, active)
    return tuple(out)


def _pressure_margin(pb: Problem, cn: CompiledNetwork, p: np.ndarray) -> Margin:
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
            "pipe",
            name,
            float(pseg[j]),
            float(pb.seg_maop[j]),
            float(seg_m[j]),
            "Pa",
        )
    return Margin(
        MAX_PRESSURE,
        "node",
        cn.node_names[i],
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


def _velocity_margin(pb: Problem, cn: CompiledNetwork, v: np.ndarray) -> Margin:
    if not v.size:
        return Margin(MAX_VELOCITY, "", "-", 0.0, pb.max_velocity, pb.max_velocity, "m/s")
    k = int(np.argmax(v))
    name = cn.pipe_names[cn.segments.pipe[k]]
    return Margin(
        MAX_VELOCITY,
        "pipe",
        name,
        float(v[k]),
        pb.max_velocity,
        float(pb.max_velocity - v[k]),
        "m/s",
    )


def _supply_margins(pb: Problem, cn: CompiledNetwork, inflows: np.ndarray) -> list[Margin]:
    out = []
    sup = cn.supplies
    for k in np.flatnonzero(np.isfinite(sup.pressure) & np.isfinite(sup.flow_max)).tolist():
        flow_max = float(sup.flow_max[k])
        inflow = float(inflows[int(sup.node[k])])
        out.append(
            Margin(
                SUPPLY_FLOW,
                "supply",
                cn.labels.supplies[k],
                inflow,
                flow_max,
                flow_max - inflow,
                "kg/s",
                pb.supply_limit,
            )
        )
    return out


def _station_margins(
    cn: CompiledNetwork, p: np.ndarray, power: np.ndarray, active: np.ndarray
) -> list[Margin]:
    c = cn.compressors
    out: list[Margin] = []
    for k, name in enumerate(cn.labels.compressors):
        if not active[k]:
            continue
        ps, pd = float(p[c.from_node[k]]), float(p[c.to_node[k]])
        if np.isfinite(c.max_ratio[k]):
            r = pd / ps
            out.append(
                Margin(
                    STATION_RATIO,
                    "compressor",
                    name,
                    r,
                    float(c.max_ratio[k]),
                    float(c.max_ratio[k] - r),
                    "-",
                    False,
                )
            )
        if np.isfinite(c.max_power[k]):
            w = float(power[k])
            out.append(
                Margin(
                    STATION_POWER,
                    "compressor",
                    name,
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
                    "compressor",
                    name,
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
                    "compressor",
                    name,
                    pd,
                    float(c.max_outlet[k]),
                    float(c.max_outlet[k]) - pd,
                    "Pa",
                    False,
                )
            )
    return out
