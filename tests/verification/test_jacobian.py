"""The analytic Jacobian against central finite differences, for every component and mode."""

from __future__ import annotations

import numpy as np
import pytest

from linepack.network.compile import MODE_CODES, compile_network
from linepack.network.model import (
    Compressor,
    CompressorMode,
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


def every_component(methane, eos: str, friction: str) -> Network:  # type: ignore[no-untyped-def]
    nodes = [
        Node(n, elevation=h)
        for n, h in [
            ("a", 0),
            ("b", 40),
            ("c", 35),
            ("d", 60),
            ("e", 60),
            ("f", 80),
            ("g", 80),
            ("h", 90),
            ("i", 90),
            ("j", 95),
        ]
    ]
    return Network(
        name="all",
        gas=methane,
        settings=Settings(eos=eos, friction=friction, friction_value=0.01, segment_length=20e3),
        nodes=nodes,
        pipes=[
            Pipe("p1", "a", "b", 50e3, 0.9, 2e-5),
            Pipe("p2", "c", "d", 30e3, 0.7, 2e-5),
            Pipe("p3", "e", "f", 15e3, 0.5, 4e-5),
        ],
        compressors=[
            Compressor(
                "k", "b", "c", mode=CompressorMode.OUTLET_PRESSURE, setpoint=70e5, heat_rate=3.0
            )
        ],
        regulators=[Regulator("r", "d", "e", setpoint=50e5)],
        valves=[Valve("v", "f", "g", open=True), Valve("w", "g", "h", open=False)],
        short_pipes=[ShortPipe("s", "f", "h")],
        resistors=[
            Resistor("z", "h", "i", drag_factor=3.0, diameter=0.5),
            Resistor("y", "i", "j", pressure_loss=0.4e5),
        ],
        supplies=[Supply("src", "a", pressure=60e5)],
        demands=[Demand("dem", "j", flow=80.0)],
    )


def fd_jacobian(system: sy.SteadySystem, x: np.ndarray, modes: sy.Modes) -> np.ndarray:
    n = len(x)
    jac = np.zeros((n, n))
    for j in range(n):
        h = 1e-6 * max(abs(x[j]), 1.0)
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        jac[:, j] = (
            system.evaluate(xp, modes, False)[0] - system.evaluate(xm, modes, False)[0]
        ) / (2 * h)
    return jac


def state(system: sy.SteadySystem, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = rng.uniform(40e5, 75e5, system.n_nodes)
    q = rng.uniform(20.0, 120.0, system.n_edges) * rng.choice([-1, 1], system.n_edges)
    q[system.off["compressor"]] = abs(q[system.off["compressor"]])  # fuel only for forward flow
    return np.concatenate([p, q])


@pytest.mark.parametrize("eos", ["ideal", "papay", "gerg2008"])
@pytest.mark.parametrize("friction", ["colebrook", "hofer", "swamee-jain", "constant"])
def test_jacobian_matches_finite_differences_pipes(methane, eos: str, friction: str) -> None:  # type: ignore[no-untyped-def]
    _check(methane, eos, friction, [CompressorMode.OUTLET_PRESSURE], [sy.REG_ACTIVE])


@pytest.mark.parametrize("mode", list(CompressorMode))
@pytest.mark.parametrize("reg", [sy.REG_ACTIVE, sy.REG_OPEN, sy.REG_CLOSED])
def test_jacobian_matches_finite_differences_controls(methane, mode, reg) -> None:  # type: ignore[no-untyped-def]
    _check(methane, "papay", "colebrook", [mode], [reg])


def _check(methane, eos, friction, cmodes, rmodes) -> None:  # type: ignore[no-untyped-def]
    cn = compile_network(every_component(methane, eos, friction))
    system = sy.SteadySystem(cn)
    modes = sy.Modes.initial(cn)
    modes.compressor[:] = [MODE_CODES[m] for m in cmodes]
    modes.value[:] = {
        CompressorMode.RATIO: 1.3,
        CompressorMode.FLOW: 90.0,
        CompressorMode.POWER: 5e6,
    }.get(cmodes[0], 60e5)
    modes.regulator[:] = rmodes
    for seed in range(3):
        x = state(system, seed)
        _, jac = system.evaluate(x, modes, True)
        assert jac is not None
        # Compare sensitivities to *relative* changes of the unknowns (columns times |x|), so
        # that pressure (~1e6 Pa) and flow (~1e2 kg/s) columns weigh alike within a row.
        fd = fd_jacobian(system, x, modes) * np.abs(x)
        dense = jac.toarray() * np.abs(x)
        # Central differences with h = 1e-6 |x| are accurate to ~1e-9 of an entry (truncation
        # ~h^2, round-off ~eps/h); 1e-6 relative to the row's largest entry leaves margin and
        # still catches a missing or wrong term (a missing dZ/dp term is ~1e-2 relative).
        scale = np.maximum(np.abs(fd).max(axis=1, keepdims=True), 1e-300)
        err = np.abs(dense - fd) / scale
        worst = np.unravel_index(np.argmax(err), err.shape)
        assert err.max() < 1e-6, f"row {worst[0]}, col {worst[1]}: {dense[worst]} vs {fd[worst]}"


@pytest.mark.parametrize("seed", range(3))
def test_reduced_newton_step_equals_full_step(methane, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Eliminating segment flows (Schur complement) must give the same Newton step."""
    import scipy.sparse.linalg as spla

    from linepack.steady.newton import LinearSolver

    cn = compile_network(every_component(methane, "papay", "colebrook"))
    system = sy.SteadySystem(cn)
    modes = sy.Modes.initial(cn)
    x = state(system, seed)
    f, jac = system.evaluate(x, modes, True)
    assert jac is not None
    full = spla.spsolve(jac.tocsc(), -f)
    reduced = system.newton_direction(x, modes, LinearSolver())
    # Both are exact solutions of the same linear system; 1e-8 relative to the step's size
    # allows for the conditioning of the scaled Jacobian (~1e6) times round-off
    scale = np.abs(full).max()
    assert np.max(np.abs(reduced - full)) < 1e-8 * scale
