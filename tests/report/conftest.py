"""The default report, written once per test session by ``linepack report`` (about 10-20 s)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from linepack.cli.main import app


@pytest.fixture(scope="session")
def psgp_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``report.html`` of the default case (PSGP 56 in phase 1, with the FSRU-trip transient)."""
    out = tmp_path_factory.mktemp("report")
    # the 42"/56" comparison is left out: its station siting takes about half a minute of CPU
    # (test_design_tables renders a cheap real comparison instead)
    res = CliRunner().invoke(app, ["report", "--no-design-study", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out / "report.html"


@pytest.fixture(scope="session")
def psgp_summary() -> dict[str, object]:
    """The steady summary of the default case, solved here (what the report must show)."""
    from linepack.io.load import load
    from linepack.results.steady import summary, to_dataset
    from linepack.steady.solve import solve

    sol = solve(load("psgp-56in-phase1"))
    return summary(sol, to_dataset(sol))
