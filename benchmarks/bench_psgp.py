"""PSGP phase-1 benchmark: solve time (cold and warm) and ``linepack run`` end to end.

Run from the repository root::

    python benchmarks/bench_psgp.py            # about half a minute
    python benchmarks/bench_psgp.py --quick    # fewer repeats

Measured
--------
cold, fresh process
    A new Python process imports linepack, then loads, compiles and solves the case; each phase
    is timed inside that process (the import separately). Median over ``--processes`` runs.
cold, in process
    ``load`` + ``compile_network`` + ``solve`` again and again in this process (imports done,
    nothing cached by linepack between runs). Median over ``--repeats`` runs.
warm
    ``solve`` of an already compiled network, median over ``--warm`` runs after one warm-up.
``linepack run``
    Wall time of the command ``linepack run CASE --out DIR`` in a subprocess (interpreter start,
    imports, solve, CSV/JSON and the profile PNG), with and without ``--no-plot``; the goal is
    under 3 s with the plot. ``python -c pass`` gives the floor under any command.

Every figure is given as wall time and CPU time (user + system of the process, or of the child
process for commands); on an idle machine they agree, and when other work shares the cores the
CPU time is the one to trust.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import Timing, blas, environment, load_average, markdown_table, ms, repeat

CASE = "psgp-56in-phase1"
RUN_GOAL_S = 3.0

_FRESH = """
import json, time
c0, t0 = time.process_time(), time.perf_counter()
from linepack.io.load import load
from linepack.network.compile import compile_network
from linepack.steady.solve import solve
c1, t1 = time.process_time(), time.perf_counter()
net = load({case!r})
t2 = time.perf_counter()
cn = compile_network(net)
t3 = time.perf_counter()
sol = solve(cn)
c4, t4 = time.process_time(), time.perf_counter()
print(json.dumps({{"import": t1 - t0, "load": t2 - t1, "compile": t3 - t2, "solve": t4 - t3,
                  "import_cpu": c1 - c0, "work_cpu": c4 - c1}}))
"""


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_command(
    cmd: Callable[[int], list[str]], runs: int, check: Callable[[int], None] | None = None
) -> Timing:
    """Wall and CPU times [s] of ``runs`` runs of the command ``cmd(i)`` in a subprocess."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(runs):
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(cmd(i), check=True, capture_output=True, env=env)
        wall.append(time.perf_counter() - t0)
        cpu.append(_children_cpu() - c0)
        if check is not None:
            check(i)
    return Timing(tuple(wall), tuple(cpu))


def fresh_process(case: str, runs: int) -> dict[str, float]:
    """Median phase times [s] of load/compile/solve in new interpreter processes."""
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _FRESH.format(case=case)],
            check=True,
            capture_output=True,
            text=True,
        )
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def linepack_command() -> list[str]:
    """The ``linepack`` console script, or the CLI module through this interpreter."""
    exe = shutil.which("linepack")
    return [exe] if exe else [sys.executable, "-m", "linepack.cli.main"]


def cli_run(case: str, runs: int, plot: bool) -> Timing:
    """Times of ``linepack run CASE --out DIR`` (``--no-plot`` if not ``plot``)."""
    with tempfile.TemporaryDirectory(prefix="linepack-bench-") as tmp:

        def cmd(i: int) -> list[str]:
            extra = [] if plot else ["--no-plot"]
            return [*linepack_command(), "run", case, "--out", str(Path(tmp) / f"r{i}"), *extra]

        def check(i: int) -> None:
            if plot and not (Path(tmp) / f"r{i}" / "profile.png").exists():
                raise RuntimeError(f"{' '.join(cmd(i))} wrote no profile.png")

        return run_command(cmd, runs, check)


def _row(what: str, runs: str, t: Timing, detail: str) -> list[str]:
    return [what, runs, ms(t.median), ms(t.cpu_median), detail]


