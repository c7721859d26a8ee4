"""Compressor limits, regulators, valves, resistors and short pipes in small networks."""

from __future__ import annotations

import numpy as np
import pytest

from linepack.errors import InfeasibleError
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
from linepack.steady.changes import OWN, Held, Hold
from linepack.steady.solve import solve

BAR = 1e5
# Ideal gas, constant λ: the set-points and limits below are then checked against exact algebra.
SETTINGS = Settings(
    eos="ideal",
    friction="constant",
    friction_value=0.01,
    gas_temperature=288.15,
    viscosity=1.1e-5,
    gas_constant=500.0,
)


def station(methane, comp: Compressor, delivery: Demand | None = None) -> Network:  # type: ignore[no-untyped-def]
    return Network(
        name="station",
        gas=methane,
        settings=SETTINGS,
        nodes=[Node("a"), Node("b"), Node("c"), Node("d")],
        pipes=[Pipe("up", "a", "b", 60e3, 0.6), Pipe("down", "c", "d", 60e3, 0.6)],
        compressors=[comp],
        supplies=[Supply("s", "a", pressure=50 * BAR)],
        demands=[delivery or Demand("d", "d", flow=60.0)],
    )


def comp(**kw) -> Compressor:  # type: ignore[no-untyped-def]
    base = {"name": "k", "from_node": "b", "to_node": "c", "setpoint": 70 * BAR}
    return Compressor(**{**base, **kw})


def pressures(sol) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return dict(zip(sol.compiled.node_names, sol.pressure, strict=True))


def test_outlet_pressure_mode_holds_setpoint(methane) -> None:  # type: ignore[no-untyped-def]
    sol = solve(station(methane, comp()))
    # 1e-12 relative: an algebraic equation solved to Newton's tolerance
    assert pressures(sol)["c"] == pytest.approx(70 * BAR, rel=1e-12)
    assert sol.modes.limit == [OWN]
    assert sol.power[0] > 0


def test_max_ratio_binds(methane) -> None:  # type: ignore[no-untyped-def]
    sol = solve(station(methane, comp(max_ratio=1.2)))
    p = pressures(sol)
    assert p["c"] / p["b"] == pytest.approx(1.2, rel=1e-12)  # the limit is held exactly
    assert sol.modes.limit == [Held(Hold.MAX_RATIO)]


def test_ratio_limit_is_released_when_the_set_point_binds_again(methane) -> None:  # type: ignore[no-untyped-def]
    """A station put on its ratio limit goes back to its outlet set-point once the limit would
    discharge above it (e.g. after a station upstream raised its suction): it never
    discharges above its own set-point."""
    from linepack.steady import system as sy
    from linepack.steady.changes import ChangeKind
    from linepack.steady.solve import update_modes

    sol = solve(station(methane, comp(max_ratio=1.2)))
    assert sol.modes.limit == [Held(Hold.MAX_RATIO)]
    cn, modes = sol.compiled, sol.modes
    x = np.concatenate([sol.pressure, sol.flow])
    b = cn.node_names.index("b")
    x[b] = 62 * BAR  # suction raised: the ratio limit alone would discharge 74.4 bar > 70
    x[cn.node_names.index("c")] = 1.2 * x[b]
    changes = update_modes(cn, sol.system, x, modes)
    assert modes.compressor[0] == sy.M_OUT
    assert modes.value[0] == 70 * BAR  # exactly its own set-point again
    assert modes.limit == [OWN]  # held by no limit
    assert [str(c) for c in changes] == [
        "compressor 'k': back to its set-point (discharge 74.400 bar > set-point 70.000 bar abs)"
    ]
    assert [(c.element, c.kind) for c in changes] == [("compressor 'k'", ChangeKind.RELEASED)]


def test_max_power_binds(methane) -> None:  # type: ignore[no-untyped-def]
    free = solve(station(methane, comp())).power[0]
    sol = solve(station(methane, comp(max_power=0.5 * free)))
    assert sol.power[0] == pytest.approx(0.5 * free, rel=1e-9)  # power held at its limit
    assert sol.modes.limit == [Held(Hold.MAX_POWER)]
    assert pressures(sol)["c"] < 70 * BAR


