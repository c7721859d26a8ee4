"""Run a transient: start state, time loop, outputs.

>>> from linepack.io.load import load
>>> from linepack.transient import Schedule, simulate
>>> s = Schedule().event("supply", "port-qasim-lng", at="02:00", fraction=0.2, quantity="flow")
>>> res = simulate(load("psgp-56in-phase1"), s, hours=6, dt=60)  # doctest: +SKIP
>>> res.survival_time, res.to_dataset()  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from linepack.errors import LinepackError, OptionsError, SolverError
from linepack.network import compile as compile_mod
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.model import Control, Network
from linepack.network.schedule import Schedule
from linepack.steady.changes import ModeChange
from linepack.steady.solve import SteadyOptions, solve, solve_energy
from linepack.transient.boundary import BoundaryMap, compiled_at
from linepack.transient.integrate import Integrator, StepReport, TransientOptions
from linepack.transient.results import TransientResult
from linepack.transient.state import TransientState

FloatArray = NDArray[np.float64]


def initial_state(
    case: CompiledNetwork,
    schedule: Schedule,
    t0: float = 0.0,
    options: SteadyOptions | None = None,
    *,
    rederive: bool = False,
) -> tuple[CompiledNetwork, TransientState]:
    """Steady state of the boundary conditions at ``t0``, as a transient state.

    With ``thermal = "energy"`` it is the steady state of the transient's own heat-exchange
    scheme (:func:`linepack.steady.solve.solve_energy` with ``pipe_model="volume"``), so a run
    whose boundary values do not move stays there; the state carries the node temperatures.

    The scheduled values at ``t0`` are put in the compiled arrays
    (:func:`~linepack.transient.boundary.compiled_at`); ``case`` is used as is when nothing
    moves at ``t0``. The equation of state and gas constants stay those of ``case``, unless
    ``rederive`` is True: then they are derived again for the values at ``t0``
    (:func:`linepack.network.compile.rederive`), as a compile of the case with those values
    gives them (what :func:`simulate` does for a :class:`~linepack.network.model.Network`).
    """
    cn = compiled_at(case, schedule, t0)
    if rederive and cn is not case:
        cn = compile_mod.rederive(cn)
    temperature = None
    if cn.thermal is not None:
        # the steady state of the transient's own heat-exchange scheme
        sol = solve_energy(cn, options or SteadyOptions(), pipe_model="volume")
        assert sol.thermal is not None
        temperature = sol.thermal.temperature.copy()
    else:
        sol = solve(cn, options)
    inflow = cn.injection - np.where(np.isfinite(sol.modes.p_set), sol.node_balance, 0.0)
    return cn, TransientState(
        t0,
        sol.pressure.copy(),
        sol.flow.copy(),
        sol.modes,
        inflow=inflow,
        temperature=temperature,
    )


def _fraction_base(
    case: CompiledNetwork,
    schedule: Schedule,
    state: TransientState,
    options: SteadyOptions | None,
    rederive: bool,
) -> TransientState:
    """The state whose values event fractions refer to, for a run restarted from ``state``.

    A fraction ("the supply falls to 20 %") means 20 % of the value in the run's *initial*
    steady state, not of the value at the restart: that steady state is solved again here. If
    it cannot be (or is of another layout), the restart state is the base.
    """
    try:
        cn0, start = initial_state(case, schedule, 0.0, options, rederive=rederive)
    except LinepackError:
        return state
    if cn0.node_names != case.node_names or cn0.edge_names != case.edge_names:
        return state
    return start


def _steady_options(
    opts: TransientOptions, steady: SteadyOptions | None, case_control: Control
) -> SteadyOptions:
    """Options of the initial steady solve, in the transient's control mode.

    Raises
    ------
    OptionsError
        ``steady`` names a control mode other than the transient's (``opts.control``, or the
        case's ``case_control`` when that is None).
    """
    control = opts.control if opts.control is not None else case_control
    if steady is None:
        return SteadyOptions(control=control)
    if steady.control is None:
        return replace(steady, control=control)
    if steady.control is not control:
        raise OptionsError(
            "the initial steady state and the transient must use one control mode",
            element="simulate",
            key="steady_options.control",
            value=str(steady.control),
            expected=f"'{control}' (the transient's) or None",
        )
    return steady


def _deliveries(cn: CompiledNetwork) -> NDArray[np.int64]:
    nodes = set(cn.demands.node.tolist())
    return np.asarray(sorted(i for i in nodes if cn.p_min[i] > 0), dtype=np.int64)


def simulate(
    case: Network | CompiledNetwork,
    schedule: Schedule | None = None,
    *,
    hours: float,
    dt: float,
    scheme: str | None = None,
    inertia: bool | None = None,
    output_every: float | None = None,
    initial: TransientState | str | Path | None = None,
    options: TransientOptions | None = None,
    steady_options: SteadyOptions | None = None,
    on_failure: str = "raise",
    progress: Callable[[float], None] | None = None,
) -> TransientResult:
    """Simulate a network over time under scheduled boundary conditions.

    Parameters
    ----------
    case : Network or CompiledNetwork
        The network.
    schedule : Schedule, optional
        Boundary conditions over time (default: the case's, constant).
    hours : float
        Length of the run [h] from the start time.
    dt : float
        Time step [s] (any size: the schemes are implicit and A-stable).
    scheme : {"bdf2", "be"}, optional
        Variable-step BDF2 (first step backward Euler) or backward Euler; overrides
        ``options.scheme`` when given (default: the options', ``"bdf2"``).
    inertia : bool, optional
        Keep the inertia term (False: quasi-steady momentum); overrides ``options.inertia``
        when given (default: the options', True).
    output_every : float, optional
        Output interval [s], rounded to a multiple of ``dt`` (default: 300 s or ``dt``).
    initial : TransientState or path, optional
        Start from this state (or a file written by :meth:`TransientResult.save_state`)
        instead of the steady state of the boundary conditions at time 0.
    options : TransientOptions, optional
        Newton and mode options (``scheme`` and ``inertia`` above override theirs when given).
    steady_options : SteadyOptions, optional
        Options of the initial steady solve (default: the defaults). Its control mode is the
        transient's (``options.control``); another one raises :class:`OptionsError`.
    on_failure : {"raise", "stop"}
        When a step cannot be solved even after halving it (e.g. the pressure collapses once
        the line pack is spent): raise, or return the results up to the last solved step with
        the error in ``result.failure``.
    progress : callable, optional
        Called after every time step with the fraction of the run done, in (0, 1] (for a
        progress bar; it must not raise).

    Returns
    -------
    TransientResult

    Raises
    ------
    ConvergenceError, InfeasibleError
        A step that cannot be solved even after halving it (time and residual named).
    OptionsError
        A run length or time step not positive, an unknown ``on_failure``, or
        ``steady_options`` with a control mode other than the transient's.

    Notes
    -----
    Also available as :func:`linepack.simulate`.

    Examples
    --------
    The delivery at Kasur ramps from 297.8 to 350 kg/s over the first hour:

    >>> import linepack as lp
    >>> ramp = lp.Series.linear(["00:00", "01:00"], [297.8, 350.0])  # [kg/s]
    >>> sched = lp.Schedule().set("demand", "kasur-sngpl", "flow", ramp)
    >>> run = lp.simulate(lp.load("psgp-56in-phase1"), sched, hours=2, dt=600)
    >>> p = run.to_dataset()["pressure"].sel(node="kasur") / 1e5  # [bar abs]
    >>> print(f"{p.sizes['time']} outputs, {p[0].item():.2f} -> {p[-1].item():.2f} bar")
    13 outputs, 62.45 -> 60.91 bar
    """
    if not (dt > 0 and hours > 0):
        raise OptionsError(
            "the run length and time step must be positive",
            element="simulate",
            key="hours" if not hours > 0 else "dt",
            value=hours if not hours > 0 else dt,
            expected="a positive number",
        )
    if on_failure not in ("raise", "stop"):
        raise OptionsError(
            "unknown failure handling",
            element="simulate",
            key="on_failure",
            value=on_failure,
            expected="'raise' or 'stop'",
        )
    schedule = schedule or Schedule()
    opts = options or TransientOptions()
    if scheme is not None:
        opts = replace(opts, scheme=scheme)
    if inertia is not None:
        opts = replace(opts, inertia=inertia)
    # the edge: a Network is compiled here, and compiled again with its values at t = 0
    rederive = not isinstance(case, CompiledNetwork)
    base = case if isinstance(case, CompiledNetwork) else compile_network(case)
    steady = _steady_options(opts, steady_options, base.control)
    nominal = base.compressors.mode.copy()  # each station's own mode, whatever the schedule
    if initial is None:
        cn, state = initial_state(base, schedule, 0.0, steady, rederive=rederive)
        start = state
    else:
        cn = base
        state = initial if isinstance(initial, TransientState) else TransientState.load(initial, cn)
        start = _fraction_base(base, schedule, state, steady, rederive)
    bmap = BoundaryMap(
        cn,
        schedule,
        base=start.modes,
        nominal_mode=nominal,
        base_pressure=start.pressure,
        base_inflow=start.inflow,
    )
    integ = Integrator(cn, bmap, state, opts)

    t0 = state.t
    t_end = t0 + 3600.0 * hours
    n_steps = max(1, math.ceil((t_end - t0) / dt - 1e-9))
    every = max(1, round((output_every or max(dt, 300.0)) / dt))
    rec = _Recorder(integ)
    deliveries = _deliveries(cn)
    survival: tuple[float, str] | None = None
    if deliveries.size and np.any(state.pressure[deliveries] < cn.p_min[deliveries]):
        i = int(deliveries[np.argmax(state.pressure[deliveries] < cn.p_min[deliveries])])
        survival = (t0, cn.node_names[i])
    steps: list[StepReport] = []
    since_output = since_energy = 0.0
    failure: str | None = None
    for k in range(1, n_steps + 1):
        t_prev, p_prev = integ.t, integ.x[deliveries].copy()
        reports: list[StepReport] = []
        try:
            integ.advance(min(t0 + k * dt, t_end), reports)
        except SolverError as exc:
            if on_failure != "stop":
                raise
            failure = str(exc)
        steps += reports
        since_output = max([since_output, *(r.mass_defect for r in reports)])
        since_energy = max([since_energy, *(r.energy_defect for r in reports)])
        for r in reports:
            rec.events += [(r.t, c) for c in r.changes]
        if survival is None and deliveries.size and reports:
            survival = _crossing(cn, deliveries, t_prev, integ.t, p_prev, integ.x[deliveries])
        if failure is not None:
            if integ.t > rec.rows["t"][-1]:
                rec.record(since_output, since_energy)
            break
        if k % every == 0 or k == n_steps:
            rec.record(since_output, since_energy)
            since_output = since_energy = 0.0
        if progress is not None:
            progress(min(1.0, (integ.t - t0) / (t_end - t0)))
    res = rec.result(steps, survival, integ.state, dt)
    res.failure = failure
    return res


def _crossing(
    cn: CompiledNetwork,
    nodes: NDArray[np.int64],
    t0: float,
    t1: float,
    p0: FloatArray,
    p1: FloatArray,
) -> tuple[float, str] | None:
    """First time within [t0, t1] a node falls below its p_min (linear in time)."""
    pmin = cn.p_min[nodes]
    below = p1 < pmin
    if not np.any(below):
        return None
    frac = np.where(below, (p0 - pmin) / np.where(p0 != p1, p0 - p1, 1.0), np.inf)
    j = int(np.argmin(frac))
    return t0 + (t1 - t0) * float(np.clip(frac[j], 0.0, 1.0)), cn.node_names[int(nodes[j])]


class _Recorder:
    """Collects the outputs at output times."""

    def __init__(self, integ: Integrator) -> None:
        self.integ = integ
        self.rows: dict[str, list[FloatArray]] = {
            k: []
            for k in ("t", "p", "q", "inflow", "mass", "power", "fuel", "err", "T", "heat", "e_err")
        }
        self.events: list[tuple[float, ModeChange]] = []
        self.record(0.0)

    def record(self, err: float, energy_err: float = 0.0) -> None:
        integ = self.integ
        x, nn = integ.x, integ.cn.n_nodes
        power, fuel, mass, inflow = integ.power, integ.fuel, integ.mass, integ.inflow
        for key, val in (
            ("t", np.asarray(integ.t)),
            ("p", x[:nn]),
            ("q", x[nn:]),
            ("inflow", inflow),
            ("mass", mass),
            ("power", power),
            ("fuel", fuel),
            ("err", np.asarray(err)),
        ):
            self.rows[key].append(np.array(val, dtype=float, copy=True))
        if integ.energy is not None and integ.streams is not None:
            self.rows["T"].append(integ.temperature.copy())
            self.rows["heat"].append(integ.streams.q_soil.copy())
            self.rows["e_err"].append(np.asarray(energy_err, dtype=float))

    def result(
        self,
        steps: list[StepReport],
        survival: tuple[float, str] | None,
        state: TransientState,
        dt: float,
    ) -> TransientResult:
        r = {k: np.asarray(v) for k, v in self.rows.items()}
        integ = self.integ
        thermal = integ.energy is not None
        return TransientResult(
            compiled=integ.cn,
            time=r["t"],
            pressure=r["p"],
            flow=r["q"],
            inflow=r["inflow"],
            node_mass=r["mass"],
            power=r["power"],
            fuel=r["fuel"],
            mass_error=r["err"],
            steps=steps,
            survival_time=None if survival is None else survival[0],
            survival_node=None if survival is None else survival[1],
            final_state=state,
            scheme=integ.options.scheme,
            inertia=integ.options.inertia,
            dt=dt,
            events=self.events,
            temperature=r["T"] if thermal else None,
            heat_to_soil=r["heat"] if thermal else None,
            energy_error=r["e_err"] if thermal else None,
        )
