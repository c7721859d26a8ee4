"""Station layouts on a line, evaluated fast: stations held at their most restrictive limit.

A station in outlet-pressure mode holds its set-point unless a limit stops it; it then
discharges at the highest pressure its limits allow. Its discharge is the smallest of

* the set-point,
* ``max_ratio × suction``,
* the maximum outlet pressure,
* the discharge at which its shaft power reaches ``max_power`` (the head of
  :func:`linepack.steady.kernels.compression_power` solved for the discharge),

and it is bypassed when that is not above its suction. On a tree with one pressure reference
(a line with offtakes) a station's suction depends only on what lies upstream of it and on the
flows, so :func:`hold_limits` finds this state with the tree march
(:func:`linepack.steady.march.march`, a few ms): march with these discharges as the outlet
set-points, recompute them from the suctions, until they stop moving (each round settles at
least one more station of a chain of stations lowering each other's suction).

:class:`LayoutTrials` prepares a line without stations for one throughput and evaluates
layouts (chainages) this way: stations inserted
(:func:`~linepack.studies.stations.insert_stations`), compiled with the bare line's EOS table
(:func:`~linepack.studies.limits.variant`), marched, every limit's margin taken
(:func:`~linepack.studies.limits.state_margins`). A line the march cannot solve (loops,
valves, regulators, several pressure references) is solved by
:func:`linepack.steady.solve.solve` instead. :meth:`LayoutTrials.confirm` solves a marched layout
again with the steady solver, each station holding the discharge it holds here, as a check.

The steady solver switches a station to a limit it passes but does not switch it back when the
limit later allows more than the set-point, so its answer can have a station in its ratio mode
discharging above its set-point; the state here does not depend on that path.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from linepack.errors import CaseError, ConvergenceError, InfeasibleError
from linepack.network.compile import MODE_CODES, CompiledNetwork
from linepack.network.design import DesignBasis
from linepack.network.model import CompressorMode, Network
from linepack.steady.march import (
    INFEASIBLE,
    NOT_CONVERGED,
    MarchResult,
    can_march,
    compressibility,
    march,
    segment_speeds,
)
from linepack.steady.solve import SteadySolution, solve
from linepack.studies.limits import (
    OPTIONS,
    STATION_SUCTION,
    Margin,
    Problem,
    prepare,
    state_margins,
    variant,
)
from linepack.studies.stations import insert_stations

FloatArray = NDArray[np.float64]

#: What a station holds, in the order a tie is resolved.
SET_POINT, MAX_RATIO, MAX_OUTLET, MAX_POWER, BYPASS = (
    "set-point",
    "max_ratio",
    "max_outlet_pressure",
    "max_power",
    "bypass",
)
_CANDIDATES = (SET_POINT, MAX_RATIO, MAX_OUTLET, MAX_POWER)
#: Discharges have settled when none moves by more than this times the reference pressure [-].
SETTLED = 1e-10
#: A confirming solve agrees when power and delivery pressure match to this [-] (both solve
#: the same equations to the steady solver's tolerance, 1e-10 scaled).
AGREE = 1e-6
#: A chainage is cached to this [m].
CACHE_RESOLUTION = 1e-3

M_OUT = MODE_CODES[CompressorMode.OUTLET_PRESSURE]


@dataclass(frozen=True)
class Held:
    """Stations held at their limits on a marched tree.

    Attributes
    ----------
    result : MarchResult
        The march at ``discharge`` (one scenario).
    discharge : ndarray
        Outlet pressure each station holds [Pa abs].
    held : tuple of str
        What each holds: ``"set-point"``, ``"max_ratio"``, ``"max_outlet_pressure"``,
        ``"max_power"`` or ``"bypass"``.
    rounds : int
        Marches used.
    error : str
        Why there is no state ("" if there is): pressure runs out, or no convergence.
    """

    result: MarchResult
    discharge: FloatArray
    held: tuple[str, ...]
    rounds: int
    error: str = ""


def hold_limits(cn: CompiledNetwork, *, max_rounds: int | None = None) -> Held:
    """March ``cn`` with every station at the most restrictive of its set-point and limits.

    Parameters
    ----------
    cn : CompiledNetwork
        A tree the march solves (:func:`linepack.steady.march.can_march`), every compressor in
        outlet-pressure mode.
    max_rounds : int, optional
        Most marches (default: twice the number of stations plus 10).

    Returns
    -------
    Held

    Raises
    ------
    CaseError
        A compressor not in outlet-pressure mode (``element`` names it, ``value`` its mode).
    MarchError
        A network the march cannot solve.
    """
    c = cn.compressors
    nc = c.setpoint.size
    if np.any(c.mode != M_OUT):
        k = int(np.flatnonzero(c.mode != M_OUT)[0])
        mode = {code: m.value for m, code in MODE_CODES.items()}.get(int(c.mode[k]), c.mode[k])
        raise CaseError(
            "hold_limits needs every compressor in outlet-pressure mode",
            element=f"compressor '{cn.edge_names[cn.edge_offsets()['compressor'] + k]}'",
            key="mode",
            value=mode,
            expected=f"'{CompressorMode.OUTLET_PRESSURE.value}'",
        )
    p_ref = cn.p_set[np.isfinite(cn.p_set)]
    o = cn.edge_offsets()["compressor"]
    t = cn.gas_temperature
    kappa = cn.gas.kappa
    ex = np.where(c.polytropic, (kappa - 1.0) / (kappa * c.efficiency), (kappa - 1.0) / kappa)
    head = cn.gas.gas_constant * t / (c.efficiency * ex)  # head = head * z * (r**ex - 1)
    setpoint = np.asarray(c.setpoint, dtype=float)
    discharge = setpoint.copy()
    labels = (SET_POINT,) * nc
    top = max_rounds if max_rounds is not None else 2 * nc + 10
    for rounds in range(1, top + 1):
        r = march(cn, p_ref, outlet_setpoint=discharge, enforce_limits=False)
        if r.status[0] in (INFEASIBLE, NOT_CONVERGED):
            return Held(r, discharge, labels, rounds, r.reason[0])
        if not nc:
            return Held(r, discharge, labels, rounds)
        p = r.pressure[0]
        ps = p[c.from_node]
        q = r.flow[0, o : o + nc]
        z = compressibility(cn, ps, t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            at_power = np.where(
                q > 0.0, ps * (1.0 + c.max_power / (q * head * z)) ** (1.0 / ex), np.inf
            )
        cands = np.vstack([setpoint, c.max_ratio * ps, c.max_outlet, at_power])
        which = np.argmin(cands, axis=0)
        new = cands[which, np.arange(nc)]
        bypass = new <= ps
        new = np.where(bypass, ps, new)
        labels = tuple(
            BYPASS if b else _CANDIDATES[int(w)] for b, w in zip(bypass, which, strict=True)
        )
        if np.all(np.abs(new - discharge) <= SETTLED * p_ref[0]):
            return Held(r, discharge, labels, rounds)
        discharge = new
    return Held(
        r,
        discharge,
        labels,
        top,
        str(ConvergenceError(f"station discharges did not settle in {top} marches")),
    )


@dataclass(frozen=True)
class LayoutState:
    """A station layout at the target throughput.

    Attributes
    ----------
    chainages : tuple of float
        Station sites [m], upstream first.
    problem : Problem or None
        The line with the stations and its limits (None when the sites are unusable).
    pressure : ndarray
        Node pressures of ``problem.compiled`` [Pa abs] (empty without a state).
    power, fuel : ndarray
        Per station: shaft power [W], fuel [kg/s].
    discharge : ndarray
        Per station: outlet pressure [Pa abs].
    held : tuple of str
        Per station: what it holds (see :class:`Held`).
    margins : tuple of Margin
        Every limit's margin (station minimum suction deciding too: a station on a line
        cannot hold its suction).
    violation : float
        Sum of the relative amounts by which deciding limits are passed [-] (0: feasible).
    error : str
        Why there is no state ("" if there is).
    method : str
        ``"march"`` or ``"steady solver"``.
    solution : SteadySolution or None
        The steady solver's solution when it was used.
    """

    chainages: tuple[float, ...]
    problem: Problem | None
    pressure: FloatArray
    power: FloatArray
    fuel: FloatArray
    discharge: FloatArray
    held: tuple[str, ...]
    margins: tuple[Margin, ...]
    violation: float
    error: str = ""
    method: str = "march"
    solution: SteadySolution | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether there is a steady state."""
        return not self.error and self.problem is not None

    @property
    def total_power(self) -> float:
        """[W]."""
        return float(np.sum(self.power)) if self.ok else math.nan

    @property
    def delivery_pressure(self) -> float:
        """[Pa abs] (NaN without a state)."""
        if not self.ok or self.problem is None:
            return math.nan
        return float(self.pressure[self.problem.delivery])


