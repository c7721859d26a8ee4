"""Summary, files and plots of a transient run on a small line; the progress callback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linepack.gas.composition import Gas
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.plot.transient import plot_run
from linepack.transient import Schedule, simulate
from linepack.transient import report as rp

BAR = 1e5


def line(p_min: float | None = 30 * BAR) -> Network:
    return Network(
        "line",
        Gas.from_mapping({"methane": 0.95, "ethane": 0.05}),
        settings=Settings(eos="papay", segment_length=10e3, viscosity=1.1e-5),
        nodes=[Node("a"), Node("b"), Node("c", p_min=p_min)],
        pipes=[Pipe("p1", "a", "b", 60e3, 0.5), Pipe("p2", "b", "c", 20e3, 0.4)],
        supplies=[Supply("s", "a", pressure=60 * BAR)],
        demands=[Demand("mid", "b", flow=5.0), Demand("end", "c", flow=40.0)],
    )


def test_progress_reports_each_step_up_to_one() -> None:
    seen: list[float] = []
    simulate(line(), hours=1, dt=600, progress=seen.append)
    assert seen == pytest.approx([k / 6 for k in range(1, 7)], rel=1e-12)


def test_summary_of_a_supply_loss(tmp_path: Path) -> None:
    """Supply lost at 1 h: c falls below 30 bar, then the run stops when the line is empty."""
    sched = Schedule().event("supply", "s", at="01:00", to=0.0, quantity="flow", label="loss")
    r = simulate(line(), sched, hours=48, dt=600, output_every=600, on_failure="stop")
    s = rp.summary(r, wall_time=1.5, schedule=sched)
    assert r.survival_time is not None
    assert s["survival_time_h"] == pytest.approx(r.survival_time / 3600, rel=1e-15)
    assert s["survival_node"] == "c"
    assert s["failure"] is not None
    assert s["hours"] < 48  # stopped early
    # the line pack when c reached 30 bar, interpolated between outputs
    lp = np.interp(r.survival_time, r.time, r.linepack_std / 1e6)
    assert s["linepack_at_survival_mmscm"] == pytest.approx(lp, rel=1e-12)
    assert s["linepack_drawn_at_survival_mmscm"] == pytest.approx(
        s["linepack_start_mmscm"] - lp, rel=1e-12
    )
    # c is the delivery node with a minimum; its lowest pressure is the run's lowest delivery
    assert list(s["deliveries"]) == ["c"]
    assert s["deliveries"]["c"]["p_min_barg"] == pytest.approx(30 - 1.01325)
    assert s["min_delivery_pressure_barg"] < s["deliveries"]["c"]["p_min_barg"]
    assert s["events"][0] == {"time_h": 1.0, "event": "loss"}
    assert s["supply_mmscfd"]["end"] == 0.0
    # files and plots of a run cut short
    notes = rp.write_results(r, tmp_path)
    assert notes == [] or "results.nc" in notes[0]
    files = plot_run(r, tmp_path, schedule_events=[(3600.0, "loss")])
    assert [f.name for f in files] == ["pressure.png", "linepack.png", "pressure_map.png"]
    assert all(f.stat().st_size > 0 for f in files)


def test_without_minimum_pressures_all_demand_nodes_are_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = simulate(line(p_min=None), hours=0.5, dt=900)
    assert rp.delivery_nodes(r.compiled) == ["b", "c"]
    s = rp.summary(r, wall_time=0.1)
    assert s["survival_time_h"] is None
    assert s["deliveries"]["c"]["p_min_barg"] is None
    assert s["min_delivery_pressure_node"] == "c"  # the far end is the lowest
    # no NetCDF engine: the CSV files are written and a note says why results.nc is not
    monkeypatch.setattr(rp, "netcdf_engine", lambda: None)
    notes = rp.write_results(r, tmp_path)
    assert "results.nc not written" in notes[0]
    assert not (tmp_path / "results.nc").exists()
    assert (tmp_path / "pressure.csv").read_text().startswith("time [s],a [Pa],b [Pa],c [Pa]")
