"""Steady-state solve: Newton on the full system inside an active-set loop for the controls.

The outer loop runs Newton with every compressor station and regulator in a fixed mode, then
checks the limits: a station whose ratio, outlet pressure, suction pressure or power passes its
limit is switched to hold that limit (the result names it), one whose flow would reverse is
blocked; a regulator that cannot hold its set-point opens wide, one whose flow would reverse
closes. It stops when no mode changes.

Before Newton runs, :func:`linepack.steady.zones.fix_structure` makes the modes well posed
(competing set-points, zero-resistance loops, zones without a pressure level). Under
``control = "bounds"`` the operating policy (:mod:`linepack.steady.policy`) then moves modes
and set-points to keep node pressures within their bounds; if the case's own set-points admit
no solution it restarts from the passive network.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from linepack.errors import (
    ConvergenceError,
    InfeasibleError,
    LowTemperatureWarning,
    OptionsError,
    SolverError,
)
from linepack.network.compile import (
    CompiledNetwork,
    compile_network,
    gas_properties,
    nominal_pressure,
)
from linepack.network.model import Control, Network
from linepack.steady import system as sy
from linepack.steady.changes import ChangeKind, Held, Hold, ModeChange
from linepack.steady.newton import (
    LinearSolver,
    NewtonOptions,
    NewtonReport,
    newton,
)
from linepack.steady.pardiso import LINEAR_SOLVERS, PardisoSolver, linear_solver
from linepack.steady.policy import keep_within_bounds
from linepack.steady.zones import fix_structure

if TYPE_CHECKING:
    from linepack.steady.thermal import ThermalState

FloatArray = NDArray[np.float64]
#: What the control loop says when a station leaves a limit for its own outlet set-point.
RELEASED = "back to its set-point"


@dataclass(frozen=True)
class SteadyOptions:
    """Options of the steady solve.

    Attributes
    ----------
    newton : NewtonOptions
        Inner Newton iteration.
    max_mode_rounds : int
        Most rounds of the control (active-set) loop.
    enforce_limits : bool
        Raise :class:`InfeasibleError` when a node falls below its minimum pressure or a supply
        exceeds its maximum flow; if False these are listed in the result's violations.
    linear_solver : str
        Sparse LU of the Newton steps, one of :data:`~linepack.steady.pardiso.LINEAR_SOLVERS`:
        "superlu" (SciPy, always there), "pardiso" (Intel oneMKL, the ``pardiso`` extra:
        multithreaded, 3–5× faster at a million junctions) or "auto" (PARDISO where installed
        and the system has at least
        :data:`~linepack.steady.pardiso.PARDISO_MIN_UNKNOWNS` unknowns, SuperLU otherwise).
    control : Control, optional
        How stations and regulators are run (see :class:`~linepack.network.model.Control`);
        None: the case's mode (``CompiledNetwork.control``).

    Examples
    --------
    List limit violations instead of raising, and run the case's stations by its own mode:

    >>> import linepack as lp
    >>> opts = lp.SteadyOptions(enforce_limits=False, control=lp.Control.SETPOINTS)
    >>> sol = lp.solve(lp.load("psgp-56in-phase2"), opts)
    >>> sol.report.converged, sol.violations
    (True, [])
    """

    newton: NewtonOptions = field(default_factory=NewtonOptions)
    max_mode_rounds: int = 25
    enforce_limits: bool = True
    linear_solver: str = "auto"
    control: Control | None = None

    def __post_init__(self) -> None:
        if self.linear_solver not in LINEAR_SOLVERS:
            raise OptionsError(
                "unknown linear solver",
                element="SteadyOptions",
                key="linear_solver",
                value=self.linear_solver,
                expected=f"one of {LINEAR_SOLVERS}",
            )


@dataclass
class ConvergenceReport:
    """How the solve went.

    Attributes
    ----------
    converged : bool
    iterations : int
        Newton steps over all rounds.
    rounds : int
        Rounds of the control loop.
    residual_norms : list of float
        Largest scaled residual at each Newton step (all rounds).
    step_lengths : list of float
        Damping factor of each Newton step.
    factorisations : int
        Numeric LU factorisations (the ordering is computed once).
    mode_changes : list of ModeChange
        What the control loop switched, in order (``str()`` of each reads as a sentence).
    energy_rounds : int
        Alternations of hydraulics and energy balance (``thermal = "energy"``; 0 otherwise).
    """

    converged: bool = False
    iterations: int = 0
    rounds: int = 0
    residual_norms: list[float] = field(default_factory=list)
    step_lengths: list[float] = field(default_factory=list)
    factorisations: int = 0
    mode_changes: list[ModeChange] = field(default_factory=list)
    energy_rounds: int = 0

    def add(self, r: NewtonReport) -> None:
        """Append one Newton run."""
        self.iterations += r.iterations
        self.residual_norms += r.residual_norms
        self.step_lengths += r.step_lengths
        self.converged = r.converged


@dataclass
class SteadySolution:
    """The raw solution: compiled network, unknowns, modes and report.

    Use :func:`linepack.to_dataset` for labelled results (names, units, gauge pressures).

    Attributes
    ----------
    compiled : CompiledNetwork
        The network solved (names in ``compiled.labels``).
    pressure : ndarray
        Pressure [Pa abs] per node (case nodes first, then interior segment nodes).
    flow : ndarray
        Mass flow [kg/s] per edge, positive from its ``from`` to its ``to`` node.
    modes : Modes
        Final control mode of every compressor, regulator and valve.
    power : ndarray
        Shaft power [W] per compressor.
    fuel : ndarray
        Fuel drawn at the suction [kg/s] per compressor.
    report : ConvergenceReport
        Newton iterations, control rounds, residual norms, mode changes.
    violations : list of Violation
        Limits violated (empty unless ``SteadyOptions.enforce_limits`` is False).
    system : SteadySystem
        The assembled equations (for the node balance and diagnostics).
    thermal : ThermalState, optional
        Temperatures, heat flows and the energy balance (``thermal = "energy"``; None for
        isothermal flow).
    """

    compiled: CompiledNetwork
    pressure: FloatArray  # [Pa] per node
    flow: FloatArray  # [kg/s] per edge
    modes: sy.Modes
    power: FloatArray  # [W] per compressor
    fuel: FloatArray  # [kg/s] per compressor
    report: ConvergenceReport
    violations: list[Violation]
    system: sy.SteadySystem = field(repr=False)
    thermal: ThermalState | None = None

    @property
    def node_balance(self) -> FloatArray:
        """Net mass inflow [kg/s] at each node, pressure-set nodes included (their injection)."""
        s = self.system
        bal = self.compiled.injection.copy()
        np.add.at(bal, s.e_to, self.flow)
        np.subtract.at(bal, s.e_from, self.flow)
        np.subtract.at(bal, self.compiled.compressors.from_node, self.fuel)
        return bal


def initial_guess(cn: CompiledNetwork) -> FloatArray:
    """Free pressures at the highest set-point, zero flows (see :func:`linear_start`)."""
    c = cn.compressors
    set_points = np.asarray(cn.p_set, dtype=np.float64)
    outlets = np.asarray(c.setpoint, dtype=np.float64)[np.asarray(c.mode) == sy.M_OUT]
    cands = np.concatenate([set_points[np.isfinite(set_points)], outlets])
    top = float(cands.max()) if cands.size else 5e6
    p = np.where(np.isfinite(cn.p_set), cn.p_set, top)
    return np.concatenate([p, np.zeros(cn.n_edges)])


def linear_start(
    system: sy.SteadySystem, modes: sy.Modes, linear: LinearSolver | PardisoSolver, x0: FloatArray
) -> FloatArray:
    """Put flows of the linear-resistance network into ``x0`` (pressures unchanged).

    The flows minimise Σ K_e q_e² under the mass balances. They put Newton's first step near
    the turbulent regime instead of at zero flow, where the pipe law is flat. The solve uses
    the Newton matrix's structure, so its factorisation also fixes the ordering.
    """
    if not np.any(system.cn.injection):
        return x0
    try:
        dx = system.newton_direction(x0, modes, linear, linear=True)
    except RuntimeError:
        return x0
    if not np.all(np.isfinite(dx)):
        return x0
    x = x0.copy()
    nn = system.n_nodes
    x[nn:] = dx[nn:]
    return x


def solve(case: Network | CompiledNetwork, options: SteadyOptions | None = None) -> SteadySolution:
    """Solve the steady state of a network.

    Parameters
    ----------
    case : Network or CompiledNetwork
        The network (compiled here if needed), its quantities in SI.
    options : SteadyOptions, optional
        Newton, control loop, limits and linear solver (default: ``SteadyOptions()``).

    Returns
    -------
    SteadySolution
        Pressure per node [Pa abs], flow per edge [kg/s], compressor power [W] and fuel
        [kg/s], the control modes and the convergence report; labelled results from
        :func:`linepack.to_dataset`.

    Raises
    ------
    InfeasibleError
        Pressure would fall to zero somewhere, or (with ``enforce_limits``) a node ends below
        its minimum pressure or a supply above its maximum flow. Names the node, bound, amount.
    ConvergenceError
        Newton did not converge (the report is attached).

    Notes
    -----
    Also available as :func:`linepack.solve`.

    Examples
    --------
    >>> import linepack as lp
    >>> sol = lp.solve(lp.load("psgp-56in-phase1"), lp.SteadyOptions(linear_solver="superlu"))
    >>> sol.report.converged, sol.report.iterations
    (True, 4)
    >>> p = lp.to_dataset(sol)["pressure_gauge"].sel(node="kasur").item()  # [Pa gauge]
    >>> print(f"delivery at {p / 1e5:.2f} barg")
    delivery at 61.43 barg
    """
    opts = options or SteadyOptions()
    cn = case if isinstance(case, CompiledNetwork) else compile_network(case)
    if cn.thermal is not None:
        return solve_energy(cn, opts)
    return _solve_hydraulics(cn, opts)


def _solve_hydraulics(
    cn: CompiledNetwork,
    opts: SteadyOptions,
    start: tuple[FloatArray, sy.Modes, ConvergenceReport] | None = None,
    system: sy.SteadySystem | None = None,
) -> SteadySolution:
    """Pressures and flows at the temperatures ``cn`` holds; ``start``: a warm start (the
    unknowns, modes and report of an earlier solve of the same structure, continued)."""
    system = system or sy.SteadySystem.of(cn)
    automatic = _control(cn, opts) is Control.BOUNDS
    linear = linear_solver(opts.linear_solver, system.reduced.pattern.n, chord=opts.newton.chord)
    if start is not None:
        x0, modes, report = start
    else:
        modes = sy.Modes.initial(cn)
        report = ConvergenceReport()
        report.mode_changes += fix_structure(cn, modes, automatic=automatic)

    def settle(x0: FloatArray, pending: Sequence[ModeChange] = ()) -> FloatArray:
        return _settle(cn, system, modes, linear, report, x0, opts, pending)

    if start is not None:
        x = settle(x0)
    else:
        try:
            x = settle(linear_start(system, modes, linear, initial_guess(cn)))
        except SolverError:
            if not automatic:
                raise
            # the case's own set-points admit no solution: start from the passive network
            # (all stations bypassed, regulators open) and let the policy start what is needed
            report.mode_changes += passive(cn, modes)
            report.mode_changes += fix_structure(cn, modes, automatic=True)
            x = settle(linear_start(system, modes, linear, initial_guess(cn)))
    if automatic:
        x = keep_within_bounds(cn, modes, x, settle, report.mode_changes)
    return _finish(cn, system, x, modes, report, opts)


#: Most alternations of hydraulics and energy balance in a coupled steady solve.
MAX_ENERGY_ROUNDS = 30
#: Rounds after which a solution still violating a bound ends the coupled solve with that
#: violation as its diagnosis (the operating policy could not hold it at any temperatures).
VIOLATED_ROUNDS = 8
#: The coupled solve stops when no node temperature moves by more than this [K] between two
#: alternations (and the hydraulics converged at the last temperatures).
ENERGY_T_TOL = 1e-9


def solve_energy(
    cn0: CompiledNetwork, opts: SteadyOptions, pipe_model: str = "exponential"
) -> SteadySolution:
    """Steady state with the energy balance (``thermal = "energy"``).

    Alternates the hydraulics at given temperatures (segment mean temperatures, station
    suction temperatures, real-gas heads and the discharge-temperature ratio caps) with the
    energy balance at given pressures and flows (:func:`linepack.steady.thermal.energy_state`),
    warm-starting each, until no node temperature moves by more than
    :data:`ENERGY_T_TOL` between two rounds. The result then satisfies the hydraulic equations
    (to ``opts.newton.tol``) at temperatures that satisfy the energy balance to
    ``ENERGY_T_TOL``: the rounds contract by a factor of 60-300 each on the PSGP cases (the
    temperature hardly moves the hydraulics), so 5-7 rounds reach it; early rounds solve the
    energy balance only to 1e-3 of the last change. ``pipe_model`` chooses the pipes' heat exchange
    (:class:`linepack.steady.thermal.EnergySystem`): a transient starts from the steady state
    of its own ``"volume"`` scheme.
    """
    from linepack.steady.thermal import cold_spots, energy_state

    th0 = cn0.thermal
    assert th0 is not None
    loose = replace(opts, enforce_limits=False)
    cn = cn0
    system = sy.SteadySystem.of(cn)
    sol = _solve_hydraulics(cn, loose, system=system)
    t = th0.node_ambient.copy()
    change = 1.0  # [K] the first energy solve goes to 1e-3 K
    for _ in range(MAX_ENERGY_ROUNDS):
        sol.report.energy_rounds += 1
        running = ~np.isin(sol.modes.compressor, (sy.M_BYPASS, sy.M_OFF))
        # inexact rounds: the energy balance is solved only as far as the rounds have come
        state = energy_state(
            cn,
            sol.pressure,
            sol.flow,
            sol.fuel,
            running,
            t0=t,
            tol=max(1e-3 * change, 1e-10),
            pipe_model=pipe_model,
        )
        change = float(np.max(np.abs(state.temperature - t), initial=0.0))
        if change < ENERGY_T_TOL and sol.report.energy_rounds > 1:
            sol.thermal = state
            break
        t = state.temperature
        cn = _retempered(cn, state)
        system = system.retempered(cn)
        modes = sol.modes
        assert cn.thermal is not None
        assert cn.thermal.ratio_cap is not None
        for k, held in enumerate(modes.limit):
            if held.hold is Hold.MAX_DISCHARGE_TEMPERATURE:
                modes.value[k] = cn.thermal.ratio_cap[k]
        x0 = x_of(sol)
        rounds = sol.report.energy_rounds
        try:
            sol = _solve_hydraulics(cn, loose, start=(x0, modes, sol.report), system=system)
        except SolverError:
            # the warm start (the last round's modes and policy set-points) did not carry over
            # to the new temperatures: solve the hydraulics afresh at them
            sol = _solve_hydraulics(cn, loose, system=system)
            sol.report.energy_rounds = rounds
        if opts.enforce_limits and sol.violations and rounds >= VIOLATED_ROUNDS:
            # still violating a bound after these rounds: that is the diagnosis (raises)
            _finish(cn, system, x_of(sol), sol.modes, sol.report, opts)
    else:
        if opts.enforce_limits and sol.violations:
            # the rounds keep moving because the operating policy keeps switching to hold
            # bounds it cannot hold: that violation is the diagnosis
            _finish(cn, system, x_of(sol), sol.modes, sol.report, opts)
        raise ConvergenceError(
            f"the coupled hydraulic and energy solve did not settle in {MAX_ENERGY_ROUNDS} "
            f"rounds (last temperature change {change:.3g} K)",
            report=sol.report,
        )
    assert sol.thermal is not None
    cold = cold_spots(cn, sol.thermal.temperature)
    if cold:
        warnings.warn(
            LowTemperatureWarning(
                f"gas below min_gas_temperature at {len(cold)} place(s): {cold[0]}"
                + (f" (and {len(cold) - 1} more)" if len(cold) > 1 else ""),
                cold,
            ),
            stacklevel=3,
        )
    final = _finish(cn, system, x_of(sol), sol.modes, sol.report, opts, thermal=sol.thermal)
    return final


def x_of(sol: SteadySolution) -> FloatArray:
    """The unknowns of a solution (pressures, then flows)."""
    return np.concatenate([sol.pressure, sol.flow])


def _retempered(cn: CompiledNetwork, state: ThermalState) -> CompiledNetwork:
    """``cn`` with the temperatures of an energy state: segment means (from the energy
    balance's profile) and the viscosities at them, station suction temperatures, real-gas
    heads and ratio caps."""
    th = cn.thermal
    assert th is not None
    c = cn.compressors
    th2 = replace(
        th,
        suction_temperature=state.temperature[c.from_node].copy(),
        head_factor=state.head_factor,
        ratio_cap=state.ratio_cap,
    )
    seg = replace(cn.segments, temperature=state.segment_temperature)
    out = replace(cn, segments=seg, thermal=th2)
    # the viscosity follows the temperature (as compile evaluates it, at the nominal pressure)
    _, mu = gas_properties(out, nominal_pressure(cn.p_set))
    return replace(out, segments=replace(seg, viscosity=np.asarray(mu, dtype=np.float64)))


def passive(cn: CompiledNetwork, modes: sy.Modes) -> list[ModeChange]:
    """Bypass every running station and open every regulator (the network as pipes only)."""
    running = ~np.isin(modes.compressor, (sy.M_OFF,))
    modes.compressor[running] = sy.M_BYPASS
    modes.value[running] = 0.0
    for k in np.flatnonzero(running):
        modes.limit[k] = Held(Hold.PASSIVE)
    modes.regulator[modes.regulator == sy.REG_ACTIVE] = sy.REG_OPEN
    text = "all stations bypassed and regulators opened (the set-points admit no solution)"
    return [ModeChange(None, ChangeKind.PASSIVE, text)]


def _settle(
    cn: CompiledNetwork,
    system: sy.SteadySystem,
    modes: sy.Modes,
    linear: LinearSolver | PardisoSolver,
    report: ConvergenceReport,
    x: FloatArray,
    opts: SteadyOptions,
    pending: Sequence[ModeChange] = (),
) -> FloatArray:
    """Newton under fixed modes, then station/regulator limit switching, until nothing moves.

    ``pending`` are changes made before this settle and not yet in ``report.mode_changes``
    (a policy step, recorded only once it settles): a failure right after them names them.
    """
    free = np.concatenate([~system.is_set, np.zeros(cn.n_edges, dtype=bool)])
    control = _control(cn, opts)
    automatic = control is Control.BOUNDS
    first = not report.residual_norms
    before = len(report.mode_changes)
    for rnd in range(opts.max_mode_rounds):
        report.rounds += 1
        try:
            x, nr = newton(
                lambda v: system.residual(v, modes),
                lambda v: system.newton_direction(v, modes, linear),
                x,
                free,
                opts.newton,
            )
            report.add(nr)
            report.factorisations = linear.factorisations
            if not nr.converged:
                _diagnose_failure(cn, x, report)
        except SolverError as exc:
            made = [
                *report.mode_changes[:before],
                *pending,
                *report.mode_changes[before:],
            ]
            if (rnd == 0 and first) or not made:
                raise
            last = made[-1]
            raise InfeasibleError(
                f"after {_joined(made[-3:])}, the network has no solution "
                f"({exc}): the change cannot be held with the given demands and supply "
                "pressures",
                element=last.element,
                bound=str(last),
                report=report,
            ) from None
        changes = update_modes(cn, system, x, modes, control=control)
        if not changes:
            return x
        report.mode_changes += changes
        try:
            report.mode_changes += fix_structure(cn, modes, automatic=automatic)
        except InfeasibleError as exc:
            raise InfeasibleError(
                f"after {_joined(changes)}: {exc.message}; the limit cannot be held with "
                "the given demands and supply pressures",
                element=changes[-1].element,
                bound=str(changes[-1]),
                report=report,
            ) from None
    raise ConvergenceError(
        f"the control loop did not settle in {opts.max_mode_rounds} rounds "
        f"(last changes: {_joined(report.mode_changes[-4:])})",
        report=report,
    )


def _joined(changes: list[ModeChange]) -> str:
    return "; ".join(str(c) for c in changes)


def _finish(
    cn: CompiledNetwork,
    system: sy.SteadySystem,
    x: FloatArray,
    modes: sy.Modes,
    report: ConvergenceReport,
    opts: SteadyOptions,
    thermal: ThermalState | None = None,
) -> SteadySolution:
    nn = cn.n_nodes
    # the final state is checked, not assumed (the policy may have undone a failed step)
    residual = system.residual(x, modes)
    report.converged = bool(np.max(np.abs(residual)) < opts.newton.tol) if residual.size else True
    if not report.converged:
        raise ConvergenceError(
            "the final operating point does not satisfy the equations", report=report
        )
    p, q = x[:nn], x[nn:]
    pw = system.power(p, q)
    active = ~np.isin(modes.compressor, (sy.M_BYPASS, sy.M_OFF))
    o = system.off["compressor"]
    qc = q[o : o + len(modes.compressor)]
    power = np.where(active & (qc > 0), np.maximum(pw[0], 0.0), 0.0)
    fuel = cn.compressors.fuel_per_work * power
    sol = SteadySolution(cn, p.copy(), q.copy(), modes, power, fuel, report, [], system, thermal)
    sol.violations = check_limits(sol)
    if sol.violations and opts.enforce_limits:
        v = sol.violations[0]
        more = len(sol.violations) - 1
        tried = [c for c in report.mode_changes if c.kind is not ChangeKind.IDLE]
        if _control(cn, opts) is Control.BOUNDS:
            more_text = f"; the operating policy made {len(tried)} changes" + (
                f", last: {tried[-1]}" if tried else ""
            )
        else:
            more_text = ""
        raise InfeasibleError(
            f"{v.text} {v.bound} by {v.amount:.4g} {v.unit}{more_text}"
            + (
                f" (and {more} more violation{'s' if more > 1 else ''}; "
                "--allow-violations lists them)"
                if more
                else ""
            ),
            element=v.element,
            bound=v.bound,
            amount=v.si_amount,
            report=report,
        )
    return sol


def _diagnose_failure(cn: CompiledNetwork, x: FloatArray, report: ConvergenceReport) -> None:
    """Raise the most telling error for a Newton run that did not converge."""
    p = x[: cn.n_nodes]
    free = ~np.isfinite(cn.p_set)
    if np.any(free):
        i = int(np.argmin(np.where(free, p, np.inf)))
        scale = np.nanmax(np.abs(cn.p_set)) if np.any(~free) else p.max()
        if p[i] < 0.3 * scale:
            raise InfeasibleError(
                f"pressure falls towards zero ({p[i] / 1e5:.3g} bar at the last iterate): the "
                "demand cannot be carried with the given supply pressures and limits",
                element=f"node '{_case_node(cn, i)}'",
                bound="pressure > 0",
                amount=float(p[i]),
                report=report,
            )
    raise ConvergenceError(
        f"Newton did not converge in {report.iterations} iterations (residual "
        f"{report.residual_norms[-1]:.3g})",
        report=report,
    )


def _case_node(cn: CompiledNetwork, i: int) -> str:
    return cn.node_names[i]


def _control(cn: CompiledNetwork, opts: SteadyOptions) -> Control:
    """The control mode of a solve: the options', else the case's."""
    return cn.control if opts.control is None else opts.control


def update_modes(
    cn: CompiledNetwork,
    system: sy.SteadySystem,
    x: FloatArray,
    modes: sy.Modes,
    control: Control | None = None,
) -> list[ModeChange]:
    """Switch compressors and regulators whose limits bind; return what changed.

    ``control`` is the solve's control mode (default: the case's, ``cn.control``).
    """
    nn = cn.n_nodes
    p, q = x[:nn], x[nn:]
    c = cn.compressors
    changes: list[ModeChange] = []
    pw = system.power(p, q)[0]
    o = system.off["compressor"]
    names = cn.edge_names
    # under the operating policy the set-points are the policy's to move, not the case's
    automatic = (cn.control if control is None else control) is Control.BOUNDS
    policy_sets = automatic
    cap = cn.thermal.ratio_cap if cn.thermal is not None else None
    for k in range(len(c.setpoint)):
        ps, pd, qk, m = p[c.from_node[k]], p[c.to_node[k]], q[o + k], modes.compressor[k]
        if m in (sy.M_BYPASS, sy.M_OFF):
            continue
        # a station the policy set to hold its suction (its flow is fixed by what feeds it)
        # cannot trade that for an outlet limit: the policy lowers the outlet side instead
        held = m == sy.M_SUCTION and modes.limit[k].hold is Hold.POLICY
        checks = [
            (
                qk < -1e-6 and not c.allow_reverse[k],
                sy.M_OFF,
                0.0,
                Hold.REVERSE,
                ChangeKind.REVERSE,
            ),
            (
                pd / ps > c.max_ratio[k] * (1 + 1e-9) and not held,
                sy.M_RATIO,
                c.max_ratio[k],
                Hold.MAX_RATIO,
                ChangeKind.LIMIT,
            ),
            (
                cap is not None and pd / ps > cap[k] * (1 + 1e-9) and not held,
                sy.M_RATIO,
                cap[k] if cap is not None else 0.0,
                Hold.MAX_DISCHARGE_TEMPERATURE,
                ChangeKind.LIMIT,
            ),
            (
                pd > c.max_outlet[k] * (1 + 1e-9) and not held,
                sy.M_OUT,
                c.max_outlet[k],
                Hold.MAX_OUTLET_PRESSURE,
                ChangeKind.LIMIT,
            ),
            (
                ps < c.min_suction[k] * (1 - 1e-9),
                sy.M_SUCTION,
                c.min_suction[k],
                Hold.MIN_SUCTION_PRESSURE,
                ChangeKind.LIMIT,
            ),
            (
                pw[k] > c.max_power[k] * (1 + 1e-9),
                sy.M_POWER,
                c.max_power[k],
                Hold.MAX_POWER,
                ChangeKind.LIMIT,
            ),
            (
                # a limit that no longer binds: the station is back on its own outlet set-point
                m in (sy.M_RATIO, sy.M_POWER)
                and c.mode[k] == sy.M_OUT
                and not policy_sets
                and pd > c.setpoint[k] * (1 + 1e-9)
                and not held,
                sy.M_OUT,
                c.setpoint[k],
                Hold.SET_POINT,
                ChangeKind.RELEASED,
            ),
            (
                pd < ps * (1 - 1e-9) and m != sy.M_RATIO,
                sy.M_BYPASS,
                0.0,
                Hold.BYPASS,
                ChangeKind.BYPASS,
            ),
        ]
        for hit, mode, value, hold, kind in checks:
            if hit and not (mode == m and value == modes.value[k]):
                modes.compressor[k], modes.value[k], modes.limit[k] = mode, value, Held(hold)
                el = f"compressor '{names[o + k]}'"
                label = RELEASED if hold is Hold.SET_POINT else hold.label
                changes.append(
                    ModeChange(
                        el,
                        kind,
                        f"{el}: {label} ({_violation(hold, ps, pd, qk, pw[k], value)})",
                    )
                )
                break
    o = system.off["regulator"]
    for k in range(len(cn.reg_setpoint)):
        p1, p2, qk, st = p[cn.reg_from[k]], p[cn.reg_to[k]], q[o + k], modes.regulator[k]
        new = st
        if st == sy.REG_ACTIVE and qk < -1e-6:
            new = sy.REG_CLOSED
        elif st == sy.REG_ACTIVE and p1 < p2 - 1e-6:
            new = sy.REG_OPEN
        elif st == sy.REG_OPEN and qk < -1e-6:
            new = sy.REG_CLOSED
        elif automatic:
            pass  # under the operating policy, opening and activating is the policy's call
        elif (st == sy.REG_OPEN and p2 > modes.reg_value[k] * (1 + 1e-9)) or (
            st == sy.REG_CLOSED and p1 > p2 and p2 < modes.reg_value[k]
        ):
            new = sy.REG_ACTIVE
        if new != st:
            modes.regulator[k] = new
            el = f"regulator '{names[o + k]}'"
            changes.append(
                ModeChange(el, ChangeKind.REGULATOR, f"{el}: {('active', 'open', 'closed')[new]}")
            )
    return changes


def _violation(hold: Hold, ps: float, pd: float, q: float, power: float, limit: float) -> str:
    """Readable amount by which a station passed a limit (or left one, for its set-point)."""
    if hold is Hold.MAX_RATIO:
        return f"ratio {pd / ps:.4g} > {limit:.4g}"
    if hold is Hold.MAX_DISCHARGE_TEMPERATURE:
        return f"ratio {pd / ps:.4g} > {limit:.4g}, the ratio at the outlet temperature limit"
    if hold is Hold.MAX_OUTLET_PRESSURE:
        return f"discharge {pd / 1e5:.3f} bar > {limit / 1e5:.3f} bar abs"
    if hold is Hold.MIN_SUCTION_PRESSURE:
        return f"suction {ps / 1e5:.3f} bar < {limit / 1e5:.3f} bar abs"
    if hold is Hold.MAX_POWER:
        return f"power {power / 1e6:.3f} MW > {limit / 1e6:.3f} MW"
    if hold is Hold.REVERSE:
        return f"flow {q:.4g} kg/s"
    if hold is Hold.SET_POINT:
        return f"discharge {pd / 1e5:.3f} bar > set-point {limit / 1e5:.3f} bar abs"
    return f"suction {ps / 1e5:.3f} bar > discharge {pd / 1e5:.3f} bar abs"


@dataclass(frozen=True)
class Violation:
    """A bound not held by a converged solution.

    Attributes
    ----------
    element : str
        E.g. ``"node 'kasur'"``.
    bound : str
        E.g. ``"p_min = 50.00 barg"``.
    amount : float
        By how much, in ``unit``.
    unit : str
        ``"bar"``, ``"kg/s"`` or ``"K"``.
    text : str
        What happened, e.g. ``"pressure 48.20 barg below p_min"``.
    """

    element: str
    bound: str
    amount: float
    unit: str
    text: str

    def __str__(self) -> str:
        return f"{self.element}: {self.text} {self.bound} by {self.amount:.4g} {self.unit}"

    @property
    def si_amount(self) -> float:
        """``amount`` in SI units (Pa for ``"bar"``, else as given)."""
        return self.amount * 1e5 if self.unit == "bar" else self.amount


def pressure_violations(cn: CompiledNetwork, p: FloatArray) -> list[Violation]:
    """Case nodes whose pressure ``p`` [Pa] is below ``p_min`` or above ``p_max`` (relative
    tolerance 1e-9), in node order."""
    atm = cn.atmosphere

    def barg(v: float) -> str:
        return f"{(v - atm) / 1e5:.2f} barg"

    n = cn.n_case_nodes
    low = p[:n] < cn.p_min[:n] * (1 - 1e-9)
    high = p[:n] > cn.p_max[:n] * (1 + 1e-9)
    out: list[Violation] = []
    for i in np.flatnonzero(low | high).tolist():
        node = f"node '{cn.node_names[i]}'"
        if low[i]:
            below = (cn.p_min[i] - p[i]) / 1e5
            text = f"pressure {barg(p[i])} below"
            out.append(Violation(node, f"p_min = {barg(cn.p_min[i])}", below, "bar", text))
        else:
            above = (p[i] - cn.p_max[i]) / 1e5
            text = f"pressure {barg(p[i])} above"
            out.append(Violation(node, f"p_max = {barg(cn.p_max[i])}", above, "bar", text))
    return out


def check_limits(sol: SteadySolution) -> list[Violation]:
    """Bound violations of a converged solution (node pressure limits, supply maximum flows)."""
    cn = sol.compiled
    p = sol.pressure
    if np.any(p <= 0):
        raise SolverError("non-positive pressure in a converged solution")
    out = pressure_violations(cn, p)
    bal = sol.node_balance
    sup = cn.supplies
    for k in np.flatnonzero(np.isfinite(sup.pressure) & np.isfinite(sup.flow_max)).tolist():
        i, flow_max = int(sup.node[k]), float(sup.flow_max[k])
        if -bal[i] > flow_max * (1 + 1e-9):
            out.append(
                Violation(
                    f"supply '{cn.labels.supplies[k]}'",
                    f"flow_max = {flow_max:.4g} kg/s",
                    -bal[i] - flow_max,
                    "kg/s",
                    f"inflow {-bal[i]:.4g} kg/s above",
                )
            )
    if sol.thermal is not None and cn.thermal is not None:
        out += discharge_violations(cn, sol.thermal.station_outlet)
    return out


#: Slack [K] before a station outlet above its ``max_discharge_temperature`` is a violation
#: (the ratio cap holds the limit to the root-finder's tolerance).
DISCHARGE_SLACK = 1e-3


def discharge_violations(cn: CompiledNetwork, outlet: FloatArray) -> list[Violation]:
    """Stations whose outlet (after the cooler) stays above ``max_discharge_temperature``: no
    ratio holds the limit (e.g. a limit below the suction temperature, or a cooler at its
    duty cap)."""
    assert cn.thermal is not None
    t_max = cn.thermal.max_discharge
    o = cn.edge_offsets()["compressor"]
    out = []
    for k in np.flatnonzero(np.isfinite(t_max) & (outlet > t_max + DISCHARGE_SLACK)).tolist():
        out.append(
            Violation(
                f"compressor '{cn.edge_names[o + k]}'",
                f"max_discharge_temperature = {t_max[k] - 273.15:.2f} degC",
                float(outlet[k] - t_max[k]),
                "K",
                f"outlet temperature {outlet[k] - 273.15:.2f} degC above",
            )
        )
    return out
