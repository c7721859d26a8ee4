"""GasLib nominations: load and solve time of each instance, and its outcome.

Issue 3 asks that every nomination ends in a solution within bounds or a typed diagnosis,
each within 10 s. This script measures that (tests only check the outcomes).

Run: ``python benchmarks/bench_gaslib.py``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from linepack.errors import LinepackError
from linepack.io.load import load
from linepack.steady.solve import solve

DATA = Path(__file__).parents[1] / "tests" / "data" / "gaslib"
CASES = [
    ("GasLib-11", "GasLib-11.net", "GasLib-11.scn"),
    ("GasLib-24", "GasLib-24.net", "GasLib-24.scn"),
    ("GasLib-40", "GasLib-40.net", "GasLib-40.scn"),
    ("GasLib-134", "GasLib-134-v2.net", "GasLib-134_Nominations-134_2011-11-01.scn"),
    ("GasLib-135", "GasLib-135.net", "GasLib-135.scn"),
    ("GasLib-582", "GasLib-582.net", "GasLib-582.scn"),
]


def run(name: str, net_file: str, scn_file: str) -> tuple[str, float, float, str, int, int]:
    """Load and solve one instance; return name, load s, solve s, outcome, iterations, changes."""
    t0 = time.perf_counter()
    net = load(DATA / net_file, scenario=DATA / scn_file)
    t1 = time.perf_counter()
    try:
        sol = solve(net)
    except LinepackError as exc:
        t2 = time.perf_counter()
        report = getattr(exc, "report", None)
        its = report.iterations if report is not None else 0
        changes = len(report.mode_changes) if report is not None else 0
        return name, t1 - t0, t2 - t1, f"diagnosis: {str(exc)[:90]}", its, changes
    t2 = time.perf_counter()
    outcome = "within bounds" if not sol.violations else f"{len(sol.violations)} violations"
    return (name, t1 - t0, t2 - t1, outcome, sol.report.iterations, len(sol.report.mode_changes))


def main() -> None:
    """Print the table."""
    argparse.ArgumentParser(description=__doc__.split("\n", 1)[0]).parse_args()
    print("| instance | load [s] | solve [s] | Newton iterations | control changes | outcome |")
    print("|---|---|---|---|---|---|")
    for case in CASES:
        name, tl, ts, outcome, its, changes = run(*case)
        print(f"| {name} | {tl:.2f} | {ts:.2f} | {its} | {changes} | {outcome} |")


if __name__ == "__main__":
    main()
