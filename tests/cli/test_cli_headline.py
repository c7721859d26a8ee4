"""``linepack run`` prints the PSGP headline answers, each traced to the study behind it."""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from linepack.cli.main import app
from linepack.io.load import load
from linepack.steady.solve import solve
from linepack.units import mass_flow, parse_flow

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data" / "gaslib"
KEYS = {
    "phase1_delivery_pressure_barg",
    "free_flow_56in_mmscfd",
    "power_2000_mmscfd_mw",
    "stations_42in_1200_mmscfd",
    "tariff_usd_per_mmbtu",
}


@pytest.fixture(scope="module")
def summary_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("run")
    res = runner.invoke(app, ["run", "--out", str(out), "--no-plot"])
    assert res.exit_code == 0, res.output
    assert "PSGP headline answers" in res.output
    return dict(json.loads((out / "summary.json").read_text()))


@pytest.fixture(scope="module")
def headline(summary_json: dict[str, Any]) -> dict[str, dict[str, object]]:
    return dict(summary_json["headline"])


def test_run_writes_the_library_pipeline(summary_json: dict[str, Any], tmp_path: Path) -> None:
    # ``linepack run`` only reads, prints and writes: its summary.json is run_study's to_dict,
    # the headline cases read once and passed as objects. Exact equality: the same
    # deterministic computation in one process, written by the same JSON writer.
    from linepack.io.design_toml import read_design
    from linepack.io.economics_toml import read_economics
    from linepack.io.results_files import write_json
    from linepack.studies.headline import LINE_42, PHASE1, HeadlineCases
    from linepack.studies.run import run_study

    net, line_42 = load(PHASE1), load(LINE_42)
    cases = HeadlineCases(net, read_design(net), read_economics(net), line_42, read_design(line_42))
    result = run_study(net, headline=cases)
    assert [h.key for h in result.headlines] == list(summary_json["headline"])
    path = write_json(result.to_dict(), tmp_path / "summary.json")
    assert json.loads(path.read_text()) == summary_json


def test_every_answer_names_a_study_that_exists(headline: dict[str, dict[str, object]]) -> None:
    assert set(headline) == KEYS
    for key, h in headline.items():
        func, command = str(h["study"]).split("; ")
        module, name = func.rsplit(".", 1)
        # the named function must exist: a reader can rerun the study
        assert callable(getattr(importlib.import_module(f"linepack.{module}"), name)), key
        assert command.startswith("linepack "), key


def test_free_flow_answer_puts_kasur_at_its_minimum(
    headline: dict[str, dict[str, object]],
) -> None:
    """Independent check of the capacity claim: solve phase 1 at the reported throughput."""
    q = float(headline["free_flow_56in_mmscfd"]["value"])  # type: ignore[arg-type]
    net = load("psgp-56in-phase1")
    dens = {"scf": net.gas.density(net.settings.scf)}
    flow = mass_flow(parse_flow(f"{q} MMSCFD"), dens)
    net.demands = [dataclasses.replace(net.demands[0], flow=flow)]
    sol = solve(net)
    i = sol.compiled.node_names.index("kasur")
    barg = (sol.pressure[i] - net.settings.atmosphere) / 1e5
    # the capacity search stops within 0.1 MMSCFD; near 1,400 MMSCFD the delivery pressure
    # moves ~0.05 bar per MMSCFD, so Kasur sits within 0.01 bar of its 50 barg minimum
    assert barg == pytest.approx(50.0, abs=0.01)


def test_delivery_answer_is_the_run_itself(headline: dict[str, dict[str, object]]) -> None:
    # the default run is phase 1: the headline reuses its solution (61.43 barg, docs/psgp.md)
    assert headline["phase1_delivery_pressure_barg"]["value"] == pytest.approx(61.43, abs=0.005)


@pytest.mark.parametrize(
    "args",
    [
        ["--no-headline"],
        [str(DATA / "GasLib-11.net"), "--scenario", str(DATA / "GasLib-11.scn")],
    ],
    ids=["no-headline", "not-psgp"],
)
def test_no_headline_when_off_or_not_psgp(tmp_path: Path, args: list[str]) -> None:
    res = runner.invoke(app, ["run", *args, "--out", str(tmp_path), "--no-plot"])
    assert res.exit_code == 0, res.output
    assert "headline" not in json.loads((tmp_path / "summary.json").read_text())
    assert "PSGP headline answers" not in res.output
