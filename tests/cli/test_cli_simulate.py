"""``linepack simulate`` end to end: summary, result files with units, plots, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xarray as xr
from typer.testing import CliRunner

from linepack.cli.main import app
from linepack.transient.report import netcdf_engine

runner = CliRunner()

SUMMARY_KEYS = {
    "case",
    "hours",
    "dt_s",
    "steps",
    "wall_time_s",
    "linepack_start_mmscm",
    "linepack_end_mmscm",
    "min_delivery_pressure_barg",
    "survival_time_h",
    "max_mass_balance_error_rel",
    "deliveries",
    "events",
    "failure",
}


def test_simulate_default_case_short(tmp_path: Path) -> None:
    res = runner.invoke(app, ["simulate", "--hours", "3", "--dt", "600s", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    assert set(s) >= SUMMARY_KEYS
    assert s["case"] == "psgp-56in-fsru-trip"  # the default
    assert (s["hours"], s["dt_s"], s["steps"]) == (3.0, 600.0, 18)
    assert s["survival_time_h"] is None or s["survival_time_h"] > 0
    assert s["survival_time_h"] is None  # Kasur needs about 29 h to reach 50 barg
    assert s["failure"] is None
    # the trip draws the line pack down at 80 % of 1,200 MMSCFD, 1.13 MMSm³/h, for about an
    # hour (at 600 s steps the step ending at 2 h already sees the trip, and BDF2's identity
    # counts half of the last step: 65 min, 1.22 MMSm³)
    drawn = s["linepack_start_mmscm"] - s["linepack_end_mmscm"]
    assert 1.0 < drawn < 1.4
    assert s["events"] == [{"time_h": 2.0, "event": "FSRU trip"}]
    assert s["deliveries"]["kasur"]["p_min_barg"] == pytest.approx(50.0)
    assert s["min_delivery_pressure_barg"] == pytest.approx(61.4, abs=0.1)
    # mass held to round-off every step (see tests/physics/test_transient_psgp.py)
    assert s["max_mass_balance_error_rel"] < 1e-11
    for f in ("pressure.png", "linepack.png", "pressure_map.png"):
        assert (tmp_path / f).read_bytes().startswith(b"\x89PNG")
        assert (tmp_path / f).stat().st_size > 10_000
    head = (tmp_path / "timeseries.csv").read_text().splitlines()[0]
    assert head.startswith("time [s],time [h],linepack [kg],linepack_std [m3]")
    pressure = (tmp_path / "pressure.csv").read_text().splitlines()
    assert pressure[0].split(",")[:2] == ["time [s]", "port-qasim [Pa]"]
    assert len(pressure) == 1 + 19  # the header, the start and 18 steps of 600 s
    for f in ("inflow.csv", "pipe_flow_in.csv", "pipe_flow_out.csv", "linepack_pipe.csv"):
        assert (tmp_path / f).stat().st_size > 0
    if netcdf_engine() is not None:
        with xr.open_dataset(tmp_path / "results.nc", engine=netcdf_engine()) as ds:
            assert ds["pressure"].attrs["units"] == "Pa"
            assert ds.sizes["time"] == 19
    assert "FSRU trip" in res.output
    assert "Traceback" not in res.output


def test_simulate_a_case_without_schedule_keeps_the_steady_state(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "simulate",
            "psgp-56in-phase1",
            "--hours",
            "1",
            "--dt",
            "30 min",
            "--scheme",
            "be",
            "--no-plot",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    assert (s["scheme"], s["steps"], s["events"]) == ("be", 2, [])
    # constant boundary conditions: the steady state stays (to 1e-8, the bar)
    assert s["linepack_end_mmscm"] == pytest.approx(s["linepack_start_mmscm"], rel=1e-8)
    assert not (tmp_path / "pressure.png").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--dt", "10 km"], ["--dt", "wrong dimension"]),
        (["--dt", "-5s"], ["--dt", "must be positive"]),
        (["--hours", "0"], ["--hours", "must be positive"]),
        (["nowhere.toml"], ["no such case"]),
        (["--restart", "nowhere.npz"], ["nowhere.npz", "cannot read the saved state"]),
    ],
)
def test_simulate_errors_are_one_line(tmp_path: Path, args: list[str], words: list[str]) -> None:
    res = runner.invoke(app, ["simulate", *args, "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    for w in words:
        assert w in res.output


def test_simulate_bad_schedule_names_file_and_key(tmp_path: Path) -> None:
    from linepack.io.load import bundled_path

    text = bundled_path("psgp-56in-fsru-trip").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('at = "2 h"', 'at = "2 barg"'), encoding="utf-8")
    res = runner.invoke(app, ["simulate", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    text = " ".join(res.output.split())  # rich wraps long lines at spaces
    for w in ("bad.toml", "event 'FSRU trip'", "key 'at'", "2 barg"):
        assert w in text


def test_scenarios_are_listed_and_run_steady(tmp_path: Path) -> None:
    res = runner.invoke(app, ["cases"])
    assert res.exit_code == 0
    for name in ("psgp-56in-daily-swing", "psgp-56in-fsru-trip"):
        assert name in res.output
    # `linepack run` solves the state at t = 0 (the schedule sections are accepted)
    res = runner.invoke(app, ["run", "psgp-56in-daily-swing", "--no-plot", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["throughput_mmscfd"] == pytest.approx(1200.0, rel=1e-9)
    assert s["delivery_pressure_barg"] == pytest.approx(61.43, abs=0.01)


def test_restart_continues_a_run_as_if_it_had_not_stopped(tmp_path: Path) -> None:
    """3 h, then 3 h more from the saved state, equals one 6 h run (the FSRU trip at 2 h).

    The trip's "20 %" refers to the run's initial steady state, not to the restart's values.
    """
    import pandas as pd

    common = ["simulate", "--dt", "600s", "--no-plot", "--hours"]
    assert runner.invoke(app, [*common, "3", "--out", str(tmp_path / "a")]).exit_code == 0
    state = tmp_path / "a" / "state.npz"
    assert state.is_file()
    res = runner.invoke(app, [*common, "3", "--restart", str(state), "--out", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, [*common, "6", "--out", str(tmp_path / "w")]).exit_code == 0
    b = pd.read_csv(tmp_path / "b" / "pressure.csv")
    whole = pd.read_csv(tmp_path / "w" / "pressure.csv").set_index("time [s]")
    assert b["time [s]"].iloc[0] == 3 * 3600.0
    # the same steps from the same state (BDF2 history and modes are saved): round-off only
    for col in b.columns[1:]:
        assert b[col].to_numpy() == pytest.approx(
            whole.loc[b["time [s]"], col].to_numpy(), rel=1e-10
        ), col
