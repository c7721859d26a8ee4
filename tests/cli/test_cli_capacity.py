"""``linepack capacity`` end to end: summary.json keys, the published-figure statements, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linepack.cli.main import app

runner = CliRunner()

KEYS = {
    "case",
    "max_throughput_mmscfd",
    "binding_constraint",
    "binding_element",
    "binding",
    "tolerance_mmscfd",
    "assumptions",
    "capacity",
    "capacity_vs_inlet",
    "capacity_vs_stations",
    "calibration",
    "statements",
}


def test_capacity_writes_summary(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "capacity",
            "--out",
            str(tmp_path),
            "--stations",
            "1",
            "--inlet",
            "80",
            "--inlet",
            "85 barg",
        ],
    )
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    assert set(s) >= KEYS
    assert s["case"] == "psgp-56in-phase1"
    assert s["binding_constraint"] == "min_delivery_pressure"
    assert s["binding_element"] == "node 'kasur'"
    # every input is stated with its unit
    a = s["assumptions"]
    # 1e-9 bar: barg -> Pa abs -> barg round-off
    assert a["inlet_pressure_barg"] == pytest.approx(85.0, abs=1e-9)
    assert a["min_delivery_pressure_barg"] == pytest.approx(50.0, abs=1e-9)
    assert {"maop_barg", "max_velocity_m_s", "station_max_power_mw", "origin"} <= set(a)
    inlets = [r["inlet_pressure_barg"] for r in s["capacity_vs_inlet"]]
    assert inlets == pytest.approx([80.0, 85.0], abs=1e-9)  # the two --inlet values, in order
    assert [r["n_stations"] for r in s["capacity_vs_stations"]["rows"]] == [0, 1]
    # the calibration states the published band and the 2,000 MMSCFD design in words
    assert any("700-800 MMSCFD" in x for x in s["statements"])
    assert any(x.startswith("2,000 MMSCFD") for x in s["statements"])
    assert "published figures" in res.output


def test_capacity_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["capacity", "--out", str(tmp_path), "--inlet", "150", "--no-calibrate"]
    )
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "inlet" in res.output
    assert "MAOP" in res.output
    assert not (tmp_path / "summary.json").exists()
    res = runner.invoke(app, ["capacity", "no-such-case"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_capacity_with_stations_at_given_sites(tmp_path: Path) -> None:
    args = ["capacity", "--site", "393", "--site", "737 km", "--stations", "0"]
    args += ["--no-calibrate", "--inlet", "85", "--no-supply-limit", "--out", str(tmp_path)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    at = s["capacity_at_sites"]
    assert at["sites_km"] == [393.0, 737.0]
    # two stations at Sukkur and Bahawalpur carry more than the free-flowing line (which is
    # the case itself: no stations) -- by far, not by a search tolerance
    assert at["max_throughput_mmscfd"] > s["max_throughput_mmscfd"] + 300.0
    assert "stations at km 393, 737" in res.output


def test_site_off_the_route_is_an_input_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["capacity", "--site", "5000", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "outside the route" in res.output
