"""The steady pipe law of every segment, arranged for the transient's many evaluations.

The same equation and derivatives as :func:`linepack.steady.kernels.pipe_segment` with the
mean pressure of :func:`~linepack.steady.kernels.mean_pressure` and the friction of
:meth:`linepack.steady.system.SteadySystem.friction` (see there and ``docs/physics.md``):

    r = p₁² e^{−s} − p₂² − K q|q| (1 − e^{−s})/s,   K = λ Z R_s T L/(E² D A²),
    s = 2 g Δh/(Z R_s T),  Z at p_m = 2/3 (p₁ + p₂ − p₁p₂/(p₁ + p₂)),

rearranged for a run of thousands of evaluations of one network:

* the per-segment constants (L/(E² D A²), 2 g Δh/(R_s T), D/(A μ)) are computed once;
* Z and dZ/dp come from one table look-up (:mod:`linepack.transient.eosline`);
* the Colebrook friction factor is solved by the same Newton iteration on x = 1/√λ and to the
  same stopping rule (|Δx| ≤ 1e-15 x) as :func:`linepack.gas.friction.colebrook`, started from
  the previous evaluation's root instead of Swamee–Jain (g(x) = x + 2 log10(ε/3.7 + 2.51x/Re)
  is increasing and concave, so Newton converges from any positive start; from the last root
  two or three steps suffice, against four or five);
* a residual-only call skips every derivative.

Results agree with the steady kernels to round-off (the transient Jacobian tests compare with
finite differences; the drift tests compare a transient at rest with the steady solution).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from linepack.gas.friction import RE_LAMINAR, friction_factor
from linepack.steady.kernels import FLOW_SMOOTHING, G
from linepack.steady.system import SteadySystem
from linepack.transient.eosline import ZAtTemperature

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_LN10 = math.log(10.0)
#: Stopping rule and most steps of the Colebrook iteration (those of ``gas/friction.py``).
COLEBROOK_RTOL, COLEBROOK_MAXITER = 1e-15, 20
#: Below this |s| the gravity factors use their Taylor series (as ``kernels.gravity_factors``).
SMALL_S = 1e-6


class SegmentLaw:
    """Residual and derivatives of the steady law of every pipe segment of a network.

    Parameters
    ----------
    steady : SteadySystem
        The network's steady system.
    """

    def __init__(self, steady: SteadySystem) -> None:
        cn = steady.cn
        seg = cn.segments
        self.steady = steady
        self.from_node = seg.from_node.astype(np.int64)
        self.to_node = seg.to_node.astype(np.int64)
        rt = cn.gas.gas_constant * seg.temperature
        self._rt = rt
        self._kc = seg.length / (seg.efficiency**2 * seg.diameter * seg.area**2)
        self._sc = 2.0 * G * seg.dh  # s = 2 g Δh / (Z R T)
        self._flat = not np.any(seg.dh)
        self._re = seg.diameter / (seg.area * seg.viscosity)
        self._z = ZAtTemperature(steady, seg.temperature)
        laws = np.asarray(seg.law)
        self._colebrook = np.flatnonzero(laws == "colebrook")
        self._all_colebrook = self._colebrook.size == laws.size
        self._a = seg.rel_roughness[self._colebrook] / 3.7
        self._x: FloatArray | None = None  # last Colebrook roots, 1/√λ
        self._others = [
            (str(law), np.flatnonzero(laws == law)) for law in np.unique(laws) if law != "colebrook"
        ]

    # -- friction -----------------------------------------------------------------------------
    def friction(self, re: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Darcy friction factor and dλ/dRe of every segment (as ``SteadySystem.friction``)."""
        if self._all_colebrook:
            return self._colebrook_warm(re)
        seg = self.steady.cn.segments
        lam, dlam = np.empty_like(re), np.empty_like(re)
        if self._colebrook.size:
            idx = self._colebrook
            lam[idx], dlam[idx] = self._colebrook_warm(re[idx])
        for law, idx in self._others:
            fv = seg.friction_value[idx] if law == "constant" else None
            lam[idx], dlam[idx] = friction_factor(
                law, re[idx], seg.rel_roughness[idx], value=fv, diameter=seg.diameter[idx]
            )
        return lam, dlam

    def _colebrook_warm(self, re: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Colebrook–White with the laminar branch of ``gas/friction.py``, warm-started."""
        r = np.maximum(re, RE_LAMINAR)
        a = self._a
        c = 2.51 / r
        x = self._x
        if x is None or not np.all(np.isfinite(x)):
            x = -2.0 * np.log10(a + 5.74 * r**-0.9)  # Swamee–Jain
        for _ in range(COLEBROOK_MAXITER):
            s = a + c * x
            dx = (x + 2.0 * np.log10(s)) / (1.0 + 2.0 * c / (s * _LN10))
            x = x - dx
            if np.all(np.abs(dx) <= COLEBROOK_RTOL * x):
                break
        self._x = x
        s = a + c * x
        g_x = 1.0 + 2.0 * c / (s * _LN10)
        g_re = -2.0 * c * x / (r * s * _LN10)
        lam_t = x**-2
        dlam_t = 2.0 * x**-3 * g_re / g_x
        # λ = max(64/Re, turbulent(max(Re, 2320))), turbulent value frozen below 2320
        lam_l = 64.0 / re
        laminar = lam_l > lam_t
        frozen = re < RE_LAMINAR
        if not (laminar.any() or frozen.any()):
            return lam_t, dlam_t
        dlam_t = np.where(frozen, 0.0, dlam_t)
        return np.where(laminar, lam_l, lam_t), np.where(laminar, -lam_l / re, dlam_t)

    # -- the law ------------------------------------------------------------------------------
    def __call__(
        self, p: FloatArray, q: FloatArray, jacobian: bool = True
    ) -> tuple[FloatArray, ...]:
        """Pipe law of every segment at node pressures ``p`` [Pa] and segment flows ``q``.

        Returns
        -------
        tuple of ndarray
            p₁, p₂ [Pa], r [Pa²] and, if ``jacobian``, dr/dp₁ [Pa], dr/dp₂ [Pa],
            dr/dq [Pa² s/kg].
        """
        p1, p2 = p[self.from_node], p[self.to_node]
        # mean pressure (kernels.mean_pressure of the pressures floored at 1 Pa)
        u1, u2 = np.maximum(p1, 1.0), np.maximum(p2, 1.0)
        sm = u1 + u2
        pm = 2.0 / 3.0 * (sm - u1 * u2 / sm)
        z, dz = self._z(pm)
        lam, dlam = self.friction(np.maximum(np.abs(q) * self._re, 1e-3))
        aq = np.sqrt(q * q + FLOW_SMOOTHING * FLOW_SMOOTHING)
        zrt = z * self._rt
        k = lam * zrt * self._kc
        phi = q * aq
        p1s = p1 * p1
        e: FloatArray | float
        s: FloatArray | float
        gs: FloatArray | float
        dgs: FloatArray | float
        if self._flat:
            r = p1s - p2 * p2 - k * phi
            if not jacobian:
                return p1, p2, r
            e, s, gs, dgs = 1.0, 0.0, 1.0, -0.5
        else:
            sv = self._sc / zrt
            e, gs, dgs = _gravity(sv, jacobian)
            s = sv
            r = p1s * e - p2 * p2 - k * phi * gs
            if not jacobian:
                return p1, p2, r
        daq = q / aq
        dphi = aq + q * daq
        # through Z: s ∝ 1/Z, K ∝ Z
        dr_dz = (p1s * e * s - phi * k * (gs - dgs * s)) / z
        dr_dq = -gs * k * (dphi + dlam / lam * daq * self._re * phi)
        dzp = dr_dz * dz * (2.0 / 3.0)
        dr_dp1 = 2.0 * p1 * e + dzp * (1.0 - (u2 / sm) ** 2)
        dr_dp2 = -2.0 * p2 + dzp * (1.0 - (u1 / sm) ** 2)
        return p1, p2, r, dr_dp1, dr_dp2, dr_dq


def _gravity(s: FloatArray, jacobian: bool) -> tuple[FloatArray, FloatArray, FloatArray]:
    """exp(−s), G(s) = (1 − exp(−s))/s and dG/ds (``kernels.gravity_factors``)."""
    e = np.exp(-s)
    small = np.abs(s) < SMALL_S
    if not small.any():
        em1 = np.expm1(-s)
        g = -em1 / s
        return e, g, (s * e + em1) / (s * s) if jacobian else g
    s_safe = np.where(small, 1.0, s)
    em1 = np.expm1(-s_safe)
    g = np.where(small, 1.0 - s / 2 + s * s / 6, -em1 / s_safe)
    dg = np.where(small, -0.5 + s / 3, (s_safe * e + em1) / s_safe**2)
    return e, g, dg
