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
from linepack.network.compile import compile_network
from linepack.network.model import CompressorMode
from linepack.steady.solve import solve
from linepack.studies.design import place_stations
from linepack.studies.stations import (
    compile_like,
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
