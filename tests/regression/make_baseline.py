"""Write the refactoring baseline (``tests/regression/baseline/*.npz``).

Run from the repository root: ``python tests/regression/make_baseline.py``. Recorded at
5e53d21 (before the house refactoring of issue 10); ``test_baseline.py`` compares today's
results with it. Re-run only for a deliberate change of answers, and say which and why.
"""

from __future__ import annotations

import numpy as np
from baseline_cases import (
    STORE,
    TRANSIENTS,
    steady_cases,
    steady_result,
    transient_result,
)


def main() -> None:
    STORE.mkdir(exist_ok=True)
    for name, load_case in steady_cases().items():
        np.savez_compressed(STORE / f"steady-{name}.npz", **steady_result(load_case))
        print("steady", name, flush=True)
    for name in TRANSIENTS:
        np.savez_compressed(STORE / f"transient-{name}.npz", **transient_result(name))
        print("transient", name, flush=True)


if __name__ == "__main__":
    main()
