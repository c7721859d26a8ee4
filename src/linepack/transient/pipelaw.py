"""The pipe law of every segment, arranged for the transient's many evaluations.

The law itself is the one of :mod:`linepack.steady.kernels` (:func:`~linepack.steady.kernels.
pipe_coefficients`, :func:`~linepack.steady.kernels.pipe_residual`,
:func:`~linepack.steady.kernels.pipe_derivatives`, the friction of
:func:`~linepack.steady.kernels.friction_by_law`; see ``docs/physics.md``):

    r = p₁² e^{−s} − p₂² − K q|q| (1 − e^{−s})/s,   K = λ Z R_s T L/(E² D A²),
    s = 2 g Δh/(Z R_s T),  Z at p_m = 2/3 (p₁ + p₂ − p₁p₂/(p₁ + p₂)).

:class:`SegmentLaw` is the state kept around it for a run of thousands of evaluations of one
network:

* the per-segment constants (:class:`~linepack.steady.kernels.PipeConstants`) are the steady
  system's, computed once;
* Z and dZ/dp come from one table look-up (:mod:`linepack.transient.eosline`);
* the Colebrook friction factor is :func:`~linepack.steady.kernels.colebrook_warm`, started
  from the previous evaluation's roots (one or two Newton steps instead of four or five);
* the derivatives are computed only when asked for (a Newton iterate that turns out to be
  converged needs none).

Results agree with the steady system to round-off (the transient Jacobian tests compare with
finite differences; the drift tests compare a transient at rest with the steady solution).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from linepack.steady import kernels
from linepack.steady.system import SteadySystem
from linepack.transient.eosline import ZAtTemperature

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


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
        self.constants = steady.pipe_constants
        self._z = ZAtTemperature(steady, seg.temperature)
        t = seg.temperature
        #: Whether one table look-up can serve other pressures at the segments' temperature.
        self.shares_table = self._z.fast
        self.temperature = float(t[0]) if t.size else float("nan")
        self._z_both = ZAtTemperature(steady, np.full(1, self.temperature))
        laws = np.asarray(seg.law)
        self._all_colebrook = bool(np.all(laws == "colebrook"))
        self._a = seg.rel_roughness[laws == "colebrook"] / 3.7
        self._x: FloatArray | None = None  # last Colebrook roots, 1/√λ

    # -- friction -----------------------------------------------------------------------------
    def friction(self, re: FloatArray) -> tuple[FloatArray, Callable[[], FloatArray]]:
        """Darcy friction factor of every segment (as ``SteadySystem.friction``, Colebrook
        warm-started) and a function giving dλ/dRe."""
        if self._all_colebrook:
            return self._colebrook(re)

        def colebrook(r: FloatArray) -> tuple[FloatArray, FloatArray]:
            lam, slope = self._colebrook(r)
            return lam, slope()

        seg = self.steady.cn.segments
        lam, dlam = kernels.friction_by_law(
            re,
            self.steady.laws,
            rel_roughness=seg.rel_roughness,
            friction_value=seg.friction_value,
            diameter=seg.diameter,
            colebrook=colebrook,
        )
        return lam, lambda: dlam

    def _colebrook(self, re: FloatArray) -> tuple[FloatArray, Callable[[], FloatArray]]:
        lam, slope, self._x = kernels.colebrook_warm(re, self._a, self._x)
        return lam, slope

    # -- the law ------------------------------------------------------------------------------
    def __call__(self, p: FloatArray, q: FloatArray, extra: FloatArray | None = None) -> LawValues:
        """Pipe law of every segment at node pressures ``p`` [Pa] and segment flows ``q``.

        ``extra`` pressures [Pa], if given, get Z at the segments' temperature in the same
        table look-up (see :attr:`shares_table`).
        """
        p1, p2 = p.take(self.from_node), p.take(self.to_node)
        # the mean pressure of the pressures floored at 1 Pa
        if float(p.min()) >= 1.0:
            u1, u2 = p1, p2
        else:
            u1, u2 = np.maximum(p1, 1.0), np.maximum(p2, 1.0)
        pm = kernels.mean_pressure_value(u1, u2)
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

        c = self.constants
        lam, dlam_dre = self.friction(np.maximum(np.abs(q) * c.re_per_flow, 1e-3))
        co = kernels.pipe_coefficients(q, z, lam, c)
        r = kernels.pipe_residual(p1, p2, co)

        def derivatives() -> tuple[FloatArray, ...]:
            d1, d2 = kernels.mean_pressure_slopes(u1, u2)
            return kernels.pipe_derivatives(
                p1,
                p2,
                q,
                co,
                z=z,
                dz_dpm=dz_dpm(),
                dpm_dp1=d1,
                dpm_dp2=d2,
                lam=lam,
                dlam_dre=dlam_dre(),
                c=c,
            )

        return LawValues(p1, p2, r, derivatives, z_extra, dz_extra)
