"""Mass conservation of converged steady solutions, fuel gas included."""

from __future__ import annotations

import numpy as np
import pytest

from linepack.io.load import load
from linepack.steady.solve import solve


@pytest.mark.parametrize("case", ["psgp-56in-phase1", "psgp-56in-phase2", "psgp-42in"])
def test_node_mass_balance_and_global_balance(case: str) -> None:
    sol = solve(load(case))
    throughput = float(np.abs(sol.compiled.injection).sum())
    free = ~np.isfinite(sol.compiled.p_set)
    # 1e-9 relative: the bar; Newton stops at a scaled residual of 1e-11
    assert np.max(np.abs(sol.node_balance[free])) <= 1e-9 * throughput
    supplied = -sol.node_balance[np.isfinite(sol.compiled.p_set)].sum()
    delivered = -sol.compiled.injection.sum()
    # Globally: supply = deliveries + fuel burnt by the stations (same 1e-9 relative bar)
    assert supplied == pytest.approx(delivered + sol.fuel.sum(), rel=1e-9)
    if sol.compiled.compressors.setpoint.size:
        assert np.all(sol.fuel > 0)  # stations running forward burn fuel
