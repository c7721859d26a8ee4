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


def test_large_network_prints_its_lowest_pressures_and_caps_the_lists(tmp_path: Path) -> None:
    """GasLib-582 (582 nodes, 580 violations when listed): the terminal gets the 25 lowest
    pressures and 25 violations, each with a pointer to the file that has them all."""
    from linepack.cli.main import SHOWN_ROWS

    data = Path(__file__).parents[1] / "data" / "gaslib"
    args = ["run", str(data / "GasLib-582.net"), "--scenario", str(data / "GasLib-582.scn")]
    res = runner.invoke(app, [*args, "--allow-violations", "--no-plot", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    n_nodes, n_violations = len(s["nodes"]), len(s["violations"])
    assert n_nodes > 40
    assert n_violations > SHOWN_ROWS
    out = " ".join(res.output.split())  # rich wraps long lines
    assert f"the {SHOWN_ROWS} lowest pressures of {n_nodes:,} nodes (all in nodes.csv)" in out
    assert f"... {n_violations - SHOWN_ROWS:,} more in summary.json" in out
    assert res.output.count("VIOLATION") == SHOWN_ROWS + 1
    lowest = sorted(s["nodes"].items(), key=lambda kv: kv[1]["pressure_barg"])
    shown = [name for name, _ in lowest[:SHOWN_ROWS]]
    hidden = lowest[SHOWN_ROWS][0]
    assert all(f"│ {name} " in res.output for name in shown)
    assert f"│ {hidden} " not in res.output


def test_long_station_lists_show_the_running_stations_first() -> None:
    from linepack.cli.main import SHOWN_ROWS, _station_rows

    def station(mode: str) -> dict[str, object]:
        return {"suction_barg": 50.0, "discharge_barg": 60.0, "power_mw": 1.0, "mode": mode}

    stations = {f"c{i}": {**station("bypass"), "limit": ""} for i in range(60)}
    stations["c7"] = {**station("outlet_pressure"), "limit": ""}
    stations["c55"] = {**station("ratio"), "limit": "max ratio"}
    rows = _station_rows(stations)
    assert [r[0].strip() for r in rows[:2]] == ["c7", "c55"]
    assert len(rows) == SHOWN_ROWS + 1
    assert (
        rows[-1][1]
        == f"{60 - SHOWN_ROWS} more stations (58 of all 60 in bypass or off) in compressors.csv"
    )
    few = _station_rows({"a": {**station("bypass"), "limit": ""}})
    assert len(few) == 1
    assert "mode bypass" in few[0][1]


def test_network_totals_are_the_nominated_exit_flows(tmp_path: Path) -> None:
    """GasLib-24: the withdrawal over all exits is what the nomination asks for."""
    from linepack.io.load import load

    data = Path(__file__).parents[1] / "data" / "gaslib"
    net, scn = data / "GasLib-24.net", data / "GasLib-24.scn"
    res = runner.invoke(app, ["run", str(net), "--scenario", str(scn), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "summary.json").read_text())
    nominated = sum(d.flow for d in load(net, scenario=scn).demands)
    assert s["exits"] > 1
    # mass balances hold to 1e-10 of the throughput when Newton stops; 1e-9 relative
    assert abs(s["total_withdrawal_kg_s"] / nominated - 1.0) < 1e-9
    lowest = min(s["nodes"].items(), key=lambda kv: kv[1]["pressure_barg"])
    assert s["lowest_pressure_node"] == lowest[0]
    assert f"at {s['exits']:,} exits" in res.output
