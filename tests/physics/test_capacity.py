"""Capacity search against closed forms, and how it behaves on the PSGP cases.

Truth for one horizontal pipe, ideal gas, constant Darcy λ (isothermal steady flow, kinetic
term neglected, as in the textbook equation the solver reproduces exactly for this gas):

    p1² − p2² = K q²,   K = λ R T L / (D A²)

* pressure-limited capacity between p1 and the minimum delivery p2:
  q = sqrt((p1² − p2²) / K)  (the Weymouth-type form);
* velocity-limited capacity, outlet speed v = q R T / (p2 A) = v_max:
  q = v_max A p1 / sqrt(R² T² + v_max² A² K).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from linepack.io.design_toml import read_design
from linepack.io.load import load
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.studies.calibration import calibrate
from linepack.studies.capacity import (
    capacity_vs_inlet,
    capacity_vs_stations,
    max_throughput,
)
from linepack.studies.limits import MAX_VELOCITY, MIN_DELIVERY, SUPPLY_FLOW, prepare

RS, T, LAM, D, L = 500.0, 288.15, 0.011, 0.9, 80e3
P1, P2 = 60e5, 40e5
A = math.pi * D**2 / 4
K = LAM * RS * T * L / (D * A**2)


def one_pipe(methane, p_min: float = P2) -> Network:  # type: ignore[no-untyped-def]
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
        ),
        nodes=[Node("a", p_max=80e5), Node("b", p_min=p_min)],
        pipes=[Pipe("p", "a", "b", length=L, diameter=D, maop=80e5)],
        supplies=[Supply("s", "a", pressure=P1)],
        demands=[Demand("d", "b", flow=100.0)],
        route=["a", "b"],
        delivery="b",
    )


def test_pressure_limited_capacity_matches_closed_form(methane) -> None:  # type: ignore[no-untyped-def]
    net = one_pipe(methane)
    d = read_design(net)
    r = max_throughput(net, design=read_design(net))
    q = math.sqrt((P1**2 - P2**2) / K)
    tol = d.kg_s(0.1)
    assert r.binding_constraint == MIN_DELIVERY
    assert r.binding_element == "node 'b'"
    # the capacity is the feasible end of a bracket at most 0.1 MMSCFD wide around the truth;
    # 1e-9 relative allows for Newton's tolerance at the bracket ends
    assert r.tolerance <= tol
    assert q - tol - 1e-9 * q <= r.max_throughput <= q * (1 + 1e-9)
    # at capacity the binding margin is ~0: at most dp2/dq times the bracket width (+ Newton)
    m = r.margin(MIN_DELIVERY)
    assert m is not None
    slope = K * q / P2
    assert -1e-9 * P2 <= m.margin <= slope * r.tolerance + 1e-9 * P2
    assert r.binding_margin_above is not None
    assert r.binding_margin_above < 0
    # every other deciding limit holds at capacity
    assert all(x.margin >= 0 for x in r.margins if x.decides)


def test_velocity_limited_capacity_matches_closed_form(methane) -> None:  # type: ignore[no-untyped-def]
    net = one_pipe(methane)
    q_p = math.sqrt((P1**2 - P2**2) / K)
    v_lim = 0.5 * q_p * RS * T / (P2 * A)  # half the outlet speed at the pressure limit
    r = max_throughput(net, max_velocity=v_lim, design=read_design(net))
    q = v_lim * A * P1 / math.sqrt(RS**2 * T**2 + v_lim**2 * A**2 * K)
    tol = read_design(net).kg_s(0.1)
    assert r.binding_constraint == MAX_VELOCITY
    assert r.binding_element == "pipe 'p'"
    # bracket width 0.1 MMSCFD; 1e-9 relative for Newton's tolerance
    assert q - tol - 1e-9 * q <= r.max_throughput <= q * (1 + 1e-9)


def test_no_capacity_when_delivery_minimum_exceeds_inlet(methane) -> None:  # type: ignore[no-untyped-def]
    net = one_pipe(methane, p_min=P1 + 1e5)
    r = max_throughput(net, design=read_design(net))
    assert r.max_throughput == 0.0
    assert r.binding_constraint == MIN_DELIVERY


def test_an_infeasible_solve_is_an_infeasible_trial(methane) -> None:  # type: ignore[no-untyped-def]
    net = one_pipe(methane)
    pb = prepare(net, design=read_design(net))
    t = pb.trial(10 * math.sqrt(P1**2 / K))  # far more than the pipe can carry at any p2 > 0
    assert not t.feasible
    assert t.solution is None
    assert t.error


@pytest.fixture(scope="module")
def phase1():  # type: ignore[no-untyped-def]
    return load("psgp-56in-phase1")


def test_capacity_rises_with_inlet_pressure(phase1) -> None:  # type: ignore[no-untyped-def]
    atm = phase1.settings.atmosphere
    rows = capacity_vs_inlet(
        phase1,
        [atm + b * 1e5 for b in (70, 80, 90)],
        supply_limit=False,
        design=read_design(phase1),
    ).rows
    caps = [r.max_throughput for r in rows]
    assert caps[0] < caps[1] < caps[2]
    assert all(r.binding_constraint == MIN_DELIVERY for r in rows)


def test_capacity_rises_with_stations_and_greedy_sites_beat_even(phase1) -> None:  # type: ignore[no-untyped-def]
    even = capacity_vs_stations(
        phase1, 1, "even", supply_limit=False, design=read_design(phase1)
    ).rows
    best = capacity_vs_stations(
        phase1, 1, "optimal", supply_limit=False, design=read_design(phase1)
    ).rows
    assert even[1].max_throughput > even[0].max_throughput
    # the furthest-downstream site carries at least what the mid-route site does (0.1 MMSCFD:
    # both are bracket ends of that width)
    tol = read_design(phase1).kg_s(0.1)
    assert best[1].max_throughput >= even[1].max_throughput - tol
    assert len(best[1].stations) == 1


def test_binding_constraint_moves_to_velocity_when_the_limit_is_low(phase1) -> None:  # type: ignore[no-untyped-def]
    assert max_throughput(phase1, design=read_design(phase1)).binding_constraint == MIN_DELIVERY
    r = max_throughput(phase1, max_velocity=4.0, design=read_design(phase1))
    assert r.binding_constraint == MAX_VELOCITY
    assert r.binding_element.startswith("pipe ")
    v = r.margin(MAX_VELOCITY)
    assert v is not None
    assert 0.0 <= v.margin < 0.01  # within the 0.1 MMSCFD bracket: < 0.01 m/s


def test_supply_limit_binds_at_high_inlet_pressure(phase1) -> None:  # type: ignore[no-untyped-def]
    atm = phase1.settings.atmosphere
    r = max_throughput(phase1, inlet_pressure=atm + 95e5, design=read_design(phase1))
    assert r.binding_constraint == SUPPLY_FLOW
    assert r.binding_element == "supply 'port-qasim-lng'"
    free = max_throughput(
        phase1, inlet_pressure=atm + 95e5, supply_limit=False, design=read_design(phase1)
    )
    assert free.max_throughput > r.max_throughput


def test_station_limits_hold_at_capacity() -> None:
    phase2 = load("psgp-56in-phase2")
    r = max_throughput(phase2, supply_limit=False, design=read_design(phase2))
    # the stations reach a limit and the delivery pressure then binds
    assert r.binding_constraint == MIN_DELIVERY
    assert r.stations_at_limit
    assert all(m.margin >= 0 for m in r.margins if m.decides)
    # station limits are held by the solver to its switching tolerance (1e-9 relative)
    stations = [m for m in r.margins if m.constraint.startswith("station_")]
    assert stations
    assert all(m.relative >= -1e-9 for m in stations)


def test_calibration_band_agrees_with_the_capacity_search(phase1) -> None:  # type: ignore[no-untyped-def]
    atm = phase1.settings.atmosphere
    cal = calibrate(
        phase1,
        inlet_pressures=[atm + 85e5],
        min_delivery_pressures=[atm + 50e5, atm + 70e5],
        target_mmscfd=None,
        design=read_design(phase1),
    )
    d = read_design(phase1)
    row = cal.band_rows[0]
    assert row.delivery_at_low is not None
    # the delivery pressure at 700 MMSCFD, used as the minimum, gives a capacity of 700 MMSCFD:
    # two code paths (one solve at a flow, a capacity search); 0.1 MMSCFD bracket + 1e-6
    r = max_throughput(
        phase1,
        min_delivery_pressure=row.delivery_at_low,
        supply_limit=False,
        design=read_design(phase1),
    )
    assert r.max_throughput_mmscfd == pytest.approx(700.0, abs=0.1 + 1e-6 * 700)
    # the fact sheet's back-of-envelope free flow (Colebrook + Papay, FACTS sec. 2 [A]):
    # ~1,420 MMSCFD 85->50 barg, ~970 85->70 barg; 5 % covers its simpler Z and friction
    grid = {round(d.barg(g.min_delivery_pressure)): g.max_throughput_mmscfd for g in cal.grid}
    assert grid[50] == pytest.approx(1420, rel=0.05)
    assert grid[70] == pytest.approx(970, rel=0.05)
    assert not any(cal.in_band(g) for g in cal.grid)  # neither pair gives 700-800 MMSCFD
    assert np.isnan(cal.target)
