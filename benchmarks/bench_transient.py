"""Transient benchmark: wall time of 24 h runs, cell-steps per second, where the time goes.

Run from the repository root::

    python benchmarks/bench_transient.py            # about two minutes
    python benchmarks/bench_transient.py --quick    # no scaling tables, no profile

Measured (BDF2, Δt = 60 s, one run each, compile excluded, initial steady solve included)
--------------------------------------------------------------------------------------------
(a) PSGP phase 1 (1,100 km) with ``segment_length = 1000`` (1,100 segments), the FSRU-trip
    schedule of ``psgp-56in-fsru-trip`` (LNG supply down to 20 % at 02:00), 24 h. Goal < 1 s.
(b) GasLib-582 imported from ``tests/data/gaslib/GasLib-582.{net,scn}`` (its own 10 km
    segments), its single nomination held constant, 24 h. The steady start under the operating
    policy is infeasible (p_max), so ``SteadyOptions(enforce_limits=False)``. Goal < 20 s.
(c) Cell-steps per second (segments × steps / wall) on PSGP at segment lengths 10/5/2/1 km
    (24 h), and at 1 km over 6/12/24 h (the cost against the number of steps).
(d) cProfile of (a): Newton iterations per step, and the time in the equation of state,
    assembly, the sparse factorisation and the rest.

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from _common import environment, markdown_table
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
    cn: CompiledNetwork, schedule: Schedule, hours: float, **kw: object
) -> tuple[float, TransientResult]:
    t = time.perf_counter()
    r = simulate(cn, schedule, hours=hours, dt=DT, **kw)  # type: ignore[arg-type]
    return time.perf_counter() - t, r


def row(name: str, cn: CompiledNetwork, wall: float, r: TransientResult, goal: str) -> list[str]:
    cells = len(cn.segments.length)
    steps = len(r.steps)
    its = sum(s.iterations for s in r.steps) / steps
    return [
        name,
        str(cells),
        str(steps),
        f"{its:.2f}",
        f"{wall:.2f}",
        f"{cells * steps / wall:,.0f}",
        f"{r.mass_error.max():.1e}",
        goal,
    ]


HEAD = ["case", "cells", "steps", "Newton it./step", "wall [s]", "cell-steps/s", "mass", "goal"]


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

    eos, n_eos = cum("steady/system.py", "z")
    asm, n_asm = cum("transient/system.py", "assemble")
    lu, n_lu = cum("~", "<built-in method scipy.sparse.linalg._dsolve._superlu.gstrf>")
    tri = sum(v[3] for k, v in stats.items() if "solve" in k[2] and "SuperLU" in k[2])
    steps = len(r.steps)
    its = sum(s.iterations for s in r.steps)
    rows = [
        ["wall under cProfile", f"{wall:.2f}", "100 %", ""],
        [
            "equation of state (Z and derivatives)",
            f"{eos:.2f}",
            f"{100 * eos / wall:.0f} %",
            f"{n_eos} calls",
        ],
        [
            "assembly (residual + Jacobian, EOS included)",
            f"{asm:.2f}",
            f"{100 * asm / wall:.0f} %",
            f"{n_asm} calls",
        ],
        [
            "sparse LU factorisation (SuperLU gstrf)",
            f"{lu:.2f}",
            f"{100 * lu / wall:.0f} %",
            f"{n_lu} calls",
        ],
        ["triangular solves", f"{tri:.2f}", f"{100 * tri / wall:.0f} %", ""],
        [
            "rest (Python: Newton loop, Schur complement, modes, recording)",
            f"{wall - asm - lu - tri:.2f}",
            f"{100 * (wall - asm - lu - tri) / wall:.0f} %",
            "",
        ],
        [
            "Newton iterations per step",
            f"{its / steps:.2f}",
            "",
            f"{its} over {steps} steps (plus one polish step each)",
        ],
    ]
    return markdown_table(["(a) PSGP 1 km, 24 h", "s", "share", "note"], rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="(a) and (b) only")
    args = ap.parse_args()
    print(markdown_table(["", ""], environment()))
    print()

    cn, sched = psgp(1000.0)
    wall, r = run(cn, sched, 24)
    rows = [row("(a) PSGP phase 1, 1 km, FSRU trip, 24 h", cn, wall, r, "< 1 s")]
    g = gaslib582()
    try:
        run(g, Schedule(), 1)
        start = "default"
    except Exception as exc:
        start = f"enforce_limits=False ({type(exc).__name__})"
    wall, r = run(g, Schedule(), 24, steady_options=SteadyOptions(enforce_limits=False))
    rows.append(row(f"(b) GasLib-582, constant, 24 h, start: {start}", g, wall, r, "< 20 s"))
    print(markdown_table(HEAD, rows))
    print()
    if args.quick:
        return

    rows = []
    for seg in (10_000.0, 5_000.0, 2_000.0, 1_000.0):
        cn, sched = psgp(seg)
        wall, r = run(cn, sched, 24)
        rows.append(row(f"PSGP {seg / 1000:g} km, 24 h", cn, wall, r, ""))
    cn, sched = psgp(1000.0)
    for hours in (6, 12):
        wall, r = run(cn, sched, hours)
        rows.append(row(f"PSGP 1 km, {hours} h", cn, wall, r, ""))
    print(markdown_table(HEAD[:-1], [x[:-1] for x in rows]))
    print()
    print(profile(cn, sched))


if __name__ == "__main__":
    main()
