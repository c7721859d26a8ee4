"""One pipe against solutions we did not compute with the solver's own formula.

* Horizontal, ideal gas, constant λ: the textbook isothermal flow equation
  p2² = p1² − λ R T L q² / (D A²).
* Inclined: the momentum ODE dp/dx = −λ q|q| R T / (2 D A² p) − p g sinθ / (R T), integrated
  numerically by scipy at rtol 1e-12 (independent of the kernel's closed form).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.steady.solve import solve

RS = 500.0  # specific gas constant [J/(kg K)], fixed through Settings.gas_constant
T = 288.15
LAM = 0.011
D = 0.9
L = 80e3
P1 = 60e5
Q = 150.0


def one_pipe(methane, dh: float = 0.0, n_seg_length: float = 10e3) -> Network:  # type: ignore[no-untyped-def]
    return Network(
        name="one-pipe",
        gas=methane,
        settings=Settings(
            gas_temperature=T,
            eos="ideal",
            friction="constant",
            friction_value=LAM,
            gas_constant=RS,
            viscosity=1.1e-5,
            segment_length=n_seg_length,
        ),
        nodes=[Node("a", elevation=0.0), Node("b", elevation=dh)],
        pipes=[Pipe("p", "a", "b", length=L, diameter=D, roughness=1e-5)],
        supplies=[Supply("s", "a", pressure=P1)],
        demands=[Demand("d", "b", flow=Q)],
    )


def test_horizontal_ideal_pipe_matches_closed_form(methane) -> None:  # type: ignore[no-untyped-def]
    sol = solve(one_pipe(methane))
    a = np.pi * D**2 / 4
    p2 = np.sqrt(P1**2 - LAM * RS * T * L * Q**2 / (D * a**2))
    # rtol 1e-9: the equation is exact; only Newton's tolerance (1e-11 scaled) and round-off remain
    assert sol.pressure[1] == pytest.approx(p2, rel=1e-9)
    assert sol.flow[0] == pytest.approx(Q, rel=1e-12)  # mass balance on a single path


@pytest.mark.parametrize("dh", [-800.0, 300.0, 1500.0])
def test_inclined_pipe_matches_integrated_momentum_equation(methane, dh: float) -> None:  # type: ignore[no-untyped-def]
    sol = solve(one_pipe(methane, dh=dh))
    a = np.pi * D**2 / 4
    sin = dh / L

    def rhs(_x: float, p: np.ndarray) -> np.ndarray:
        return -LAM * Q * abs(Q) * RS * T / (2 * D * a**2 * p) - p * 9.80665 * sin / (RS * T)

    ode = solve_ivp(rhs, (0.0, L), [P1], rtol=1e-12, atol=1e-6, method="DOP853")
    # rtol 1e-9: exact per-segment solution for ideal gas; the ODE integration is at 1e-12
    assert sol.pressure[1] == pytest.approx(ode.y[0, -1], rel=1e-9)


def test_gravity_alone_gives_barometric_drop(methane) -> None:  # type: ignore[no-untyped-def]
    net = one_pipe(methane, dh=1000.0)
    net.demands[0].flow = 0.0
    sol = solve(net)
    # rtol 1e-9: static gas column p2 = p1 exp(−g Δh / (R T)) exactly for an isothermal ideal gas
    assert sol.pressure[1] == pytest.approx(P1 * np.exp(-9.80665 * 1000.0 / (RS * T)), rel=1e-9)