def main(argv: list[str] | None = None) -> None:
    """Run the PSGP benchmark and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--case", default=CASE, help="bundled case name or case file")
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--warm", type=int, default=None, help="warm solves timed (default 50)")
    ap.add_argument("--repeats", type=int, default=None, help="in-process cold runs (default 10)")
    ap.add_argument("--processes", type=int, default=None, help="fresh processes (default 5)")
    ap.add_argument("--cli-runs", type=int, default=None, help="`linepack run` runs (default 5)")
    args = ap.parse_args(argv)
    n_warm = args.warm or (10 if args.quick else 50)
    n_cold = args.repeats or (3 if args.quick else 10)
    n_proc = args.processes or (2 if args.quick else 5)
    n_cli = args.cli_runs or (2 if args.quick else 5)

    from linepack.io.load import load
    from linepack.network.compile import compile_network
    from linepack.steady.solve import solve

    print(markdown_table(["", "value"], environment()))
    print(f"\nBLAS: {blas()}")
    print(f"load average {load_average()}")

    fresh = fresh_process(args.case, n_proc)

    phases: dict[str, list[float]] = {"load": [], "compile": [], "solve": []}

    def cold() -> int:
        t0 = time.perf_counter()
        net = load(args.case)
        t1 = time.perf_counter()
        cn = compile_network(net)
        t2 = time.perf_counter()
        sol = solve(cn)
        t3 = time.perf_counter()
        phases["load"].append(t1 - t0)
        phases["compile"].append(t2 - t1)
        phases["solve"].append(t3 - t2)
        return sol.report.iterations

    cold_t, _ = repeat(cold, n_cold, warmup=1)
    ph = {k: statistics.median(v[1:]) for k, v in phases.items()}

    cn = compile_network(load(args.case))
    warm_t, sol = repeat(lambda: solve(cn), n_warm, warmup=1)
    size = f"{cn.n_nodes} nodes, {cn.n_edges} edges, {cn.n_nodes + cn.n_edges} unknowns"

    with_plot = cli_run(args.case, n_cli, plot=True)
    no_plot = cli_run(args.case, n_cli, plot=False)
    bare = run_command(lambda i: [sys.executable, "-c", "pass"], n_cli)

    print(f"case {args.case}: {size}, {sol.report.iterations} Newton iterations\n")
    work = fresh["load"] + fresh["compile"] + fresh["solve"]
    its = max(sol.report.iterations, 1)
    rows = [
        [
            "cold, fresh process: load + compile + solve",
            f"{n_proc} processes",
            ms(work),
            ms(fresh["work_cpu"]),
            f"load {ms(fresh['load'])}, compile {ms(fresh['compile'])}, "
            f"solve {ms(fresh['solve'])}; before them import {ms(fresh['import'])} "
            f"(CPU {ms(fresh['import_cpu'])})",
        ],
        _row(
            "cold, in process: load + compile + solve",
            f"median of {n_cold}",
            cold_t,
            f"load {ms(ph['load'])}, compile {ms(ph['compile'])}, solve {ms(ph['solve'])}",
        ),
        _row(
            "warm: solve(compiled)",
            f"median of {n_warm}",
            warm_t,
            f"best {ms(warm_t.best)}; {sol.report.iterations} iterations, "
            f"{ms(warm_t.median / its)} each",
        ),
        _row(
            "`linepack run --out DIR`",
            f"median of {n_cli}",
            with_plot,
            f"goal < {RUN_GOAL_S:g} s: {'met' if with_plot.median < RUN_GOAL_S else 'NOT met'}",
        ),
        _row("`linepack run --out DIR --no-plot`", f"median of {n_cli}", no_plot, ""),
        _row("`python -c pass`", f"median of {n_cli}", bare, "interpreter start alone"),
    ]
    print(markdown_table(["what", "runs", "wall", "CPU", "detail"], rows))
    print(f"\nload average after the runs: {load_average()}")


if __name__ == "__main__":
    main()
