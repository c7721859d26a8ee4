"""The steady energy balance against the closed form of ``notes/thermal.md``.

Truth: a pipe with constant U, c_p, μ_JT, pressure gradient G and inclination, kinetic term
neglected, has

    T(x) = T_s + J/a + (T_0 - T_s - J/a) exp(-a x),  a = π D U / (ṁ c_p),
    J = μ_JT G - g sinθ / c_p.

A caloric model with exactly constant c_p and μ_JT is ``h = c_p (T - μ_JT p)``; with it and
given pressures linear in x, :func:`linepack.steady.thermal.energy_state` must reproduce the
formula at every segment node up to the kinetic-energy term the formula leaves out (bounded
below). The limits U → ∞ (gas at the soil temperature) and U = 0 with an ideal gas (total
enthalpy constant) are checked on the same pipe.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import numpy.typing as npt
import pytest

from linepack.network.compile import ThermalData, compile_network
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.steady.thermal import G, energy_state

CP, MU = 2300.0, 4.5e-6  # J/(kg K), K/Pa (0.45 K/bar, lean natural gas)
RS = 480.0
D, L, U = 1.2, 120e3, 2.5
T0, TS = 318.15, 293.15  # inlet 45 degC, soil 20 degC
FLOW = 60.0  # kg/s: about 1 m/s at 60 bar in D = 1.2 m, so the kinetic term is negligible
P_IN, P_OUT = 70e5, 55e5
RISE = 300.0  # m over the pipe


class LinearCaloric:
    """``h = c_p (T - μ p)``: constant c_p and Joule-Thomson coefficient (test model)."""

    name = "linear"

    def __init__(self, cp: float, mu: float) -> None:
        self.cp_, self.mu = cp, mu

    def h(self, p: npt.ArrayLike, T: npt.ArrayLike) -> np.ndarray:
        return self.cp_ * (np.asarray(T, float) - self.mu * np.asarray(p, float))

    def s(self, p: npt.ArrayLike, T: npt.ArrayLike) -> np.ndarray:  # not used without stations
        return self.cp_ * np.log(np.asarray(T, float)) - RS * np.log(np.asarray(p, float))

    def cp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> np.ndarray:
        return np.broadcast_to(self.cp_, np.broadcast(p, T).shape).astype(float)

    def dh_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> np.ndarray:
        return np.broadcast_to(-self.cp_ * self.mu, np.broadcast(p, T).shape).astype(float)

    def temperature_ph(self, p: npt.ArrayLike, h: npt.ArrayLike, T0=None) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.asarray(h, float) / self.cp_ + self.mu * np.asarray(p, float)

    def temperature_ps(self, p: npt.ArrayLike, s: npt.ArrayLike, T0=None) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.exp((np.asarray(s, float) + RS * np.log(np.asarray(p, float))) / self.cp_)


def pipe_case(methane, u: float, caloric) -> tuple:  # type: ignore[no-untyped-def]
    net = Network(
        name="one-pipe",
        gas=methane,
        settings=Settings(
            gas_temperature=T0,
            eos="ideal",
            friction="constant",
            friction_value=0.01,
            gas_constant=RS,
            viscosity=1.1e-5,
            segment_length=1000.0,
        ),
        nodes=[Node("a", elevation=0.0), Node("b", elevation=RISE)],
        pipes=[Pipe("p", "a", "b", length=L, diameter=D)],
        supplies=[Supply("s", "a", pressure=P_IN)],
        demands=[Demand("d", "b", flow=FLOW)],
    )
    cn = compile_network(net)
    n_seg = len(cn.segments.length)
    nn = cn.n_nodes
    th = ThermalData(
        seg_u=np.full(n_seg, u),
        seg_soil=np.full(n_seg, TS),
        supply_temperature=np.array([T0]),
        node_ambient=np.full(nn, TS),
        max_discharge=np.zeros(0),
        cooler_outlet=np.zeros(0),
        cooler_max_duty=np.zeros(0),
        cooler_dp=np.zeros(0),
        heater_outlet=np.zeros(0),
        heater_max_duty=np.zeros(0),
        min_temperature=273.15,
        caloric=caloric,
        suction_temperature=np.zeros(0),
        head_factor=np.zeros(0),
    )
    cn = dataclasses.replace(cn, thermal=th)
    # distance of every node from the inlet, and pressures linear in it
    x = np.zeros(nn)
    seg = cn.segments
    x[seg.to_node] = seg.x_start + seg.length
    x[seg.from_node] = seg.x_start
    p = P_IN + (P_OUT - P_IN) * x / L
    # elevation is linear along the pipe too (interior nodes interpolated by compile)
    q = np.full(cn.n_edges, FLOW)
    return cn, x, p, q


def closed_form(x: np.ndarray, u: float) -> np.ndarray:
    a = math.pi * D * u / (FLOW * CP)
    j = MU * (P_OUT - P_IN) / L - G * (RISE / L) / CP
    return TS + j / a + (T0 - TS - j / a) * np.exp(-a * x)


def test_exponential_profile(methane) -> None:  # type: ignore[no-untyped-def]
    cn, x, p, q = pipe_case(methane, U, LinearCaloric(CP, MU))
    st = energy_state(cn, p, q, np.zeros(0), np.zeros(0, bool))
    truth = closed_form(x, U)
    # the inclination enters through the node elevations: check compile made them linear
    assert np.allclose(cn.elevation, RISE * x / L, rtol=0, atol=1e-9)
    # the scheme is exact for this model except for the kinetic-energy change the formula
    # leaves out: v ≈ 1.1 m/s rising ~30 % gives Δ(v²/2) < 0.5 J/kg, i.e. < 2.2e-4 K
    err = np.max(np.abs(st.temperature - truth))
    assert err < 5e-4, err
    # and it is the physics, not the tolerance, that holds: 100 km in, the gas has cooled
    # from 45 degC to within a few K of the soil, below it by the Joule-Thomson share
    assert truth[np.argmax(x)] < T0 - 15.0


def test_energy_balance_closes(methane) -> None:  # type: ignore[no-untyped-def]
    cn, _x, p, q = pipe_case(methane, U, LinearCaloric(CP, MU))
    st = energy_state(cn, p, q, np.zeros(0), np.zeros(0, bool))
    b = st.balance
    # enthalpy in - out - heat to soil - potential - kinetic: zero to round-off of the terms
    # (the flows balance exactly here: they are given, not solved)
    assert abs(b.residual) <= 1e-12 * b.scale, (b.residual, b.scale)
    # heat to soil from the formula: ∫ π D U (T - Ts) dx along the exponential profile
    a = math.pi * D * U / (FLOW * CP)
    j = MU * (P_OUT - P_IN) / L - G * (RISE / L) / CP
    c0 = T0 - TS - j / a
    heat = math.pi * D * U * (j / a * L + c0 * (1 - math.exp(-a * L)) / a)
    # same 2.2e-4 K kinetic bound, times ṁ c_p: 30 W against ~10 MW
    assert b.heat_to_soil == pytest.approx(heat, rel=1e-5)


def test_infinite_u_gives_soil_temperature(methane) -> None:  # type: ignore[no-untyped-def]
    cn, x, p, q = pipe_case(methane, 1e12, LinearCaloric(CP, MU))
    st = energy_state(cn, p, q, np.zeros(0), np.zeros(0, bool))
    inner = x > 0
    # J/a ≈ 2e-11 K at U = 1e12: the gas leaves each segment at the soil temperature but for
    # the kinetic-energy change, -Δ(v²/2)/c_p: 4e-5 K in the first segment, where the gas
    # cools by 25 K (v ∝ T slows it), and ~1e-6 K per segment after
    assert np.max(np.abs(st.temperature[inner] - TS)) < 5e-5
    assert np.max(np.abs(st.segment_temperature[1:] - TS)) < 5e-6


def test_adiabatic_ideal_gas_keeps_total_enthalpy(methane) -> None:  # type: ignore[no-untyped-def]
    cn, x, p, q = pipe_case(methane, 0.0, LinearCaloric(CP, 0.0))
    st = energy_state(cn, p, q, np.zeros(0), np.zeros(0, bool))
    assert np.all(st.heat_to_soil == 0.0)
    # h + g z (+ v²/2) constant: the gas cools by g Δz / c_p = 1.28 K over the 300 m rise,
    # less the kinetic gain (< 2.2e-4 K, see above)
    drop = T0 - st.temperature[np.argmax(x)]
    assert drop == pytest.approx(G * RISE / CP, abs=5e-4)
