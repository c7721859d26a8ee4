"""The steady pipe law of every segment, arranged for the transient's many evaluations.

The same equation and derivatives as :func:`linepack.steady.kernels.pipe_segment` with the
mean pressure of :func:`~linepack.steady.kernels.mean_pressure` and the friction of
:meth:`linepack.steady.system.SteadySystem.friction` (see there and ``docs/physics.md``):

    r = p₁² e^{−s} − p₂² − K q|q| (1 − e^{−s})/s,   K = λ Z R_s T L/(E² D A²),
    s = 2 g Δh/(Z R_s T),  Z at p_m = 2/3 (p₁ + p₂ − p₁p₂/(p₁ + p₂)),

rearranged for a run of thousands of evaluations of one network:

* the per-segment constants (L/(E² D A²), 2 g Δh/(R_s T), D/(A μ)) are computed once;
* Z and dZ/dp come from one table look-up (:mod:`linepack.transient.eosline`);
* the Colebrook friction factor is solved by the Newton iteration on x = 1/√λ of
  :func:`linepack.gas.friction.colebrook`, started from the previous evaluation's root instead
  of Swamee–Jain (g(x) = x + 2 log10(ε/3.7 + 2.51x/Re) is increasing and concave, so Newton
  converges from any positive start), and stopped as soon as Newton's error bound
  M Δx² (M = max|g''|/(2g') ≤ 0.5/x²) puts the root within 1e-16 x — the accuracy of
  ``colebrook``'s rule |Δx| ≤ 1e-15 x, which needs one more step to see it; from the last root
  one or two steps suffice, against four or five;
* the derivatives are computed only when asked for (a Newton iterate that turns out to be
  converged needs none).

Results agree with the steady kernels to round-off (the transient Jacobian tests compare with
finite differences; the drift tests compare a transient at rest with the steady solution).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from linepack.gas.friction import RE_LAMINAR, friction_factor
from linepack.steady.kernels import FLOW_SMOOTHING, G
from linepack.steady.system import SteadySystem
from linepack.transient.eosline import ZAtTemperature

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_LN10 = math.log(10.0)
#: Bound on the relative error of the Colebrook root at which the iteration stops, and the most
#: steps (``gas/friction.py`` stops at |Δx| ≤ 1e-15 x, one step later for the same accuracy).
COLEBROOK_ERROR, COLEBROOK_MAXITER = 1e-16, 20
#: Below this |s| the gravity factors use their Taylor series (as ``kernels.gravity_factors``).
SMALL_S = 1e-6


class LawValues(NamedTuple):
    """The pipe law of every segment at one point.

    Attributes
    ----------
    p1, p2 : ndarray
        Inlet and outlet pressures [Pa].
    r : ndarray
        Residual of the steady law [Pa²].
    derivatives : callable
        Gives dr/dp₁ [Pa], dr/dp₂ [Pa] and dr/dq [Pa² s/kg] (computed only if called).
    z_extra : ndarray or None
        Z at the ``extra`` pressures asked for [-].
    dz_extra : callable or None
        Gives dZ/dp at those pressures [1/Pa].
    """

    p1: FloatArray
    p2: FloatArray
    r: FloatArray
    derivatives: Callable[[], tuple[FloatArray, ...]]
    z_extra: FloatArray | None
    dz_extra: Callable[[], FloatArray] | None


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
        self._sc_neg = -self._sc
        self._flat = not np.any(seg.dh)
        self._re = seg.diameter / (seg.area * seg.viscosity)
        self._z = ZAtTemperature(steady, seg.temperature)
        t = seg.temperature
        #: Whether one table look-up can serve other pressures at the segments' temperature.
        self.shares_table = self._z.fast
        self.temperature = float(t[0]) if t.size else float("nan")
        self._z_both = ZAtTemperature(steady, np.full(1, self.temperature))
        # |s| = 2 g |Δh| / (Z R T) below SMALL_S needs the series; Z < 10 on any table
        self._maybe_small = bool(np.any(np.abs(self._sc) < SMALL_S * 10.0 * rt))
        laws = np.asarray(seg.law)
        self._colebrook = np.flatnonzero(laws == "colebrook")
        self._all_colebrook = self._colebrook.size == laws.size
        self._a = seg.rel_roughness[self._colebrook] / 3.7
        self._x: FloatArray | None = None  # last Colebrook roots, 1/√λ
        self._others = [
            (str(law), np.flatnonzero(laws == law)) for law in np.unique(laws) if law != "colebrook"
        ]

    # -- friction -----------------------------------------------------------------------------
    def friction(self, re: FloatArray) -> tuple[FloatArray, Callable[[], FloatArray]]:
        """Darcy friction factor of every segment (as ``SteadySystem.friction``) and a
        function giving dλ/dRe."""
        if self._all_colebrook:
            return self._colebrook_warm(re)
        seg = self.steady.cn.segments
        lam, dlam = np.empty_like(re), np.empty_like(re)
        if self._colebrook.size:
            idx = self._colebrook
            lam[idx], dcb = self._colebrook_warm(re[idx])
            dlam[idx] = dcb()
        for law, idx in self._others:
            fv = seg.friction_value[idx] if law == "constant" else None
            lam[idx], dlam[idx] = friction_factor(
                law, re[idx], seg.rel_roughness[idx], value=fv, diameter=seg.diameter[idx]
            )
        return lam, lambda: dlam

    def _colebrook_warm(self, re: FloatArray) -> tuple[FloatArray, Callable[[], FloatArray]]:
        """Colebrook–White with the laminar branch of ``gas/friction.py``, warm-started."""
        re_min = float(re.min())
        r = re if re_min >= RE_LAMINAR else np.maximum(re, RE_LAMINAR)
        a = self._a
        c = 2.51 / r
        x = self._x
        if x is None or not np.all(np.isfinite(x)):
            x = -2.0 * np.log10(a + 5.74 * r**-0.9)  # Swamee–Jain
        c2 = c * (2.0 / _LN10)
        for _ in range(COLEBROOK_MAXITER):
            s = a + c * x
            dx = (x + (2.0 / _LN10) * np.log(s)) / (1.0 + c2 / s)
            x = x - dx
            # Newton's error bound: |x_new − root| ≤ M dx² with M = max|g''|/(2 g') ≤ 0.5/x²
            # (g'' = −2c²/(s² ln10), g' ≥ 1, c/s ≤ 1/x): stop once that is below 1e-16 x
            if float((dx * dx).max()) <= 2.0 * COLEBROOK_ERROR * float(x.min()) ** 3:
                break
        self._x = x
        lam_t = 1.0 / (x * x)
        # λ = max(64/Re, turbulent(max(Re, 2320))), turbulent value frozen below 2320
        turbulent = re_min >= RE_LAMINAR and 64.0 / re_min <= float(lam_t.min())
        lam_l = lam_t if turbulent else 64.0 / re
        laminar = np.zeros(0, dtype=bool) if turbulent else lam_l > lam_t

        def slope() -> FloatArray:
            # implicit differentiation of g(x, Re) = 0: dx/dRe = −g_Re/g_x, dλ = −2 x⁻³ dx
            s = a + c * x
            dlam_t = (2.0 * (-c2 * x / (r * s)) / (1.0 + c2 / s)) * lam_t / x
            if turbulent:
                return dlam_t
            dlam_t = np.where(re < RE_LAMINAR, 0.0, dlam_t)
            return np.where(laminar, -lam_l / re, dlam_t)

        if turbulent:
            return lam_t, slope
        return np.where(laminar, lam_l, lam_t), slope

    # -- the law ------------------------------------------------------------------------------
    def __call__(self, p: FloatArray, q: FloatArray, extra: FloatArray | None = None) -> LawValues:
        """Pipe law of every segment at node pressures ``p`` [Pa] and segment flows ``q``.

        ``extra`` pressures [Pa], if given, get Z at the segments' temperature in the same
        table look-up (see :attr:`shares_table`).
        """
        p1, p2 = p.take(self.from_node), p.take(self.to_node)
        # mean pressure (kernels.mean_pressure of the pressures floored at 1 Pa)
        if float(p.min()) >= 1.0:
            u1, u2 = p1, p2
        else:
            u1, u2 = np.maximum(p1, 1.0), np.maximum(p2, 1.0)
        sm = u1 + u2
        pm = 2.0 / 3.0 * (sm - u1 * u2 / sm)
        ns = pm.size
        z_extra: FloatArray | None = None
        dz_extra: Callable[[], FloatArray] | None = None
        if extra is None:
            z, dz_dpm = self._z.lazy(pm)
        else:
            z_all, dz_all = self._z_both.lazy(np.concatenate([pm, extra]))
            z, z_extra = z_all[:ns], z_all[ns:]
            slopes: list[FloatArray] = []

            def dz_dpm() -> FloatArray:
                if not slopes:
                    slopes.append(dz_all())
                return slopes[0][:ns]

            def dz_extra() -> FloatArray:
                if not slopes:
                    slopes.append(dz_all())
                return slopes[0][ns:]

        lam, dlam_dre = self.friction(np.maximum(np.abs(q) * self._re, 1e-3))
        aq = np.sqrt(q * q + FLOW_SMOOTHING * FLOW_SMOOTHING)
        zrt = z * self._rt
        k = lam * zrt * self._kc
        phi = q * aq
        p1s = p1 * p1
        if self._flat:
            r = p1s - p2 * p2 - k * phi
        else:
            neg_s = self._sc_neg / zrt  # −s
            e, gs, em1 = _gravity(neg_s, self._maybe_small)
            r = p1s * e - p2 * p2 - k * phi * gs

        def derivatives() -> tuple[FloatArray, ...]:
            daq = q / aq
            dphi = aq + q * daq
            dr_dq_f = dphi + dlam_dre() / lam * daq * self._re * phi
            # through Z: s ∝ 1/Z, K ∝ Z
            if self._flat:  # e = G = 1, dG/ds = −1/2, s = 0
                dr_dz = -phi * k / z
                dr_dq = -k * dr_dq_f
                e_: FloatArray | float = 1.0
            else:
                s = -neg_s
                dgs = _gravity_slope(s, e, em1, self._maybe_small)
                dr_dz = (p1s * e * s - phi * k * (gs - dgs * s)) / z
                dr_dq = -gs * k * dr_dq_f
                e_ = e
            dzp = dr_dz * dz_dpm() * (2.0 / 3.0)
            dr_dp1 = 2.0 * p1 * e_ + dzp * (1.0 - (u2 / sm) ** 2)
            dr_dp2 = -2.0 * p2 + dzp * (1.0 - (u1 / sm) ** 2)
            return dr_dp1, dr_dp2, dr_dq

        return LawValues(p1, p2, r, derivatives, z_extra, dz_extra)


def _gravity(ns: FloatArray, check: bool) -> tuple[FloatArray, FloatArray, FloatArray]:
    """exp(−s), G(s) = (1 − exp(−s))/s and expm1(−s) (``kernels.gravity_factors``) from
    ``ns`` = −s; ``check`` False when no |s| can be below :data:`SMALL_S`."""
    e = np.exp(ns)
    small = np.abs(ns) < SMALL_S if check else None
    if small is None or not small.any():
        em1 = np.expm1(ns)
        return e, em1 / ns, em1
    s = -ns
    s_safe = np.where(small, 1.0, s)
    em1 = np.expm1(-s_safe)
    return e, np.where(small, 1.0 - s / 2 + s * s / 6, -em1 / s_safe), em1


def _gravity_slope(s: FloatArray, e: FloatArray, em1: FloatArray, check: bool) -> FloatArray:
    """dG/ds (``kernels.gravity_factors``), from :func:`_gravity`'s exp(−s) and expm1(−s)."""
    small = np.abs(s) < SMALL_S if check else None
    if small is None or not small.any():
        return (s * e + em1) / (s * s)
    s_safe = np.where(small, 1.0, s)
    return np.where(small, -0.5 + s / 3, (s_safe * e + em1) / s_safe**2)
