"""Observed order of accuracy in Δt of the coupled transient's temperature (self-convergence).

The problem of ``test_transient_order.py`` (one 40 km pipe, 8 segments, pressure held at the
inlet, the smooth outlet demand q(t) = 20 + 5 (1 − cos 2πt/τ) kg/s) with the energy balance:
U = 5 W/(m² K), soil at 288.15 K, and a smooth supply temperature T_s(t) = 298.15 + 5 (1 − cos
2πt/τ) K, from the steady state (zero slopes at t = 0). Errors are the largest deviation of the
outlet temperature (and, as before, of outlet pressure and inlet flow) from a BDF2 run at
Δt = 2.5 s, over the output times.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.gas.composition import Gas
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply, Thermal
from linepack.transient import Schedule, Series, TransientResult, simulate

P_IN, Q0, T0, TS = 50e5, 20.0, 298.15, 288.15
PERIOD = 1800.0  # τ [s]
T_LEN, T_SEG, T_END = 40e3, 5e3, 1800.0


def one_pipe() -> Network:
    return Network(
        "one-pipe-thermal",
        Gas.from_mapping({"methane": 1.0}),
        settings=Settings(
            eos="papay",
            friction="constant",
            friction_value=0.01,
            gas_temperature=T0,
            ground_temperature=TS,
            viscosity=1.1e-5,
            segment_length=T_SEG,
            thermal=Thermal.ENERGY,
            heat_transfer_coefficient=5.0,
        ),
        nodes=[Node("a"), Node("b")],
        pipes=[Pipe("p", "a", "b", T_LEN, 0.5)],
        supplies=[Supply("s", "a", pressure=P_IN, temperature=T0)],
        demands=[Demand("d", "b", flow=Q0)],
    )


def schedule() -> Schedule:
    # sampled every 2.5 s (the finest step used): each run sees the smooth functions at its steps
    t = np.arange(0.0, T_END + 2.5, 2.5)
    wave = 1.0 - np.cos(2 * np.pi * t / PERIOD)
    return (
        Schedule()
        .set("demand", "d", "flow", Series.linear(t, Q0 + 5.0 * wave))
        .set("supply", "s", "temperature", Series.linear(t, T0 + 5.0 * wave))
    )


def run(dt: float, scheme: str) -> TransientResult:
    return simulate(
        one_pipe(), schedule(), hours=T_END / 3600, dt=dt, scheme=scheme, output_every=40
    )


def outlet_temperature(r: TransientResult) -> np.ndarray:
    assert r.temperature is not None
    return np.asarray(r.temperature[:, 1])


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    # BDF2 at Δt = 2.5 s: 1/16 of the finest BDF2 run's error below, far below any BE run's
    return outlet_temperature(run(2.5, "bdf2"))


@pytest.mark.parametrize(("scheme", "low", "high"), [("be", 0.85, 1.15), ("bdf2", 1.8, 2.3)])
def test_temperature_order_in_time(
    reference: np.ndarray, scheme: str, low: float, high: float
) -> None:
    errors = []
    for dt in (40.0, 20.0, 10.0):
        errors.append(float(np.max(np.abs(outlet_temperature(run(dt, scheme)) - reference))))
    e = np.asarray(errors)
    order = np.log2(e[:-1] / e[1:])
    # the isothermal scheme's bounds (test_transient_order.py), a little wider for BE: the
    # temperature error of BE halves with Δt (first order), BDF2's quarters (second order)
    assert np.all((order >= low) & (order <= high)), (errors, order)
    # and the temperature moved: the comparison is not of a constant
    assert np.ptp(reference) > 1.0


# -- space -----------------------------------------------------------------------------------
X_LEN, X_DT = 16e3, 10.0  # 16 km pipe, 30 min, BDF2 at 10 s for every grid


def test_temperature_order_in_space() -> None:
    """Segments of 4, 2 and 1 km against 250 m, at the same time step (see
    ``test_transient_order.test_order_in_space``): the outlet temperature's spatial order.

    The transient's pipes exchange heat from the node volumes and carry enthalpy upwind
    (``docs/thermal.md``, "Transient"): a first-order scheme in Δx for temperature, against
    the hydraulics' second order; this test measures and holds that.
    """

    def run(segment: float) -> np.ndarray:
        net = one_pipe()
        net.pipes[0].length = X_LEN
        net.settings.segment_length = segment
        r = simulate(net, schedule(), hours=T_END / 3600, dt=X_DT, output_every=60)
        return outlet_temperature(r)

    ref = run(250.0)
    e = np.asarray([float(np.max(np.abs(run(s) - ref))) for s in (4000.0, 2000.0, 1000.0)])
    order = np.log2(e[:-1] / e[1:])
    # first order (upwind transport, node-volume heat exchange); the last pair reads a little
    # high because the 250 m reference has a quarter of the 1 km run's error
    assert np.all((order >= 0.85) & (order <= 1.5)), (e, order)
