"""Caloric properties of the gas: enthalpy, entropy, heat capacity, Joule-Thomson coefficient.

The contract (:class:`Caloric`) that the thermal solvers read, two implementations, the factory
:func:`make_caloric` and two station helpers (:func:`compression_outlet`,
:func:`isenthalpic_outlet`).

Evaluate enthalpy and ``Z`` from the same equation of state: mixing an ideal-gas ``c_p`` with a
real-gas ``Z`` creates energy out of nothing in transients. Both implementations therefore derive
``h`` and ``s`` from the equation of state the hydraulics uses.

Models
------
:class:`TabulatedCaloric` (``"gerg2008"``, ``"detail"``)
    GERG-2008 or AGA8-DETAIL (via ``pyaga8``) ``h`` and ``s`` (molar values divided by the molar
    mass) sampled on a ``p x T`` grid and interpolated by bicubic splines
    (``scipy.interpolate.RectBivariateSpline``, ``s=0``). The grid is refined until
    ``|h_table - h_model| <= 0.5`` J/kg and ``|s_table - s_model| <= 1e-3`` J/(kg K) at every
    cell midpoint, as :meth:`linepack.gas.eos.Tabulated.from_model` does for ``Z``.
    ``cp = dh/dT`` and ``dh/dp`` are derivatives of the spline, so they are exactly consistent
    with the tabulated ``h``. The specific volume ``v`` is tabulated from the same evaluations
    (as ``p v / T``), for :func:`compression_outlet`. Reference state: the model's (GERG-2008:
    ideal gas at 298.15 K and 101.325 kPa).
:class:`DepartureCaloric` (``"ideal"``, ``"papay"``, ``"aga88"``, ``"cnga-full"``,
``"cnga-simple"``, or any :class:`~linepack.gas.eos.EquationOfState`)
    An ideal-gas part plus residual (departure) functions integrated from the model's ``Z``::

        h(p, T) = h_ig(T) - R T^2 I_h(p, T),        I_h = int_0^p (dZ/dT)_p dp'/p'
        s(p, T) = s_ig(T) - R ln(p/p_ref) - R I_s,  I_s = int_0^p [Z - 1 + T (dZ/dT)_p] dp'/p'

    with ``R`` the specific gas constant the hydraulics uses (``p = rho R T Z``) and
    ``p_ref = 101325`` Pa. These satisfy the Maxwell relations of the model exactly:
    ``(dh/dp)_T = v - T (dv/dT)_p = -R T^2 (dZ/dT)_p / p`` and ``(ds/dp)_T = -(dv/dT)_p``, so
    an ideal gas (``Z = 1``) has ``h = h_ig(T)`` and no Joule-Thomson effect. The integrals are
    done by fixed Gauss-Legendre quadrature on ``[0, p]`` (:data:`GAUSS_NODES` nodes, vectorised).
    ``h_ig``, ``s_ig(T, p_ref)`` and ``c_p,ig = dh_ig/dT`` are the ideal-gas part of GERG-2008
    for the gas composition: GERG-2008 evaluated at 1 Pa (residual parts below 1e-5 J/kg) on a
    temperature grid and interpolated by a cubic spline (:class:`IdealGasPart`).

    Two refinements keep the integrals finite for every model. A model whose ``Z`` does not tend
    to 1 as ``p -> 0`` (the CNGA models: ``Z(0) = 1/b1``) makes the integrands ``f(p')/p'``
    diverge at 0; its constant part ``f(0, T)`` is integrated from ``p_ref`` instead
    (``f(0) ln(p/p_ref) + int_0^p [f(p') - f(0)] dp'/p'``), which keeps the Maxwell relations
    and sets ``h = h_ig`` at ``p_ref`` for those models. A tabulated ``Z``
    (:class:`~linepack.gas.eos.Tabulated`) is known only from its lowest pressure ``p_min``; below
    it each integrand ``f`` is continued as ``a p + b p^2`` (the virial form, through
    ``f(p_min)`` and ``f(2 p_min)``), whose part ``f(p_min) - b p_min^2 / 2`` is added to each
    integral, and the quadrature runs on ``[p_min, p]``. Start such a table at a low pressure
    (about 1 bar): the continuation's error grows with ``p_min``.

Temperatures from ``(p, h)`` and ``(p, s)`` are found by vectorised Newton iterations with steps
clamped to the model's temperature range; a state with no solution in the range raises
:class:`~linepack.errors.PropertyRangeError`.

``pyaga8`` and ``scipy`` are imported lazily, so importing this module stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

from linepack.errors import CaseError, EosError, PropertyRangeError
from linepack.gas.composition import Gas
from linepack.gas.eos import (
    _ALIASES,
    _MAX_TABLE_POINTS,
    EOS_NAMES,
    Aga8Kind,
    EquationOfState,
    Tabulated,
    _aga8_model,
    _check_validity,
    _evaluate,
    _outermost,
    _range,
    _refined,
)

FloatArray = NDArray[np.float64]


class Caloric(Protocol):
    """Specific enthalpy and entropy of one gas as functions of pressure and temperature.

    All values per unit mass, SI: h [J/kg], s [J/(kg K)], cp [J/(kg K)], dh/dp [J/(kg Pa)]
    (so the Joule-Thomson coefficient is ``-dh_dp / cp`` [K/Pa]). The reference state is the
    implementation's (differences are what matter); it is the same for ``h`` and ``s`` of one
    object. Methods broadcast ``p`` and ``T``.
    """

    @property
    def name(self) -> str:
        """Model name."""
        ...

    def h(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific enthalpy [J/kg]."""
        ...

    def s(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific entropy [J/(kg K)]."""
        ...

    def cp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Isobaric heat capacity ``(dh/dT)_p`` [J/(kg K)]."""
        ...

    def dh_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``(dh/dp)_T`` [J/(kg Pa)]."""
        ...

    def temperature_ph(
        self, p: npt.ArrayLike, h: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``h(p, T) = h`` (``T0``: a starting guess)."""
        ...

    def temperature_ps(
        self, p: npt.ArrayLike, s: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``s(p, T) = s`` (``T0``: a starting guess)."""
        ...


#: Reference pressure of the ideal-gas entropy [Pa].
P_REF = 101325.0
#: Pressure at which GERG-2008 is evaluated for its ideal-gas part [Pa].
P_IDEAL = 1.0
#: Gauss-Legendre nodes of the departure integrals.
GAUSS_NODES = 24
#: Newton tolerance on the temperature step [K] and largest number of iterations.
NEWTON_TOLERANCE = 1e-9
NEWTON_MAX_ITERATIONS = 30
_R_GERG = 8.314472  # GERG-2008's molar gas constant [J/(mol K)], for the entropy reference only
_DT_FD = 1e-3  # central-difference step in T for d(I_h)/dT [K]


def _pt(p: npt.ArrayLike, T: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    pa, ta = np.broadcast_arrays(np.asarray(p, dtype=np.float64), np.asarray(T, dtype=np.float64))
    return pa, ta


def _check_box(
    name: str,
    pa: FloatArray,
    ta: FloatArray,
    p_box: tuple[float, float],
    t_box: tuple[float, float],
) -> tuple[FloatArray, FloatArray]:
    """Raise :class:`PropertyRangeError` naming the range if a state is outside the box.

    Returns ``p`` and ``T`` clipped to the box (they lie within a 1e-9 relative slack of it).
    """
    if pa.size == 0 or ta.size == 0:
        return pa, ta
    (p_lo, p_hi), (t_lo, t_hi) = p_box, t_box
    slack_p, slack_t = 1e-9 * p_hi, 1e-9 * t_hi
    # min/max are NaN when any value is: the negated comparisons then catch it too
    if not (pa.min() >= p_lo - slack_p) or not (pa.max() <= p_hi + slack_p):
        raise PropertyRangeError(
            f"{name} caloric covers p in [{p_lo:g}, {p_hi:g}] Pa; asked for "
            f"[{np.nanmin(pa):g}, {np.nanmax(pa):g}] Pa",
            model=name,
            quantity="pressure",
            value=_outermost(pa, p_lo),
            low=float(p_lo),
            high=float(p_hi),
        )
    if not (ta.min() >= t_lo - slack_t) or not (ta.max() <= t_hi + slack_t):
        raise PropertyRangeError(
            f"{name} caloric covers T in [{t_lo:g}, {t_hi:g}] K; asked for "
            f"[{np.nanmin(ta):g}, {np.nanmax(ta):g}] K",
            model=name,
            quantity="temperature",
            value=_outermost(ta, t_lo),
            low=float(t_lo),
            high=float(t_hi),
        )
    return np.clip(pa, p_lo, p_hi), np.clip(ta, t_lo, t_hi)


def _newton(
    name: str,
    what: str,
    unit: str,
    f: Callable[[FloatArray, FloatArray], FloatArray],
    df_dT: Callable[[FloatArray, FloatArray], FloatArray],
    p: npt.ArrayLike,
    target: npt.ArrayLike,
    T0: npt.ArrayLike | None,
    t_box: tuple[float, float],
) -> FloatArray:
    """Solve ``f(p, T) = target`` for ``T`` in ``t_box`` by Newton's method, vectorised.

    Steps are clamped to ``t_box``; converged when every unclamped step is at most
    :data:`NEWTON_TOLERANCE`. A point held at a bound for three iterations, or any point not
    converged within :data:`NEWTON_MAX_ITERATIONS`, raises :class:`PropertyRangeError`.
    """
    t_lo, t_hi = t_box
    pa, ya = _pt(p, target)
    start = 0.5 * (t_lo + t_hi) if T0 is None else T0
    T = np.clip(np.broadcast_to(np.asarray(start, dtype=np.float64), pa.shape), t_lo, t_hi)
    T = np.array(T, dtype=np.float64)  # a writable copy
    if pa.size == 0:
        return T
    bad = ~np.isfinite(ya) | ~np.isfinite(pa)
    step = np.full(pa.shape, np.inf)
    if not bad.any():
        held = np.zeros(pa.shape, dtype=np.int64)
        for _ in range(NEWTON_MAX_ITERATIONS):
            step = -(f(pa, T) - ya) / df_dT(pa, T)
            new = np.clip(T + step, t_lo, t_hi)
            held = np.where((new == T) & (np.abs(step) > NEWTON_TOLERANCE), held + 1, 0)
            T = new
            if np.all(np.abs(step) <= NEWTON_TOLERANCE):
                return T
            if np.any(held >= 3):
                break
        bad = ~(np.abs(step) <= NEWTON_TOLERANCE)
    i = tuple(int(k) for k in np.argwhere(bad)[0])
    p_i, y_i, t_i = float(pa[i]), float(ya[i]), float(T[i])
    raise PropertyRangeError(
        f"{name}: no temperature in [{t_lo:g}, {t_hi:g}] K gives {what} = {y_i:.10g} {unit} at "
        f"p = {p_i:g} Pa (Newton stopped at T = {t_i:.6g} K, last step {float(step[i]):.3g} K)",
        model=name,
        quantity="temperature",
        value=t_i,
        low=t_lo,
        high=t_hi,
        state=(p_i, t_i),
    )


# ------------------------------------------------------------------------ tabulated AGA8


def _sample(
    model: Any, kind: str, p: FloatArray, T: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``h`` [J/kg], ``s`` [J/(kg K)] and ``p v / T`` [J/(kg K)] from pyaga8, point by point."""
    pa, ta = _pt(p, T)
    _check_validity(kind, pa, ta)
    h, s, pv_t = np.empty(pa.shape), np.empty(pa.shape), np.empty(pa.shape)
    for idx in np.ndindex(pa.shape):
        p_i, t_i = float(pa[idx]), float(ta[idx])
        _evaluate(model, kind, p_i, t_i)
        mm = model.mm * 1e-3  # [kg/mol]
        h[idx] = model.h / mm
        s[idx] = model.s / mm
        pv_t[idx] = p_i / (model.d * 1e3 * mm * t_i)
    return h, s, pv_t


@dataclass(frozen=True, eq=False)
class TabulatedCaloric:
    """GERG-2008 or AGA8-DETAIL ``h`` and ``s`` interpolated by bicubic splines.

    Build it with :meth:`from_model`. Outside the grid every method raises
    :class:`~linepack.errors.PropertyRangeError` naming the range.

    Parameters
    ----------
    name : str
        Model name, ``"gerg2008"`` or ``"detail"``.
    p_grid : numpy.ndarray
        Increasing absolute pressures [Pa], at least 4.
    T_grid : numpy.ndarray
        Increasing temperatures [K], at least 4.
    h_grid, s_grid : numpy.ndarray
        Specific enthalpy [J/kg] and entropy [J/(kg K)] at ``(p_grid[i], T_grid[j])``.
    pv_grid : numpy.ndarray
        ``p v / T = Z R`` [J/(kg K)] at the same nodes (``v`` the specific volume).
    r_log : float, optional
        The entropy is splined as ``s + r_log ln(p / P_REF)``, which takes out its logarithmic
        dependence on ``p`` (so coarser grids do) and is added back exactly [J/(kg K)]; 0 splines
        ``s`` itself. :meth:`from_model` uses the gas's specific gas constant.
    max_error : (float, float)
        Largest ``|h_table - h_model|`` [J/kg] and ``|s_table - s_model|`` [J/(kg K)] found at
        the cell midpoints when the table was built (NaN if unknown).
    """

    name: str
    p_grid: FloatArray = field(repr=False)
    T_grid: FloatArray = field(repr=False)
    h_grid: FloatArray = field(repr=False)
    s_grid: FloatArray = field(repr=False)
    pv_grid: FloatArray = field(repr=False)
    r_log: float = 0.0
    max_error: tuple[float, float] = (math.nan, math.nan)
    _splines: tuple[Any, Any, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from scipy.interpolate import RectBivariateSpline

        p = np.array(self.p_grid, dtype=np.float64)
        t = np.array(self.T_grid, dtype=np.float64)
        for arr, key in ((p, "p_grid"), (t, "T_grid")):
            if arr.ndim != 1 or arr.size < 4 or np.any(np.diff(arr) <= 0):
                raise EosError(
                    "a caloric table needs >= 4 increasing values on each axis",
                    key=key,
                    value=arr.size,
                    expected=">= 4 increasing values",
                )
        grids = []
        for key in ("h_grid", "s_grid", "pv_grid"):
            g = np.array(getattr(self, key), dtype=np.float64)
            if g.shape != (p.size, t.size):
                raise EosError(
                    f"{key} must have shape (len(p_grid), len(T_grid))",
                    key=key,
                    value=g.shape,
                    expected=f"({p.size}, {t.size})",
                )
            grids.append(g)
        for arr, key in zip(
            (p, t, *grids), ("p_grid", "T_grid", "h_grid", "s_grid", "pv_grid"), strict=True
        ):
            arr.setflags(write=False)
            object.__setattr__(self, key, arr)
        smooth = (grids[0], grids[1] + self.r_log * np.log(p / P_REF)[:, None], grids[2])
        splines = tuple(RectBivariateSpline(p, t, g, kx=3, ky=3, s=0) for g in smooth)
        object.__setattr__(self, "_splines", splines)

    @classmethod
    def from_model(
        cls,
        kind: Aga8Kind,
        gas: Gas,
        p_range: tuple[float, float],
        T_range: tuple[float, float],
        *,
        h_tolerance: float = 0.5,
        s_tolerance: float = 1e-3,
        max_nodes: int = 2049,
    ) -> TabulatedCaloric:
        """Sample GERG-2008 or AGA8-DETAIL on a grid fine enough for the tolerances.

        The grid starts at about 1 bar and 5 K spacing and is refined along ``p`` and ``T``
        until ``|h_table - h_model| <= h_tolerance`` and ``|s_table - s_model| <= s_tolerance``
        at every cell midpoint (``p``-midpoints, ``T``-midpoints and cell centres), and
        ``p v / T`` within ``2e-6 R`` (the ``Z`` table's default accuracy).

        Parameters
        ----------
        kind : {"gerg2008", "detail"}
            The equation of state.
        gas : Gas
            Composition.
        p_range : (float, float)
            Lowest and highest absolute pressure [Pa], ``0 < p_min < p_max``.
        T_range : (float, float)
            Lowest and highest temperature [K], ``0 < T_min < T_max``.
        h_tolerance : float, optional
            Largest enthalpy interpolation error accepted at the midpoints [J/kg].
        s_tolerance : float, optional
            Largest entropy interpolation error accepted at the midpoints [J/(kg K)].
        max_nodes : int, optional
            Largest number of nodes per axis before giving up (and at most 500 000 in all).

        Raises
        ------
        EosError
            If a range is invalid or the tolerances cannot be met within ``max_nodes`` (e.g. a
            phase boundary inside the range).
        PropertyRangeError
            If the model does not converge at a grid point.
        """
        p_lo, p_hi = _range(p_range, "p_range")
        t_lo, t_hi = _range(T_range, "T_range")
        for lo, hi, key, value in (
            (p_lo, p_hi, "p_range", p_range),
            (t_lo, t_hi, "T_range", T_range),
        ):
            if lo == hi:
                raise EosError(
                    f"{key} must have two different ends for a caloric table",
                    key=key,
                    value=value,
                    expected="(low, high) with low < high",
                )
        model = _aga8_model(kind, gas)
        r_log = gas.specific_gas_constant
        tol = np.array([h_tolerance, s_tolerance, 2e-6 * gas.specific_gas_constant])

        def errors(table: TabulatedCaloric, p: FloatArray, t: FloatArray) -> FloatArray:
            """Largest |table - model| of h, s and p v / T at the given nodes."""
            pp, tt = p[:, None], t[None, :]
            exact = _sample(model, kind, pp, tt)
            approx = (table.h(pp, tt), table.s(pp, tt), table.pv_T(pp, tt))
            return np.array([np.max(np.abs(a - e)) for a, e in zip(approx, exact, strict=True)])

        n_p = max(8, math.ceil((p_hi - p_lo) / 1e5) + 1)
        n_t = max(4, math.ceil((t_hi - t_lo) / 5.0) + 1)
        while True:
            p = np.linspace(p_lo, p_hi, n_p)
            t = np.linspace(t_lo, t_hi, n_t)
            table = cls(kind, p, t, *_sample(model, kind, p[:, None], t[None, :]), r_log=r_log)
            p_mid, t_mid = 0.5 * (p[1:] + p[:-1]), 0.5 * (t[1:] + t[:-1])
            e_p, e_t, e_c = (
                errors(table, p_mid, t),
                errors(table, p, t_mid),
                errors(table, p_mid, t_mid),
            )
            raw = np.maximum(np.maximum(e_p, e_t), e_c)
            # errors relative to the tolerances: 1 is the limit
            err_p, err_t, err_c = (float(np.max(e / tol)) for e in (e_p, e_t, e_c))
            worst = max(err_p, err_t, err_c)
            if worst <= 1.0:
                return cls(
                    kind,
                    p,
                    t,
                    table.h_grid,
                    table.s_grid,
                    table.pv_grid,
                    r_log,
                    (float(raw[0]), float(raw[1])),
                )
            if err_p > 0.5 or (err_c > 1.0 and err_p >= err_t):
                n_p = _refined(n_p, err_p, 1.0)
            if err_t > 0.5 or (err_c > 1.0 and err_t > err_p):
                n_t = _refined(n_t, err_t, 1.0)
            if max(n_p, n_t) > max_nodes or n_p * n_t > _MAX_TABLE_POINTS:
                raise EosError(
                    f"{kind} caloric table over p {p_range!r} Pa, T {T_range!r} K cannot reach "
                    f"|dh| <= {h_tolerance:g} J/kg, |ds| <= {s_tolerance:g} J/(kg K) within "
                    f"{max_nodes} nodes per axis and {_MAX_TABLE_POINTS} points (error "
                    f"{worst:.3g} times the tolerance); is there a phase boundary in the range?",
                    key="tolerance",
                    value=(h_tolerance, s_tolerance),
                    expected="larger tolerances, a larger max_nodes or a smaller range",
                )

    @property
    def p_range(self) -> tuple[float, float]:
        """Pressure range of the table [Pa]."""
        return float(self.p_grid[0]), float(self.p_grid[-1])

    @property
    def T_range(self) -> tuple[float, float]:
        """Temperature range of the table [K]."""
        return float(self.T_grid[0]), float(self.T_grid[-1])

    def _eval(self, which: int, p: npt.ArrayLike, T: npt.ArrayLike, dp: int, dt: int) -> FloatArray:
        pa, ta = _check_box(self.name, *_pt(p, T), self.p_range, self.T_range)
        out = self._splines[which].ev(pa.ravel(), ta.ravel(), dx=dp, dy=dt)
        return np.asarray(out, dtype=np.float64).reshape(pa.shape)

    def h(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific enthalpy [J/kg]."""
        return self._eval(0, p, T, 0, 0)

    def s(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific entropy [J/(kg K)]."""
        pa, ta = _pt(p, T)
        return self._eval(1, pa, ta, 0, 0) - self.r_log * np.log(pa / P_REF)

    def cp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Isobaric heat capacity ``(dh/dT)_p`` of the spline [J/(kg K)]."""
        return self._eval(0, p, T, 0, 1)

    def dh_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``(dh/dp)_T`` of the spline [J/(kg Pa)]."""
        return self._eval(0, p, T, 1, 0)

    def ds_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``(ds/dT)_p`` of the spline [J/(kg K^2)] (equal to ``cp / T`` within the tolerances)."""
        return self._eval(1, p, T, 0, 1)

    def pv_T(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``p v / T = Z R`` [J/(kg K)]."""
        return self._eval(2, p, T, 0, 0)

    def v(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific volume [m³/kg] of the same model."""
        pa, ta = _pt(p, T)
        return self.pv_T(pa, ta) * ta / pa

    def temperature_ph(
        self, p: npt.ArrayLike, h: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``h(p, T) = h`` [J/kg] (Newton on ``cp``, to 1e-9 K).

        Raises
        ------
        PropertyRangeError
            If no temperature in the table's range gives ``h`` (or ``p`` is outside it).
        """
        return _newton(self.name, "h", "J/kg", self.h, self.cp, p, h, T0, self.T_range)

    def temperature_ps(
        self, p: npt.ArrayLike, s: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``s(p, T) = s`` [J/(kg K)] (Newton, to 1e-9 K).

        Raises
        ------
        PropertyRangeError
            If no temperature in the table's range gives ``s`` (or ``p`` is outside it).
        """
        return _newton(self.name, "s", "J/(kg K)", self.s, self.ds_dT, p, s, T0, self.T_range)


# ------------------------------------------------------------------ ideal gas + departure


@dataclass(frozen=True, eq=False)
class IdealGasPart:
    """GERG-2008's ideal-gas ``h_ig(T)``, ``s_ig(T, P_REF)`` and ``c_p,ig(T)`` for one gas.

    Cubic splines (``scipy.interpolate.CubicSpline``, not-a-knot) through GERG-2008 evaluated
    at :data:`P_IDEAL` (1 Pa, where its residual parts are below 1e-5 J/kg); ``c_p,ig`` is the
    derivative of the ``h_ig`` spline. Build it with :meth:`from_gas`.

    Parameters
    ----------
    T_grid : numpy.ndarray
        Increasing temperatures [K], at least 4.
    h_grid : numpy.ndarray
        ``h_ig`` [J/kg] at ``T_grid`` (GERG-2008's reference: 0 at 298.15 K).
    s_grid : numpy.ndarray
        ``s_ig`` at :data:`P_REF` [J/(kg K)] at ``T_grid``.
    """

    T_grid: FloatArray = field(repr=False)
    h_grid: FloatArray = field(repr=False)
    s_grid: FloatArray = field(repr=False)
    _splines: tuple[Any, Any, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from scipy.interpolate import CubicSpline

        t = np.array(self.T_grid, dtype=np.float64)
        if t.ndim != 1 or t.size < 4 or np.any(np.diff(t) <= 0):
            raise EosError(
                "the ideal-gas part needs >= 4 increasing temperatures",
                key="T_grid",
                value=t.size,
                expected=">= 4 increasing values",
            )
        h = np.array(self.h_grid, dtype=np.float64)
        s = np.array(self.s_grid, dtype=np.float64)
        for arr, key in ((t, "T_grid"), (h, "h_grid"), (s, "s_grid")):
            arr.setflags(write=False)
            object.__setattr__(self, key, arr)
        h_spline = CubicSpline(t, h)
        splines = (h_spline, h_spline.derivative(), CubicSpline(t, s))
        object.__setattr__(self, "_splines", splines)

    @classmethod
    def from_gas(
        cls, gas: Gas, T_range: tuple[float, float], *, tolerance: float = 1e-3
    ) -> IdealGasPart:
        """Sample GERG-2008's ideal-gas part over ``T_range`` [K].

        The grid starts at 2 K spacing and is refined until the splines are within
        ``tolerance`` [J/kg] of ``h_ig`` and ``tolerance / 100`` [J/(kg K)] of ``s_ig`` at the
        interval midpoints.

        Raises
        ------
        EosError
            If ``T_range`` is invalid or the tolerance cannot be met within 10 000 nodes.
        """
        t_lo, t_hi = _range(T_range, "T_range")
        if t_lo == t_hi:
            raise EosError(
                "T_range must have two different ends",
                key="T_range",
                value=T_range,
                expected="(T_min, T_max) [K] with T_min < T_max",
            )
        model = _aga8_model("gerg2008", gas)

        def sample(t: FloatArray) -> tuple[FloatArray, FloatArray]:
            h, s, _ = _sample(model, "gerg2008", np.full(t.shape, P_IDEAL), t)
            r_gerg = _R_GERG / (model.mm * 1e-3)
            return h, s + r_gerg * math.log(P_IDEAL / P_REF)  # ideal gas: s(p) - R ln(p/P_REF)

        n = max(4, math.ceil((t_hi - t_lo) / 2.0) + 1)
        while True:
            t = np.linspace(t_lo, t_hi, n)
            part = cls(t, *sample(t))
            t_mid = 0.5 * (t[1:] + t[:-1])
            h_mid, s_mid = sample(t_mid)
            err = max(
                float(np.max(np.abs(part.h(t_mid) - h_mid))) / tolerance,
                float(np.max(np.abs(part.s(t_mid) - s_mid))) / (tolerance / 100.0),
            )
            if err <= 1.0:
                return part
            n = _refined(n, err, 1.0)
            if n > 10_000:
                raise EosError(
                    f"ideal-gas part over T {T_range!r} K cannot reach {tolerance:g} J/kg",
                    key="tolerance",
                    value=tolerance,
                    expected="a larger tolerance",
                )

    @property
    def T_range(self) -> tuple[float, float]:
        """Temperature range [K]."""
        return float(self.T_grid[0]), float(self.T_grid[-1])

    def _eval(self, which: int, T: FloatArray) -> FloatArray:
        return np.asarray(self._splines[which](T), dtype=np.float64)

    def h(self, T: FloatArray) -> FloatArray:
        """Ideal-gas specific enthalpy [J/kg]."""
        return self._eval(0, T)

    def cp(self, T: FloatArray) -> FloatArray:
        """Ideal-gas isobaric heat capacity ``dh_ig/dT`` [J/(kg K)]."""
        return self._eval(1, T)

    def s(self, T: FloatArray) -> FloatArray:
        """Ideal-gas specific entropy at :data:`P_REF` [J/(kg K)]."""
        return self._eval(2, T)


@dataclass(frozen=True, eq=False)
class DepartureCaloric:
    """Ideal-gas part plus the residual functions of a compressibility model.

    See the module docstring for the formulas. ``cp = c_p,ig + dh_res/dT`` where
    ``dh_res/dT = -R (2 T I_h + T^2 dI_h/dT)`` and ``dI_h/dT`` is a central difference in ``T``
    (step 1e-3 K, kept inside a tabulated model's temperature range) of the quadrature, because
    the models give no second derivative of ``Z``. ``dh_dp = -R T^2 (dZ/dT)_p / p`` is exact.

    Parameters
    ----------
    eos : EquationOfState
        The compressibility model of the hydraulics.
    gas_constant : float
        Specific gas constant ``R`` of ``p = rho R T Z`` [J/(kg K)].
    ideal : IdealGasPart
        The ideal-gas part.
    p_range : (float, float)
        Pressure range [Pa]; outside it evaluation raises ``PropertyRangeError``.
    nodes : int, optional
        Gauss-Legendre nodes of the departure integrals.
    """

    eos: EquationOfState
    gas_constant: float
    ideal: IdealGasPart = field(repr=False)
    p_range: tuple[float, float]
    nodes: int = GAUSS_NODES
    _gauss: tuple[FloatArray, FloatArray] = field(init=False, repr=False)
    _p_floor: float = field(init=False, repr=False)
    _p_second: float = field(init=False, repr=False)
    _t_eos: tuple[float, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        r = self.gas_constant
        if not (isinstance(r, int | float) and math.isfinite(r) and r > 0):
            raise EosError(
                "gas_constant must be a positive number",
                key="gas_constant",
                value=r,
                expected="R [J/(kg K)] > 0",
            )
        object.__setattr__(self, "p_range", _range(self.p_range, "p_range"))
        x, w = np.polynomial.legendre.leggauss(int(self.nodes))
        # nodes and weights on [0, 1]
        object.__setattr__(self, "_gauss", (0.5 * (1.0 + x), 0.5 * w))
        p_floor, p_second, t_eos = 0.0, 0.0, (0.0, math.inf)
        if isinstance(self.eos, Tabulated):
            if self.eos.T_grid.size < 2:
                raise EosError(
                    f"a departure caloric needs dZ/dT: the {self.eos.name} table has a single "
                    "temperature",
                    key="T_range",
                    value=float(self.eos.T_grid[0]),
                    expected="a table over a temperature range",
                )
            p_floor = float(self.eos.p_grid[0])
            p_second = min(2.0 * p_floor, float(self.eos.p_grid[-1]))
            t_eos = float(self.eos.T_grid[0]), float(self.eos.T_grid[-1])
        object.__setattr__(self, "_p_floor", p_floor)
        object.__setattr__(self, "_p_second", p_second)
        object.__setattr__(self, "_t_eos", t_eos)

    @classmethod
    def from_gas(
        cls,
        eos: EquationOfState,
        gas: Gas,
        *,
        gas_constant: float,
        p_range: tuple[float, float],
        T_range: tuple[float, float],
        nodes: int = GAUSS_NODES,
    ) -> DepartureCaloric:
        """Departure caloric of ``eos`` with GERG-2008's ideal-gas part for ``gas``.

        Parameters
        ----------
        eos : EquationOfState
            The compressibility model.
        gas : Gas
            Composition (for the ideal-gas part).
        gas_constant : float
            Specific gas constant of the hydraulics [J/(kg K)].
        p_range : (float, float)
            Pressure range [Pa].
        T_range : (float, float)
            Temperature range [K] of the ideal-gas part, hence of the caloric.
        nodes : int, optional
            Gauss-Legendre nodes.
        """
        return cls(eos, gas_constant, IdealGasPart.from_gas(gas, T_range), p_range, nodes)

    @property
    def name(self) -> str:
        """The compressibility model's name."""
        return self.eos.name

    @property
    def T_range(self) -> tuple[float, float]:
        """Temperature range [K]."""
        return self.ideal.T_range

    def _check(self, p: npt.ArrayLike, T: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        return _check_box(self.name, *_pt(p, T), self.p_range, self.T_range)

    def _integrals(
        self, pa: FloatArray, ta: FloatArray, entropy: bool = True
    ) -> tuple[FloatArray, FloatArray]:
        """``I_h`` [1/K] and ``I_s`` [-] (zeros unless ``entropy``) at checked states."""
        u, w = self._gauss
        lo = self._p_floor
        span = (pa - lo)[..., None]
        pp = lo + span * u  # quadrature nodes [Pa], shape (..., nodes)
        tt = ta[..., None]
        zt = self.eos.dz_dT(pp, tt)
        fs = self.eos.z(pp, tt) - 1.0 + tt * zt if entropy else np.zeros(1)
        if lo > 0.0:
            # below the table f = a p + b p^2 (virial form) through f(p_min) and f(p_2):
            # its integral of f/p over [0, p_min] is f(p_min) - b p_min^2 / 2
            p1, p2 = lo, self._p_second
            p_1, p_2 = np.full(ta.shape, p1), np.full(ta.shape, p2)
            zt_1, zt_2 = self.eos.dz_dT(p_1, ta), self.eos.dz_dT(p_2, ta)
            head_h = zt_1 - 0.5 * p1 * p1 * (zt_2 / p2 - zt_1 / p1) / (p2 - p1)
            i_h = head_h + np.sum(zt * (w * span / pp), axis=-1)
            if not entropy:
                return i_h, np.zeros(1)
            fs_1 = self.eos.z(p_1, ta) - 1.0 + ta * zt_1
            fs_2 = self.eos.z(p_2, ta) - 1.0 + ta * zt_2
            head_s = fs_1 - 0.5 * p1 * p1 * (fs_2 / p2 - fs_1 / p1) / (p2 - p1)
            return i_h, head_s + np.sum(fs * (w * span / pp), axis=-1)
        # f(0) != 0 (CNGA): its integral from P_REF instead of 0 (zero for the other models)
        zero = np.zeros(ta.shape)
        zt0 = self.eos.dz_dT(zero, ta)
        log = np.log(pa / P_REF)
        i_h = zt0 * log + np.sum((zt - zt0[..., None]) * (w / u), axis=-1)
        if not entropy:
            return i_h, np.zeros(1)
        fs0 = self.eos.z(zero, ta) - 1.0 + ta * zt0
        return i_h, fs0 * log + np.sum((fs - fs0[..., None]) * (w / u), axis=-1)

    def h(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific enthalpy ``h_ig(T) - R T^2 I_h`` [J/kg]."""
        pa, ta = self._check(p, T)
        i_h, _ = self._integrals(pa, ta, entropy=False)
        return self.ideal.h(ta) - self.gas_constant * ta * ta * i_h

    def s(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific entropy ``s_ig(T, P_REF) - R ln(p/P_REF) - R I_s`` [J/(kg K)]."""
        pa, ta = self._check(p, T)
        _, i_s = self._integrals(pa, ta)
        return self.ideal.s(ta) - self.gas_constant * (np.log(pa / P_REF) + i_s)

    def cp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Isobaric heat capacity [J/(kg K)] (``dI_h/dT`` by a central difference)."""
        pa, ta = self._check(p, T)
        i_h, _ = self._integrals(pa, ta, entropy=False)
        t_up = np.minimum(ta + _DT_FD, self._t_eos[1])
        t_dn = np.maximum(ta - _DT_FD, self._t_eos[0])
        di_h = (
            self._integrals(pa, t_up, entropy=False)[0]
            - self._integrals(pa, t_dn, entropy=False)[0]
        ) / (t_up - t_dn)
        out: FloatArray = self.ideal.cp(ta) - self.gas_constant * ta * (2.0 * i_h + ta * di_h)
        return out

    def dh_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``(dh/dp)_T = -R T^2 (dZ/dT)_p / p`` [J/(kg Pa)]."""
        pa, ta = self._check(p, T)
        return -self.gas_constant * ta * ta * self.eos.dz_dT(pa, ta) / pa

    def v(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific volume ``Z R T / p`` [m³/kg]."""
        pa, ta = self._check(p, T)
        return self.eos.z(pa, ta) * self.gas_constant * ta / pa

    def _ds_dT(self, p: FloatArray, T: FloatArray) -> FloatArray:
        return self.cp(p, T) / T

    def temperature_ph(
        self, p: npt.ArrayLike, h: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``h(p, T) = h`` [J/kg] (Newton on ``cp``, to 1e-9 K).

        Raises
        ------
        PropertyRangeError
            If no temperature in :attr:`T_range` gives ``h`` (or ``p`` is outside its range).
        """
        return _newton(self.name, "h", "J/kg", self.h, self.cp, p, h, T0, self.T_range)

    def temperature_ps(
        self, p: npt.ArrayLike, s: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``s(p, T) = s`` [J/(kg K)] (Newton on ``cp / T``, 1e-9 K).

        Raises
        ------
        PropertyRangeError
            If no temperature in :attr:`T_range` gives ``s`` (or ``p`` is outside its range).
        """
        return _newton(self.name, "s", "J/(kg K)", self.s, self._ds_dT, p, s, T0, self.T_range)


# ----------------------------------------------------------------------------------- factory


def make_caloric(
    eos_name: str,
    gas: Gas,
    eos: EquationOfState,
    *,
    gas_constant: float,
    p_range: tuple[float, float],
    T_range: tuple[float, float],
    h_tolerance: float = 0.5,
) -> Caloric:
    """Build the caloric model that matches an equation of state.

    Parameters
    ----------
    eos_name : str
        The equation of state's name, as for :func:`~linepack.gas.eos.make_eos`
        (case-insensitive, ``_`` or ``-``, its aliases).
    gas : Gas
        Composition.
    eos : EquationOfState
        The hydraulics' compressibility model (used by the departure models).
    gas_constant : float
        Specific gas constant of the hydraulics [J/(kg K)] (departure models).
    p_range : (float, float)
        Pressure range [Pa].
    T_range : (float, float)
        Temperature range [K].
    h_tolerance : float, optional
        Enthalpy interpolation tolerance of a GERG-2008/DETAIL table [J/kg] (entropy to
        2.5e-3 of it in J/(kg K)).

    Returns
    -------
    Caloric
        :class:`TabulatedCaloric` for ``"gerg2008"`` and ``"detail"``, else a
        :class:`DepartureCaloric` on ``eos``.

    Raises
    ------
    EosError
        For an unknown name (key ``"eos"``) or invalid ranges.
    """
    key = eos_name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key in ("gerg2008", "detail"):
        kind: Aga8Kind = "gerg2008" if key == "gerg2008" else "detail"
        return TabulatedCaloric.from_model(
            kind, gas, p_range, T_range, h_tolerance=h_tolerance, s_tolerance=2.5e-3 * h_tolerance
        )
    if key in EOS_NAMES:
        return DepartureCaloric.from_gas(
            eos, gas, gas_constant=gas_constant, p_range=p_range, T_range=T_range
        )
    raise EosError(
        "unknown equation of state", key="eos", value=eos_name, expected=", ".join(EOS_NAMES)
    )


# ---------------------------------------------------------------------------- station helpers

#: Runge-Kutta steps in ln p of the polytropic compression path.
POLYTROPIC_STEPS = 16


def isenthalpic_outlet(
    cal: Caloric, p_in: npt.ArrayLike, T_in: npt.ArrayLike, p_out: npt.ArrayLike
) -> FloatArray:
    """Outlet temperature [K] of a throttle (regulator, valve): ``h(p_out, T_out) = h(p_in, T_in)``.

    Parameters
    ----------
    cal : Caloric
        The caloric model.
    p_in, T_in : array_like
        Inlet pressure [Pa abs] and temperature [K].
    p_out : array_like
        Outlet pressure [Pa abs].

    Raises
    ------
    PropertyRangeError
        If a state leaves the model's range.
    """
    pa, ta, po = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (p_in, T_in, p_out))
    )
    return cal.temperature_ph(po, cal.h(pa, ta), T0=ta)


def compression_outlet(
    cal: Caloric,
    p_s: npt.ArrayLike,
    T_s: npt.ArrayLike,
    p_d: npt.ArrayLike,
    efficiency: npt.ArrayLike,
    polytropic: npt.ArrayLike,
    *,
    eos: EquationOfState | None = None,
    gas_constant: float | None = None,
    steps: int = POLYTROPIC_STEPS,
) -> tuple[FloatArray, FloatArray]:
    """Discharge enthalpy [J/kg] and temperature [K] of compressors, vectorised over stations.

    Isentropic efficiency (``polytropic`` False): ``T_is`` from ``s(p_d, T_is) = s(p_s, T_s)``
    and ``h_d = h_s + (h(p_d, T_is) - h_s) / efficiency``. Polytropic efficiency (``polytropic``
    True): ``dh = v dp / efficiency`` integrated along the path in ``ln p`` by classical
    Runge-Kutta (``steps`` steps; ``dh/d ln p = p v / efficiency``), with ``T`` from ``h`` at
    each stage. ``v`` is ``Z R T / p`` of ``eos`` and ``gas_constant`` when given, else the
    caloric model's own ``v(p, T)`` (both :class:`TabulatedCaloric` and
    :class:`DepartureCaloric` have one).

    Parameters
    ----------
    cal : Caloric
        The caloric model.
    p_s, T_s : array_like
        Suction pressure [Pa abs] and temperature [K].
    p_d : array_like
        Discharge pressure [Pa abs].
    efficiency : array_like
        Isentropic or polytropic efficiency, ``0 < efficiency <= 1``.
    polytropic : array_like of bool
        Per station: True for a polytropic efficiency.
    eos : EquationOfState, optional
        Compressibility model for ``v`` (with ``gas_constant``).
    gas_constant : float, optional
        Specific gas constant [J/(kg K)] for ``v``.
    steps : int, optional
        Runge-Kutta steps of the polytropic path.

    Returns
    -------
    h_d : numpy.ndarray
        Discharge specific enthalpy [J/kg].
    T_d : numpy.ndarray
        Discharge temperature [K].

    Raises
    ------
    CaseError
        For an efficiency outside (0, 1], or ``eos`` without ``gas_constant`` (or no ``v``).
    PropertyRangeError
        If a state leaves the caloric model's range.
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (p_s, T_s, p_d, efficiency)),
        np.asarray(polytropic, dtype=bool),
    )
    ps, ts, pd, eta = arrays[:4]
    poly = np.asarray(arrays[4], dtype=bool)
    if eta.size and not (np.all(eta > 0.0) and np.all(eta <= 1.0)):
        raise CaseError(
            "compressor efficiency must lie in (0, 1]",
            key="efficiency",
            value=float(eta[~((eta > 0.0) & (eta <= 1.0))][0]),
            expected="0 < efficiency <= 1",
        )
    h_s = cal.h(ps, ts)
    h_d = np.empty(ps.shape)
    t_d = np.empty(ps.shape)
    isen = ~poly
    if np.any(isen):
        s_s = cal.s(ps[isen], ts[isen])
        t_is = cal.temperature_ps(pd[isen], s_s, T0=ts[isen])
        h_is = cal.h(pd[isen], t_is)
        h_d[isen] = h_s[isen] + (h_is - h_s[isen]) / eta[isen]
        t_d[isen] = cal.temperature_ph(pd[isen], h_d[isen], T0=t_is)
    if np.any(poly):
        h_d[poly], t_d[poly] = _polytropic(
            cal,
            _specific_volume(cal, eos, gas_constant),
            ps[poly],
            ts[poly],
            h_s[poly],
            pd[poly],
            eta[poly],
            steps,
        )
    return h_d, t_d


def _specific_volume(
    cal: Caloric, eos: EquationOfState | None, gas_constant: float | None
) -> Callable[[FloatArray, FloatArray], FloatArray]:
    if eos is not None:
        if gas_constant is None:
            raise CaseError(
                "compression_outlet: eos needs gas_constant",
                key="gas_constant",
                expected="R [J/(kg K)] with eos",
            )
        r = float(gas_constant)
        return lambda p, T: eos.z(p, T) * r * T / p
    v = getattr(cal, "v", None)
    if v is None:
        raise CaseError(
            f"compression_outlet: caloric model {cal.name!r} has no specific volume; "
            "pass eos and gas_constant",
            key="eos",
            expected="an EquationOfState and gas_constant",
        )
    return cast(Callable[[FloatArray, FloatArray], FloatArray], v)


def _polytropic(
    cal: Caloric,
    v: Callable[[FloatArray, FloatArray], FloatArray],
    p_s: FloatArray,
    T_s: FloatArray,
    h_s: FloatArray,
    p_d: FloatArray,
    eta: FloatArray,
    steps: int,
) -> tuple[FloatArray, FloatArray]:
    """RK4 of the polytropic path in ``x = ln p`` from suction to discharge.

    Along the path ``dh = v dp / η``; with ``dh = c_p dT + (∂h/∂p)_T dp`` that is
    ``dT/dx = p (v / η - ∂h/∂p) / c_p``, integrated for ``T`` (no inversion of ``h`` at the
    stages); the outlet enthalpy is ``h(p_d, T_d)``.
    """
    del h_s
    x0 = np.log(p_s)
    dx = (np.log(p_d) - x0) / steps
    T = T_s.copy()

    def rate(x: FloatArray, t: FloatArray) -> FloatArray:
        p = np.exp(x)
        return p * (v(p, t) / eta - cal.dh_dp(p, t)) / cal.cp(p, t)

    for k in range(steps):
        x = x0 + k * dx
        k1 = rate(x, T)
        k2 = rate(x + 0.5 * dx, T + 0.5 * dx * k1)
        k3 = rate(x + 0.5 * dx, T + 0.5 * dx * k2)
        k4 = rate(x + dx, T + dx * k3)
        T = T + dx * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
    return cal.h(p_d, T), T
