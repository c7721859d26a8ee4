"""The one pipe law of ``steady/kernels.py``: batched use, the warm-started Colebrook, the wrapper.

The steady system, the transient (``SegmentLaw``) and the batched march (arrays with a leading
scenario dimension) all evaluate the pipe law through ``pipe_coefficients``, ``pipe_residual``
and ``pipe_derivatives``; these tests pin what each caller relies on.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.gas.friction import colebrook
from linepack.steady import kernels

N = 6


def constants(dh: np.ndarray) -> kernels.PipeConstants:
    return kernels.PipeConstants.of(
        length=np.full(N, 8e3),
        diameter=np.linspace(0.5, 1.4, N),
        area=np.pi * np.linspace(0.25, 0.7, N) ** 2,
        efficiency=np.full(N, 0.95),
        temperature=np.full(N, 288.15),
        dh=dh,
        viscosity=np.full(N, 1.1e-5),
        gas_constant=518.3,
    )


@pytest.mark.parametrize("dh", [np.zeros(N), np.array([0.0, 1e-9, -40.0, 12.0, 0.0, 300.0])])
def test_batched_coefficients_are_the_row_by_row_ones(dh: np.ndarray) -> None:
    """The march evaluates (S, n_segments) arrays at once: each row gets the same numbers as
    a one-scenario call (the same element-wise operations, so equal to the last bit)."""
    c = constants(dh)
    rng = np.random.default_rng(11)
    q = rng.uniform(-300.0, 300.0, (4, N))
    z = rng.uniform(0.8, 0.95, (4, N))
    lam = rng.uniform(0.008, 0.012, (4, N))
    p1, p2 = rng.uniform(50e5, 90e5, (4, N)), rng.uniform(40e5, 80e5, (4, N))
    batch = kernels.pipe_coefficients(q, z, lam, c)
    r_batch = kernels.pipe_residual(p1, p2, batch)
    for s in range(4):
        row = kernels.pipe_coefficients(q[s], z[s], lam[s], c)
        np.testing.assert_array_equal(row.kphig, batch.kphig[s])
        np.testing.assert_array_equal(kernels.pipe_residual(p1[s], p2[s], row), r_batch[s])


def test_residual_is_the_documented_formula() -> None:
    """r = p1² e^{-s} − p2² − K q|q| (1 − e^{-s})/s with K = λ Z R T L/(E² D A²) and
    s = 2 g Δh/(Z R T), written out independently: equal to 1e-12 of p1² (rearranged
    round-off only; the terms are of size p1²)."""
    dh = np.array([0.0, 5.0, -40.0, 12.0, 80.0, 300.0])
    c = constants(dh)
    q = np.linspace(-200.0, 250.0, N)
    z, lam = np.full(N, 0.88), np.full(N, 0.0105)
    p1, p2 = np.full(N, 80e5), np.full(N, 70e5)
    r = kernels.pipe_residual(p1, p2, kernels.pipe_coefficients(q, z, lam, c))
    d = np.linspace(0.5, 1.4, N)
    a = np.pi * np.linspace(0.25, 0.7, N) ** 2
    zrt = 0.88 * 518.3 * 288.15
    k = 0.0105 * zrt * 8e3 / (0.95**2 * d * a**2)
    s = 2.0 * kernels.G * dh / zrt
    g = np.where(s == 0.0, 1.0, (1.0 - np.exp(-s)) / np.where(s == 0.0, 1.0, s))
    aq = np.sqrt(q * q + kernels.FLOW_SMOOTHING**2)
    want = p1**2 * np.exp(-s) - p2**2 - k * q * aq * g
    assert np.max(np.abs(r - want)) < 1e-12 * 80e5**2


@pytest.mark.parametrize("warm", [False, True])
def test_warm_colebrook_is_colebrook(warm: bool) -> None:
    """The transient's warm-started iteration gives ``gas.friction.colebrook``'s λ and slope:
    both stop within ~1e-15 of the root, so 4e-15 relative leaves room for the two stopping
    rules and nothing for a wrong root; the slopes are compared at 1e-12 relative (they are
    formed from the roots by a few more operations) with an absolute floor for the zero slope
    of the frozen-λ band between the laminar and turbulent values."""
    rng = np.random.default_rng(5)
    re = 10 ** rng.uniform(2.0, 8.0, 400)
    rough = 10 ** rng.uniform(-7.0, -3.0, 400)
    x0 = None
    if warm:
        _, _, x0 = kernels.colebrook_warm(re * 0.97, rough / 3.7, None)
    lam, slope, _ = kernels.colebrook_warm(re, rough / 3.7, x0)
    lam_ref, dlam_ref = colebrook(re, rough)
    np.testing.assert_allclose(lam, lam_ref, rtol=4e-15, atol=0)
    np.testing.assert_allclose(slope(), dlam_ref, rtol=1e-12, atol=1e-25)


def test_pipe_segment_is_the_three_kernels() -> None:
    """``pipe_segment`` (the one-call form) is the three kernels with constants built from
    its arguments: equal to the last bit."""
    dh = np.array([0.0, 5.0, -40.0, 12.0, 80.0, 300.0])
    c = constants(dh)
    q = np.linspace(-200.0, 250.0, N)
    z, dz = np.full(N, 0.88), np.full(N, -2e-8)
    lam, dlam = np.full(N, 0.0105), np.full(N, -3e-10)
    p1, p2 = np.full(N, 80e5), np.full(N, 70e5)
    d1, d2 = np.full(N, 0.52), np.full(N, 0.48)
    co = kernels.pipe_coefficients(q, z, lam, c)
    parts = (
        kernels.pipe_residual(p1, p2, co),
        *kernels.pipe_derivatives(
            p1, p2, q, co, z=z, dz_dpm=dz, dpm_dp1=d1, dpm_dp2=d2, lam=lam, dlam_dre=dlam, c=c
        ),
    )
    whole = kernels.pipe_segment(
        p1,
        p2,
        q,
        z=z,
        dz_dpm=dz,
        dpm_dp1=d1,
        dpm_dp2=d2,
        lam=lam,
        dlam_dre=dlam,
        length=np.full(N, 8e3),
        diameter=np.linspace(0.5, 1.4, N),
        area=np.pi * np.linspace(0.25, 0.7, N) ** 2,
        efficiency=np.full(N, 0.95),
        temperature=np.full(N, 288.15),
        dh=dh,
        viscosity=np.full(N, 1.1e-5),
        gas_constant=518.3,
    )
    for a, b in zip(parts, whole, strict=True):
        np.testing.assert_array_equal(a, b)
