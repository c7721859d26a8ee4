"""Implicit time stepping: backward Euler and variable-step BDF2, Newton per step.

Each step solves the time-discrete system of :mod:`linepack.transient.system` by the steady
solver's damped-Newton driver (:func:`linepack.steady.newton.damped_newton`: step rule, Armijo
line search, report), each point evaluated once for its residual and, only
if a Newton step is taken from it, its Jacobian. The segment flows are eliminated by a Schur
complement, and one :class:`~linepack.transient.linear.ReducedSolver` serves the whole run (its
ordering, and the choice of band or sparse LU, made once). Newton starts from the previous
state extrapolated linearly in time.

Schemes, for dy/dt = f(y) with steps h_{n+1} = t_{n+1} − t_n and ω = h_{n+1}/h_n:

* backward Euler: (y^{n+1} − y^n)/h_{n+1} = f(y^{n+1});
* BDF2: (a₀ y^{n+1} + a₁ y^n + a₂ y^{n−1})/h_{n+1} = f(y^{n+1}) with a₀ = (1+2ω)/(1+ω),
  a₁ = −(1+ω), a₂ = ω²/(1+ω) (3/2, −2, 1/2 at constant step); the first step (and the first
  after a restart without history) is backward Euler. Both are A-stable: any step is stable.

Mass conservation is exact by construction: the node balances are conservative (each edge flow
leaves one node and enters another), so summing them gives, with M the total stored mass and B
the net inflow from outside (supplies minus demands minus fuel) at t_{n+1},

* backward Euler: M^{n+1} − M^n = h_{n+1} B^{n+1};
* BDF2: a₀ M^{n+1} + a₁ M^n + a₂ M^{n−1} = h_{n+1} B^{n+1}

up to the Newton residual of the node rows: each step ends with one Newton step beyond the
tolerance (1e-11), which puts them at round-off (about 1e-14 of the throughput measured). That
step reuses the LU factors of the last iteration (a chord step, see :meth:`Integrator._newton`).
Each step reports the defect relative to the throughput.

Control modes: after each converged step the steady solver's limit checks
(:func:`linepack.steady.solve.update_modes`) run, and the step is solved again if a station or
regulator switched. A station holding a limit returns to its own set-point when the schedule
moves that set-point, or (for outlet-pressure stations, checked after each converged step)
when the limit no longer binds: its discharge pressure rises above the set-point, or,
bypassed, its suction falls below it; never in the step that switched it to the limit. The
structural fixes of the steady solver run after each switch, except giving a floating zone a
pressure level: in a transient the gas stored in a zone's pipes sets its pressure.

A step whose Newton fails (also after a restart from the unextrapolated state) is split in
two, up to ``max_halvings`` times; a failure with a free pressure collapsing is reported as an
:class:`~linepack.errors.InfeasibleError` naming the node.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from linepack.errors import (
    CaseError,
    ConvergenceError,
    InfeasibleError,
    LinearSolveError,
    OptionsError,
    SolverError,
)
from linepack.network.compile import CompiledNetwork
from linepack.network.model import Control
from linepack.steady import system as sy
from linepack.steady.changes import LIMIT_HOLDS, OWN, ChangeKind, Held, Hold, ModeChange
from linepack.steady.newton import NewtonOptions, NewtonReport, damped_newton
from linepack.steady.solve import RELEASED, update_modes
from linepack.steady.thermal import EnergySystem, _Streams, anderson
from linepack.steady.zones import mark_idle_loops, release_shorted, resolve_conflicts
from linepack.transient.boundary import Boundary, BoundaryMap
from linepack.transient.energy import (
    MAX_ROUNDS,
    ROUND_OFF_T,
    T_TOL,
    EnergyHistory,
    EnergyStep,
    node_ambient,
    running_of,
)
from linepack.transient.linear import ReducedSolver
from linepack.transient.state import TransientState
from linepack.transient.system import Evaluation, StepTerms, TransientSystem

FloatArray = NDArray[np.float64]
SCHEMES = ("be", "bdf2")


@dataclass(frozen=True)
class TransientOptions:
    """Options of the time integration.

    Attributes
    ----------
    scheme : str
        ``"bdf2"`` (default) or ``"be"`` (backward Euler).
    inertia : bool
        Keep the inertia term of the momentum equation (False: quasi-steady flow).
    newton : NewtonOptions
        Newton per step; the tolerance applies to the scaled residual as in the steady solve.
    max_mode_rounds : int
        Most re-solves of one step after control-mode switches.
    max_halvings : int
        A step whose Newton fails is split in two, at most this many times over.
    node_volume : dict of str to float
        Extra storage volume [m³] at named nodes (vessels, station piping), at the case's gas
        temperature.
    polish : bool
        After convergence take one more Newton step (kept if it does not raise the residual),
        so that mass is conserved to round-off rather than to the tolerance.
    control : Control, optional
        How stations and regulators are run (see :class:`~linepack.network.model.Control`);
        None: the case's mode (``CompiledNetwork.control``).

    Examples
    --------
    Backward Euler with quasi-steady momentum, one hour in 10-minute steps:

    >>> import linepack as lp
    >>> opts = lp.TransientOptions(scheme="be", inertia=False)
    >>> run = lp.simulate(lp.load("psgp-56in-phase1"), hours=1, dt=600, options=opts)
    >>> len(run.time), run.failure is None
    (7, True)
    """

    scheme: str = "bdf2"
    inertia: bool = True
    newton: NewtonOptions = field(default_factory=lambda: NewtonOptions(tol=1e-11, max_iter=30))
    max_mode_rounds: int = 10
    max_halvings: int = 4
    node_volume: dict[str, float] = field(default_factory=dict)
    polish: bool = True
    control: Control | None = None


@dataclass
class StepReport:
    """One time step.

    Attributes
    ----------
    t, h : float
        End time and length of the step [s].
    iterations : int
        Newton iterations (all mode rounds).
    residual : float
        Largest scaled residual at the end.
    mass_defect : float
        |Σ storage rate − net boundary inflow| relative to the throughput (see module doc).
    changes : list of ModeChange
        Control-mode switches in this step, typed (element, kind, text); ``str(change)`` is
        the line printed.
    energy_defect : float
        |Σ stored-energy rate − net energy inflow| relative to the throughput's enthalpy
        (``thermal = "energy"``, see :mod:`linepack.transient.energy`; 0 otherwise).
    thermal_rounds : int
        Rounds of hydraulics and energy balance in the step (0 when isothermal).
    """

    t: float
    h: float
    iterations: int
    residual: float
    mass_defect: float
    changes: list[ModeChange]
    energy_defect: float = 0.0
    thermal_rounds: int = 0


def coefficients(scheme: str, h: float, h_prev: float | None) -> tuple[float, float, float]:
    """(a₀, a₁, a₂) of the time derivative; backward Euler when there is no history."""
    if scheme == "be" or h_prev is None:
        return 1.0, -1.0, 0.0
    w = h / h_prev
    return (1.0 + 2.0 * w) / (1.0 + w), -(1.0 + w), w * w / (1.0 + w)


class Integrator:
    """Advances a transient state through time.

    Parameters
    ----------
    cn : CompiledNetwork
        The network.
    boundary : BoundaryMap
        Boundary values over time.
    state : TransientState
        The start.
    options : TransientOptions
    """

    def __init__(
        self,
        cn: CompiledNetwork,
        boundary: BoundaryMap,
        state: TransientState,
        options: TransientOptions,
    ) -> None:
        if options.scheme not in SCHEMES:
            raise OptionsError(
                "unknown time-integration scheme",
                element="TransientOptions",
                key="scheme",
                value=options.scheme,
                expected=f"one of {SCHEMES}",
            )
        state.check(cn)
        self.cn, self.boundary, self.options = cn, boundary, options
        volume = np.zeros(cn.n_nodes)
        for name, v in options.node_volume.items():
            if name not in cn.node_names or not v >= 0:
                raise CaseError(
                    "extra node volume must name a node and be >= 0",
                    element=f"node '{name}'",
                    key="node_volume",
                    value=v,
                )
            volume[cn.node_names.index(name)] += v
        self.system = TransientSystem(cn, inertia=options.inertia, node_volume=volume)
        self.linear = ReducedSolver(self.system.steady.reduced.pattern)
        self._factored: Evaluation | None = None  # the point of the kept factorisation
        self.t = state.t
        self.x = np.concatenate([state.pressure, state.flow])
        self.modes = copy.deepcopy(state.modes)
        self.last = boundary.at(self.t)
        self._thermal_start(state)
        self.mass = self.system.node_mass(state.pressure)[0]
        self.prev: tuple[float, FloatArray, FloatArray] | None = None
        if state.previous is not None:
            tp, pp, qp = state.previous
            self.prev = (tp, np.concatenate([pp, qp]), self._previous_mass(state))
        #: External inflow per node after the last step [kg/s] (at the start: at rest in time).
        self.inflow = (
            state.inflow
            if state.inflow is not None
            else self.system.external_inflow(
                self.x,
                self.modes,
                StepTerms(
                    1.0,
                    1.0,
                    -self.mass,
                    np.zeros(self.system.ns),
                    self.last.injection,
                    self.last.valve_open,
                    ~np.isfinite(self.modes.p_set),
                ),
            )
        )
        #: Shaft power [W] and fuel [kg/s] per compressor in the current state.
        self.power, self.fuel = self.system.power_fuel(self.x, self.modes)

    def _thermal_start(self, state: TransientState) -> None:
        """With ``thermal = "energy"``: the start's temperatures, stored energy and the
        hydraulics at them (the state's temperatures, else each node's surroundings)."""
        cn = self.cn
        self.energy: EnergyStep | None = None
        self.base: TransientSystem | None = None
        #: Node temperatures [K], stored energy [J] and the energy streams of the state.
        self.temperature = np.full(cn.n_nodes, cn.gas_temperature)
        self.stored_energy = np.zeros(cn.n_nodes)
        self.streams: _Streams | None = None
        #: Temperatures and stored energy one step earlier (BDF2 history).
        self.prev_thermal: tuple[FloatArray, FloatArray] | None = None
        if cn.thermal is None:
            return
        nn = cn.n_nodes
        self.energy = EnergyStep(cn, np.asarray(self.system.volume, dtype=np.float64))
        self.base = self.system
        t = cn.thermal.node_ambient.copy() if state.temperature is None else state.temperature
        cn_at = self._at(self.last)
        self._retemper(cn_at, t, self.x, None, self.modes)
        fuel = self.system.power_fuel(self.x, self.modes)[1]
        p, q = self.x[:nn], self.x[nn:]
        es = EnergySystem(cn_at, p, q, fuel, running_of(self.modes), "volume")
        self.streams = es.streams(t)
        self._retemper(cn_at, t, self.x, self.streams, self.modes)
        self.temperature = t.copy()
        self.stored_energy = self.energy.stored(self.system.node_mass(p)[0], p, t)
        if state.previous is not None and state.previous_temperature is not None:
            tp, pp = state.previous_temperature, state.previous[1]
            prev = self.base.retempered(self.system.cn, tp).node_mass(pp)[0]
            self.prev_thermal = (tp, self.energy.stored(prev, pp, tp))

    def _previous_mass(self, state: TransientState) -> FloatArray:
        """Node masses of the state's previous time level [kg] (at its temperatures)."""
        assert state.previous is not None
        pp = state.previous[1]
        if self.energy is None:
            return self.system.node_mass(pp)[0]
        assert self.base is not None
        tp = self.temperature if state.previous_temperature is None else state.previous_temperature
        return self.base.retempered(self.system.cn, tp).node_mass(pp)[0]

    # -- public -------------------------------------------------------------------------------
    @property
    def state(self) -> TransientState:
        """The current state (with the BDF2 history)."""
        nn = self.cn.n_nodes
        prev = None
        if self.prev is not None:
            prev = (self.prev[0], self.prev[1][:nn].copy(), self.prev[1][nn:].copy())
        x = self.x
        thermal = self.energy is not None
        return TransientState(
            self.t,
            x[:nn].copy(),
            x[nn:].copy(),
            copy.deepcopy(self.modes),
            prev,
            self.inflow.copy(),
            self.temperature.copy() if thermal else None,
            self.prev_thermal[0].copy() if thermal and self.prev_thermal is not None else None,
        )

    def advance(
        self, t_new: float, done: list[StepReport] | None = None, depth: int = 0
    ) -> list[StepReport]:
        """Step from the current time to ``t_new``; split the step if Newton fails.

        The reports of the steps taken are appended to ``done`` (also when a later part of
        a split step fails and the error propagates) and returned.
        """
        done = [] if done is None else done
        try:
            done.append(self._step(t_new))
            return done
        except SolverError:
            if depth >= self.options.max_halvings:
                raise
        self.advance(0.5 * (self.t + t_new), done, depth + 1)
        return self.advance(t_new, done, depth + 1)

    # -- one step -----------------------------------------------------------------------------
    def _terms(self, t_new: float, bnd: Boundary) -> StepTerms:
        h = t_new - self.t
        h_prev = None if self.prev is None else self.t - self.prev[0]
        a0, a1, a2 = coefficients(self.options.scheme, h, h_prev)
        ns, nn = self.system.ns, self.cn.n_nodes
        q = self.x[nn : nn + ns]
        mh, qh = a1 * self.mass, a1 * q
        if a2 != 0.0 and self.prev is not None:
            mh = mh + a2 * self.prev[2]
            qh = qh + a2 * self.prev[1][nn : nn + ns]
        free = ~np.isfinite(bnd.p_set)
        return StepTerms(h, a0, mh, qh, bnd.injection, bnd.valve_open, free)

    def _predict(self, t_new: float, bnd: Boundary) -> FloatArray:
        nn = self.cn.n_nodes
        x = self.x.copy()
        if self.prev is not None:
            w = (t_new - self.t) / (self.t - self.prev[0])
            x += w * (self.x - self.prev[1])
            p = self.x[:nn]
            x[:nn] = np.minimum(np.maximum(x[:nn], 0.5 * p), 2.0 * p)
        set_ = np.isfinite(bnd.p_set)
        x[:nn][set_] = bnd.p_set[set_]
        return x

    def _modes_for(self, bnd: Boundary) -> tuple[sy.Modes, list[ModeChange]]:
        """Modes for the next step: the scheduled set-points, limits kept while they bind."""
        c = self.modes
        m = sy.Modes(
            c.compressor.copy(),
            c.value.copy(),
            list(c.limit),
            c.regulator.copy(),
            bnd.reg_value.copy(),
            bnd.p_set.copy(),
            c.idle.copy(),
        )
        names = self.cn.edge_names
        o, ov = self.system.steady.off["compressor"], self.system.steady.off["valve"]
        notes = [
            _change(
                f"valve '{names[ov + k]}'",
                ChangeKind.SCHEDULE,
                f"{'opens' if bnd.valve_open[k] else 'closes'} (schedule)",
            )
            for k in np.flatnonzero(bnd.valve_open != self.last.valve_open)
        ]
        for k in range(len(m.compressor)):
            moved = (bnd.comp_on[k], bnd.comp_value[k]) != (
                self.last.comp_on[k],
                self.last.comp_value[k],
            )
            if not bnd.comp_on[k]:
                if m.compressor[k] != sy.M_OFF:
                    notes.append(
                        _change(
                            f"compressor '{names[o + k]}'", ChangeKind.SCHEDULE, "off (schedule)"
                        )
                    )
                m.compressor[k], m.value[k], m.limit[k] = sy.M_OFF, 0.0, SCHEDULED_OFF
                continue
            if m.limit[k].hold is Hold.SCHEDULE_OFF:
                notes.append(
                    _change(f"compressor '{names[o + k]}'", ChangeKind.SCHEDULE, "on (schedule)")
                )
            own = m.limit[k].hold in (Hold.SET_POINT, Hold.SCHEDULE_OFF)
            if own or moved:
                if not own:
                    notes.append(
                        _change(
                            f"compressor '{names[o + k]}'",
                            ChangeKind.RELEASED,
                            RELEASED,
                        )
                    )
                m.compressor[k], m.value[k], m.limit[k] = bnd.comp_mode[k], bnd.comp_value[k], OWN
        return m, notes

    def _step(self, t_new: float) -> StepReport:
        if not t_new > self.t:
            raise OptionsError(
                "a step must end after the current time",
                element="Integrator",
                key="t_new",
                value=t_new,
                expected=f"a time [s] after {self.t}",
            )
        cn, system, opts = self.cn, self.system, self.options
        bnd = self.boundary.at(t_new)
        terms = self._terms(t_new, bnd)
        modes, changes = self._modes_for(bnd)
        automatic = (opts.control or cn.control) is Control.BOUNDS
        if not (
            np.array_equal(modes.compressor, self.modes.compressor)
            and np.array_equal(modes.regulator, self.modes.regulator)
        ):
            changes += _structure(cn, modes, automatic)
        x = self._predict(t_new, bnd)
        limited: set[int] = set()  # stations switched to a limit in this step
        if self.energy is None:
            ev, report, iterations = self._hydraulics(x, modes, terms, bnd, changes, limited)
            x = ev.x
            rounds, e_defect = 0, 0.0
        else:
            ev, report, iterations, rounds, e_defect = self._coupled(
                x, modes, terms, bnd, changes, limited
            )
            x = ev.x
            system = self.system
        residual = report.residual_norms[-1]
        inflow = system.inflow(ev, terms)
        defect = self._mass_defect(ev, terms, inflow)
        self.prev = (self.t, self.x, self.mass)
        self.t, self.x, self.modes, self.last = t_new, x, modes, bnd
        self.mass, self.inflow = ev.mass, inflow
        self.power, self.fuel = ev.power, ev.fuel
        return StepReport(t_new, terms.h, iterations, residual, defect, changes, e_defect, rounds)

    def _hydraulics(
        self,
        x: FloatArray,
        modes: sy.Modes,
        terms: StepTerms,
        bnd: Boundary,
        changes: list[ModeChange],
        limited: set[int],
    ) -> tuple[Evaluation, NewtonReport, int]:
        """The hydraulic Newton of a step from ``x``, re-solved after control-mode switches
        (appended to ``changes``; stations switched to a limit are added to ``limited``)."""
        cn, system, opts = self.cn, self.system, self.options
        automatic = (opts.control or cn.control) is Control.BOUNDS
        iterations = 0
        controlled = system.nc > 0 or len(cn.reg_setpoint) > 0
        for _ in range(opts.max_mode_rounds):
            ev, report = self._newton(x, modes, terms)
            x = ev.x
            iterations += report.iterations
            if not controlled:
                break
            before = modes.compressor.copy()
            switched = update_modes(cn, system.steady, x, modes, opts.control)
            limited.update(np.flatnonzero(modes.compressor != before).tolist())
            switched += self._release(modes, bnd, x, limited)
            if not switched:
                break
            changes += switched
            changes += _structure(cn, modes, automatic)
        else:
            raise ConvergenceError(
                f"at t = {terms.h + self.t:g} s the control modes did not settle "
                f"(last: {'; '.join(str(c) for c in changes[-3:])})"
            )
        return ev, report, iterations

    def _coupled(
        self,
        x: FloatArray,
        modes: sy.Modes,
        terms: StepTerms,
        bnd: Boundary,
        changes: list[ModeChange],
        limited: set[int],
    ) -> tuple[Evaluation, NewtonReport, int, int, float]:
        """One step with the energy equation: block Gauss–Seidel between the hydraulics at
        the current temperatures and the energy balance at the new pressures and flows
        (:mod:`linepack.transient.energy`), to :data:`~linepack.transient.energy.T_TOL`.

        Returns the hydraulic evaluation and report of the last round, the Newton iterations
        and the rounds taken, and the energy defect of the step.
        """
        energy, nn = self.energy, self.cn.n_nodes
        assert energy is not None
        cn_at = self._at(bnd)
        t = self.temperature.copy()
        h_prev = None if self.prev is None else self.t - self.prev[0]
        a0, a1, a2 = coefficients(self.options.scheme, terms.h, h_prev)
        e_hist = a1 * self.stored_energy
        if a2 != 0.0 and self.prev_thermal is not None:
            e_hist = e_hist + a2 * self.prev_thermal[1]
        if self.prev_thermal is not None:
            w = terms.h / (self.t - self.prev[0]) if self.prev is not None else 0.0
            t = t + w * (t - self.prev_thermal[0])
        hist = EnergyHistory(a0, terms.h, terms.mass_history, e_hist)
        streams = self.streams
        history: list[tuple[FloatArray, FloatArray]] = []
        iterations = rounds = 0
        last = np.inf
        for _ in range(MAX_ROUNDS):
            rounds += 1
            self._retemper(cn_at, t, x, streams, modes)
            ev, report, its = self._hydraulics(x, modes, terms, bnd, changes, limited)
            x = ev.x
            iterations += its
            args = (cn_at, x[:nn], x[nn:], ev.fuel, running_of(modes), ev.mass, hist)
            # at the hydraulics' masses: the stored energy is E = M u exactly
            sol = energy.solve(*args, t)
            change = float(np.max(np.abs(sol.temperature - t), initial=0.0))
            # converged; or stalled at round-off (changes below ROUND_OFF_T no longer shrink)
            if change < T_TOL or (change < ROUND_OFF_T and change > 0.5 * last):
                t, streams = sol.temperature, sol.streams
                break
            last = change
            # the rounds contract by a steady factor (pressure work ties T and p): Anderson
            # acceleration, as the steady coupled solve's, takes them to the fixed point fast
            t, streams = anderson(history, t, sol.temperature), sol.streams
        else:
            raise ConvergenceError(
                f"at t = {self.t + terms.h:g} s the hydraulics and the energy balance did not "
                f"settle in {MAX_ROUNDS} rounds (last temperature change {change:.3g} K)"
            )
        self.prev_thermal = (self.temperature, self.stored_energy)
        self.temperature, self.stored_energy, self.streams = t, sol.energy, streams
        return ev, report, iterations, rounds, energy.defect(sol, hist)

    def _at(self, bnd: Boundary) -> CompiledNetwork:
        """The network with a step's boundary values, as the energy balance reads them."""
        cn = self.cn
        th = cn.thermal
        assert th is not None
        sup, dem = cn.supplies, cn.demands
        if bnd.supply_flow is not None:
            sup = replace(sup, flow=bnd.supply_flow)
        if bnd.demand_flow is not None:
            dem = replace(dem, flow=bnd.demand_flow)
        th2 = th
        if bnd.supply_temperature is not None and bnd.soil_temperature is not None:
            th2 = replace(
                th,
                supply_temperature=bnd.supply_temperature,
                seg_soil=bnd.soil_temperature,
                node_ambient=node_ambient(th, cn, bnd.soil_temperature),
            )
        return replace(
            cn,
            p_set=bnd.p_set,
            injection=bnd.injection,
            supplies=sup,
            demands=dem,
            thermal=th2,
        )

    def _retemper(
        self,
        cn_at: CompiledNetwork,
        t: FloatArray,
        x: FloatArray,
        streams: _Streams | None,
        modes: sy.Modes,
    ) -> None:
        """Put the hydraulics at node temperatures ``t`` (storage, segments, stations)."""
        assert self.energy is not None
        assert self.base is not None
        nn = self.cn.n_nodes
        cn_t = self.energy.retempered(cn_at, t, x[:nn], x[nn:], streams)
        self.system = self.base.retempered(cn_t, t)
        self._factored = None
        cap = None if cn_t.thermal is None else cn_t.thermal.ratio_cap
        if cap is not None:
            for k, held in enumerate(modes.limit):
                if held.hold is Hold.MAX_DISCHARGE_TEMPERATURE:
                    modes.value[k] = cap[k]

    def _release(
        self, modes: sy.Modes, bnd: Boundary, x: FloatArray, keep: set[int]
    ) -> list[ModeChange]:
        """Return stations held at a limit that no longer binds to their own set-point
        (not those switched to a limit in this step: no switching back and forth)."""
        c, names = self.cn.compressors, self.cn.edge_names
        o = self.system.steady.off["compressor"]
        out = []
        for k in range(len(modes.compressor)):
            if k in keep or not _released(modes, k, bnd, x[c.from_node[k]], x[c.to_node[k]]):
                continue
            modes.compressor[k], modes.value[k], modes.limit[k] = (
                bnd.comp_mode[k],
                bnd.comp_value[k],
                OWN,
            )
            out.append(_change(f"compressor '{names[o + k]}'", ChangeKind.RELEASED, RELEASED))
        return out

    def _newton(
        self, x0: FloatArray, modes: sy.Modes, terms: StepTerms
    ) -> tuple[Evaluation, NewtonReport]:
        """Newton from the prediction (again from the last state if that fails), polished."""
        system = self.system
        try:
            ev, report = self._iterate(x0, modes, terms)
        except ConvergenceError:  # singular or not finite from the extrapolated start
            ev, report = system.evaluate(x0, modes, terms), NewtonReport()
        if not report.converged:  # the extrapolated start may be poor after a jump
            ev, report = self._iterate(self.x.copy(), modes, terms)
        if not report.converged:
            self._diagnose(ev.x, terms, report)
        if self.options.polish:
            # one more Newton step: it takes the node balances (and with them the discrete
            # mass conservation) from the tolerance to round-off. It reuses the factorisation
            # of the last iteration (a chord step; the residual at the converged point is
            # ~1e-11, the matrix is within the last step's change of its own, so the step
            # leaves ~1e-16: round-off, as a full Newton step would), else factorises here.
            try:
                dx = self._direction(ev) if self._factored is None else self._chord(ev)
            except (RuntimeError, LinearSolveError):  # pragma: no cover - regular here
                return ev, report
            et = system.evaluate(ev.x + dx, modes, terms)
            if et.norm <= ev.norm:
                ev = et
                report.iterations += 1
                report.residual_norms.append(et.norm)
        return ev, report

    def _direction(self, ev: Evaluation) -> FloatArray:
        """The Newton step −J⁻¹F at an evaluated point (reduced system, reused ordering);
        its factorisation is kept for :meth:`_chord`."""
        system = self.system
        self._factored = None
        self.linear.factor(system.reduced_values(ev))
        self._factored = ev
        return system.expand(ev, ev.f, self.linear.resolve(system.reduced_rhs(ev, ev.f)))

    def _chord(self, ev: Evaluation) -> FloatArray:
        """−J₀⁻¹F(x) with J₀ the last factorised Newton matrix (of the same step and modes)."""
        system, j = self.system, self._factored
        assert j is not None
        return system.expand(j, ev.f, self.linear.resolve(system.reduced_rhs(j, ev.f)))

    def _iterate(
        self, x0: FloatArray, modes: sy.Modes, terms: StepTerms
    ) -> tuple[Evaluation, NewtonReport]:
        """Damped Newton of one step by the steady solver's driver
        (:func:`linepack.steady.newton.damped_newton`), each point evaluated once for its
        residual and, only if a Newton step is taken from it, its Jacobian.

        Raises
        ------
        ConvergenceError
            If the linear system is singular or the step is not finite.
        """
        system = self.system
        self._factored = None
        return damped_newton(
            lambda x: system.evaluate(x, modes, terms),
            self._direction,
            x0,
            terms.free,
            self.options.newton,
        )

    def _diagnose(self, x: FloatArray, terms: StepTerms, report: NewtonReport) -> None:
        """Raise the most telling error for a step whose Newton failed."""
        nn = self.cn.n_nodes
        t = self.t + terms.h
        ratio = np.where(terms.free, x[:nn] / self.x[:nn], np.inf)
        i = int(np.argmin(ratio))
        if ratio[i] < 0.5:
            raise InfeasibleError(
                f"at t = {t:g} s the pressure falls towards zero ({self.x[i] / 1e5:.4g} bar at "
                f"the last step, {x[i] / 1e5:.3g} bar at the last iterate): the gas in store "
                "cannot meet the demand",
                element=f"node '{self.cn.node_names[i]}'",
                bound="pressure > 0",
                amount=float(x[i]),
                report=report,
            )
        raise ConvergenceError(
            f"Newton did not converge at t = {t:g} s (residual "
            f"{report.residual_norms[-1]:.3g} after {report.iterations} iterations)",
            report=report,
        )

    def _mass_defect(self, ev: Evaluation, terms: StepTerms, ext: FloatArray) -> float:
        """|Σ_i (a₀ M_i + history_i)/h − B| relative to the throughput (see module doc)."""
        rate = float(np.sum(terms.a0 * ev.mass + terms.mass_history)) / terms.h
        fuel = float(ev.fuel.sum())
        inflow = float(ext.sum()) - fuel
        scale = max(0.5 * float(np.abs(ext).sum()) + fuel, self.system.steady.q_scale)
        return abs(rate - inflow) / scale


