"""Boundary conditions over time: series, events, binding to a network, and their errors."""

from __future__ import annotations

import numpy as np
import pytest

from linepack.errors import CaseError, ScheduleError
from linepack.gas.composition import Gas
from linepack.network.compile import compile_network, rederive
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Settings,
    Supply,
    Valve,
)
from linepack.steady import system as sy
from linepack.transient import Schedule, Series, parse_time
from linepack.transient.boundary import BoundaryMap, compiled_at

BAR = 1e5


def small() -> Network:
    return Network(
        "small",
        Gas.from_mapping({"methane": 1.0}),
        settings=Settings(eos="ideal", gas_constant=500.0, viscosity=1.1e-5),
        nodes=[Node(n) for n in ["a", "b", "c", "d", "e"]],
        pipes=[Pipe("ab", "a", "b", 20e3, 0.5), Pipe("de", "d", "e", 10e3, 0.4)],
        compressors=[Compressor("k", "b", "c", setpoint=70 * BAR)],
        regulators=[Regulator("r", "c", "d", setpoint=50 * BAR)],
        valves=[Valve("v", "e", "a", open=False)],
        supplies=[Supply("s", "a", pressure=60 * BAR), Supply("i", "d", flow=2.0)],
        demands=[Demand("x", "e", flow=30.0)],
    )


def test_parse_time() -> None:
    assert parse_time("02:00") == 7200.0
    assert parse_time("30:15:10") == 30 * 3600 + 15 * 60 + 10
    assert parse_time(12.5) == 12.5
    with pytest.raises(ScheduleError, match="HH:MM") as err:
        parse_time("2 h")
    assert (err.value.key, err.value.value) == ("time", "2 h")


def test_linear_and_step_series() -> None:
    s = Series.linear([0, "01:00", "01:00", 7200], [10.0, 20.0, 5.0, 5.0])
    # linear between breakpoints, constant outside, a repeated time is a jump (right-continuous)
    assert [s.value_at(t) for t in (-5, 0, 1800, 3599.999, 3600, 5000, 9999)] == pytest.approx(
        [10, 10, 15, 20 - 10 * 0.001 / 3600, 5, 5, 5]
    )
    assert s.jumps() == (3600.0,)
    st = Series.step([0, 100], [1.0, 0.0])
    assert (st.value_at(99.9), st.value_at(100), st.value_at(1e9)) == (1.0, 0.0, 0.0)
    assert st.jumps() == (100.0,)
    assert Series.constant(3.0).value_at(-1e9) == 3.0
    with pytest.raises(ScheduleError, match="decrease") as err:
        Series.linear([0, 10, 5], [1, 2, 3])
    assert (err.value.element, err.value.key, err.value.value) == (
        "series",
        "times",
        (0.0, 10.0, 5.0),
    )
    with pytest.raises(ScheduleError, match="as many") as err:
        Series.linear([0, 10], [1])
    assert err.value.key == "values"
    with pytest.raises(ScheduleError, match="kind") as err:
        Series((0.0,), (1.0,), "cubic")
    assert (err.value.key, err.value.value) == ("kind", "cubic")


def test_events_step_on_top_of_series() -> None:
    s = Schedule().set("demand", "x", "flow", Series.linear([0, 3600], [30.0, 40.0]))
    s.event("demand", "x", at="00:30", fraction=0.5, quantity="flow")
    s.event("demand", "x", at=2700, to=1.0, quantity="flow")
    key = ("demand", "x", "flow")
    # the series until the first event, then 50 % of the case's value, then 1 kg/s
    assert s.value_at(key, 900, 30.0) == pytest.approx(32.5)
    assert s.value_at(key, 1800, 30.0) == 15.0
    assert s.value_at(key, 3000, 30.0) == 1.0
    assert s.jumps() == (1800.0, 2700.0)
    with pytest.raises(ScheduleError, match="exactly one") as err:
        s.event("demand", "x", at=0, to=1.0, fraction=0.5)
    assert err.value.element == "event on demand 'x'"
    with pytest.raises(ScheduleError, match="quantity") as err:
        s.set("valve", "v", "flow", Series.constant(1.0))
    assert (err.value.element, err.value.key, err.value.value) == ("valve 'v'", "quantity", "flow")
    with pytest.raises(ScheduleError, match="kind") as err:
        s.set("pump", "p", "flow", Series.constant(1.0))
    assert (err.value.key, err.value.value) == ("kind", "pump")


