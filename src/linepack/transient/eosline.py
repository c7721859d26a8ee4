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

from collections.abc import Callable
from typing import cast

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
        x, c = eos._line(float(np.clip(t0, tg[0], tg[-1])))
        self._lo, self._hi = max(lo, float(pg[0]), float(x[0])), min(hi, float(pg[-1]))
        self._range = (lo, hi)
        self._breaks = x
        # one contiguous array per power (highest first): gathers by ``take`` are cheapest
        self._coef = np.ascontiguousarray(c, dtype=np.float64)
        self._c3, self._c2, self._c1, self._c0 = (self._coef[k] for k in range(4))

    @property
    def fast(self) -> bool:
        """Whether the one-temperature table path is used."""
        return self._breaks is not None

    def __call__(self, p: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Z [-] and dZ/dp [1/Pa] at pressures ``p`` [Pa] (one per temperature given)."""
        if self._breaks is None:
            return self.steady.z(p, self.temperature)
        lo, hi = self._range
        h, i = self._locate(p, self._breaks)
        a3, a2, a1 = self._c3.take(i), self._c2.take(i), self._c1.take(i)
        z = ((a3 * h + a2) * h + a1) * h + self._c0.take(i)
        dz = (3.0 * a3 * h + 2.0 * a2) * h + a1
        outside = (p < lo) | (p > hi)
        if outside.any():
            dz[outside] = 0.0
        return z, dz

    def lazy(self, p: FloatArray) -> tuple[FloatArray, Callable[[], FloatArray]]:
        """Z [-] now and dZ/dp [1/Pa] when asked (the slope costs a few operations more)."""
        if self._breaks is None:
            z, dz = self.steady.z(p, self.temperature)
            return z, lambda: dz
        lo, hi = self._range
        h, i = self._locate(p, self._breaks)
        a3, a2, a1 = self._c3.take(i), self._c2.take(i), self._c1.take(i)
        z = a3 * h  # Horner, in place: ((a₃h + a₂)h + a₁)h + a₀
        z += a2
        z *= h
        z += a1
        z *= h
        z += self._c0.take(i)

        def slope() -> FloatArray:
            dz = (3.0 * a3 * h + 2.0 * a2) * h + a1
            outside = (p < lo) | (p > hi)
            if outside.any():
                dz[outside] = 0.0
            return cast(FloatArray, dz)

        return z, slope

    def z(self, p: FloatArray) -> FloatArray:
        """Z [-] alone at pressures ``p`` [Pa]."""
        if self._breaks is None:
            return np.asarray(self.steady.z(p, self.temperature)[0], dtype=np.float64)
        h, i = self._locate(p, self._breaks)
        a3, a2, a1, a0 = self._c3.take(i), self._c2.take(i), self._c1.take(i), self._c0.take(i)
        return np.asarray(((a3 * h + a2) * h + a1) * h + a0, dtype=np.float64)

    def _locate(self, p: FloatArray, x: FloatArray) -> tuple[FloatArray, NDArray[np.intp]]:
        """Offset of each (clipped) pressure in its interval, and the interval.

        The clipped pressure is at least the first breakpoint and the breakpoints exclude the
        table's end, so the interval index is always valid (as ``Tabulated._eval_line``'s).
        """
        pc = np.minimum(np.maximum(p, self._lo), self._hi)
        i = np.searchsorted(x, pc, side="right")
        i -= 1
        return pc - x.take(i), i
