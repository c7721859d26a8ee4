"""``linepack sweep``: scenario sweeps (grids and Monte Carlo samples), serial or on Dask.

Registered in :mod:`linepack.cli.main`. The sweep machinery (numpy, pandas, pyarrow, and Dask
when asked for) is imported only when the command runs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from linepack.cli.common import console, err_console, guard

#: Bundled case swept when none is given.
DEFAULT_SWEEP_CASE = "psgp-56in-phase1"
#: Failed scenarios printed after the table.
SHOWN_FAILURES = 5

PARAM_HELP = (
    "NAME=SPEC, repeatable. NAME: throughput, inlet_pressure, SECTION.NAME.KEY "
    "(e.g. pipe.*.roughness, demand.kasur-sngpl.flow, compressor.CS-A.setpoint), settings.KEY, "
    "economics.KEY, design.KEY. SPEC: a list '800,1000,1200 MMSCFD', linspace(a, b, n), "
    "range(start, stop, step), uniform(a, b), normal(mean, sd), triangular(low, mode, high), "
    "lognormal(median, sigma). See docs/sweeps.md."
)


def sweep_cmd(
    case: Annotated[
        str | None,
        typer.Argument(
            help=f"Bundled case name or case file (default: {DEFAULT_SWEEP_CASE}).",
            show_default=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help=PARAM_HELP, show_default=False),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Samples per grid point for distributions (default 100).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="Seed of the samples (default 20260101, recorded).", show_default=False
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Start a local Dask cluster of N single-threaded worker processes.",
            show_default=False,
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of an existing Dask scheduler (tcp://host:8786).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("linepack-sweep"),
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Continue the interrupted sweep in --out (same case and params)."
        ),
    ] = False,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            "--chunk-size",
            help="Scenarios per output chunk (default: about 0.5 s of work).",
            show_default=False,
        ),
    ] = None,
    fast: Annotated[
        bool, typer.Option(help="Use the vectorised fast path where it applies.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run a scenario sweep over grids and Monte Carlo samples, resumable.

    Every combination of the grid values (and N random samples per grid point for
    distributions); each finished chunk is written at once, so --resume continues an
    interrupted sweep.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    t_start = time.perf_counter()
    show = not quiet and err_console.is_terminal
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )

    def work() -> Any:
        from linepack.sweep.engine import SweepSpec, plan_sweep, run_sweep
        from linepack.sweep.spec import DEFAULT_SEED

        spec = SweepSpec(
            case or DEFAULT_SWEEP_CASE,
            tuple(param or ()),
            samples,
            DEFAULT_SEED if seed is None else seed,
        )
        plan = plan_sweep(spec)
        with Progress(*columns, console=err_console, transient=True, disable=not show) as bar:
            task = bar.add_task(f"sweeping {plan.base.name}", total=len(plan.table), rate="")
            t0 = time.perf_counter()
            first: list[int] = []

            def progress(done: int, total: int) -> None:
                if not first:
                    first.append(done)
                dt = time.perf_counter() - t0
                rate = (done - first[0]) / dt if dt > 0 else 0.0
                bar.update(task, completed=done, rate=f"{rate:.0f}/s" if rate else "")

            return run_sweep(
                plan,
                out,
                resume=resume,
                chunk_size=chunk_size,
                workers=workers,
                scheduler=scheduler,
                fast=fast,
                progress=progress,
            )

    try:
        outcome = guard(work)
    except KeyboardInterrupt:
        err_console.print(
            f"[yellow]interrupted:[/] the finished chunks are in {escape(str(out))}/chunks; "
            "run the same command with --resume to continue",
            highlight=False,
        )
        raise typer.Exit(130) from None
    _print(outcome.summary)

    s = outcome.summary
    rate = f", {s['scenarios_per_s']:.0f} scenarios/s" if s.get("scenarios_per_s") else ""
    console.print(
        f"wrote {escape(str(out))}/ (results.parquet, summary.json, summary.csv, "
        f"{len(list((out / 'chunks').glob('chunk-*.parquet')))} chunks): {outcome.evaluated} "
        f"scenarios evaluated in {time.perf_counter() - t_start:.2f} s{rate} ({s['engine']})",
        highlight=False,
    )


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.4g}"


def _print(s: dict[str, Any]) -> None:

    t = Table(
        title=f"linepack sweep — {s['case']}: {s['done']} of {s['n_scenarios']} scenarios, "
        f"{s['ok']} ok, {s['failed']} failed",
        header_style="bold",
    )
    t.add_column("metric (ok scenarios)")
    t.add_column("unit")
    for col in ("min", "median", "max"):
        t.add_column(col, justify="right")
    for name, m in s["metrics"].items():
        t.add_row(escape(name), m["unit"], _fmt(m["min"]), _fmt(m["median"]), _fmt(m["max"]))
    console.print(t)
    if s["failed"]:
        k = Table(title="failures", show_header=False, box=None)
        for kind, n in list(s["failure_kinds"].items())[:SHOWN_FAILURES]:
            k.add_row(str(n), escape(kind))
        for f in s["failures"][:SHOWN_FAILURES]:
            k.add_row(f"#{f['scenario']}", escape(f["error"]))
        console.print(k)
