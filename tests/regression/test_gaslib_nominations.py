"""Every GasLib nomination ends in a converged solution within bounds, or a typed diagnosis.

The GasLib instances (CC BY 3.0, see tests/data/gaslib/PROVENANCE.md) come with pressure
bounds but no operating set-points; the operating policy (``control = "bounds"``) chooses them.
Solve times are measured in ``benchmarks/bench_gaslib.py``, not here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linepack.errors import InfeasibleError
from linepack.io.load import load
from linepack.steady.solve import SteadyOptions, solve

DATA = Path(__file__).parents[1] / "data" / "gaslib"
CASES = {
    "GasLib-11": ("GasLib-11.net", "GasLib-11.scn"),
    "GasLib-24": ("GasLib-24.net", "GasLib-24.scn"),
    "GasLib-40": ("GasLib-40.net", "GasLib-40.scn"),
    "GasLib-135": ("GasLib-135.net", "GasLib-135.scn"),
    "GasLib-134": ("GasLib-134-v2.net", "GasLib-134_Nominations-134_2011-11-01.scn"),
    "GasLib-582": ("GasLib-582.net", "GasLib-582.scn"),
}


def _load(name: str):  # type: ignore[no-untyped-def]
    net, scn = CASES[name]
    return load(DATA / net, scenario=DATA / scn)


@pytest.mark.parametrize(
    "name", ["GasLib-11", "GasLib-24", "GasLib-40", "GasLib-135", "GasLib-134"]
)
def test_converges_within_bounds(name: str) -> None:
    sol = solve(_load(name))  # enforce_limits: any bound violation would raise
    assert sol.report.converged
    assert sol.violations == []
    cn = sol.compiled
    p = sol.pressure[: cn.n_case_nodes]
    # every case node within its bounds (1e-9 relative: the check's own tolerance)
    assert np.all(p >= cn.p_min[: cn.n_case_nodes] * (1 - 1e-9))
    assert np.all(p <= cn.p_max[: cn.n_case_nodes] * (1 + 1e-9))
    free = ~np.isfinite(cn.p_set)
    # mass balance 1e-9 of the throughput, the project's bar
    assert np.max(np.abs(sol.node_balance[free])) <= 1e-9 * np.abs(cn.injection).sum()


def test_gaslib_582_ends_in_a_diagnosis_or_a_listed_solution() -> None:
    # Today the policy finds no operating point within bounds for this nomination: the outcome
    # is a typed diagnosis (if the policy improves, this becomes a within-bounds test).
    with pytest.raises(InfeasibleError) as err:
        solve(_load("GasLib-582"))
    # a diagnosis names the node or element, the bound, the amount and what was tried
    assert err.value.element
    assert err.value.bound
    assert err.value.amount is not None
    assert "policy made" in str(err.value)
    listed = solve(_load("GasLib-582"), SteadyOptions(enforce_limits=False))
    assert listed.report.converged
    assert listed.violations  # the same outcome, as a solution with its violations listed
    for v in listed.violations:
        assert v.element
        assert v.amount > 0
