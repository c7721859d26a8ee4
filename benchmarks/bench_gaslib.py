"""GasLib nominations: load and solve time of each instance, and its outcome.

Issue 3 asks that every nomination ends in a solution within bounds or a typed diagnosis,
each within 10 s. This script measures that (tests only check the outcomes).

Run: ``python benchmarks/bench_gaslib.py``. Prints a Markdown table. With ``--energy`` each
instance is also solved with the energy balance (``thermal = "energy"``; pipes without a
heat-transfer coefficient in the GasLib file take 2 W/(m² K), GasLib's usual value), side by
side with the isothermal solve.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from linepack.errors import LinepackError
from linepack.io.load import load
from linepack.network.model import Thermal
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


def run(
    name: str, net_file: str, scn_file: str, energy: bool = False
) -> tuple[str, float, float, str, int, int]:
    """Load and solve one instance; return name, load s, solve s, outcome, iterations, changes."""
    t0 = time.perf_counter()
    net = load(DATA / net_file, scenario=DATA / scn_file)
    if energy:
        net.settings.thermal = Thermal.ENERGY
        net.settings.heat_transfer_coefficient = 2.0
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
    if sol.thermal is not None:
        b = sol.thermal.balance
        t = sol.thermal.temperature
        outcome += (
            f"; T {t.min() - 273.15:.1f}..{t.max() - 273.15:.1f} degC, "
            f"{sol.report.energy_rounds} rounds, energy balance {abs(b.residual) / b.scale:.1e}"
        )
    return (name, t1 - t0, t2 - t1, outcome, sol.report.iterations, len(sol.report.mode_changes))


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--energy", action="store_true", help="also solve with the energy balance")
    args = ap.parse_args()
    head = "| instance | model | load [s] | solve [s] | Newton iterations | control changes |"
    print(head + " outcome |")
    print("|---|---|---|---|---|---|---|")
    for case in CASES:
        for energy in (False, True) if args.energy else (False,):
            name, tl, ts, outcome, its, changes = run(*case, energy=energy)
            model = "energy" if energy else "isothermal"
            print(f"| {name} | {model} | {tl:.2f} | {ts:.2f} | {its} | {changes} | {outcome} |")


if __name__ == "__main__":
    main()