def _violation(ms: Sequence[Margin]) -> tuple[tuple[Margin, ...], float]:
    """Margins with station minimum suction made deciding, and the summed violation."""
    out = tuple(
        dataclasses.replace(m, decides=True) if m.constraint == STATION_SUCTION else m for m in ms
    )
    return out, float(sum(max(0.0, -m.relative) for m in out if m.decides))


def _none(chainages: tuple[float, ...], pb: Problem | None, error: str) -> LayoutState:
    empty = np.zeros(0)
    return LayoutState(chainages, pb, empty, empty, empty, empty, (), (), math.inf, error)


class LayoutTrials:
    """A line without stations, prepared for station layout trials at one throughput.

    Parameters
    ----------
    bare : Network
        The line without stations (its route, one pressure-set supply, a delivery node).
    target : float
        Delivered throughput [kg/s].
    design : DesignBasis
        Inlet pressure, limits, station spec, minimum spacing.
    like : CompiledNetwork
        Compiled ``bare`` (its EOS table is reused).
    """

    def __init__(
        self, bare: Network, target: float, design: DesignBasis, like: CompiledNetwork
    ) -> None:
        self.bare = bare
        self.target = target
        self.design = design
        self.like = like
        self.base = prepare(bare, design=design, like=like, supply_limit=False)
        self.marches = can_march(self.base.at(target)) is None
        #: Layouts evaluated (cache hits not counted).
        self.evaluations = 0
        self._cache: dict[tuple[int, ...], LayoutState] = {}

    def state(self, chainages: Sequence[float] | NDArray[np.float64]) -> LayoutState:
        """The steady state with stations at ``chainages`` [m] (any order).

        Sites outside the route or closer than the minimum spacing give a state without a
        solution (``error`` says why); so does a layout where pressure runs out.
        """
        ch = tuple(sorted(float(c) for c in chainages))
        key = tuple(round(c / CACHE_RESOLUTION) for c in ch)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        self.evaluations += 1
        out = self._evaluate(ch)
        self._cache[key] = out
        return out

    def _evaluate(self, ch: tuple[float, ...]) -> LayoutState:
        d = self.design
        try:
            net = insert_stations(
                self.base.network, ch, d.station, min_spacing=d.min_station_spacing
            )
        except CaseError as exc:
            return _none(ch, None, exc.message)
        pb = variant(self.base, net, self.like)
        if self.marches:
            return self._marched(ch, pb)
        return self._solved(ch, pb)

    def _marched(self, ch: tuple[float, ...], pb: Problem) -> LayoutState:
        cn = pb.at(self.target)
        h = hold_limits(cn)
        if h.error:
            return _none(ch, pb, h.error)
        r = h.result
        p = r.pressure[0]
        inflow = np.zeros(cn.n_nodes)
        inflow[np.flatnonzero(np.isfinite(cn.p_set))] = r.supply[0]
        active = np.asarray([x != BYPASS for x in h.held], dtype=bool)
        speeds = segment_speeds(cn, r.pressure, r.flow)[0]
        ms, bad = _violation(state_margins(pb, cn, p, speeds, inflow, r.power[0], active))
        return LayoutState(ch, pb, p, r.power[0], r.fuel[0], h.discharge, h.held, ms, bad)

    def _solved(self, ch: tuple[float, ...], pb: Problem) -> LayoutState:
        t = pb.trial(self.target)
        sol = t.solution
        if sol is None:
            return _none(ch, pb, t.error or "no steady solution")
        c = sol.compiled.compressors
        held = tuple(x or SET_POINT for x in sol.modes.labels())
        ms, bad = _violation(t.margins)
        return LayoutState(
            ch,
            pb,
            sol.pressure,
            sol.power,
            sol.fuel,
            sol.pressure[c.to_node],
            held,
            ms,
            bad,
            method="steady solver",
            solution=sol,
        )

    def confirm(self, state: LayoutState) -> SteadySolution | None:
        """Solve a layout's state again with the steady solver, as a check.

        Each station holds, in outlet-pressure mode, the discharge it holds in ``state`` (its
        set-point, or the pressure at which its limit binds); a bypassed station is bypassed.
        The solver then has the state's equations and, within its tolerance, no limit to
        switch. (Started with a station in power mode, the solver stopped on a singular
        Jacobian on the PSGP line; the outlet-pressure form has the same solution.)

        Returns
        -------
        SteadySolution or None
            The solution when it has the state's total power and delivery pressure (to
            :data:`AGREE`); None when it fails or differs. ``state.solution`` when the state
            came from the solver.
        """
        if state.solution is not None or not state.ok or state.problem is None:
            return state.solution
        pb = state.problem
        net = dataclasses.replace(
            pb.network, compressors=[dataclasses.replace(c) for c in pb.network.compressors]
        )
        for comp, what, pd in zip(net.compressors, state.held, state.discharge, strict=True):
            if what == BYPASS:
                comp.mode = CompressorMode.BYPASS
            else:
                comp.mode, comp.setpoint = CompressorMode.OUTLET_PRESSURE, float(pd)
        check = variant(pb, net, self.like)
        try:
            sol = solve(check.at(self.target), OPTIONS)
        except (InfeasibleError, ConvergenceError):
            return None
        close = math.isclose(
            float(sol.power.sum()), state.total_power, rel_tol=AGREE, abs_tol=1.0
        ) and math.isclose(
            float(sol.pressure[check.delivery]), state.delivery_pressure, rel_tol=AGREE
        )
        return sol if close else None
