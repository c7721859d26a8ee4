"""Cases that break other tools: idle networks, parallel elements, islands (issue 3, item 5).

Zero-length elements in loops, demand beyond capacity and reverse flow through a station are
covered in ``test_controls.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.errors import CaseError, InfeasibleError
from linepack.network.model import (
    Compressor,
    Demand,
    Network,
    Node,
    Pipe,
    Settings,
    ShortPipe,
    Supply,
)
from linepack.steady.changes import Hold
from linepack.steady.solve import solve

BAR = 1e5
IDEAL = {
    "eos": "ideal",
    "friction": "constant",
    "friction_value": 0.01,
    "gas_temperature": 288.15,
    "viscosity": 1.1e-5,
    "gas_constant": 500.0,
}


def test_zero_flow_network_gives_hydrostatic_pressures(methane) -> None:  # type: ignore[no-untyped-def]
    net = Network(
        name="idle",
        gas=methane,
        settings=Settings(**IDEAL),
        nodes=[Node("a"), Node("b", elevation=300.0), Node("c", elevation=-200.0)],
        pipes=[
            Pipe("p1", "a", "b", 20e3, 0.5),
            Pipe("p2", "b", "c", 30e3, 0.5),
            Pipe("p3", "a", "c", 25e3, 0.4),
        ],
        supplies=[Supply("s", "a", pressure=50 * BAR)],
        demands=[Demand("d", "c", flow=0.0)],
    )
    sol = solve(net)
    g_rt = 9.80665 / (500.0 * 288.15)
    # no flow anywhere: with constant λ the only resistance slope at zero flow is the |q|
    # smoothing (δ = 1e-6 kg/s), so flows below ~1e-6 kg/s are below the model's resolution
    assert np.max(np.abs(sol.flow)) < 1e-6
    # static column: p = p_a exp(-g h / (R T)) exactly for an isothermal ideal gas (rtol 1e-9)
    assert sol.pressure[1] == pytest.approx(50 * BAR * np.exp(-g_rt * 300.0), rel=1e-9)
    assert sol.pressure[2] == pytest.approx(50 * BAR * np.exp(g_rt * 200.0), rel=1e-9)


def test_parallel_pipes_split_by_resistance(methane) -> None:  # type: ignore[no-untyped-def]
    net = Network(
        name="parallel",
        gas=methane,
        settings=Settings(**IDEAL, segment_length=1e9),
        nodes=[Node("a"), Node("b")],
        pipes=[
            Pipe("small", "a", "b", 40e3, 0.4),
            Pipe("large", "a", "b", 40e3, 0.6),
            Pipe("large-twin", "a", "b", 40e3, 0.6),
        ],
        supplies=[Supply("s", "a", pressure=60 * BAR)],
        demands=[Demand("d", "b", flow=150.0)],
    )
    sol = solve(net)
    q = sol.flow[:3]
    # same Δ(p²) across each: q ∝ sqrt(D A² / L) = D^2.5 for equal λ and L (rtol 1e-9)
    assert q[1] / q[0] == pytest.approx((0.6 / 0.4) ** 2.5, rel=1e-9)
    assert q[1] == pytest.approx(q[2], rel=1e-12)  # identical twins carry identical flows
    assert q.sum() == pytest.approx(150.0, rel=1e-12)


def parallel_stations(methane, control: str) -> Network:  # type: ignore[no-untyped-def]
    return Network(
        name="twin-stations",
        gas=methane,
        settings=Settings(**IDEAL, control=control),
        nodes=[Node("a"), Node("s"), Node("d", p_max=80 * BAR), Node("e", p_min=40 * BAR)],
        pipes=[Pipe("up", "a", "s", 50e3, 0.6), Pipe("down", "d", "e", 60e3, 0.6)],
        compressors=[
            Compressor("K1", "s", "d", setpoint=70 * BAR),
            Compressor("K2", "s", "d", setpoint=70 * BAR),
        ],
        supplies=[Supply("src", "a", pressure=50 * BAR)],
        demands=[Demand("dem", "e", flow=80.0)],
    )


def test_parallel_stations_with_set_points_are_named(methane) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InfeasibleError) as err:
        solve(parallel_stations(methane, "setpoints"))
    assert "'K1'" in str(err.value)
    assert "'K2'" in str(err.value)


def test_parallel_stations_under_the_policy_run_one(methane) -> None:  # type: ignore[no-untyped-def]
    sol = solve(parallel_stations(methane, "bounds"))
    modes = [str(m) for m in sol.modes.compressor]
    # one holds its set-point, the other follows it
    holds = sorted(held.hold.name for held in sol.modes.limit)
    assert holds == [Hold.FOLLOWER.name, Hold.SET_POINT.name]
    leader = next(held.leader for held in sol.modes.limit if held.hold is Hold.FOLLOWER)
    assert leader is not None
    assert leader.startswith("compressor 'K")  # the station it follows
    assert len(set(modes)) == 2
    off = sol.compiled.edge_offsets()["compressor"]
    # all the gas goes through the running station; fuel is drawn before it, at the suction
    # (1e-9 relative: mass balance)
    assert np.abs(sol.flow[off : off + 2]).max() == pytest.approx(80.0, rel=1e-9)
    assert np.abs(sol.flow[off : off + 2]).min() < 1e-9


def test_island_without_pressure_reference_names_its_nodes(methane) -> None:  # type: ignore[no-untyped-def]
    net = Network(
        name="islands",
        gas=methane,
        settings=Settings(**IDEAL),
        nodes=[Node("a"), Node("b"), Node("x1"), Node("x2")],
        pipes=[Pipe("p", "a", "b", 10e3, 0.5), Pipe("q", "x1", "x2", 10e3, 0.5)],
        short_pipes=[],
        supplies=[Supply("s", "a", pressure=50 * BAR), Supply("s2", "x1", flow=10.0)],
        demands=[Demand("d", "b", flow=5.0), Demand("d2", "x2", flow=10.0)],
    )
    with pytest.raises(CaseError) as err:
        solve(net)
    assert "x1" in str(err.value)
    assert "x2" in str(err.value)


def test_zero_length_short_pipes_in_series_and_parallel(methane) -> None:  # type: ignore[no-untyped-def]
    net = Network(
        name="shorts",
        gas=methane,
        settings=Settings(**IDEAL),
        nodes=[Node(n) for n in "abcd"],
        pipes=[Pipe("p", "a", "b", 10e3, 0.5)],
        short_pipes=[
            ShortPipe("s1", "b", "c"),
            ShortPipe("s2", "b", "c"),
            ShortPipe("s3", "c", "d"),
            ShortPipe("s4", "b", "d"),
        ],
        supplies=[Supply("s", "a", pressure=50 * BAR)],
        demands=[Demand("d", "d", flow=30.0)],
    )
    sol = solve(net)
    p = sol.pressure
    assert p[1] == p[2] == p[3]  # rigid: exactly equal
    off = sol.compiled.edge_offsets()["short_pipe"]
    q = sol.flow[off : off + 4]
    # the flow reaches d through the short pipes, one of each parallel pair idle (1e-9 kg/s)
    assert q[2] + q[3] == pytest.approx(30.0, rel=1e-12)
    assert min(abs(q[0]), abs(q[1])) < 1e-9
