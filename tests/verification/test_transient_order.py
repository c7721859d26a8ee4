"""Observed order of accuracy of the transient scheme in Δt and in Δx (self-convergence).

One pipe, pressure held at the inlet, a smooth outlet demand q(t) = 20 + 5 (1 − cos 2πt/τ)
kg/s starting from the steady state (zero slope at t = 0, so the solution is smooth). Errors
are measured against a run on a much finer step (or grid) of the same problem: the largest
deviation of the outlet pressure (relative to the supply pressure) and of the inlet flow
(relative to the initial flow) over the output times.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.gas.composition import Gas
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.transient import Schedule, Series, TransientResult, simulate

P_IN = 50e5
Q0 = 20.0
PERIOD = 1800.0  # τ [s]


def one_pipe(length: float, segment: float, eos: str = "ideal", dh: float = 0.0) -> Network:
    return Network(
        "one-pipe",
        Gas.from_mapping({"methane": 1.0}),
        settings=Settings(
            eos=eos,
            friction="constant",
            friction_value=0.01,
            gas_constant=500.0,
            gas_temperature=288.15,
            viscosity=1.1e-5,
            segment_length=segment,
        ),
        nodes=[Node("a"), Node("b", elevation=dh)],
        pipes=[Pipe("p", "a", "b", length, 0.5)],
        supplies=[Supply("s", "a", pressure=P_IN)],
        demands=[Demand("d", "b", flow=Q0)],
    )


def demand(horizon: float) -> Schedule:
    # sampled every 2.5 s (the finest step used): the run sees the smooth function at its steps
    t = np.arange(0.0, horizon + 2.5, 2.5)
    q = Q0 + 5.0 * (1.0 - np.cos(2 * np.pi * t / PERIOD))
    return Schedule().set("demand", "d", "flow", Series.linear(t, q))


def observed(r: TransientResult) -> np.ndarray:
    """Outlet pressure and inlet flow at the output times, made dimensionless."""
    return np.concatenate([r.pressure[:, 1] / P_IN, r.inflow[:, 0] / Q0])


def orders(errors: list[float]) -> np.ndarray:
    e = np.asarray(errors)
    return np.log2(e[:-1] / e[1:])


# -- time ------------------------------------------------------------------------------------
T_LEN, T_SEG, T_END = 40e3, 5e3, 1800.0  # 40 km pipe, 8 segments, 30 min


@pytest.fixture(scope="module")
def time_reference() -> np.ndarray:
    # BDF2 at Δt = 2.5 s: its error is (2.5/10)² = 1/16 of the finest BDF2 run below and far
    # below any backward-Euler run, so it stands in for the exact time-discrete solution
    net = one_pipe(T_LEN, T_SEG)
    r = simulate(net, demand(T_END), hours=T_END / 3600, dt=2.5, scheme="bdf2", output_every=40)
    return observed(r)


@pytest.mark.parametrize(("scheme", "low", "high"), [("be", 0.9, 1.1), ("bdf2", 1.9, 2.3)])
def test_order_in_time(time_reference: np.ndarray, scheme: str, low: float, high: float) -> None:
    net = one_pipe(T_LEN, T_SEG)
    errors = []
    for dt in (40.0, 20.0, 10.0):
        r = simulate(net, demand(T_END), hours=T_END / 3600, dt=dt, scheme=scheme, output_every=40)
        errors.append(float(np.max(np.abs(observed(r) - time_reference))))
    p = orders(errors)
    # measured: BE 0.98, 0.99; BDF2 1.99, 2.08 (the last pair reads high by ~0.07 because the
    # reference's own error is 1/16 of the finest run's). Bounds: BE within ±0.1 of 1; BDF2 at
    # least 1.9 (the bar) and below 2.3 (a higher order would mean a broken reference)
    assert np.all((p > low) & (p < high)), f"{scheme}: errors {errors}, orders {p}"


# -- space -----------------------------------------------------------------------------------
X_LEN, X_END, X_DT = 16e3, 1800.0, 10.0  # 16 km pipe, 30 min, BDF2 at 10 s for every grid


@pytest.mark.parametrize(("eos", "dh"), [("ideal", 0.0), ("papay", 300.0)])
def test_order_in_space(eos: str, dh: float) -> None:
    """Segments of 4, 2 and 1 km against 250 m, at the same time step.

    At a fixed Δt the fully discrete solutions converge in Δx to the time-discrete solution of
    the PDE, so the differences to the fine grid show the spatial order alone. The pressure at
    the pipe's middle (a node on every grid) is compared too.
    """

    def run(segment: float) -> tuple[np.ndarray, np.ndarray]:
        net = one_pipe(X_LEN, segment, eos, dh)
        r = simulate(net, demand(X_END), hours=X_END / 3600, dt=X_DT, output_every=60)
        mid = r.node(f"p#{round(X_LEN / segment) // 2}") / P_IN
        return observed(r), mid

    ref, ref_mid = run(250.0)
    errors, mid_errors = [], []
    for segment in (4000.0, 2000.0, 1000.0):
        obs, mid = run(segment)
        errors.append(float(np.max(np.abs(obs - ref))))
        mid_errors.append(float(np.max(np.abs(mid - ref_mid))))
    p, p_mid = orders(errors), orders(mid_errors)
    # measured: ideal 2.02, 2.07 (mid 2.02, 2.07); real gas on a slope 2.13, 2.28 (2.07, 2.17);
    # the last pair reads high because the 250 m reference has 1/16 of the 1 km run's error.
    # The staggered scheme is second order: half-cell storage at the pipe ends is a local
    # first-order approximation confined to one cell, which keeps the global error O(Δx²).
    assert min(p.min(), p_mid.min()) >= 1.9, f"errors {errors} {mid_errors}"
