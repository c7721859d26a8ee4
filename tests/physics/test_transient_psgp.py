"""Transients of the bundled PSGP cases (GERG-2008 gas, 1,100 km, 10 km segments)."""

from __future__ import annotations

import numpy as np
import pytest

from linepack.io.load import load
from linepack.steady.changes import ChangeKind, ModeChange
from linepack.transient import Schedule, Series, simulate


@pytest.mark.parametrize("case", ["psgp-56in-phase1", "psgp-56in-phase2"])
def test_constant_boundary_conditions_keep_the_steady_state(case: str) -> None:
    r = simulate(load(case), hours=24, dt=600)
    throughput = float(np.abs(r.compiled.injection).sum())
    # 1e-8 relative over 24 h (the bar); measured 3e-11 on pressures and 6e-11 of the
    # throughput on flows: the steady point solves the time-discrete equations to tolerance
    assert np.max(np.abs(r.pressure / r.pressure[0] - 1)) < 1e-8
    assert np.max(np.abs(r.flow - r.flow[0])) < 1e-8 * throughput
    assert np.max(np.abs(r.linepack / r.linepack[0] - 1)) < 1e-8
    assert r.survival_time is None


@pytest.mark.parametrize("scheme", ["be", "bdf2"])
def test_station_trip_conserves_mass_with_fuel(scheme: str) -> None:
    """Demand +15 % at 1 h, CS-A off from 3 h to 4 h (then held at its power limit)."""
    sched = Schedule().event("demand", "kasur-sngpl", at="01:00", fraction=1.15)
    sched.set("compressor", "CS-A", "on", Series.step([0, 3 * 3600, 4 * 3600], [1, 0, 1]))
    r = simulate(load("psgp-56in-phase2"), sched, hours=8, dt=300, scheme=scheme)
    changes = [c for _, c in r.events]
    assert (
        ModeChange("compressor 'CS-A'", ChangeKind.SCHEDULE, "compressor 'CS-A': off (schedule)")
        in changes
    )
    assert any(
        c.element == "compressor 'CS-A'" and c.kind is ChangeKind.LIMIT and "max_power" in str(c)
        for c in changes
    )
    off = (r.time >= 3 * 3600) & (r.time < 4 * 3600)  # steps are right-continuous
    assert np.all(r.power[off, 0] == 0.0)
    assert np.all(r.fuel[off, 0] == 0.0)
    assert np.all(r.fuel[~off, 0] > 0.0)
    # every step's mass identity (fuel included) to round-off: the solver's defect relative to
    # the throughput, 1e-12 (measured ~1e-13; Newton's tolerance alone would allow ~1e-9)
    assert max(s.mass_defect for s in r.steps) < 1e-12


def test_survival_time_after_the_lng_supply_falls_to_20_percent() -> None:
    """The pressure-set terminal switches to 20 % of its flow at 02:00: Kasur survives on the
    line pack until its pressure reaches its 50 barg minimum."""
    sched = Schedule().event("supply", "port-qasim-lng", at="02:00", fraction=0.2, quantity="flow")
    r = simulate(load("psgp-56in-phase1"), sched, hours=36, dt=900, output_every=900)
    cn = r.compiled
    k = cn.node_names.index("kasur")
    q0 = r.inflow[0, 0]
    after = r.time > 2 * 3600
    assert r.inflow[after, 0] == pytest.approx(0.2 * q0, rel=1e-12)
    # the line pack falls at the net outflow, 0.8 × the initial throughput, in the sense of the
    # scheme (BDF2 at a constant step: (3/2 M^{n+1} − 2 M^n + 1/2 M^{n−1}) / h = B), to 1e-9
    m = r.linepack
    rate = (1.5 * m[2:] - 2.0 * m[1:-1] + 0.5 * m[:-2]) / 900.0
    assert rate[after[2:]] == pytest.approx(-0.8 * q0, rel=1e-9)
    assert r.survival_node == "kasur"
    assert r.survival_time is not None
    i = int(np.flatnonzero(r.pressure[:, k] < cn.p_min[k])[0])
    assert r.time[i - 1] <= r.survival_time <= r.time[i]
    # linear interpolation of the crossing within the step (the recorded outputs are steps)
    p0, p1 = r.pressure[i - 1, k], r.pressure[i, k]
    frac = (p0 - cn.p_min[k]) / (p0 - p1)
    assert r.survival_time == pytest.approx(r.time[i - 1] + frac * 900.0, rel=1e-12)
    # 29.3 h at this step (29.4 h at a third of it): a day and more on the line pack
    assert 28 * 3600 < r.survival_time < 31 * 3600