def test_max_outlet_binds_in_ratio_mode(methane) -> None:  # type: ignore[no-untyped-def]
    c = comp(mode=CompressorMode.RATIO, setpoint=1.8, max_outlet_pressure=65 * BAR)
    sol = solve(station(methane, c))
    assert pressures(sol)["c"] == pytest.approx(65 * BAR, rel=1e-12)
    assert sol.modes.limit == [Held(Hold.MAX_OUTLET_PRESSURE)]


def test_min_suction_binds_with_pressure_set_delivery(methane) -> None:  # type: ignore[no-untyped-def]
    c = comp(setpoint=70 * BAR, min_suction_pressure=46 * BAR)
    sol = solve(station(methane, c, Demand("d", "d", pressure=60 * BAR)))
    assert pressures(sol)["b"] == pytest.approx(46 * BAR, rel=1e-12)
    assert sol.modes.limit == [Held(Hold.MIN_SUCTION_PRESSURE)]
    assert pressures(sol)["c"] < 70 * BAR  # the station gave up discharge pressure


def test_min_suction_with_fixed_demand_is_infeasible(methane) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InfeasibleError) as err:
        solve(station(methane, comp(min_suction_pressure=49.9 * BAR)))
    assert "'k'" in str(err.value)
    assert "min_suction_pressure" in str(err.value)


def test_fuel_follows_power_and_heat_rate(methane) -> None:  # type: ignore[no-untyped-def]
    sol = solve(station(methane, comp(heat_rate=3.0, driver_efficiency=None)))
    lhv = sol.compiled.gas.lhv_mass
    # fuel = heat rate × power / LHV (rtol 1e-12: same arithmetic path, different inputs)
    assert sol.fuel[0] == pytest.approx(3.0 * sol.power[0] / lhv, rel=1e-12)
    # the supply delivers demand + fuel (1e-9 relative: mass balance tolerance)
    supplied = -sol.node_balance[0]
    assert supplied == pytest.approx(60.0 + sol.fuel[0], rel=1e-9)


def test_reverse_flow_through_compressor_is_blocked(methane) -> None:  # type: ignore[no-untyped-def]
    # A stronger source behind the station pushes gas backwards: the station must block it.
    net = station(methane, comp(setpoint=55 * BAR), Demand("d", "b", flow=30.0))
    net.supplies.append(Supply("s2", "d", pressure=60 * BAR))
    sol = solve(net)
    assert sol.modes.limit == [Held(Hold.REVERSE)]
    off = sol.compiled.edge_offsets()["compressor"]
    assert sol.flow[off] == pytest.approx(0.0, abs=1e-9)  # no flow through a blocked station
    assert sol.power[0] == 0.0


def regulated(methane, setpoint: float) -> Network:  # type: ignore[no-untyped-def]
    return Network(
        name="reg",
        gas=methane,
        settings=SETTINGS,
        nodes=[Node("a"), Node("b"), Node("c"), Node("d")],
        pipes=[Pipe("up", "a", "b", 30e3, 0.6), Pipe("down", "c", "d", 30e3, 0.6)],
        regulators=[Regulator("r", "b", "c", setpoint=setpoint)],
        supplies=[Supply("s", "a", pressure=60 * BAR)],
        demands=[Demand("d", "d", flow=80.0)],
    )


def test_regulator_holds_outlet(methane) -> None:  # type: ignore[no-untyped-def]
    sol = solve(regulated(methane, 40 * BAR))
    assert pressures(sol)["c"] == pytest.approx(40 * BAR, rel=1e-12)
    assert sol.modes.regulator.tolist() == [0]


def test_regulator_opens_wide_when_inlet_too_low(methane) -> None:  # type: ignore[no-untyped-def]
    sol = solve(regulated(methane, 70 * BAR))
    p = pressures(sol)
    assert p["c"] == pytest.approx(p["b"], rel=1e-12)  # wide open: no pressure loss
    assert sol.modes.regulator.tolist() == [1]


def test_regulator_closes_against_reverse_flow(methane) -> None:  # type: ignore[no-untyped-def]
    net = regulated(methane, 40 * BAR)
    net.demands = [Demand("d", "b", flow=30.0)]
    net.supplies.append(Supply("s2", "d", pressure=65 * BAR))
    sol = solve(net)
    assert sol.modes.regulator.tolist() == [2]
    assert abs(sol.flow[-1]) < 1e-9  # closed: no flow (kg/s)


