"""Outputs of a transient run: dataset, line pack, restart from a saved state, early stop."""

from __future__ import annotations

from pathlib import Path

import pytest

from linepack.errors import CaseError, InfeasibleError
from linepack.gas.composition import Gas
from linepack.network.compile import compile_network
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.transient import Schedule, Series, TransientState, simulate
from linepack.transient.integrate import TransientOptions

BAR = 1e5


def line(demand: float = 40.0, length: float = 60e3) -> Network:
    return Network(
        "line",
        Gas.from_mapping({"methane": 0.95, "ethane": 0.05}),
        settings=Settings(eos="papay", segment_length=10e3, viscosity=1.1e-5),
        nodes=[Node("a"), Node("b", elevation=50.0), Node("c", p_min=30 * BAR)],
        pipes=[Pipe("p1", "a", "b", length, 0.5), Pipe("p2", "b", "c", 20e3, 0.4)],
        supplies=[Supply("s", "a", pressure=60 * BAR)],
        demands=[Demand("mid", "b", flow=5.0), Demand("end", "c", flow=demand)],
    )


def schedule() -> Schedule:
    s = Schedule().event("demand", "end", at="01:00", to=55.0)
    return s.set("supply", "s", "pressure", Series.linear([0, 3 * 3600], [60 * BAR, 56 * BAR]))


def test_dataset_has_units_and_consistent_linepack() -> None:
    r = simulate(line(), schedule(), hours=3, dt=300, output_every=900)
    ds = r.to_dataset()
    assert dict(ds.sizes) == {
        "time": 13,
        "node": 3,
        "pipe": 2,
        "segment": 8,
        "point": 10,
        "compressor": 0,
        "link": 0,
    }
    for name in (*ds.data_vars, "time", "point_x", "segment_x"):
        assert {"units", "long_name"} <= set(ds[name].attrs), name
    # per-pipe line pack (segment halves) adds up to the node-lumped total, to round-off
    total = ds["linepack_pipe"].sum("pipe").values
    assert total == pytest.approx(ds["linepack"].values, rel=1e-13)
    assert ds["linepack_std"].values == pytest.approx(
        ds["linepack"].values / r.compiled.gas.density_sm3, rel=1e-15
    )
    # points along the pipes end at the pipe's end nodes
    p1 = ds["point_pressure"].where(ds["point_pipe"] == "p1", drop=True)
    assert float(p1.isel(time=-1, point=0)) == ds["pressure"].sel(node="a").values[-1]
    assert float(p1.isel(time=-1, point=-1)) == ds["pressure"].sel(node="b").values[-1]
    assert ds.attrs["scheme"] == "bdf2"
    assert ds.attrs["survival_node"] == "c"
    assert ds.attrs["survival_time"] == r.survival_time  # c falls below its 30 bar here
    # the external inflow at the supply balances the deliveries once at rest: not yet here
    assert ds["inflow"].sel(node="c").values[-1] == -55.0


def test_restart_from_a_saved_state_continues_the_run(tmp_path: Path) -> None:
    whole = simulate(line(), schedule(), hours=4, dt=300, output_every=300)
    first = simulate(line(), schedule(), hours=2, dt=300, output_every=300)
    path = tmp_path / "state.npz"
    first.save_state(path)
    again = simulate(line(), schedule(), hours=2, dt=300, output_every=300, initial=path)
    assert again.time[0] == 7200.0
    tail = whole.time >= 7200.0
    # BDF2 history, modes and time are saved, so the continuation repeats the same steps;
    # only the LU ordering is recomputed: the same numbers to round-off (1e-11 relative)
    assert again.time == pytest.approx(whole.time[tail], rel=1e-15)
    assert again.pressure == pytest.approx(whole.pressure[tail], rel=1e-11)
    assert again.flow == pytest.approx(whole.flow[tail], rel=1e-9, abs=1e-9)


def test_a_state_of_another_network_is_refused(tmp_path: Path) -> None:
    r = simulate(line(), hours=0.5, dt=600)
    path = tmp_path / "state.npz"
    r.save_state(path)
    assert TransientState.load(path, compile_network(line())).t == 1800.0
    with pytest.raises(CaseError, match="another network"):  # 5 segments instead of 6
        TransientState.load(path, compile_network(line(length=50e3)))


def test_collapse_stops_the_run_with_a_survival_time() -> None:
    """Supply lost at 1 h: the line empties; the run stops when pressure would reach zero."""
    sched = Schedule().event("supply", "s", at="01:00", to=0.0, quantity="flow")
    r = simulate(line(), sched, hours=48, dt=600, output_every=600, on_failure="stop")
    assert r.failure is not None
    assert "falls towards zero" in r.failure
    assert r.survival_node == "c"
    assert r.survival_time is not None
    assert 3600 < r.survival_time < r.time[-1]
    with pytest.raises(InfeasibleError, match="falls towards zero"):
        simulate(line(), sched, hours=48, dt=600)


def test_options_choose_the_scheme_unless_a_keyword_overrides_them() -> None:
    # Backward Euler and BDF2 differ by their truncation error: at a 15 min step over the
    # demand step more than 1 kPa apart (measured 1.17 bar). Before the fix the options'
    # scheme was overwritten by the keyword default: by_options ran BDF2 with inertia.
    opts_be = TransientOptions(scheme="be", inertia=False)
    by_options = simulate(line(), schedule(), hours=2, dt=900, options=opts_be)
    by_keyword = simulate(line(), schedule(), hours=2, dt=900, scheme="be", inertia=False)
    bdf2 = simulate(line(), schedule(), hours=2, dt=900, inertia=False)
    assert (by_options.scheme, by_options.inertia) == ("be", False)
    # the same run either way: equal to the bit (tolerance 0)
    assert (by_options.pressure == by_keyword.pressure).all()
    assert abs(by_options.pressure - bdf2.pressure).max() > 1e3
    # a keyword given beats the options
    over = simulate(line(), schedule(), hours=2, dt=900, options=opts_be, scheme="bdf2")
    assert (over.scheme, over.inertia) == ("bdf2", False)
    assert (over.pressure == bdf2.pressure).all()
