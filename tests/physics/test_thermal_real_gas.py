"""Coupled steady pressure and temperature of a real gas against an independent ODE integration.

Truth: the steady momentum and energy equations of one uniformly inclined pipe, integrated by
scipy's ``solve_ivp`` (DOP853, rtol 1e-11) with GERG-2008 properties evaluated directly by
``pyaga8`` (not linepack's tables):

    dp/dx = -λ ṁ|ṁ| Z R T / (2 D A² p) - g sinθ p / (Z R T)
    c_p dT/dx - c_p μ_JT dp/dx + g sinθ + v dv/dx = -π D U (T - T_s) / ṁ,  v = ṁ Z R T / (p A)

linepack solves the same pipe with ``thermal = "energy"`` as a network (segments of 250 m, the
pipe law and energy balance coupled); the bar is rtol 1e-6 on pressure and temperature.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from linepack.gas.composition import Gas
from linepack.gas.eos import direct_properties
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply, Thermal
from linepack.steady.solve import SteadyOptions, solve
from linepack.steady.thermal import G

# PSGP RLNG (FACTS.md, assumed Qatari lean LNG), mol fractions
RLNG = {
    "methane": 0.905,
    "ethane": 0.06,
    "propane": 0.02,
    "isobutane": 0.004,
    "n_butane": 0.005,
    "nitrogen": 0.006,
}
D, L, U, LAM = 0.9, 60e3, 2.5, 0.0095
A = math.pi * D**2 / 4
P_IN, T0, TS = 70e5, 318.15, 293.15
FLOW, RISE = 150.0, 200.0


def network(gas: Gas) -> Network:
    return Network(
        name="real-gas-pipe",
        gas=gas,
        settings=Settings(
            gas_temperature=T0,
            ground_temperature=TS,
            eos="gerg2008",
            friction="constant",
            friction_value=LAM,
            viscosity=1.1e-5,
            segment_length=250.0,
            thermal=Thermal.ENERGY,
        ),
        nodes=[Node("a"), Node("b", elevation=RISE)],
        pipes=[Pipe("p", "a", "b", length=L, diameter=D, heat_transfer_coefficient=U)],
        supplies=[Supply("s", "a", pressure=P_IN, temperature=T0)],
        demands=[Demand("d", "b", flow=FLOW)],
    )


def ode_profile(gas: Gas, rs: float, xs: np.ndarray) -> np.ndarray:
    sin = RISE / L

    def props(p: float, t: float) -> tuple[float, ...]:
        d = direct_properties(
            "gerg2008", gas, np.array([p, p * (1 + 1e-6), p]), np.array([t, t, t * (1 + 1e-6)])
        )
        z = float(d["z"][0])
        zp = (float(d["z"][1]) - z) / (p * 1e-6)
        zt = (float(d["z"][2]) - z) / (t * 1e-6)
        return z, zp, zt, float(d["cp"][0]), float(d["joule_thomson"][0])

    def rhs(_x: float, y: np.ndarray) -> list[float]:
        p, t = float(y[0]), float(y[1])
        z, zp, zt, cp, mu = props(p, t)
        dp = -LAM * FLOW * abs(FLOW) * z * rs * t / (2 * D * A**2 * p) - G * sin * p / (z * rs * t)
        v = FLOW * z * rs * t / (p * A)
        heat = math.pi * D * U * (t - TS) / FLOW
        dt = (cp * mu * dp - G * sin - heat - v * v * (zp / z - 1 / p) * dp) / (
            cp + v * v * (zt / z + 1 / t)
        )
        return [dp, dt]

    sol = solve_ivp(
        rhs, (0.0, L), [P_IN, T0], method="DOP853", rtol=1e-11, atol=[1e-3, 1e-9], t_eval=xs
    )
    assert sol.success
    return np.asarray(sol.y)


def test_pressure_and_temperature_match_ode() -> None:
    gas = Gas.from_mapping(RLNG)
    net = network(gas)
    sol = solve(net, SteadyOptions(linear_solver="superlu"))
    assert sol.thermal is not None
    cn = sol.compiled
    seg = cn.segments
    nodes = np.concatenate([seg.from_node[:1], seg.to_node])
    xs = np.concatenate([[0.0], seg.x_start + seg.length])
    pick = np.searchsorted(xs, [10e3, 30e3, L])
    ref = ode_profile(gas, cn.gas.gas_constant, xs[pick])
    p = sol.pressure[nodes[pick]]
    t = sol.thermal.temperature[nodes[pick]]
    # rtol 1e-6: the bar; the scheme is second order in the 250 m segments, and the
    # GERG tables are within 2e-6 in Z and 0.5 J/kg in h of direct evaluation
    assert p == pytest.approx(ref[0], rel=1e-6)
    assert t == pytest.approx(ref[1], rel=1e-6)
    # the physics is there: the gas cooled by more than 15 K and lost pressure
    assert t[-1] < T0 - 15.0
