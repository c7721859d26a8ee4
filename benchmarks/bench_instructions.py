"""One workload per run, for instruction counts under valgrind (repeatable on a busy machine).

Wall and CPU times on a shared two-core machine vary by ±30 % from run to run; the number of
instructions a workload executes does not. Compare two checkouts (``OLD``, ``NEW``) with::

    for src in OLD/src NEW/src; do
      for w in null psgp-cold psgp-warm gaslib-135 transient gaslib-4197; do
      PYTHONPATH=$src valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        "$(python -c 'import sys; print(sys.executable)')" benchmarks/bench_instructions.py $w \\
        2>&1 | grep Collected; done; done

(give valgrind the interpreter itself, not a shim script that starts it) and subtract ``null``
(the imports alone) from each workload. Workloads:

* ``null``: imports only (load, compile, steady, transient);
* ``psgp-cold``: load, compile and solve PSGP phase 1;
* ``psgp-warm``: compile it once, solve it 20 times;
* ``gaslib-135``: GasLib-135 with its nomination (the operating policy at work);
* ``transient``: PSGP phase 1, supply flow halved after 1 h, 4 h in 5-minute steps;
* ``gaslib-4197``: build, compile and solve the GasLib-4197 network of the regression baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

from linepack.io.load import load
from linepack.network.compile import compile_network
from linepack.steady.solve import SteadyOptions, solve
from linepack.transient import Schedule, simulate

ROOT = Path(__file__).resolve().parents[1]
GASLIB = ROOT / "tests" / "data" / "gaslib"


def main(workload: str) -> None:
    if workload == "null":
        return
    if workload == "psgp-cold":
        solve(compile_network(load("psgp-56in-phase1")))
    elif workload == "psgp-warm":
        cn = compile_network(load("psgp-56in-phase1"))
        for _ in range(20):
            solve(cn)
    elif workload == "gaslib-135":
        solve(load(GASLIB / "GasLib-135.net", scenario=GASLIB / "GasLib-135.scn"))
    elif workload == "transient":
        trip = Schedule().event(
            "supply", "port-qasim-lng", at="01:00", fraction=0.5, quantity="flow"
        )
        simulate(load("psgp-56in-phase1"), trip, hours=4, dt=300)
    elif workload == "gaslib-4197":
        sys.path.insert(0, str(ROOT / "tests" / "regression"))
        from baseline_cases import gaslib_4197

        solve(compile_network(gaslib_4197()), SteadyOptions(enforce_limits=False))
    else:
        raise SystemExit(f"unknown workload {workload!r}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "psgp-cold")