def test_boundary_values_over_time() -> None:
    cn = compile_network(small())
    s = Schedule()
    s.set("supply", "s", "pressure", Series.linear([0, 3600], [60 * BAR, 50 * BAR]))
    s.event("supply", "i", at="01:00", fraction=2.0)  # the flow the case fixes
    s.event("demand", "x", at="01:00", to=10.0)
    s.event("compressor", "k", at="02:00", to=0)  # trip
    s.set("compressor", "k", "setpoint", Series.linear([0, 3600], [70 * BAR, 72 * BAR]))
    s.event("regulator", "r", at="00:10", to=45 * BAR)
    s.event("valve", "v", at="00:20", to=1)
    bmap = BoundaryMap(cn, s)
    a, d, e = (cn.node_names.index(n) for n in "ade")
    b0, b1, b2 = bmap.at(0.0), bmap.at(3600.0), bmap.at(7200.0)
    assert (b0.p_set[a], b1.p_set[a]) == (60 * BAR, 50 * BAR)
    assert (b0.injection[d], b1.injection[d]) == (2.0, 4.0)
    assert (b0.injection[e], b1.injection[e]) == (-30.0, -10.0)
    assert b1.comp_on[0]
    assert not b2.comp_on[0]
    assert b1.comp_value[0] == 72 * BAR
    assert b1.comp_mode[0] == sy.M_OUT
    assert (b0.reg_value[0], b1.reg_value[0]) == (50 * BAR, 45 * BAR)
    assert (b0.valve_open[0], b1.valve_open[0]) == (False, True)
    # the case's values at the start: the initial steady state is solved for them
    cn0 = compiled_at(cn, s, 7200.0)
    assert cn0.compressors.mode[0] == sy.M_OFF
    assert cn0.supplies.pressure[0] == 50 * BAR
    assert cn0.p_set[a] == 50 * BAR
    assert cn0.valve_open[0]


def test_switching_the_controlled_quantity() -> None:
    cn = compile_network(small())
    s = Schedule().event("supply", "s", at="01:00", fraction=0.25, quantity="flow")
    s.set("demand", "x", "pressure", Series.linear([1800, 3600], [40 * BAR, 35 * BAR]))
    inflow = np.zeros(cn.n_nodes)
    a, e = cn.node_names.index("a"), cn.node_names.index("e")
    inflow[a] = 28.0  # the supply's inflow in the initial state: the base of the fraction
    bmap = BoundaryMap(cn, s, base_inflow=cn.injection + inflow)
    before, after = bmap.at(1799.0), bmap.at(3600.0)
    # before: the case's control (a held at 60 bar, e drawing 30 kg/s)
    assert before.p_set[a] == 60 * BAR
    assert np.isnan(before.p_set[e])
    # after: the supply gives 25 % of its initial inflow, the delivery holds its pressure
    assert np.isnan(after.p_set[a])
    assert after.injection[a] == pytest.approx(7.0)
    assert after.p_set[e] == 35 * BAR


def test_schedule_naming_no_element_is_a_case_error() -> None:
    cn = compile_network(small())
    with pytest.raises(CaseError, match="no such element"):
        BoundaryMap(cn, Schedule().event("supply", "nowhere", at=0, fraction=0.5))
    with pytest.raises(CaseError, match="no such element"):
        BoundaryMap(cn, Schedule().set("valve", "w", "open", Series.constant(1.0)))


def test_values_at_the_start_rederived_equal_a_fresh_compile() -> None:
    # GERG-2008 table and viscosity correlation: the set-points at t0 move the table's range
    # and the nominal pressure, which compile derives the table, kappa and viscosities from
    net = small()
    net.settings = Settings(eos="gerg2008")
    s = Schedule().set("supply", "s", "pressure", Series.constant(65 * BAR))
    s.set("compressor", "k", "setpoint", Series.constant(90 * BAR))
    s.set("compressor", "k", "on", Series.constant(0.0))
    s.set("demand", "x", "flow", Series.constant(25.0))
    s.set("valve", "v", "open", Series.constant(1.0))  # no island once the station is off
    base = compile_network(net)
    got = rederive(compiled_at(base, s, 0.0))
    assert got.eos_p_range != base.eos_p_range  # the table is built again
    net.supplies[0].pressure = 65 * BAR
    net.compressors[0].setpoint = 90 * BAR
    net.compressors[0].mode = CompressorMode.OFF
    net.demands[0].flow = 25.0
    net.valves[0].open = True
    fresh = compile_network(net)
    # exact: the same values through the same steps
    assert got.eos_p_range == fresh.eos_p_range
    assert got.gas == fresh.gas
    assert got.p_scale == fresh.p_scale
    np.testing.assert_array_equal(got.segments.viscosity, fresh.segments.viscosity)
    np.testing.assert_array_equal(got.p_set, fresh.p_set)
    np.testing.assert_array_equal(got.injection, fresh.injection)
    np.testing.assert_array_equal(got.compressors.mode, fresh.compressors.mode)
    np.testing.assert_array_equal(got.valve_open, fresh.valve_open)
    p = np.linspace(10 * BAR, 80 * BAR, 7)
    np.testing.assert_array_equal(got.eos.z(p, 288.15), fresh.eos.z(p, 288.15))
