"""Sweep fast path benchmark: PSGP steady scenarios per second, batched march against solve.

Run from the repository root::

    python benchmarks/bench_march.py            # about half a minute
    python benchmarks/bench_march.py --quick    # fewer repeats, no 10,000 batch

Measured
--------
fast path
    :func:`linepack.sweep.fast.evaluate_fast` on PSGP phase 1 (``psgp-56in-phase1``: 114 pipe
    segments of ~10 km) for tables of 1, 10, 100, 1,000 and 10,000 scenarios drawn uniformly
    from 600-1,400 MMSCFD, inlet 80-95 barg and roughness 0.005-0.045 mm (the whole table in one
    call: parameter columns to arrays, the march, the summary figures). Median wall and CPU
    time over repeats after one warm-up; scenarios per second = batch size / time.
general path
    :func:`linepack.steady.solve.solve` of the compiled network with its arrays modified for
    each scenario (``dataclasses.replace`` of set-point, injection and roughness: no compile, no
    EOS table), the comparison the fast path replaces; per-scenario time over
    ``--general`` scenarios.
phase 2
    The fast path on ``psgp-56in-phase2`` (two stations holding their outlet pressure: fuel
    couples the flows to the pressures) for 1,000 scenarios, for reference.

Every figure is given as wall and CPU time (``time.process_time``); when other work shares the
cores, the CPU time is the one to trust. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np
import pandas as pd

from _common import Timing, blas, environment, load_average, markdown_table, ms, repeat
from linepack.errors import SolverError
from linepack.io.load import load
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.model import Network
from linepack.results.steady import MMSCFD_PER_SCF_M3_S
from linepack.steady.solve import solve
from linepack.sweep.fast import evaluate_fast

ATM = 101_325.0
BATCHES = (1, 10, 100, 1000, 10_000)
GOAL = 500.0  # scenarios per second per core (issue 5, item 4)


def table(cn: CompiledNetwork, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` PSGP scenarios: throughput [kg/s], inlet pressure [Pa abs], roughness [m]."""
    rng = np.random.default_rng(seed)
    mmscfd = rng.uniform(600.0, 1400.0, n)
    return pd.DataFrame(
        {
            "scenario": np.arange(n),
            "throughput": mmscfd * cn.gas.density_scf / MMSCFD_PER_SCF_M3_S,
            "inlet_pressure": rng.uniform(80e5, 95e5, n) + ATM,
            "pipe.*.roughness": rng.uniform(0.005e-3, 0.045e-3, n),
        }
    )


def modified(cn: CompiledNetwork, row: pd.Series) -> CompiledNetwork:
    """``cn`` with one scenario's arrays (the general path without compiling)."""
    p_set = np.where(np.isfinite(cn.p_set), float(row["inlet_pressure"]), np.nan)
    inj = np.where(cn.injection < 0, -float(row["throughput"]), cn.injection)
    seg = dataclasses.replace(
        cn.segments, rel_roughness=float(row["pipe.*.roughness"]) / cn.segments.diameter
    )
    return dataclasses.replace(cn, p_set=p_set, injection=inj, segments=seg)


def fast_row(net: Network, cn: CompiledNetwork, n: int, repeats: int) -> list[str]:
    tab = table(cn, n)
    t, out = repeat(lambda: evaluate_fast(net, cn, tab), repeats)
    assert out is not None
    return _row(f"fast path, batch {n:,}", n, t, out)


def _row(label: str, n: int, t: Timing, out: pd.DataFrame) -> list[str]:
    return [
        label,
        ms(t.median),
        ms(t.cpu_median),
        f"{n / t.median:,.0f}",
        f"{n / t.cpu_median:,.0f}" if t.cpu_median > 0 else "-",
        f"{out['ok'].mean():.0%}",
        str(int(out["iterations"].max())),
    ]


def general_row(cn: CompiledNetwork, n: int) -> tuple[list[str], float]:
    """Per-scenario cost of ``solve`` on modified arrays; also the fast path's worst deviation."""
    tab = table(cn, n, seed=1)
    cns = [modified(cn, r) for _, r in tab.iterrows()]
    solve(cns[0])  # warm-up
    t, sols = repeat(lambda: [_try(c) for c in cns], 1, warmup=0)
    per = Timing(tuple(w / n for w in t.wall), tuple(c / n for c in t.cpu))
    ok = [s is not None for s in sols]
    row = [
        f"general path (`solve`, modified arrays), {n} scenarios",
        ms(per.median),
        ms(per.cpu_median),
        f"{1 / per.median:,.0f}",
        f"{1 / per.cpu_median:,.0f}",
        f"{np.mean(ok):.0%}",
        str(max(s.report.iterations for s in sols if s is not None)),
    ]
    return row, per.cpu_median


def _try(cn: CompiledNetwork):  # type: ignore[no-untyped-def]
    try:
        return solve(cn)
    except SolverError:  # infeasible rows (p_min, flow_max) cost a solve too
        return None


def main(argv: list[str] | None = None) -> None:
    """Print the benchmark tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no 10,000 batch")
    ap.add_argument("--general", type=int, default=None, help="general-path solves (default 50)")
    args = ap.parse_args(argv)
    net = load("psgp-56in-phase1")
    cn = compile_network(net)
    print(f"BLAS: {blas(1)}; load average {load_average()}\n")
    headers = [
        "run",
        "wall (median)",
        "CPU (median)",
        "scenarios/s (wall)",
        "scenarios/s (CPU)",
        "ok",
        "max iterations",
    ]
    rows = []
    for n in BATCHES:
        if args.quick and n > 1000:
            continue
        reps = {1: 50, 10: 30, 100: 10, 1000: 5, 10_000: 3}[n]
        rows.append(fast_row(net, cn, n, max(1, reps // 3) if args.quick else reps))
    general, per_cpu = general_row(cn, args.general or (20 if args.quick else 50))
    rows.append(general)
    net2 = load("psgp-56in-phase2")
    cn2 = compile_network(net2)
    tab2 = table(cn2, 1000, seed=2)
    t2, out2 = repeat(lambda: evaluate_fast(net2, cn2, tab2), 2 if args.quick else 5)
    assert out2 is not None
    rows.append(_row("fast path, phase 2, batch 1,000", 1000, t2, out2))
    print("PSGP steady scenarios (phase 1 unless stated)\n")
    print(markdown_table(headers, rows))
    print(f"\nGoal: >= {GOAL:.0f} scenarios/s per core. General path: {1 / per_cpu:,.0f}/s (CPU).")
    print("\n" + markdown_table(["", ""], environment(["pandas"])))


if __name__ == "__main__":
    main()
