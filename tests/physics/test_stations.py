"""Stations inserted along the route: geometry is conserved, a bypassed station changes nothing,
and the least-power siting needs no more power than the hand layouts of the bundled cases."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from linepack.errors import CaseError
from linepack.io.design_toml import read_design
from linepack.io.load import load
from linepack.network.compile import compile_like, compile_network
from linepack.network.model import CompressorMode
from linepack.steady.solve import solve
from linepack.studies.design import place_stations
from linepack.studies.stations import (
    evenly_spaced,
    insert_stations,
    remove_stations,
    route_chainage,
    route_length,
    route_section,
    station_chainages,
)

KM = 1e3


@pytest.fixture(scope="module")
def phase1():  # type: ignore[no-untyped-def]
    return load("psgp-56in-phase1")


def test_insert_conserves_length_and_interpolates(phase1) -> None:  # type: ignore[no-untyped-def]
    spec = read_design(phase1).station
    ch = [300.123456 * KM, 393 * KM, 0.0, 870.5 * KM]
    net = insert_stations(phase1, ch, spec)
    # the route is as long as before: each split pipe's two pieces add up exactly in floating
    # point, the total only differs by summation order (1e-12 relative)
    assert route_length(net) == pytest.approx(route_length(phase1), rel=1e-12)
    orig = {p.name: p.length for p in phase1.pipes}
    for name in ("L03", "L09"):
        a = next(p for p in net.pipes if p.name == f"{name}-a")
        b = next(p for p in net.pipes if p.name == f"{name}-b")
        assert a.length + b.length == orig[name]
    assert sorted(station_chainages(net).values()) == pytest.approx(sorted(ch), abs=1e-6)
    # km 300.12 lies in L03 (nawabshah 35 m at km 221 -> sawan 65 m at km 360): linear elevation
    where = route_chainage(net)
    suction = next(c.from_node for c in net.compressors if abs(where[c.from_node] - ch[0]) < 1)
    f = (ch[0] - 221 * KM) / (139 * KM)
    assert net.node(suction).elevation == pytest.approx(35 + 30 * f, rel=1e-12)
    # at an existing node (sukkur, km 393) no pipe is split
    assert "L04-a" not in {p.name for p in net.pipes}
    assert any(c.from_node == "sukkur" for c in net.compressors)


def test_remove_undoes_insert(phase1) -> None:  # type: ignore[no-untyped-def]
    spec = read_design(phase1).station
    net = insert_stations(phase1, [150 * KM, 160 * KM, 393 * KM], spec, min_spacing=5 * KM)
    back = remove_stations(net)
    assert back.nodes == phase1.nodes
    assert back.pipes == phase1.pipes
    assert back.route == phase1.route
    assert not back.compressors


def test_bad_sites_are_refused(phase1) -> None:  # type: ignore[no-untyped-def]
    spec = read_design(phase1).station
    with pytest.raises(CaseError, match="outside the route"):
        insert_stations(phase1, [1100 * KM], spec)
    with pytest.raises(CaseError, match="outside the route"):
        insert_stations(phase1, [-1 * KM], spec)
    with pytest.raises(CaseError, match="too close"):
        insert_stations(phase1, [400 * KM, 405 * KM], spec, min_spacing=10 * KM)
    existing = load("psgp-56in-phase2")  # CS-A at km 393
    with pytest.raises(CaseError, match="too close"):
        insert_stations(existing, [390 * KM], spec, min_spacing=10 * KM)


def test_evenly_spaced() -> None:
    assert evenly_spaced(3, 1000.0) == (250.0, 500.0, 750.0)
    assert evenly_spaced(0, 1000.0) == ()


@pytest.mark.parametrize("chainage_km", [393.0, 6 * 123 / 13])
def test_bypassed_station_leaves_the_solution_unchanged(phase1, chainage_km: float) -> None:  # type: ignore[no-untyped-def]
    # at an existing node, and inside L01 at a boundary of its 13 segments (the pieces are then
    # segmented exactly as the pipe was): the same equations, so the same delivery pressure
    spec = read_design(phase1).station
    net = insert_stations(phase1, [chainage_km * KM], spec)
    net.compressors[0] = dataclasses.replace(net.compressors[0], mode=CompressorMode.BYPASS)
    p0 = solve(phase1)
    p1 = solve(net)
    i0 = p0.compiled.node_names.index("kasur")
    i1 = p1.compiled.node_names.index("kasur")
    # rtol 1e-9: identical segment equations; only Newton's tolerance (1e-10 scaled) remains
    assert p1.pressure[i1] == pytest.approx(p0.pressure[i0], rel=1e-9)


def test_compile_like_equals_a_full_compile(phase1) -> None:  # type: ignore[no-untyped-def]
    d = read_design(phase1)
    base = compile_network(phase1)
    net = insert_stations(phase1, [250 * KM, 700 * KM], d.station)
    net.supplies[0].pressure = d.atmosphere + 80e5
    fast, full = compile_like(net, base), compile_network(net)
    assert fast.eos is base.eos
    assert fast.node_names == full.node_names
    for name in ("length", "diameter", "dh", "viscosity", "x_start"):
        # 0: the same arithmetic (viscosity: the same table, evaluated at the same points)
        np.testing.assert_array_equal(getattr(fast.segments, name), getattr(full.segments, name))
    np.testing.assert_array_equal(fast.p_set, full.p_set)
    assert fast.eos_p_range == full.eos_p_range
    assert fast.p_scale == full.p_scale


def test_route_section_keeps_the_lengths(phase1) -> None:  # type: ignore[no-untyped-def]
    sec = route_section(phase1, 100.5 * KM, 700.25 * KM, 9e6, 300.0)
    # 1e-9 m: the two end pieces are split exactly, the middle pipes are whole
    assert route_length(sec) == pytest.approx(599.75 * KM, abs=1e-9)
    assert sec.supplies[0].pressure == 9e6
    assert sec.demands[-1].flow == 300.0
    assert sec.delivery == sec.route[-1]


@pytest.mark.parametrize(("case", "mmscfd"), [("psgp-56in-phase2", 2000.0), ("psgp-42in", 1200.0)])
def test_least_power_siting_beats_the_hand_layout(case: str, mmscfd: float) -> None:
    net = load(case)
    d = read_design(net)
    hand = solve(net)  # the case's own stations (FACTS sec. 8 layouts)
    bare = remove_stations(net)
    like = compile_network(bare)
    n = len(net.compressors)
    chain, ev, _, _ = place_stations(bare, d.kg_s(mmscfd), n, d, like)
    assert ev.violation == 0.0  # the optimum delivers within every limit
    assert ev.solution is not None
    # the hand layouts deliver well above 50 barg; the optimum needs no more power than them
    assert ev.solution.power.sum() <= hand.power.sum()
    assert len(chain) == n


def test_compare_diameters_at_phase_one_throughput() -> None:
    from linepack.studies.design import compare_diameters

    net = load("psgp-56in-phase1")
    d = read_design(net)
    cmp = compare_diameters(net, ("42 in", "56 in"), d.kg_s(1200.0), design=d)
    small, big = cmp.options
    # walls from ASME B31.8 at 99.3 barg, X70, F 0.72, rounded up to 0.1 mm (by hand:
    # 15.168 -> 15.2 mm and 20.224 -> 20.3 mm)
    assert small.wall == pytest.approx(15.2e-3, abs=1e-12)
    assert big.wall == pytest.approx(20.3e-3, abs=1e-12)
    # FACTS sec. 2 [A]: 56 in carries 1.2 bcfd without compression, 42 in (free flow ~460-670
    # MMSCFD) needs stations
    assert big.targets[0].n_stations == 0
    assert big.targets[0].feasible
    assert small.targets[0].n_stations >= 1
    assert small.targets[0].feasible
    assert small.free_flow.max_throughput < d.kg_s(1200.0) < big.free_flow.max_throughput
    s = small.targets[0]
    units = s.units_per_station
    # installed power: every station as large as the largest, plus one spare unit
    assert units == math.ceil(max(s.station_power) / d.station.unit_size) + 1
    assert s.installed_power == pytest.approx(s.n_stations * units * d.station.unit_size)
    assert cmp.to_dict()["options"][1]["wall_mm"] == pytest.approx(20.3, abs=1e-9)


@pytest.fixture(scope="module")
def line42():  # type: ignore[no-untyped-def]
    """PSGP phase 1 resized to 42 in x 15.2 mm, without stations, compiled once."""
    from linepack.studies.design import resize

    net = load("psgp-56in-phase1")
    bare = resize(remove_stations(net), 42 * 0.0254, 15.2e-3)
    return bare, read_design(net), compile_network(bare)


def test_marched_layout_equals_the_steady_solver_when_no_limit_binds(line42) -> None:  # type: ignore[no-untyped-def]
    from linepack.studies.layout import SET_POINT, LayoutTrials

    bare, d, like = line42
    trials = LayoutTrials(bare, d.kg_s(1200.0), d, like)
    st = trials.state([250 * KM, 620 * KM])
    assert st.ok
    assert st.method == "march"
    assert st.held == (SET_POINT, SET_POINT)
    # the stations hold their set-point (95 barg) exactly: it is the march's anchor
    np.testing.assert_array_equal(st.discharge, d.station.outlet_pressure)
    sol = solve(st.problem.at(d.kg_s(1200.0)))  # the plain solver, stations at their set-point
    # rtol 1e-9: the same equations; the solver stops at a scaled residual of 1e-10
    np.testing.assert_allclose(st.pressure, sol.pressure, rtol=1e-9)
    np.testing.assert_allclose(st.power, sol.power, rtol=1e-9)
    np.testing.assert_allclose(st.fuel, sol.fuel, rtol=1e-9)


def test_held_station_discharges_at_its_ratio_limit_below_its_set_point(line42) -> None:  # type: ignore[no-untyped-def]
    from linepack.studies.layout import MAX_RATIO, LayoutTrials

    bare, d, like = line42
    # one station 500 km down the 42 in line at 1,000 MMSCFD: its suction (~51 barg) is below
    # 96 bar abs / 1.8 = 52.3 barg, so it cannot reach its 95 barg set-point
    trials = LayoutTrials(bare, d.kg_s(1000.0), d, like)
    st = trials.state([500 * KM])
    assert st.ok
    assert st.violation == 0.0  # it still delivers above 50 barg
    assert st.held == (MAX_RATIO,)
    cn = st.problem.compiled
    ps = st.pressure[cn.compressors.from_node[0]]
    # 1e-9: the discharges settle to 1e-10 of the inlet pressure
    assert st.discharge[0] == pytest.approx(d.station.max_ratio * ps, rel=1e-9)
    assert st.discharge[0] < d.station.outlet_pressure
    # the steady solver, the station holding that discharge, finds the same state (1e-6: AGREE)
    sol = trials.confirm(st)
    assert sol is not None
    assert sol.power.sum() == pytest.approx(st.total_power, rel=1e-6)


def test_held_station_at_its_power_limit(line42) -> None:  # type: ignore[no-untyped-def]
    from linepack.studies.layout import MAX_POWER, LayoutTrials

    bare, d, like = line42
    # stations of 10 MW at most: one 250 km down the line at 1,000 MMSCFD would need more
    small = dataclasses.replace(d, station=dataclasses.replace(d.station, max_power=10e6))
    trials = LayoutTrials(bare, d.kg_s(1000.0), small, like)
    st = trials.state([250 * KM])
    assert st.ok
    assert st.held == (MAX_POWER,)
    # the discharge solves the polytropic head for 10 MW (1e-8: settled to 1e-10 in pressure,
    # the power's sensitivity to the discharge is ~4x larger than to the pressure ratio)
    assert st.power[0] == pytest.approx(10e6, rel=1e-8)
    sol = trials.confirm(st)
    assert sol is not None  # solved again at that discharge: the same state to 1e-6
    assert sol.pressure[st.problem.delivery] == pytest.approx(st.delivery_pressure, rel=1e-6)


def test_no_station_discharges_above_its_set_point(line42) -> None:  # type: ignore[no-untyped-def]
    from linepack.studies.layout import MAX_RATIO, SET_POINT, LayoutTrials

    bare, d, like = line42
    # the 42 in / 2,000 MMSCFD layout the old search returned (274.5 MW): the steady solver's
    # control loop left CS-2 and CS-3 in ratio mode at 96.9 and 97.0 barg and CS-4 at its
    # 99.3 barg outlet limit; held at their limits (never above 95 barg) the stations cannot
    # carry the flow: pressure runs out before CS-5
    old = [119.228, 284.854, 464.146, 630.991, 805.443, 981.518]
    trials = LayoutTrials(bare, d.kg_s(2000.0), d, like)
    st = trials.state([c * KM for c in old])
    assert not st.ok
    assert "pressure runs out" in st.error
    # moved upstream (station k by 40 k / 6 km) the line has a state: CS-3 just short of its
    # set-point at its ratio limit, the others at their set-point, none above it
    st = trials.state([(c - 40.0 * (k + 1) / 6) * KM for k, c in enumerate(old)])
    assert st.ok
    assert st.held == (SET_POINT, SET_POINT, MAX_RATIO, SET_POINT, SET_POINT, SET_POINT)
    # 1e-9: a held discharge is the set-point exactly or a limit below it
    assert np.all(st.discharge <= d.station.outlet_pressure * (1 + 1e-9))


def test_design_at_2000_mmscfd_on_42in_is_confirmed_by_the_solver(line42) -> None:  # type: ignore[no-untyped-def]
    from linepack.studies.design import station_design

    bare, d, like = line42
    sd = station_design(bare, d.kg_s(2000.0), design=d, like=like)
    # the greedy furthest layout of 5 stations does not deliver 2,000 MMSCFD above 50 barg
    assert sd.n_stations == 6
    assert sd.feasible
    assert sd.note == ""  # the steady solver solved the layout to the marched state (1e-6)
    # limits to the solver's switching tolerance (1e-9 relative)
    assert max(sd.station_power) <= d.station.max_power * (1 + 1e-9)
    assert sd.delivery_pressure >= d.min_delivery_pressure * (1 - 1e-9)
    # sites at least the minimum spacing apart (to rounding of the km search, 1e-6 m)
    assert min(np.diff(sd.chainages)) >= d.min_station_spacing - 1e-6
