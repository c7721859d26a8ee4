"""The command line end to end: the main job, listing, validation and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linepack.cli.main import app

runner = CliRunner()

SUMMARY_KEYS = {
    "case",
    "converged",
    "iterations",
    "delivery_node",
    "delivery_pressure_barg",
    "throughput_mmscfd",
    "nodes",
    "linepack_mmscm",
    "compressor_power_mw",
    "fuel_mmscfd",
    "max_velocity_m_s",
    "mass_balance_error_kg_s",
}


def test_run_default_is_psgp_phase1(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    assert set(s) >= SUMMARY_KEYS
    assert s["case"] == "psgp-56in-phase1"
    assert s["converged"] is True
    assert s["delivery_node"] == "kasur"
    # The demand is fixed at 1,200 MMSCFD in the case: what arrives must be that, to the
    # round-off of the unit conversions (1e-9 relative)
    assert s["throughput_mmscfd"] == pytest.approx(1200.0, rel=1e-9)
    assert s["compressor_power_mw"] == 0.0
    assert set(s["nodes"]) >= {"port-qasim", "sukkur", "bahawalpur", "kasur"}
    assert s["nodes"]["port-qasim"]["pressure_barg"] == pytest.approx(85.0, abs=1e-9)
    for f in ("nodes.csv", "pipes.csv", "profile.csv", "profile.png"):
        assert (tmp_path / f).stat().st_size > 0
    assert "pressure [Pa]" in (tmp_path / "nodes.csv").read_text().splitlines()[0]
    assert "kasur" in res.output


def test_cases_lists_bundled(tmp_path: Path) -> None:
    res = runner.invoke(app, ["cases"])
    assert res.exit_code == 0
    for name in ("psgp-56in-phase1", "psgp-56in-freeflow", "psgp-56in-phase2", "psgp-42in"):
        assert name in res.output


def test_validate_ok() -> None:
    res = runner.invoke(app, ["validate", "psgp-42in"])
    assert res.exit_code == 0, res.output
    assert "OK" in res.output


def test_bad_case_gives_one_message_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[case]\nname = "x"\n[gas]\ncomposition = { methane = 100 }\n'
        '[[node]]\nname = "a"\n[[node]]\nname = "b"\n'
        '[[pipe]]\nname = "P1"\nfrom = "a"\nto = "b"\nlength = "-3 km"\n'
        'inner_diameter = "0.5 m"\n'
        '[[supply]]\nname = "s"\nnode = "a"\npressure = "50 barg"\n'
    )
    res = runner.invoke(app, ["run", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "P1" in res.output
    assert "length" in res.output


def test_missing_case_file_is_an_input_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["validate", str(tmp_path / "nope.toml")])
    assert res.exit_code == 2
    assert "nope.toml" in res.output