def _change(element: str, kind: ChangeKind, what: str) -> ModeChange:
    """A change of the transient's own (``"compressor 'k': off (schedule)"``)."""
    return ModeChange(element, kind, f"{element}: {what}")


def _structure(cn: CompiledNetwork, modes: sy.Modes, automatic: bool) -> list[ModeChange]:
    """The steady solver's structural fixes, except giving floating zones a pressure level:
    in a transient the gas stored in a zone's pipes sets its pressure."""
    changes = release_shorted(cn, modes)
    changes += resolve_conflicts(cn, modes, automatic=automatic)
    return changes + mark_idle_loops(cn, modes)


#: A station switched off by the schedule.
SCHEDULED_OFF = Held(Hold.SCHEDULE_OFF)


def _released(m: sy.Modes, k: int, bnd: Boundary, ps: float, pd: float) -> bool:
    """Whether an outlet-pressure station held at a limit can return to its set-point."""
    if bnd.comp_mode[k] != sy.M_OUT or m.limit[k].hold not in LIMIT_HOLDS:
        return False
    sp, mode = bnd.comp_value[k], m.compressor[k]
    if mode == sy.M_BYPASS:
        return bool(ps < sp * (1 - 1e-6))
    if mode == sy.M_OFF:
        return m.limit[k].hold is Hold.REVERSE and pd < sp * (1 - 1e-6)
    return bool(pd > sp * (1 + 1e-6))
