"""Sweeps give what solving each modified case directly gives; failures are rows, not stops.

The reference solves edit the bundled case's TOML text and read it again, so they share no
code with the sweep's way of applying values (:mod:`linepack.sweep.apply`).
"""

from __future__ import annotations

import dataclasses
import math
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from linepack.errors import LinepackError
from linepack.io.case_toml import read_case
from linepack.io.load import bundled_path, load
from linepack.network.compile import CompiledNetwork, compile_network, patch_compiled
from linepack.network.model import Network
from linepack.steady.solve import SteadyOptions, solve
from linepack.sweep.apply import apply_values, resolve
from linepack.sweep.engine import sweep
from linepack.sweep.evaluate import METRICS, Evaluator, evaluate_batch, metrics_from_solution
from linepack.sweep.spec import parse_params, scenario_table

PHASE1 = "psgp-56in-phase1"
PHASE2 = "psgp-56in-phase2"


def direct(name: str, *edits: tuple[str, str]) -> dict[str, Any]:
    """Metrics of the case edited as text and solved as ``linepack run --allow-violations``
    solves it, with ``error`` the violations ("" if none), or only the error's message when
    there is no solution."""
    text = bundled_path(name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    try:
        sol = solve(read_case(text, source=f"{name}.toml"), SteadyOptions(enforce_limits=False))
    except LinepackError as exc:
        return {"error": str(exc), "solved": False}
    errors = "; ".join(str(v) for v in sol.violations)
    return {**metrics_from_solution(sol), "error": errors, "solved": True}


def test_grid_sweep_matches_direct_solves(tmp_path: Path) -> None:
    flows, pressures = (800, 1000, 1200, 1400, 1600), (80, 85, 90)
    out = sweep(
        PHASE1,
        [f"throughput={','.join(map(str, flows))} MMSCFD", "inlet_pressure=80,85,90 barg"],
        tmp_path,
        fast=False,
    )
    res = out.results
    assert res["scenario"].tolist() == list(range(15))
    n_ok = 0
    for row in res.itertuples():
        q, p = flows[row.scenario // 3], pressures[row.scenario % 3]
        ref = direct(
            PHASE1,
            ('flow = "1200 MMSCFD"', f'flow = "{q} MMSCFD"'),
            ('pressure = "85 barg"', f'pressure = "{p} barg"'),
        )
        assert row.error == ref["error"]
        assert row.ok == (ref["error"] == "")
        if not ref["solved"]:
            assert math.isnan(row.delivery_pressure_barg)
            continue
        n_ok += row.ok
        # the same equations solved to the same Newton tolerance (1e-10 scaled residual) from
        # compiled arrays equal to a fresh compile: agreement far inside 1e-9 -- also for rows
        # that pass a limit (they keep their figures)
        for m in METRICS:
            assert getattr(row, m) == pytest.approx(ref[m], rel=1e-9, abs=1e-12), m
    # 1600 MMSCFD is above the supply's flow_max (1440 MMSCFD): every such row fails; the
    # lower throughputs at 80 barg may miss the 50 barg minimum delivery pressure
    assert 9 <= n_ok < 15
    assert not res.loc[res["throughput [MMSCFD]"].round(6) == 1600, "ok"].any()
    assert out.summary["ok"] == n_ok
    assert out.summary["failed"] == 15 - n_ok


def test_infeasible_scenario_is_recorded_and_the_sweep_goes_on() -> None:
    net = load(PHASE1)
    # 2,600 MMSCFD: pressure runs out (no solution); 1,500: Kasur below its 50 barg minimum
    params = parse_params(["throughput=1200,2600,1000,1500 MMSCFD"], net)
    ev = Evaluator(net, [p.name for p in params])
    rows = evaluate_batch(ev, scenario_table(params), fast=False)
    assert rows["ok"].tolist() == [True, False, True, False]
    err = rows.loc[1, "error"]
    assert "node '" in err
    assert "[bound: pressure > 0]" in err
    assert rows.loc[1, "failed_at"].startswith("node '")  # the typed error's element
    assert err.startswith(rows.loc[1, "failed_at"] + ": ")
    assert rows.loc[1, list(METRICS[:-1])].isna().all()
    # the row that only passes a limit keeps its figures, and its error says how far
    assert rows.loc[3, "error"].startswith("node 'kasur': pressure ")
    assert "below p_min = 50.00 barg by" in rows.loc[3, "error"]
    assert rows.loc[3, "failed_at"] == "node 'kasur'"  # the first violation's element
    assert rows.loc[[0, 2], "failed_at"].tolist() == ["", ""]
    assert rows.loc[3, "delivery_pressure_barg"] < 50.0
    assert rows.loc[[0, 2, 3], "delivery_pressure_barg"].notna().all()


def test_value_out_of_range_in_one_sample_is_recorded() -> None:
    net = load(PHASE1)
    # a spread wider than the mean: some samples are negative roughness, which no pipe has
    params = parse_params(["pipe.*.roughness=normal(0.02 mm, 0.02 mm)"], net)
    table = scenario_table(params, samples=12, seed=5)
    negative = table["pipe.*.roughness"] < 0
    assert negative.any()
    assert (~negative).any()
    rows = evaluate_batch(Evaluator(net, [p.name for p in params]), table, fast=False)
    assert (rows["ok"] == ~negative).all()
    for err in rows.loc[negative, "error"]:
        assert "pipe 'L01'" in err
        assert "pipe.*.roughness" in err
        assert "value out of range" in err
    assert (rows.loc[negative, "failed_at"] == "pipe 'L01'").all()
    assert (rows.loc[negative, "iterations"] == -1).all()


def test_unexpected_exception_is_recorded_with_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    net = load(PHASE1)
    params = parse_params(["throughput=1000,1100,1200 MMSCFD"], net)
    ev = Evaluator(net, [p.name for p in params])
    real = Evaluator.solve

    def flaky(self: Evaluator, values: dict[str, float]) -> Any:
        if values["throughput"] == params[0].values[1]:  # type: ignore[index]
            raise ValueError("a bug")
        return real(self, values)

    monkeypatch.setattr(Evaluator, "solve", flaky)
    rows = evaluate_batch(ev, scenario_table(params), fast=False)
    assert rows["ok"].tolist() == [True, False, True]
    assert rows.loc[1, "error"] == "ValueError: a bug"
    assert rows.loc[1, "failed_at"] == "ValueError"


def _fields_equal(a: Any, b: Any, path: str = "cn") -> list[str]:
    """Paths of the fields of two compiled networks that differ (EOS and model not compared)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        out = []
        for f in dataclasses.fields(a):
            if f.name not in ("network", "eos"):
                out += _fields_equal(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
        return out
    if isinstance(a, np.ndarray):
        return [] if np.array_equal(a, b, equal_nan=True) else [path]
    return [] if a == b else [path]


@pytest.mark.parametrize(
    "values",
    [
        {"throughput": 250.0},
        {"inlet_pressure": 8.0e6},
        {"pipe.*.roughness": 3e-5, "pipe.L03.efficiency": 0.95},
        {"compressor.*.setpoint": 9.0e6, "throughput": 400.0},
        {"demand.kasur-sngpl.flow": 300.0, "supply.port-qasim-lng.pressure": 8.3e6},
    ],
)
def test_patched_compile_equals_a_fresh_compile(values: dict[str, float]) -> None:
    net = load(PHASE2)
    ev = Evaluator(net, list(values))
    patched = ev.compile(values)
    fresh = compile_network(ev.network(values))
    assert patched is not ev.compiled
    # the patch repeats compile's arithmetic on the same inputs: equal to the last bit
    assert _fields_equal(patched, fresh) == []
    assert patched.eos is ev.compiled.eos


def test_set_point_beyond_the_eos_table_compiles_afresh() -> None:
    net = load(PHASE1)
    targets = [resolve("inlet_pressure", net)]
    base = compile_network(net)
    high = apply_values(net, targets, {"inlet_pressure": 130e5})
    cn: CompiledNetwork = patch_compiled(base, high)
    assert cn.eos is not base.eos
    assert cn.eos_p_range == compile_network(high).eos_p_range
    assert cn.eos_p_range[1] > base.eos_p_range[1]


def test_structural_parameters_match_direct_solves() -> None:
    net = load(PHASE1)
    params = parse_params(
        ["settings.gas_temperature=20,30 degC", "pipe.L01.outer_diameter=48 in"], net
    )
    ev = Evaluator(net, [p.name for p in params])
    rows = evaluate_batch(ev, scenario_table(params), fast=False)
    for row, temp in zip(rows.itertuples(), (20, 30), strict=True):
        ref = direct(
            PHASE1,
            ('gas_temperature = "25 degC"', f'gas_temperature = "{temp} degC"'),
            (
                'outer_diameter = "56 in"              # [S] HoT 2021',
                'outer_diameter = "48 in"              # [S] HoT 2021',
            ),
        )
        assert row.ok
        # same equations, same Newton tolerance (see test_grid_sweep_matches_direct_solves)
        assert row.delivery_pressure_barg == pytest.approx(ref["delivery_pressure_barg"], rel=1e-9)
        assert row.linepack_mmscm == pytest.approx(ref["linepack_mmscm"], rel=1e-9)


def test_throughput_is_shared_by_the_demands_at_the_delivery_node() -> None:
    second = '\n[[demand]]\nname = "kasur-ipp"\nnode = "kasur"\nflow = "300 MMSCFD"\n'
    text = bundled_path(PHASE1).read_text(encoding="utf-8") + second
    net = read_case(text, source="two-demands.toml")
    params = parse_params(["throughput=1000 MMSCFD"], net)
    ev = Evaluator(net, ["throughput"])
    modified = ev.network({"throughput": params[0].values[0]})  # type: ignore[index]
    f1, f2 = (d.flow for d in modified.demands)
    assert f1 is not None
    assert f2 is not None
    # 1200 : 300 of 1000 MMSCFD, to the round-off of the unit conversions (1e-12)
    assert f1 / f2 == pytest.approx(4.0, rel=1e-12)
    row = ev.evaluate(0, {"throughput": params[0].values[0]})  # type: ignore[index]
    assert row["ok"]
    # delivered = what the demands draw (fixed flows): round-off only (1e-9)
    assert row["throughput_mmscfd"] == pytest.approx(1000.0, rel=1e-9)


def _fake_fast(monkeypatch: pytest.MonkeyPatch, evaluate_fast: Any) -> None:
    module = types.ModuleType("linepack.sweep.fast")
    module.evaluate_fast = evaluate_fast  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "linepack.sweep.fast", module)


def test_fast_path_rows_marked_fallback_are_solved_on_the_general_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net = load(PHASE1)
    params = parse_params(["throughput=800,1000,1200,1400 MMSCFD"], net)
    table = scenario_table(params)
    ev = Evaluator(net, ["throughput"])
    general = evaluate_batch(ev, table, fast=False)

    def fast(base: Network, compiled: CompiledNetwork, t: pd.DataFrame) -> pd.DataFrame:
        rows = general.copy()
        rows["delivery_pressure_barg"] = -1.0  # marks the rows the fast path answered
        redo = rows["scenario"] % 2 == 1
        rows.loc[redo, "ok"] = False
        rows.loc[redo, "error"] = "fallback"
        return rows.iloc[::-1]  # in another order than asked

    _fake_fast(monkeypatch, fast)
    rows = evaluate_batch(ev, table)
    assert rows["scenario"].tolist() == [0, 1, 2, 3]
    assert rows.loc[[0, 2], "delivery_pressure_barg"].eq(-1.0).all()
    pd.testing.assert_frame_equal(rows.loc[[1, 3]], general.loc[[1, 3]])


@pytest.mark.parametrize("behaviour", ["none", "raises"])
def test_fast_path_declining_or_failing_leaves_the_general_path(
    monkeypatch: pytest.MonkeyPatch, behaviour: str
) -> None:
    net = load(PHASE1)
    params = parse_params(["throughput=800,1000 MMSCFD"], net)
    table = scenario_table(params)
    ev = Evaluator(net, ["throughput"])

    def fast(base: Network, compiled: CompiledNetwork, t: pd.DataFrame) -> pd.DataFrame | None:
        if behaviour == "raises":
            raise RuntimeError("fast path bug")
        return None

    _fake_fast(monkeypatch, fast)
    pd.testing.assert_frame_equal(evaluate_batch(ev, table), evaluate_batch(ev, table, fast=False))


def test_two_dask_workers_give_the_serial_results(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    params = ["throughput=800,1000,1200,1600 MMSCFD", "pipe.*.roughness=0.02,0.04 mm"]
    serial = sweep(PHASE1, params, tmp_path / "serial", chunk_size=3, fast=False)
    dask = sweep(PHASE1, params, tmp_path / "dask", chunk_size=3, fast=False, workers=2)
    assert dask.summary["engine"].startswith("dask: 2 workers")
    a, b = serial.results, dask.results
    assert list(a.columns) == list(b.columns)
    for col in ("scenario", "ok", "error", "iterations", "throughput", "pipe.*.roughness"):
        assert a[col].tolist() == b[col].tolist(), col
    # the same code on the same inputs; only BLAS threading may differ (Dask runs workers
    # with OPENBLAS_NUM_THREADS=1), which can move the last bits of a reduction: 1e-12
    floats = [m for m in METRICS if m != "iterations"]
    np.testing.assert_allclose(a[floats], b[floats], rtol=1e-12, equal_nan=True)
    assert a["ok"].any()
    assert not a["ok"].all()


def test_sweep_on_an_existing_scheduler(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    params = ["throughput=800,1000,1200 MMSCFD"]
    serial = sweep(PHASE1, params, tmp_path / "serial", fast=False)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote = sweep(
            PHASE1, params, tmp_path / "remote", fast=False, scheduler=cluster.scheduler_address
        )
    assert remote.summary["engine"].startswith("dask: 1 worker (")
    # a worker thread of this process runs the same code on the same inputs: equal to the bit
    pd.testing.assert_frame_equal(remote.results, serial.results, check_exact=True)


def test_summary_counts_failures_by_their_typed_place() -> None:
    from linepack.sweep.store import summarise

    frame = pd.DataFrame(
        {
            "scenario": [0, 1, 2, 3, 4],
            "ok": [True, False, False, False, False],
            "error": [
                "",
                "node 'kasur': pressure runs out: a: b",
                "node 'kasur': pressure 41.89 barg below p_min = 50.00 barg by 8.105 bar",
                "the march did not converge in 200 rounds",
                "old chunk: no place",
            ],
            "failed_at": ["", "node 'kasur'", "node 'kasur'", "ConvergenceError", None],
            **{m: [1.0] * 5 for m in METRICS},
        }
    )
    kinds = summarise(frame, {}, {})["failure_kinds"]
    # counted by the rows' typed field, not by the text before the first ':'
    assert kinds == {"node 'kasur'": 2, "ConvergenceError": 1, "(not recorded)": 1}
