"""Every answer linepack gave before the house refactoring (issue 10), to rtol 1e-10.

The stored results (``baseline/*.npz``) were written by ``make_baseline.py`` at 5e53d21. The
refactoring moves code, not physics, so the same arithmetic must give the same numbers: 1e-10
relative is far below any physical change and above the round-off that a reordered sum may
bring (~1e-13 on pressures). Flows are compared to 1e-10 of the case's largest flow as well
(a flow near zero in a loop has no meaningful relative error).
"""

from __future__ import annotations

import numpy as np
import pytest
from baseline_cases import (
    STORE,
    TRANSIENTS,
    steady_cases,
    steady_result,
    transient_result,
)

RTOL = 1e-10


def _compare(got: dict[str, np.ndarray], stored: np.lib.npyio.NpzFile) -> None:
    assert sorted(got) == sorted(stored.files)
    for key in stored.files:
        want = stored[key]
        assert got[key].shape == want.shape, key
        scale = float(np.max(np.abs(want))) if want.size else 0.0
        np.testing.assert_allclose(got[key], want, rtol=RTOL, atol=RTOL * scale, err_msg=key)


@pytest.mark.parametrize("name", sorted(steady_cases()))
def test_steady_unchanged(name: str) -> None:
    with np.load(STORE / f"steady-{name}.npz") as stored:
        _compare(steady_result(steady_cases()[name]), stored)


@pytest.mark.parametrize("name", TRANSIENTS)
def test_transient_unchanged(name: str) -> None:
    with np.load(STORE / f"transient-{name}.npz") as stored:
        _compare(transient_result(name), stored)