def test_closed_valve_diverts_flow_to_parallel_path(methane) -> None:  # type: ignore[no-untyped-def]
    net = Network(
        name="valves",
        gas=methane,
        settings=SETTINGS,
        nodes=[Node("a"), Node("b"), Node("m"), Node("c")],
        pipes=[Pipe("p1", "a", "b", 20e3, 0.5), Pipe("p2", "a", "m", 20e3, 0.5)],
        valves=[Valve("v", "b", "c", open=False)],
        short_pipes=[ShortPipe("s", "m", "c")],
        supplies=[Supply("s", "a", pressure=50 * BAR)],
        demands=[Demand("d", "c", flow=50.0), Demand("d2", "b", flow=0.0)],
    )
    sol = solve(net)
    off = sol.compiled.edge_offsets()
    assert sol.flow[off["valve"]] == pytest.approx(0.0, abs=1e-12)
    p2_first = np.flatnonzero(sol.compiled.segments.pipe == 1)[0]
    assert sol.flow[p2_first] == pytest.approx(50.0, rel=1e-12)  # all flow through p2


def test_resistor_drag_matches_hand_formula(methane) -> None:  # type: ignore[no-untyped-def]
    area = np.pi * 0.4**2 / 4
    net = Network(
        name="res",
        gas=methane,
        settings=SETTINGS,
        nodes=[Node("a"), Node("b")],
        resistors=[Resistor("z", "a", "b", drag_factor=5.0, diameter=0.4)],
        supplies=[Supply("s", "a", pressure=40 * BAR)],
        demands=[Demand("d", "b", flow=60.0)],
    )
    sol = solve(net)
    rho1 = 40 * BAR / (500.0 * 288.15)
    expected = 40 * BAR - 5.0 * 60.0**2 / (2 * rho1 * area**2)
    assert sol.pressure[1] == pytest.approx(expected, rel=1e-12)  # algebraic: exact


def test_zero_length_short_pipes_inside_a_loop(methane) -> None:  # type: ignore[no-untyped-def]
    net = Network(
        name="loop",
        gas=methane,
        settings=SETTINGS,
        nodes=[Node(n) for n in "abcde"],
        pipes=[
            Pipe("p1", "a", "b", 10e3, 0.5),
            Pipe("p2", "b", "c", 10e3, 0.5),
            Pipe("p3", "a", "d", 12e3, 0.5),
            Pipe("p4", "e", "c", 5e3, 0.5),
        ],
        short_pipes=[ShortPipe("s1", "d", "e"), ShortPipe("s2", "b", "d")],
        supplies=[Supply("s", "a", pressure=50 * BAR)],
        demands=[Demand("d", "c", flow=70.0)],
    )
    sol = solve(net)
    p = pressures(sol)
    assert p["d"] == pytest.approx(p["e"], rel=1e-12)
    assert p["b"] == pytest.approx(p["d"], rel=1e-12)
    free = ~np.isfinite(sol.compiled.p_set)
    assert np.max(np.abs(sol.node_balance[free])) < 1e-9 * 70.0


def test_demand_beyond_capacity_names_the_node(methane) -> None:  # type: ignore[no-untyped-def]
    net = Network(
        name="far",
        gas=methane,
        settings=SETTINGS,
        nodes=[Node("a"), Node("far-end")],
        pipes=[Pipe("p", "a", "far-end", 300e3, 0.4)],
        supplies=[Supply("s", "a", pressure=50 * BAR)],
        demands=[Demand("d", "far-end", flow=200.0)],
    )
    with pytest.raises(InfeasibleError) as err:
        solve(net)
    assert "far-end" in str(err.value)
    assert err.value.bound == "pressure > 0"


def test_min_pressure_violation_is_an_error_naming_node_and_amount(methane) -> None:  # type: ignore[no-untyped-def]
    net = regulated(methane, 40 * BAR)
    net.nodes[3].p_min = 45 * BAR
    with pytest.raises(InfeasibleError) as err:
        solve(net)
    assert "node 'd'" in str(err.value)
    assert "below p_min" in str(err.value)
    # the amount is in Pa (the message states bar): the shortfall below p_min, to round-off
    # (rel 1e-9: the same solve, the bar value scaled back by 1e5)
    from linepack.steady.solve import SteadyOptions

    sol = solve(net, SteadyOptions(enforce_limits=False))
    p = sol.pressure[sol.compiled.node_names.index("d")]
    assert err.value.amount == pytest.approx(45 * BAR - p, rel=1e-9)
