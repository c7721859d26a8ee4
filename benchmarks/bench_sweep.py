"""Sweep benchmark: PSGP phase-1 throughput × inlet pressure × roughness scenarios per second.

Run from the repository root::

    python benchmarks/bench_sweep.py            # about three minutes
    python benchmarks/bench_sweep.py --quick    # smaller tables
    python benchmarks/bench_sweep.py --no-dask  # evaluation paths only

Measured
--------
evaluation, in process
    :func:`linepack.sweep.evaluate.evaluate_batch` on the whole scenario table in this process
    (base case compiled beforehand), on the general path (one ``solve`` per scenario, compiled
    arrays patched per scenario) and on the fast path (``linepack.sweep.fast``, a batched march,
    if installed and applicable). Scenarios per second of wall time and per CPU second (one
    core): the goal is >= 500 per core.
sweep end to end
    :func:`linepack.sweep.engine.run_sweep` into a temporary folder: serially, and on a local
    Dask cluster of 1 and of 2 single-threaded worker processes (``--workers``). The wall time
    includes starting the cluster and writing the chunks; the steady rate counts the scenarios
    finished between the first and the last chunk's arrival at the client (start-up excluded).
    The goal is a steady rate >= 1.7x with 2 workers than with 1. "evaluation CPU" is the CPU
    time spent evaluating, summed over the processes that did it (the workers report theirs):
    scenarios per evaluation-CPU second show what one core does inside a worker.

Every figure is wall and CPU time; the machine is shared, so the CPU time of in-process work is
the figure to trust, and the Dask ratio needs two otherwise idle cores (load average printed).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import blas, environment, load_average, markdown_table
from linepack.io.load import load
from linepack.sweep.engine import SweepPlan, SweepSpec, plan_sweep, run_sweep
from linepack.sweep.evaluate import Evaluator, evaluate_batch

CASE = "psgp-56in-phase1"
GOAL_PER_CORE = 500.0
GOAL_RATIO = 1.7


def specs(n_flow: int, n_pressure: int, n_rough: int) -> tuple[str, ...]:
    """Throughput × inlet pressure × roughness grid of PSGP phase 1."""
    return (
        f"throughput=linspace(800 MMSCFD, 1400 MMSCFD, {n_flow})",
        f"inlet_pressure=linspace(80 barg, 95 barg, {n_pressure})",
        f"pipe.*.roughness=linspace(0.01 mm, 0.05 mm, {n_rough})",
    )


@dataclass
class Rate:
    """Scenarios, wall and CPU seconds of one measurement."""

    label: str
    n: int
    wall: float
    cpu: float | None
    ok: int
    note: str = ""

    def row(self) -> list[str]:
        cpu = f"{self.cpu:.2f} s" if self.cpu is not None else "-"
        per_core = f"{self.n / self.cpu:,.0f}" if self.cpu else "-"
        return [
            self.label,
            f"{self.n:,}",
            f"{self.ok:,}",
            f"{self.wall:.2f} s",
            cpu,
            f"{self.n / self.wall:,.0f}",
            per_core,
            self.note,
        ]


def in_process(plan: SweepPlan, fast: bool) -> Rate | None:
    """Evaluate the whole table in this process on one path."""
    ev = Evaluator(plan.base, plan.names)
    ev.compiled  # noqa: B018 - compiled before timing
    if fast:
        try:
            from linepack.sweep.fast import evaluate_fast
        except ImportError:
            return None
        if evaluate_fast(plan.base, ev.compiled, plan.table.head(2)) is None:
            return None
    evaluate_batch(ev, plan.table.head(4), fast=fast)  # warm-up
    c0, t0 = time.process_time(), time.perf_counter()
    rows = evaluate_batch(ev, plan.table, fast=fast)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    label = "fast path" if fast else "general path"
    return Rate(label, len(rows), wall, cpu, int(rows["ok"].sum()))


def end_to_end(plan: SweepPlan, workers: int | None, fast: bool) -> list[str]:
    """A whole sweep into a temporary folder: one Markdown row."""
    events: list[tuple[float, int]] = []

    def progress(done: int, total: int) -> None:
        events.append((time.perf_counter(), done))

    with tempfile.TemporaryDirectory() as tmp:
        c0, t0 = time.process_time(), time.perf_counter()
        out = run_sweep(plan, Path(tmp), workers=workers, fast=fast, progress=progress)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    arrived = [(t, d) for t, d in events if d > 0]
    steady = None
    if len(arrived) >= 3:
        (ta, da), (tb, db) = arrived[0], arrived[-1]
        steady = (db - da) / (tb - ta) if tb > ta else None
    s = out.summary
    engine = "serial" if workers is None else f"--workers {workers}"
    n = out.evaluated
    return [
        f"{engine}, {'fast' if fast else 'general'} path",
        f"{n:,}",
        f"{s['ok']:,}",
        f"{wall:.2f} s",
        f"{n / wall:,.0f}",
        f"{steady:,.0f}" if steady else "-",
        f"{cpu:.2f} s",
        f"{s['evaluation_cpu_s']:.2f} s",
        f"{n / s['evaluation_cpu_s']:,.0f}" if s["evaluation_cpu_s"] > 0 else "-",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller tables")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask runs")
    args = ap.parse_args()
    # the full sizes give each worker many chunks of ~0.5 s: with a handful of chunks, the last
    # one decides the 2-worker time and the ratio measures the imbalance, not the engine
    general = specs(10, 6, 8) if args.quick else specs(20, 10, 10)  # 480 / 2,000 scenarios
    fast = specs(40, 25, 20) if args.quick else specs(100, 40, 50)  # 20,000 / 200,000
    print(f"load average before: {load_average()}")
    print(markdown_table(["", ""], environment(["pandas", "pyarrow", "distributed"])))
    print(f"\nBLAS: {blas()}\n")
    base = load(CASE)
    plan_g = plan_sweep(SweepSpec(CASE, general), base)
    plan_f = plan_sweep(SweepSpec(CASE, fast), base)
    rates: list[Rate] = []
    for plan, is_fast in ((plan_g, False), (plan_f, True)):
        r = in_process(plan, is_fast)
        if r is not None:
            rates.append(r)
    headers = ["", "scenarios", "ok", "wall", "CPU", "per wall s", "per CPU s", "note"]
    print(f"## Evaluation in process ({CASE}: {general[0]} ...)\n")
    print(markdown_table(headers, [r.row() for r in rates]))
    has_fast = any(r.label == "fast path" for r in rates)
    if args.no_dask:
        print(f"\nload average after: {load_average()}")
        return
    rows = []
    for plan, is_fast in ((plan_g, False), *(((plan_f, True),) if has_fast else ())):
        for workers in (None, 1, 2):
            rows.append(end_to_end(plan, workers, is_fast))
    print("\n## Sweep end to end (chunks written, Dask cluster started inside the wall time)\n")
    heads = ["", "scenarios", "ok", "wall", "per wall s", "steady /s", "client CPU"]
    heads += ["evaluation CPU", "per evaluation CPU s"]
    print(markdown_table(heads, rows))
    print()
    for i in range(0, len(rows), 3):
        one, two = rows[i + 1][5], rows[i + 2][5]
        if one != "-" and two != "-":
            ratio = float(two.replace(",", "")) / float(one.replace(",", ""))
            verdict = "meets" if ratio >= GOAL_RATIO else "misses"
            path = rows[i][0].split(", ")[1]
            print(
                f"- {path}: steady rate 2 workers / 1 worker = {ratio:.2f} ({verdict} {GOAL_RATIO})"
            )
    print(f"\nload average after: {load_average()}")


if __name__ == "__main__":
    main()
