"""The default report, written once per test session by ``linepack report`` (about 10 s)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from linepack.cli.main import app


def _report(out: Path, *flags: str) -> Path:
    res = CliRunner().invoke(app, ["report", *flags, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out / "report.html"


@pytest.fixture(scope="session")
def psgp_full_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``report.html`` of the default case as ``linepack report`` writes it: every section,
    the 42"/56" comparison and the FSRU-trip transient included."""
    return _report(tmp_path_factory.mktemp("full-report"))


@pytest.fixture(scope="session")
def psgp_summary() -> dict[str, object]:
    """The steady summary of the default case, solved here (what the report must show)."""
    from linepack.io.load import load
    from linepack.results.steady import summary, to_dataset
    from linepack.steady.solve import solve

    sol = solve(load("psgp-56in-phase1"))
    return summary(sol, to_dataset(sol))


@pytest.fixture(scope="session")
def psgp_design() -> dict[str, Any]:
    """The 42"/56" comparison of the default case, computed here (what the report must show)."""
    from linepack.io.design_toml import read_design
    from linepack.io.load import load
    from linepack.studies.design import compare_diameters

    net = load("psgp-56in-phase1")
    return compare_diameters(net, ("42 in", "56 in"), design=read_design(net)).to_dict()
