"""Thermal benchmark: the energy balance's cost against the isothermal solves, in one run.

Run from the repository root::

    python benchmarks/bench_thermal.py              # a few minutes
    python benchmarks/bench_thermal.py --repeats 3  # shortest of three runs each

(a) Transient: PSGP 56" daily swing (``psgp-56in-daily-swing``: Kasur ±25 % around
    1,200 MMSCFD, Port Qasim at 85 barg), ``segment_length = 1000`` (1,100 segments), Δt = 60 s,
    BDF2, 24 h; isothermal as the case is, and with ``thermal = "energy"`` plus burial data set
    on the loaded network (``heat_transfer_coefficient = 2.5`` W/(m² K)). Compile excluded,
    initial steady solve included. The issue's bar: energy ≤ 3 × isothermal.
(b) Steady: PSGP phase 1 and phase 2 (``psgp-56in-phase1``, ``psgp-56in-phase2``, their own
    segments), :func:`linepack.solve` isothermal against energy (compile excluded). Bar: ≤ 2 ×.

Prints Markdown tables with wall and CPU time (the shortest of ``--repeats`` runs), the ratio
of CPU times, and for the energy transient the coupling rounds per step and the largest mass and
energy defects.

Last measured (commit 0cc0bc5, AMD EPYC 2 cores shared, load 0.7-3; not yet in docs)
-------------------------------------------------------------------------------------
(a) 24 h: isothermal 2.42 s CPU, energy 197 s CPU: ratio 81 (bar ≤ 3 NOT met); 6.0 coupling
    rounds and 12 Newton iterations per step; mass defect 6.9e-13, energy defect 1.0e-13.
(b) phase 1: 0.010 s against 0.045 s (4.4); phase 2: 0.014 s against 0.162 s (12): bar ≤ 2 not
    met (the steady coupled solve, unchanged by the transient work).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

from _common import environment, load_average, markdown_table
from linepack.io.load import load
from linepack.io.schedule_toml import load_scenario
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.model import Network, Thermal
from linepack.steady.solve import solve
from linepack.transient import Schedule, simulate

T = TypeVar("T")
DT = 60.0
U = 2.5  # W/(m² K)


def energy(net: Network) -> Network:
    """The network with the energy balance and burial data."""
    net.settings.thermal = Thermal.ENERGY
    net.settings.heat_transfer_coefficient = U
    return net


def timed(fn: Callable[[], T], repeats: int) -> tuple[float, float, T]:
    """Shortest wall and CPU time [s] of ``repeats`` calls, and the last result."""
    walls, cpus = [], []
    out: T | None = None
    for _ in range(max(1, repeats)):
        c, t = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    assert out is not None
    return min(walls), min(cpus), out


def daily_swing(thermal: bool) -> tuple[CompiledNetwork, Schedule]:
    sc = load_scenario("psgp-56in-daily-swing")
    net = sc.network
    net.settings.segment_length = 1000.0
    if thermal:
        energy(net)
    return compile_network(net), sc.schedule


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--hours", type=float, default=24.0)
    args = ap.parse_args()
    print(markdown_table(["", ""], environment()))
    print(f"\nload average: {load_average()}\n")

    rows = []
    cpu = {}
    for thermal in (False, True):
        cn, sched = daily_swing(thermal)
        wall, c, r = timed(
            lambda cn=cn, sched=sched: simulate(cn, sched, hours=args.hours, dt=DT), args.repeats
        )
        cpu[thermal] = c
        rounds = sum(s.thermal_rounds for s in r.steps) / len(r.steps)
        its = sum(s.iterations for s in r.steps) / len(r.steps)
        rows.append(
            [
                "energy" if thermal else "isothermal",
                f"{wall:.2f}",
                f"{c:.2f}",
                f"{its:.2f}",
                f"{rounds:.2f}" if thermal else "-",
                f"{max(s.mass_defect for s in r.steps):.1e}",
                f"{max(s.energy_defect for s in r.steps):.1e}" if thermal else "-",
            ]
        )
    print(f"(a) PSGP daily swing, 1 km segments, Δt = {DT:g} s, {args.hours:g} h, BDF2\n")
    print(
        markdown_table(
            [
                "model",
                "wall [s]",
                "CPU [s]",
                "Newton it./step",
                "rounds/step",
                "mass defect",
                "energy defect",
            ],
            rows,
        )
    )
    print(f"\ntransient ratio energy / isothermal (CPU): {cpu[True] / cpu[False]:.2f} (bar ≤ 3)\n")

    rows = []
    for case in ("psgp-56in-phase1", "psgp-56in-phase2"):
        iso = compile_network(load(case))
        hot = compile_network(energy(load(case)))
        w0, c0, _ = timed(lambda iso=iso: solve(iso), args.repeats)
        w1, c1, _ = timed(lambda hot=hot: solve(hot), args.repeats)
        rows.append([case, f"{w0:.3f}", f"{c0:.3f}", f"{w1:.3f}", f"{c1:.3f}", f"{c1 / c0:.2f}"])
    print("(b) steady solve, isothermal against energy (bar ≤ 2)\n")
    print(
        markdown_table(
            ["case", "iso wall [s]", "iso CPU [s]", "energy wall [s]", "energy CPU [s]", "ratio"],
            rows,
        )
    )


if __name__ == "__main__":
    main()
