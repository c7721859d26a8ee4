"""The transient system's Jacobian against central finite differences, and its Newton step.

The time-discrete system adds storage (node rows), inertia (segment rows), scheduled valve
states and switched pressure/flow control to the steady rows; each is checked here with every
kind of element in the network.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.network.compile import compile_network
from linepack.network.model import (
    Compressor,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Resistor,
    Settings,
    ShortPipe,
    Supply,
    Valve,
)
from linepack.steady import system as sy
from linepack.steady.newton import LinearSolver
from linepack.transient.system import StepTerms, TransientSystem


def every_component(methane, eos: str) -> Network:  # type: ignore[no-untyped-def]
    heights = {"a": 0, "b": 40, "c": 35, "d": 60, "e": 60, "f": 80, "g": 80, "h": 90, "i": 90}
    return Network(
        name="all",
        gas=methane,
        settings=Settings(eos=eos, segment_length=10e3, viscosity=1.1e-5),
        nodes=[Node(n, elevation=h) for n, h in heights.items()] + [Node("j", elevation=95)],
        pipes=[
            Pipe("p1", "a", "b", 30e3, 0.9),
            Pipe("p2", "c", "d", 20e3, 0.7),
            Pipe("p3", "e", "f", 15e3, 0.5),
            Pipe("p4", "i", "j", 12e3, 0.5),
        ],
        compressors=[Compressor("k", "b", "c", setpoint=70e5, heat_rate=3.0)],
        regulators=[Regulator("r", "d", "e", setpoint=50e5)],
        valves=[Valve("v", "f", "g", open=True), Valve("w", "g", "h", open=False)],
        short_pipes=[ShortPipe("s", "f", "h")],
        resistors=[Resistor("z", "h", "i", drag_factor=3.0, diameter=0.5)],
        supplies=[Supply("src", "a", pressure=60e5)],
        demands=[Demand("dem", "j", flow=80.0), Demand("mid", "d", flow=5.0)],
    )


def setup(methane, eos: str, seed: int, switch: bool):  # type: ignore[no-untyped-def]
    cn = compile_network(every_component(methane, eos))
    ts = TransientSystem(cn, inertia=True, node_volume=np.where(np.arange(cn.n_nodes) == 6, 8.0, 0))
    s = ts.steady
    rng = np.random.default_rng(seed)
    p = rng.uniform(40e5, 75e5, s.n_nodes)
    q = rng.uniform(20.0, 120.0, s.n_edges) * rng.choice([-1, 1], s.n_edges)
    q[s.off["compressor"]] = abs(q[s.off["compressor"]])  # fuel only for forward flow
    modes = sy.Modes.initial(cn)
    free = ~s.is_set
    if switch:  # the supply node on flow control, the delivery node held at a pressure
        j = cn.node_names.index("j")
        free = free.copy()
        free[0], free[j] = True, False
        modes.p_set[0], modes.p_set[j] = np.nan, 45e5
    ns = len(cn.segments.length)
    terms = StepTerms(
        h=rng.uniform(10, 600),
        a0=1.5,
        mass_history=-rng.uniform(1e4, 1e6, s.n_nodes),
        flow_history=rng.uniform(-100, 100, ns),
        injection=cn.injection + rng.uniform(-5, 5, s.n_nodes),
        valve_open=~cn.valve_open,  # both valves switched by the schedule
        free=free,
    )
    return ts, np.concatenate([p, q]), modes, terms


def fd_jacobian(ts: TransientSystem, x, modes, terms) -> np.ndarray:  # type: ignore[no-untyped-def]
    n = len(x)
    jac = np.zeros((n, n))
    for j in range(n):
        h = 1e-6 * max(abs(x[j]), 1.0)
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        jac[:, j] = (ts.residual(xp, modes, terms) - ts.residual(xm, modes, terms)) / (2 * h)
    return jac


@pytest.mark.parametrize("eos", ["ideal", "papay", "gerg2008"])
@pytest.mark.parametrize("switch", [False, True])
@pytest.mark.parametrize("seed", range(2))
def test_transient_jacobian_matches_finite_differences(methane, eos, switch, seed) -> None:  # type: ignore[no-untyped-def]
    ts, x, modes, terms = setup(methane, eos, seed, switch)
    # sensitivities to relative changes of the unknowns, as in the steady Jacobian test
    fd = fd_jacobian(ts, x, modes, terms) * np.abs(x)
    dense = ts.jacobian(x, modes, terms) * np.abs(x)
    # central differences with h = 1e-6|x| are good to ~1e-9 of a row's largest entry
    # (truncation h², round-off eps/h); 1e-6 leaves margin and catches a missing term (the
    # dZ/dp part of the storage derivative alone is ~1e-2 of the row for the real gases)
    scale = np.maximum(np.abs(fd).max(axis=1, keepdims=True), 1e-300)
    err = np.abs(dense - fd) / scale
    worst = np.unravel_index(np.argmax(err), err.shape)
    assert err.max() < 1e-6, f"row {worst[0]}, col {worst[1]}: {dense[worst]} vs {fd[worst]}"


@pytest.mark.parametrize("switch", [False, True])
def test_reduced_step_equals_full_step(methane, switch: bool) -> None:  # type: ignore[no-untyped-def]
    """Eliminating segment flows must give the same Newton step as the full system."""
    ts, x, modes, terms = setup(methane, "papay", 3, switch)
    f = ts.residual(x, modes, terms)
    full = np.linalg.solve(ts.jacobian(x, modes, terms), -f)
    reduced = ts.direction(x, modes, terms, LinearSolver())
    # both solve the same linear system exactly; 1e-8 of the step's size allows for the
    # conditioning of the scaled Jacobian (~1e6) times round-off
    assert np.max(np.abs(reduced - full)) < 1e-8 * np.abs(full).max()
