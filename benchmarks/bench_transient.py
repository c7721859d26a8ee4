"""Transient benchmark: 24 h runs, wall and CPU time, cell-steps per second, where the time goes.

Run from the repository root::

    python benchmarks/bench_transient.py            # about a minute
    python benchmarks/bench_transient.py --quick    # (a) and (b) only

Measured (BDF2, Δt = 60 s, compile excluded, initial steady solve included; each figure is the
shortest of ``--repeats`` runs, wall and CPU time, and the load average is printed)
--------------------------------------------------------------------------------------------
(a) PSGP phase 1 (1,100 km) with ``segment_length = 1000`` (1,100 segments), the FSRU-trip
    schedule of ``psgp-56in-fsru-trip`` (LNG supply down to 20 % at 02:00), 24 h. Goal < 1 s.
(b) GasLib-582 imported from ``tests/data/gaslib/GasLib-582.{net,scn}`` (its own 10 km
    segments), its single nomination held constant, 24 h. The steady start under the operating
    policy is infeasible (p_max), so ``SteadyOptions(enforce_limits=False)``. Goal < 20 s.
(c) Cell-steps per second (segments × steps / CPU time) on PSGP at segment lengths
    10/5/2/1/0.5 km (24 h), and at 1 km over 6/12/24 h (the cost against the number of steps);
    a least-squares fit of the CPU time per step against the cells.
(d) cProfile of (a): residual evaluations and Newton iterations per step, and the time in the
    pipe law (friction and Z included), the storage, the linear solves and the rest.

Prints Markdown tables. On a shared machine the CPU time is the figure to trust (the wall time
grows with the other work on the cores).

Last measured (commit 54aa3e5, AMD EPYC 2 cores shared, load 0.98; docs/benchmarks.md)
--------------------------------------------------------------------------------------------
(a) 0.80 s wall, 0.79 s CPU (goal < 1 s met; 6.4 s before), 1.95 Newton it./step with the
    polish, 2.0 M cell-steps/s, mass defect 9.7e-13.
(b) 1.52 s wall and CPU (goal < 20 s met; 3.3 s before), 0.43 M cell-steps/s.
(c) 114 / 224 / 553 / 1,100 / 2,200 cells: 0.42 / 0.48 / 0.62 / 0.79 / 1.11 s CPU for 24 h;
    6 / 12 / 24 h at 1 km: 0.21 / 0.40 / 0.79 s. Linear in the steps, affine in the cells:
    ≈ 285 µs per step + 0.23 µs per cell per step.
(d) evaluations 55 % (2.98 per step), Jacobians 10 % (≈ 1 per step), linear algebra 15 %,
    the rest 21 %.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

import numpy as np

from _common import environment, load_average, markdown_table
from linepack.io.load import load
from linepack.io.schedule_toml import load_scenario
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.steady.solve import SteadyOptions
from linepack.transient import Schedule, TransientResult, simulate

ROOT = Path(__file__).resolve().parents[1]
GASLIB = ROOT / "tests" / "data" / "gaslib"
DT = 60.0


def psgp(segment: float) -> tuple[CompiledNetwork, Schedule]:
    sc = load_scenario("psgp-56in-fsru-trip")
    net = sc.network
    net.settings.segment_length = segment
    return compile_network(net), sc.schedule


def gaslib582() -> CompiledNetwork:
    net = load(GASLIB / "GasLib-582.net", scenario=GASLIB / "GasLib-582.scn")
    return compile_network(net)


def run(
    cn: CompiledNetwork, schedule: Schedule, hours: float, repeats: int = 1, **kw: object
) -> tuple[float, float, TransientResult]:
    """Shortest wall and CPU time [s] of ``repeats`` runs, and the last result."""
    walls, cpus = [], []
    r: TransientResult | None = None
    for _ in range(max(1, repeats)):
        c, t = time.process_time(), time.perf_counter()
        r = simulate(cn, schedule, hours=hours, dt=DT, **kw)  # type: ignore[arg-type]
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    assert r is not None
    return min(walls), min(cpus), r


def row(
    name: str, cn: CompiledNetwork, wall: float, cpu: float, r: TransientResult, goal: str
) -> list[str]:
    cells = len(cn.segments.length)
    steps = len(r.steps)
    its = sum(s.iterations for s in r.steps) / steps
    return [
        name,
        str(cells),
        str(steps),
        f"{its:.2f}",
        f"{wall:.2f}",
        f"{cpu:.2f}",
        f"{cells * steps / cpu:,.0f}",
        f"{max(s.mass_defect for s in r.steps):.1e}",
        goal,
    ]


HEAD = [
    "case",
    "cells",
    "steps",
    "Newton it./step",
    "wall [s]",
    "CPU [s]",
    "cell-steps/s (CPU)",
    "mass",
    "goal",
]


def profile(cn: CompiledNetwork, schedule: Schedule) -> str:
    prof = cProfile.Profile()
    prof.enable()
    t = time.perf_counter()
    r = simulate(cn, schedule, hours=24, dt=DT)
    wall = time.perf_counter() - t
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]

    def cum(file_part: str, func: str) -> tuple[float, int]:
        tot, n = 0.0, 0
        for (file, _, name), (_, nc, _, ct, _) in stats.items():
            if file_part in file and name == func:
                tot += ct
                n += nc
        return tot, n

    evaluate, n_eval = cum("transient/system.py", "evaluate")
    law, _ = cum("transient/pipelaw.py", "__call__")
    friction, _ = cum("transient/pipelaw.py", "_colebrook_warm")
    z, n_z = cum("transient/eosline.py", "lazy")
    jac, _ = cum("transient/system.py", "linearise")
    factor, n_factor = cum("transient/linear.py", "factor")
    resolve, n_resolve = cum("transient/linear.py", "resolve")
    schur = sum(cum("transient/system.py", f)[0] for f in ("reduced_values", "reduced_rhs"))
    schur += cum("transient/system.py", "expand")[0]
    solve = factor + resolve + schur - jac  # the Jacobians are made inside the Schur part
    steps = len(r.steps)
    its = sum(s.iterations for s in r.steps)
    rest = wall - evaluate - jac - solve

    def line(name: str, s: float, note: str) -> list[str]:
        return [name, f"{s:.2f}", f"{100 * s / wall:.0f} %", note]

    rows = [
        line("wall under cProfile", wall, ""),
        line("residual evaluations", evaluate, f"{n_eval} calls, {n_eval / steps:.2f} per step"),
        line("  of which the pipe law", law, "friction and Z included"),
        line("    of which Colebrook (warm-started)", friction, ""),
        line("    of which Z look-ups (segments and storage in one)", z, f"{n_z} calls"),
        line("Jacobians (from an evaluation, when a step needs one)", jac, f"{n_factor} built"),
        line(
            "linear algebra: Schur complement, band LU, triangular solves",
            solve,
            f"{n_factor} factorisations, {n_resolve} solves",
        ),
        line("rest (Newton loop, steps, modes, schedule, recording)", rest, ""),
        [
            "Newton iterations per step",
            f"{its / steps:.2f}",
            "",
            f"{its} over {steps} steps (the polish step included)",
        ],
    ]
    return markdown_table(["(a) PSGP 1 km, 24 h", "s", "share", "note"], rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="(a) and (b) only")
    ap.add_argument("--repeats", type=int, default=3, help="runs per figure (shortest kept)")
    args = ap.parse_args()
    print(markdown_table(["", ""], environment()))
    print(f"\nload average before: {load_average()}\n")

    cn, sched = psgp(1000.0)
    wall, cpu, r = run(cn, sched, 24, args.repeats)
    rows = [row("(a) PSGP phase 1, 1 km, FSRU trip, 24 h", cn, wall, cpu, r, "< 1 s")]
    g = gaslib582()
    try:
        run(g, Schedule(), 1)
        start = "default"
    except Exception as exc:
        start = f"enforce_limits=False ({type(exc).__name__})"
    opts = SteadyOptions(enforce_limits=False)
    wall, cpu, r = run(g, Schedule(), 24, args.repeats, steady_options=opts)
    rows.append(row(f"(b) GasLib-582, constant, 24 h, start: {start}", g, wall, cpu, r, "< 20 s"))
    print(markdown_table(HEAD, rows))
    print()
    if args.quick:
        print(f"load average after: {load_average()}")
        return

    rows, cells, per_step = [], [], []
    for seg in (10_000.0, 5_000.0, 2_000.0, 1_000.0, 500.0):
        cn, sched = psgp(seg)
        wall, cpu, r = run(cn, sched, 24, args.repeats)
        rows.append(row(f"PSGP {seg / 1000:g} km, 24 h", cn, wall, cpu, r, ""))
        cells.append(len(cn.segments.length))
        per_step.append(cpu / len(r.steps))
    cn, sched = psgp(1000.0)
    for hours in (6, 12):
        wall, cpu, r = run(cn, sched, hours, args.repeats)
        rows.append(row(f"PSGP 1 km, {hours} h", cn, wall, cpu, r, ""))
    print(markdown_table(HEAD[:-1], [x[:-1] for x in rows]))
    slope, fixed = np.polyfit(np.asarray(cells, float), np.asarray(per_step), 1)
    print(
        f"\nCPU time per step ≈ {1e6 * fixed:.0f} µs + {1e6 * slope:.3f} µs × cells "
        f"(least squares over {len(cells)} grids)\n"
    )
    print(profile(cn, sched))
    print(f"\nload average after: {load_average()}")


if __name__ == "__main__":
    main()
