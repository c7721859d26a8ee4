"""``linepack sweep`` end to end: output files, errors, and a killed sweep resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from linepack.cli.main import app
from linepack.sweep.engine import sweep

runner = CliRunner()
GRID = ["-p", "throughput=800,1200,1600 MMSCFD", "-p", "inlet_pressure=80,85 barg"]


def test_sweep_writes_results_chunks_and_summary(tmp_path: Path) -> None:
    res = runner.invoke(app, ["sweep", *GRID, "--out", str(tmp_path), "--chunk-size", "4"])
    assert res.exit_code == 0, res.output
    assert "linepack sweep — psgp-56in-phase1: 6 of 6 scenarios" in res.output
    assert "delivery_pressure_barg" in res.output
    chunks = sorted(p.name for p in (tmp_path / "chunks").iterdir())
    assert chunks == ["chunk-000000000-000000003.parquet", "chunk-000000004-000000005.parquet"]
    table = pq.read_table(tmp_path / "results.parquet")
    assert table.schema.field("throughput").metadata == {b"unit": b"kg/s"}
    assert table.schema.field("inlet_pressure").metadata == {b"unit": b"Pa"}
    assert table.schema.field("delivery_pressure_barg").metadata == {b"unit": b"barg"}
    assert json.loads(table.schema.metadata[b"linepack_sweep"])["n_scenarios"] == 6
    df = table.to_pandas()
    assert df["scenario"].tolist() == list(range(6))
    # engineering-unit columns convert the SI values back: round-off only (1e-12)
    np.testing.assert_allclose(
        df["throughput [MMSCFD]"], [800, 800, 1200, 1200, 1600, 1600], rtol=1e-12
    )
    np.testing.assert_allclose(df["inlet_pressure [barg]"], [80, 85] * 3, rtol=1e-12)
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["n_scenarios"] == 6
    assert s["ok"] + s["failed"] == 6
    assert s["ok"] == int(df["ok"].sum())
    # 1600 MMSCFD is above the supply's flow_max: those rows fail, and the failures are listed
    assert s["failed"] >= 2
    assert {f["scenario"] for f in s["failures"]} >= {4, 5}
    assert "failures" in res.output
    meta = json.loads((tmp_path / "sweep.json").read_text())
    assert meta["params"] == ["throughput=800,1200,1600 MMSCFD", "inlet_pressure=80,85 barg"]
    assert meta["seed"] == 20260101
    csv = pd.read_csv(tmp_path / "summary.csv")
    assert csv.columns.tolist() == ["metric", "unit", "count", "min", "median", "max"]
    assert "delivery_pressure_barg" in csv["metric"].tolist()


def test_bad_param_is_an_input_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["sweep", "-p", "throughput=800,1000", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "--param 'throughput'" in res.output
    assert "a unit is required" in res.output


def test_resume_with_other_params_is_refused(tmp_path: Path) -> None:
    assert runner.invoke(app, ["sweep", *GRID, "--out", str(tmp_path)]).exit_code == 0
    other = ["-p", "throughput=800,1200 MMSCFD", "-p", "inlet_pressure=80,85 barg"]
    res = runner.invoke(app, ["sweep", *other, "--out", str(tmp_path), "--resume"])
    assert res.exit_code == 2
    assert "started with other settings" in res.output
    assert "params" in res.output


def test_resume_needs_a_sweep(tmp_path: Path) -> None:
    res = runner.invoke(app, ["sweep", *GRID, "--out", str(tmp_path), "--resume"])
    assert res.exit_code == 2
    assert "nothing to resume" in res.output


def test_resume_of_a_finished_sweep_evaluates_nothing(tmp_path: Path) -> None:
    first = sweep("psgp-56in-phase1", GRID[1::2], tmp_path, fast=False)
    again = sweep("psgp-56in-phase1", GRID[1::2], tmp_path, fast=False, resume=True)
    assert again.evaluated == 0
    pd.testing.assert_frame_equal(again.results, first.results)


def test_a_new_run_replaces_an_old_sweep(tmp_path: Path) -> None:
    sweep("psgp-56in-phase1", GRID[1::2], tmp_path, fast=False, chunk_size=1)
    out = sweep("psgp-56in-phase1", ["throughput=1000 MMSCFD"], tmp_path, fast=False)
    assert len(list((tmp_path / "chunks").glob("chunk-*.parquet"))) == 1
    assert out.results["scenario"].tolist() == [0]


def test_stray_temporary_file_is_removed_on_resume(tmp_path: Path) -> None:
    sweep("psgp-56in-phase1", GRID[1::2], tmp_path, fast=False)
    stray = tmp_path / "chunks" / ".chunk-000000006-000000009.parquet.1234abcd.tmp"
    stray.write_bytes(b"half a file")
    sweep("psgp-56in-phase1", GRID[1::2], tmp_path, fast=False, resume=True)
    assert not stray.exists()


def test_workers_without_dask_say_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    res = runner.invoke(app, ["sweep", *GRID, "--out", str(tmp_path), "--workers", "2"])
    assert res.exit_code == 2
    assert "pip install 'linepack[dask]'" in res.output


def test_workers_and_scheduler_together_are_refused(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        ["sweep", *GRID, "--out", str(tmp_path), "--workers", "2", "--scheduler", "tcp://x:1"],
    )
    assert res.exit_code == 2
    assert "--workers and --scheduler together" in res.output


def test_killed_sweep_resumes_without_losing_or_repeating_scenarios(tmp_path: Path) -> None:
    """SIGKILL a sweep after its first chunk is written, resume it, compare with a whole run.

    The general path (``--no-fast``) at 4 scenarios per chunk makes 25 chunks of a few tens
    of milliseconds each, so the kill lands long before the end.
    """
    params = [
        "throughput=linspace(800 MMSCFD, 1400 MMSCFD, 10)",
        "pipe.*.roughness=0.01,0.02,0.03,0.04,0.05,0.06,0.07,0.08,0.09,0.1 mm",
    ]
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "linepack.cli.main", "sweep", "--out", str(out), "--no-fast"]
    cmd += ["--chunk-size", "4", "-q"]
    for p in params:
        cmd += ["-p", p]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    chunks = out / "chunks"
    deadline = time.monotonic() + 120
    try:
        while not (chunks.exists() and any(chunks.glob("chunk-*.parquet"))):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "no chunk written in 120 s"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    written = len(list(chunks.glob("chunk-*.parquet")))
    assert 1 <= written < 25  # it was interrupted
    assert not (out / "results.parquet").exists()

    resumed = sweep("psgp-56in-phase1", params, out, resume=True, fast=False, chunk_size=4)
    assert resumed.evaluated == 100 - 4 * written
    whole = sweep("psgp-56in-phase1", params, tmp_path / "whole", fast=False)
    ids = resumed.results["scenario"]
    assert ids.tolist() == list(range(100))  # every id exactly once
    on_disk = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(on_disk, resumed.results)
    # the same code on the same inputs in two processes of the same machine: equal to the bit
    pd.testing.assert_frame_equal(resumed.results, whole.results, check_exact=True)


def test_importing_linepack_and_the_sweep_does_not_import_dask_distributed() -> None:
    # pint imports dask's core when it is installed (pint.compat), so only the distributed
    # scheduler, which linepack.sweep.distributed imports when a sweep asks for it, is checked
    code = (
        "import sys, linepack; print('dask' in sys.modules); "
        "import linepack.cli.main, linepack.sweep.engine, linepack.sweep.distributed; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'distributed'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "[]"]
