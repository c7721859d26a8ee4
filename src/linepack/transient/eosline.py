"""Compressibility at many pressures and one temperature: Z and dZ/dp in one table look-up.

A transient evaluates Z thousands of times per run, always at the same few temperatures (an
isothermal network has one). For a tabulated GERG-2008/DETAIL equation of state the table's
spline restricted to a fixed temperature is a piecewise cubic in p
(:meth:`linepack.gas.eos.Tabulated._line`, exact, built once per temperature); this module
evaluates Z and dZ/dp from one interval search and one coefficient gather. Any other equation
of state, or several temperatures, goes through
:meth:`linepack.steady.system.SteadySystem.z` unchanged.

The values are those of ``SteadySystem.z`` (pressures clipped to the compiled EOS range,
dZ/dp = 0 outside it) up to round-off.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from linepack.gas.eos import Tabulated
from linepack.steady.system import SteadySystem

FloatArray = NDArray[np.float64]


class ZAtTemperature:
    """Z(p, T) and dZ/dp(p, T) at fixed temperatures, as ``SteadySystem.z`` gives them.

    Parameters
    ----------
    steady : SteadySystem
        The network's steady system (its EOS and the EOS pressure range).
    temperature : ndarray
        The temperature of each value that will be asked for [K] (fixed for the run).
    """

    def __init__(self, steady: SteadySystem, temperature: FloatArray) -> None:
        self.steady = steady
        self.temperature = np.asarray(temperature, dtype=np.float64)
        self._breaks: FloatArray | None = None
        self._coef: FloatArray | None = None
        eos, (lo, hi) = steady.cn.eos, steady.cn.eos_p_range
        t = self.temperature
        if not (isinstance(eos, Tabulated) and t.size and np.all(t == t[0])):
            return
        t0 = float(t[0])
        pg, tg = eos.p_grid, eos.T_grid
        # inside the table (as Tabulated._check accepts it): else the general path raises
        if not (
            pg[0] - 1e-9 * pg[-1] <= lo <= hi <= pg[-1] * (1 + 1e-9)
            and tg[0] - 1e-9 * tg[-1] <= t0 <= tg[-1] * (1 + 1e-9)
        ):
            return
        self._breaks, self._coef = eos._line(float(np.clip(t0, tg[0], tg[-1])))
        self._lo, self._hi = max(lo, float(pg[0])), min(hi, float(pg[-1]))
        self._range = (lo, hi)

    @property
    def fast(self) -> bool:
        """Whether the one-temperature table path is used."""
        return self._breaks is not None

    def __call__(self, p: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Z [-] and dZ/dp [1/Pa] at pressures ``p`` [Pa] (one per temperature given)."""
        x, c = self._breaks, self._coef
        if x is None or c is None:
            return self.steady.z(p, self.temperature)
        lo, hi = self._range
        h, (a3, a2, a1, a0) = self._locate(p, x, c)
        z = ((a3 * h + a2) * h + a1) * h + a0
        dz = (3.0 * a3 * h + 2.0 * a2) * h + a1
        outside = (p < lo) | (p > hi)
        if outside.any():
            dz[outside] = 0.0
        return z, dz

    def z(self, p: FloatArray) -> FloatArray:
        """Z [-] alone at pressures ``p`` [Pa]."""
        x, c = self._breaks, self._coef
        if x is None or c is None:
            return np.asarray(self.steady.z(p, self.temperature)[0], dtype=np.float64)
        h, (a3, a2, a1, a0) = self._locate(p, x, c)
        return np.asarray(((a3 * h + a2) * h + a1) * h + a0, dtype=np.float64)

    def _locate(self, p: FloatArray, x: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Offset of each (clipped) pressure in its interval, and the interval's coefficients."""
        pc = np.minimum(np.maximum(p, self._lo), self._hi)
        i = np.searchsorted(x, pc, side="right") - 1
        np.clip(i, 0, x.size - 1, out=i)
        return pc - x[i], c[:, i]
