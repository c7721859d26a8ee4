"""Compressibility models ``Z(p, T)`` with analytic derivatives, vectorised over numpy arrays.

Every model follows :class:`EquationOfState`: ``p = rho R_s T Z(p, T)`` with ``p`` absolute [Pa],
``T`` [K]. The derivatives ``dZ/dp`` [1/Pa] and ``dZ/dT`` [1/K] are exact derivatives of the
model as implemented (for :class:`Tabulated`, of the interpolating spline), so Newton solvers get
consistent Jacobians.

Models
------
``Ideal``
    ``Z = 1``.
``Papay``
    ``Z = 1 - 3.52 p_r exp(-2.26 T_r) + 0.274 p_r^2 exp(-1.878 T_r)`` (Papay 1968; as used in
    gas-network literature, e.g. morgen ``compressibility_papay.m``), ``p_r = p/p_pc``,
    ``T_r = T/T_pc``; meant for pressures below about 150 bar.
``Aga88``
    ``Z = 1 + 0.257 p_r - 0.533 p_r / T_r`` (the linear "AGA" formula of the GasLib / Koch et
    al. 2015 "Evaluating Gas Network Capacities" literature, morgen ``compressibility_aga88.m``);
    meant for pressures below about 70 bar.
``CngaFull``, ``CngaSimple``
    The CNGA models exactly as GasSteadySim.jl and GasTranSim.jl (kaarthiksundar) implement them
    (``src/core/eos.jl``): density ``rho = p (b1 + b2 p) / (R_s T)``, i.e.
    ``Z = 1 / (b1 + b2 p)``. Full CNGA: ``b1 = 1 + a1 (p_atm/psi) 10^(a2 G) / (1.8 T)^a3`` and
    ``b2 = a1 10^(a2 G) / (psi (1.8 T)^a3)`` with ``a1 = 344400``, ``a2 = 1.785``,
    ``a3 = 3.825``, ``p_atm = 101350 Pa``, ``psi = 6894.75729 Pa`` and ``1.8 T`` the temperature
    in °R. Simple CNGA: fixed ``b1 = 1.00300865``, ``b2 = 2.96848838e-8 1/Pa``. Those codes take
    ``R_s = 8.314 / (0.02896 G)`` J/(kg K) with ``G`` the gas specific gravity; the CNGA classes
    expose that value as ``specific_gas_constant`` for like-for-like comparisons.
``Tabulated``
    GERG-2008 or AGA8-DETAIL (via ``pyaga8``) sampled on a grid and interpolated by a bicubic
    spline (a cubic spline in ``p`` for a single temperature); the grid is refined until the
    interpolation error at every cell midpoint is below ``tolerance`` (default 2e-6).

``pyaga8`` is imported lazily, so importing this module stays cheap.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

import numpy as np
import numpy.typing as npt

from linepack.errors import CaseError, EosError, PropertyRangeError, PropertyRangeWarning
from linepack.gas.composition import Gas

FloatArray = npt.NDArray[np.float64]
Aga8Kind = Literal["gerg2008", "detail"]


class EquationOfState(Protocol):
    """A compressibility model ``Z(p, T)`` (``p`` absolute [Pa], ``T`` [K])."""

    @property
    def name(self) -> str:
        """Model name, e.g. ``"papay"``."""
        ...

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-]."""
        ...

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Derivative ``dZ/dp`` at constant ``T`` [1/Pa]."""
        ...

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Derivative ``dZ/dT`` at constant ``p`` [1/K]."""
        ...


def _pt(p: npt.ArrayLike, T: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    pa, ta = np.broadcast_arrays(np.asarray(p, dtype=np.float64), np.asarray(T, dtype=np.float64))
    return pa, ta


@dataclass(frozen=True)
class Ideal:
    """Ideal gas, ``Z = 1``."""

    name: str = "ideal"

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-] (ones)."""
        return np.ones_like(_pt(p, T)[0])

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dp`` [1/Pa] (zeros)."""
        return np.zeros_like(_pt(p, T)[0])

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dT`` [1/K] (zeros)."""
        return np.zeros_like(_pt(p, T)[0])


@dataclass(frozen=True)
class Papay:
    """Papay correlation on pseudo-reduced pressure and temperature.

    Parameters
    ----------
    p_pc : float
        Pseudo-critical pressure [Pa].
    T_pc : float
        Pseudo-critical temperature [K].
    """

    p_pc: float
    T_pc: float
    name: str = "papay"

    def _terms(self, p: npt.ArrayLike, T: npt.ArrayLike) -> tuple[FloatArray, ...]:
        pa, ta = _pt(p, T)
        pr, tr = pa / self.p_pc, ta / self.T_pc
        return pr, 3.52 * np.exp(-2.26 * tr), 0.274 * np.exp(-1.878 * tr)

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-]."""
        pr, a, b = self._terms(p, T)
        return 1.0 - a * pr + b * pr * pr

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dp`` [1/Pa]."""
        pr, a, b = self._terms(p, T)
        return (-a + 2.0 * b * pr) / self.p_pc

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dT`` [1/K]."""
        pr, a, b = self._terms(p, T)
        return (2.26 * a * pr - 1.878 * b * pr * pr) / self.T_pc


@dataclass(frozen=True)
class Aga88:
    """Linear "AGA-88" formula ``Z = 1 + 0.257 p_r - 0.533 p_r / T_r``.

    Parameters
    ----------
    p_pc : float
        Pseudo-critical pressure [Pa].
    T_pc : float
        Pseudo-critical temperature [K].
    """

    p_pc: float
    T_pc: float
    name: str = "aga88"

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-]."""
        pa, ta = _pt(p, T)
        return 1.0 + (0.257 - 0.533 * self.T_pc / ta) * pa / self.p_pc

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dp`` [1/Pa]."""
        pa, ta = _pt(p, T)
        return (0.257 - 0.533 * self.T_pc / ta) / self.p_pc + 0.0 * pa

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dT`` [1/K]."""
        pa, ta = _pt(p, T)
        return 0.533 * self.T_pc * pa / (self.p_pc * ta * ta)


# GasSteadySim.jl / GasTranSim.jl constants (src/core/eos.jl, src/io/data_utils.jl).
_CNGA_A1, _CNGA_A2, _CNGA_A3 = 344400.0, 1.785, 3.825
_CNGA_P_ATM = 101350.0  # [Pa]
_CNGA_PSI = 6894.75729  # [Pa]
_CNGA_SIMPLE_B1 = 1.00300865  # [-]
_CNGA_SIMPLE_B2 = 2.96848838e-8  # [1/Pa]
_GSS_R = 8.314  # [J/(mol K)]
_GSS_M_AIR = 0.02896  # [kg/mol]


@dataclass(frozen=True)
class CngaFull:
    """Full CNGA model as in GasSteadySim.jl: ``Z = 1 / (1 + k(T) (p + p_atm))``.

    ``k(T) = a1 10^(a2 G) / (psi (1.8 T)^a3)``; see the module docstring for the constants.

    Parameters
    ----------
    specific_gravity : float
        Gas specific gravity ``G`` [-] (GasSteadySim's ``gas_specific_gravity``).
    """

    specific_gravity: float
    name: str = "cnga-full"

    @property
    def specific_gas_constant(self) -> float:
        """GasSteadySim's ``R_s = 8.314 / (0.02896 G)`` [J/(kg K)]."""
        return _GSS_R / (_GSS_M_AIR * self.specific_gravity)

    def _k(self, T: FloatArray) -> FloatArray:
        scale = _CNGA_A1 * 10.0 ** (_CNGA_A2 * self.specific_gravity) / _CNGA_PSI
        return cast(FloatArray, scale / (1.8 * T) ** _CNGA_A3)

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-]."""
        pa, ta = _pt(p, T)
        return 1.0 / (1.0 + self._k(ta) * (pa + _CNGA_P_ATM))

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dp = -k Z^2`` [1/Pa]."""
        pa, ta = _pt(p, T)
        z = self.z(pa, ta)
        return -self._k(ta) * z * z

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dT = a3 Z (1 - Z) / T`` [1/K]."""
        pa, ta = _pt(p, T)
        z = self.z(pa, ta)
        return _CNGA_A3 * z * (1.0 - z) / ta


@dataclass(frozen=True)
class CngaSimple:
    """Simple (linearised) CNGA model as in GasSteadySim.jl: ``Z = 1 / (b1 + b2 p)``.

    ``b1 = 1.00300865`` and ``b2 = 2.96848838e-8`` 1/Pa are fixed constants there, independent of
    ``G`` and ``T``.

    Parameters
    ----------
    specific_gravity : float
        Gas specific gravity ``G`` [-]; only used for :attr:`specific_gas_constant`.
    """

    specific_gravity: float
    name: str = "cnga-simple"

    @property
    def specific_gas_constant(self) -> float:
        """GasSteadySim's ``R_s = 8.314 / (0.02896 G)`` [J/(kg K)]."""
        return _GSS_R / (_GSS_M_AIR * self.specific_gravity)

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-]."""
        pa, _ = _pt(p, T)
        return 1.0 / (_CNGA_SIMPLE_B1 + _CNGA_SIMPLE_B2 * pa)

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dp = -b2 Z^2`` [1/Pa]."""
        z = self.z(p, T)
        return -_CNGA_SIMPLE_B2 * z * z

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dT`` [1/K] (zeros: the model has no temperature dependence)."""
        return np.zeros_like(_pt(p, T)[0])


# ------------------------------------------------------------------------- AGA8 via pyaga8


def _aga8_model(kind: str, gas: Gas) -> Any:
    import pyaga8  # lazy: keeps `import linepack.gas.eos` cheap

    from linepack.gas.components import COMPONENTS

    classes = {"gerg2008": pyaga8.Gerg2008, "detail": pyaga8.Detail}
    if kind not in classes:
        raise EosError(
            "unknown AGA8 model", key="eos", value=kind, expected="'gerg2008' or 'detail'"
        )
    composition = pyaga8.Composition()
    for component, x in zip(COMPONENTS, gas.fractions, strict=True):
        setattr(composition, component.pyaga8_name, float(x))
    model = classes[kind]()
    model.set_composition(composition)
    return model


# fmt: off
_PROPERTY_KEYS = ("z", "density", "molar_density", "speed_of_sound", "cp", "cv", "kappa",
                  "joule_thomson")
# fmt: on


def direct_properties(
    kind: Aga8Kind, gas: Gas, p: npt.ArrayLike, T: npt.ArrayLike
) -> dict[str, FloatArray]:
    """Evaluate GERG-2008 or AGA8-DETAIL directly (no table) with ``pyaga8``.

    Parameters
    ----------
    kind : {"gerg2008", "detail"}
        The equation of state.
    gas : Gas
        Composition.
    p : array_like
        Absolute pressure [Pa].
    T : array_like
        Temperature [K].

    Returns
    -------
    dict of str to numpy.ndarray
        Arrays of the broadcast shape of ``p`` and ``T``: ``"z"`` [-], ``"density"`` [kg/m³],
        ``"molar_density"`` [mol/m³], ``"speed_of_sound"`` [m/s], ``"cp"`` and ``"cv"``
        [J/(kg K)], ``"kappa"`` (isentropic exponent) [-], ``"joule_thomson"`` [K/Pa].

    Raises
    ------
    PropertyRangeError
        If the density iteration does not converge (e.g. ``p <= 0``), naming the state.

    Warns
    -----
    PropertyRangeWarning
        Once per model and quantity, for a pressure or temperature outside the model's
        range of validity (:data:`VALIDITY`); the value is still used.
    """
    pa, ta = _pt(p, T)
    _check_validity(kind, pa, ta)
    model = _aga8_model(kind, gas)
    out = {key: np.empty(pa.shape) for key in _PROPERTY_KEYS}
    for idx in np.ndindex(pa.shape):
        _evaluate(model, kind, float(pa[idx]), float(ta[idx]))
        mm = model.mm * 1e-3  # [kg/mol]
        out["z"][idx] = model.z
        out["molar_density"][idx] = model.d * 1e3
        out["density"][idx] = model.d * 1e3 * mm
        out["speed_of_sound"][idx] = model.w
        out["cp"][idx] = model.cp / mm
        out["cv"][idx] = model.cv / mm
        out["kappa"][idx] = model.kappa
        out["joule_thomson"][idx] = model.jt * 1e-3
    return out


def _evaluate(model: Any, kind: str, p: float, T: float) -> None:
    model.pressure = p * 1e-3  # pyaga8 works in kPa, mol/l
    model.temperature = T
    try:
        if kind == "gerg2008":
            model.calc_density(0)
        else:
            model.calc_density()
    except (RuntimeError, ValueError) as err:  # pyaga8's own failures, raised typed
        raise PropertyRangeError(
            f"{kind}: density did not converge at p = {p:g} Pa, T = {T:g} K",
            model=kind,
            quantity="pressure",
            value=p,
            state=(p, T),
        ) from err
    model.calc_properties()


#: Range of validity of each model: temperature (low, high) [K] and highest pressure [Pa].
#: GERG-2008: the extended range of Kunz & Wagner (2012), 60-700 K up to 70 MPa.
#: AGA8-DETAIL: the extended range of AGA Report No. 8, -130 to 400 degC up to 280 MPa.
VALIDITY: dict[str, tuple[tuple[float, float], float]] = {
    "gerg2008": ((60.0, 700.0), 70e6),
    "detail": ((143.15, 673.15), 280e6),
}
_WARNED: set[tuple[str, str]] = set()


def _check_validity(kind: str, pa: FloatArray, ta: FloatArray) -> None:
    """Warn (once per model and quantity) when a state lies outside the model's validity."""
    if kind not in VALIDITY or pa.size == 0 or ta.size == 0:
        return
    (t_lo, t_hi), p_hi = VALIDITY[kind]
    out: list[tuple[str, float, str]] = []
    if pa.max() > p_hi:
        out.append(("pressure", float(pa.max()), f"up to {p_hi:g} Pa"))
    if ta.min() < t_lo or ta.max() > t_hi:
        worst = float(ta.min()) if ta.min() < t_lo else float(ta.max())
        out.append(("temperature", worst, f"{t_lo:g}-{t_hi:g} K"))
    for quantity, value, valid in out:
        if (kind, quantity) in _WARNED:
            continue
        _WARNED.add((kind, quantity))
        warnings.warn(
            PropertyRangeWarning(
                f"{kind}: {quantity} {value:g} is outside the model's range of validity "
                f"({valid}); the value is used as computed"
            ),
            stacklevel=3,
        )


def _z_only(kind: Aga8Kind, gas: Gas, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
    pa, ta = _pt(p, T)
    _check_validity(kind, pa, ta)
    model = _aga8_model(kind, gas)
    z = np.empty(pa.shape)
    for idx in np.ndindex(pa.shape):
        _evaluate(model, kind, float(pa[idx]), float(ta[idx]))
        z[idx] = model.z
    return z


def gerg2008_z(gas: Gas, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
    """GERG-2008 compressibility factor [-] at ``p`` [Pa], ``T`` [K], evaluated directly."""
    return _z_only("gerg2008", gas, p, T)


def detail_z(gas: Gas, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
    """AGA8-DETAIL compressibility factor [-] at ``p`` [Pa], ``T`` [K], evaluated directly."""
    return _z_only("detail", gas, p, T)


# -------------------------------------------------------------------------- tabulated AGA8


def _range(value: float | tuple[float, float], what: str) -> tuple[float, float]:
    lo, hi = (value, value) if isinstance(value, int | float) else value
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 < lo <= hi):
        raise EosError(
            f"{what} must be finite, positive and increasing",
            key=what,
            value=value,
            expected="(low, high) with 0 < low <= high",
        )
    return lo, hi


@dataclass(frozen=True, eq=False)
class Tabulated:
    """``Z(p, T)`` interpolated from a grid by a cubic spline.

    With several temperatures the spline is bicubic (``scipy.interpolate.RectBivariateSpline``,
    interpolating, not-a-knot-like end conditions); with one temperature it is a cubic spline in
    ``p`` (``scipy.interpolate.CubicSpline``, not-a-knot) and only that temperature may be
    asked for. Outside the grid, evaluation raises :class:`~linepack.errors.PropertyRangeError`
    naming the range: size the table with margin (see :meth:`from_model`).

    Parameters
    ----------
    name : str
        Model name, e.g. ``"gerg2008"``.
    z_grid : numpy.ndarray
        ``Z[i, j]`` at ``(p_grid[i], T_grid[j])`` [-], shape ``(len(p_grid), len(T_grid))``.
    p_grid : numpy.ndarray
        Increasing absolute pressures [Pa], at least 4.
    T_grid : numpy.ndarray
        Increasing temperatures [K], one or at least 4.
    max_error : float, optional
        Largest ``|Z_table - Z_model|`` found at the cell midpoints when the table was built
        (NaN if unknown).
    """

    name: str
    z_grid: FloatArray = field(repr=False)
    p_grid: FloatArray = field(repr=False)
    T_grid: FloatArray = field(repr=False)
    max_error: float = float("nan")
    _spline: Any = field(init=False, repr=False)
    _lines: dict[float, tuple[FloatArray, FloatArray]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        from scipy.interpolate import CubicSpline, RectBivariateSpline

        p = np.array(self.p_grid, dtype=np.float64)
        t = np.array(self.T_grid, dtype=np.float64)
        z = np.array(self.z_grid, dtype=np.float64).reshape(p.size, t.size)
        if p.size < 4 or np.any(np.diff(p) <= 0) or (t.size not in (1,) and t.size < 4):
            raise EosError(
                "a table needs >= 4 increasing pressures and 1 or >= 4 temperatures",
                key="p_grid" if p.size < 4 or np.any(np.diff(p) <= 0) else "T_grid",
                value=(p.size, t.size),
                expected="p_grid: >= 4 increasing values; T_grid: 1 or >= 4 values",
            )
        if t.size > 1 and np.any(np.diff(t) <= 0):
            raise EosError("T_grid must be increasing", key="T_grid", expected="increasing")
        for arr, key in ((p, "p_grid"), (t, "T_grid"), (z, "z_grid")):
            arr.setflags(write=False)
            object.__setattr__(self, key, arr)
        if t.size == 1:
            spline: Any = CubicSpline(p, z[:, 0])
        else:
            spline = RectBivariateSpline(p, t, z, kx=3, ky=3, s=0)
        object.__setattr__(self, "_spline", spline)

    @classmethod
    def from_model(
        cls,
        kind: Aga8Kind,
        gas: Gas,
        p_range: tuple[float, float],
        T_range: float | tuple[float, float],
        *,
        tolerance: float = 2e-6,
        max_nodes: int = 2049,
    ) -> Tabulated:
        """Sample GERG-2008 or AGA8-DETAIL on a grid fine enough for ``tolerance``.

        The grid starts at about 1 bar and 5 K spacing; it is refined along ``p`` and ``T``
        until ``|Z_table - Z_model| <= tolerance`` at every cell midpoint (``p``-midpoints,
        ``T``-midpoints and cell centres), where a cubic spline's error is largest.

        Parameters
        ----------
        kind : {"gerg2008", "detail"}
            The equation of state.
        gas : Gas
            Composition.
        p_range : (float, float)
            Lowest and highest absolute pressure [Pa], ``0 < p_min < p_max``.
        T_range : float or (float, float)
            Temperature range [K]; a single value (or equal ends) gives a 1-D table.
        tolerance : float, optional
            Largest interpolation error accepted at the midpoints [-].
        max_nodes : int, optional
            Largest number of nodes per axis before giving up (and at most 500 000 in all).

        Raises
        ------
        EosError
            If a range is invalid or the tolerance cannot be met within ``max_nodes`` (e.g. a
            phase boundary inside the range).
        PropertyRangeError
            If the model does not converge at a grid point.
        """
        p_lo, p_hi = _range(p_range, "p_range")
        t_lo, t_hi = _range(T_range, "T_range")
        if p_lo == p_hi:
            raise EosError(
                "p_range must have p_min < p_max",
                key="p_range",
                value=p_range,
                expected="(p_min, p_max) [Pa] with p_min < p_max",
            )
        n_p = max(8, math.ceil((p_hi - p_lo) / 1e5) + 1)
        n_t = 1 if t_lo == t_hi else max(4, math.ceil((t_hi - t_lo) / 5.0) + 1)
        while True:
            p = np.linspace(p_lo, p_hi, n_p)
            t = np.linspace(t_lo, t_hi, n_t)
            table = cls(kind, _z_only(kind, gas, p[:, None], t[None, :]), p, t)
            p_mid = 0.5 * (p[1:] + p[:-1])
            err_p = _max_error(table, kind, gas, p_mid, t)
            err_t = err_c = 0.0
            if n_t > 1:
                t_mid = 0.5 * (t[1:] + t[:-1])
                err_t = _max_error(table, kind, gas, p, t_mid)
                err_c = _max_error(table, kind, gas, p_mid, t_mid)
            worst = max(err_p, err_t, err_c)
            if worst <= tolerance:
                return cls(kind, table.z_grid, p, t, max_error=worst)
            if err_p > tolerance / 2 or (err_c > tolerance and err_p >= err_t):
                n_p = _refined(n_p, err_p, tolerance)
            if err_t > tolerance / 2 or (err_c > tolerance and err_t > err_p):
                n_t = _refined(n_t, err_t, tolerance)
            if max(n_p, n_t) > max_nodes or n_p * n_t > _MAX_TABLE_POINTS:
                raise EosError(
                    f"{kind} table over p {p_range!r} Pa, T {T_range!r} K cannot reach "
                    f"|dZ| <= {tolerance:g} within {max_nodes} nodes per axis and "
                    f"{_MAX_TABLE_POINTS} points (error {worst:.3g}); "
                    "is there a phase boundary in the range?",
                    key="tolerance",
                    value=tolerance,
                    expected="a larger tolerance, a larger max_nodes or a smaller range",
                )

    def _check(self, p: npt.ArrayLike, T: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        pa, ta = _pt(p, T)
        p_lo, p_hi = self.p_grid[0], self.p_grid[-1]
        t_lo, t_hi = self.T_grid[0], self.T_grid[-1]
        slack_p, slack_t = 1e-9 * p_hi, 1e-9 * t_hi
        if pa.size == 0 or ta.size == 0:
            return pa, ta
        # min/max are NaN when any value is: the negated comparisons then catch it too
        if not (pa.min() >= p_lo - slack_p) or not (pa.max() <= p_hi + slack_p):
            raise PropertyRangeError(
                f"{self.name} table covers p in [{p_lo:g}, {p_hi:g}] Pa; asked for "
                f"[{np.nanmin(pa):g}, {np.nanmax(pa):g}] Pa",
                model=self.name,
                quantity="pressure",
                value=_outermost(pa, p_lo),
                low=float(p_lo),
                high=float(p_hi),
            )
        if not (ta.min() >= t_lo - slack_t) or not (ta.max() <= t_hi + slack_t):
            raise PropertyRangeError(
                f"{self.name} table covers T in [{t_lo:g}, {t_hi:g}] K; asked for "
                f"[{np.nanmin(ta):g}, {np.nanmax(ta):g}] K",
                model=self.name,
                quantity="temperature",
                value=_outermost(ta, t_lo),
                low=float(t_lo),
                high=float(t_hi),
            )
        return np.clip(pa, p_lo, p_hi), np.clip(ta, t_lo, t_hi)

    def _line(self, t: float) -> tuple[FloatArray, FloatArray]:
        """The spline at fixed ``T`` as piecewise cubic polynomials in p (exact restriction).

        Returns breakpoints and a (4, n) array of coefficients, highest power first, built once
        per temperature: the common isothermal case then costs one search and a Horner sum.
        """
        hit = self._lines.get(t)
        if hit is not None:
            return hit
        from scipy.interpolate import BSpline, PPoly

        if self.T_grid.size == 1:
            poly = self._spline
        else:
            tx, ty, c = self._spline.tck
            ny = len(ty) - 4
            basis = BSpline(ty, np.eye(ny), 3)(t)
            coef = c.reshape(len(tx) - 4, ny) @ basis
            poly = PPoly.from_spline((tx, coef, 3))
        # drop the zero-length intervals of the knot vector's repeated ends
        keep = np.diff(poly.x) > 0
        line = (
            np.asarray(poly.x[:-1][keep], dtype=np.float64),
            np.asarray(poly.c[:, keep], dtype=np.float64),
        )
        self._lines[t] = line
        return line

    def _eval_line(self, pa: FloatArray, t: float, dp: int) -> FloatArray:
        x, c = self._line(t)
        i = np.clip(np.searchsorted(x, pa, side="right") - 1, 0, x.size - 1)
        h = pa - x[i]
        a3, a2, a1, a0 = c[0, i], c[1, i], c[2, i], c[3, i]
        if dp == 0:
            return cast(FloatArray, ((a3 * h + a2) * h + a1) * h + a0)
        return cast(FloatArray, (3.0 * a3 * h + 2.0 * a2) * h + a1)

    def _eval(self, p: npt.ArrayLike, T: npt.ArrayLike, dp: int, dt: int) -> FloatArray:
        pa, ta = self._check(p, T)
        if dt == 0 and ta.size and dp <= 1:
            t0 = float(ta.flat[0])
            if ta.ndim == 0 or np.all(ta == t0):
                return self._eval_line(pa, t0, dp)
        if self.T_grid.size == 1:
            if dt:
                raise EosError(
                    f"{self.name} table has a single temperature: no dZ/dT; "
                    "build it over a temperature range",
                    key="T_grid",
                    value=float(self.T_grid[0]),
                    expected="a table over a temperature range",
                )
            return np.asarray(self._spline(pa, dp), dtype=np.float64)
        out = self._spline.ev(pa.ravel(), ta.ravel(), dx=dp, dy=dt)
        return np.asarray(out, dtype=np.float64).reshape(pa.shape)

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-]."""
        return self._eval(p, T, 0, 0)

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dp`` of the spline [1/Pa]."""
        return self._eval(p, T, 1, 0)

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``dZ/dT`` of the spline [1/K]; not available for a single-temperature table."""
        return self._eval(p, T, 0, 1)


_MAX_TABLE_POINTS = 500_000  # bounds the build at a few seconds


def _outermost(values: FloatArray, low: float) -> float:
    """The value furthest outside a range whose low end is ``low`` (NaN if any is NaN)."""
    if np.any(np.isnan(values)):
        return math.nan
    return float(values.min()) if values.min() < low else float(values.max())


def _max_error(table: Tabulated, kind: Aga8Kind, gas: Gas, p: FloatArray, t: FloatArray) -> float:
    exact = _z_only(kind, gas, p[:, None], t[None, :])
    return float(np.max(np.abs(table.z(p[:, None], t[None, :]) - exact)))


def _refined(n: int, error: float, tolerance: float) -> int:
    # Cubic-spline error falls as h^4: aim at a quarter of the tolerance, at least 1.5x nodes.
    factor: float = min(4.0, max(1.5, (4.0 * error / tolerance) ** 0.25))
    return math.ceil((n - 1) * factor) + 1


# ----------------------------------------------------------------------------------- factory

EOS_NAMES = ("ideal", "papay", "aga88", "cnga-full", "cnga-simple", "gerg2008", "detail")
_ALIASES = {"full-cnga": "cnga-full", "simple-cnga": "cnga-simple", "gerg-2008": "gerg2008"}


def make_eos(
    name: str,
    gas: Gas,
    *,
    p_range: tuple[float, float] | None = None,
    T_range: float | tuple[float, float] | None = None,
    specific_gravity: float | None = None,
    p_pc: float | None = None,
    T_pc: float | None = None,
) -> EquationOfState:
    """Build an equation of state by name.

    Parameters
    ----------
    name : str
        One of :data:`EOS_NAMES` (case-insensitive; ``"full_cnga"``, ``"simple_cnga"`` as in
        GasSteadySim are accepted too).
    gas : Gas
        Composition: gives ``p_pc``, ``T_pc`` (Kay's rule) and the specific gravity when they
        are not given, and the mixture for GERG-2008 / DETAIL.
    p_range : (float, float), optional
        Pressure range of the table [Pa]; required for ``"gerg2008"`` and ``"detail"``.
    T_range : float or (float, float), optional
        Temperature range of the table [K]; required for ``"gerg2008"`` and ``"detail"``.
    specific_gravity : float, optional
        ``G`` for the CNGA models [-]; default ``gas.ideal_specific_gravity``.
    p_pc, T_pc : float, optional
        Pseudo-critical pressure [Pa] and temperature [K] for Papay and AGA-88; default Kay's
        rule on ``gas``.

    Raises
    ------
    CaseError
        For an unknown name (key ``"eos"``) or a missing table range.
    """
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key == "ideal":
        return Ideal()
    if key in ("papay", "aga88"):
        kay_p, kay_t = gas.pseudo_critical()
        ppc = kay_p if p_pc is None else p_pc
        tpc = kay_t if T_pc is None else T_pc
        return Papay(ppc, tpc) if key == "papay" else Aga88(ppc, tpc)
    if key in ("cnga-full", "cnga-simple"):
        g = gas.ideal_specific_gravity if specific_gravity is None else specific_gravity
        return CngaFull(g) if key == "cnga-full" else CngaSimple(g)
    if key in ("gerg2008", "detail"):
        if p_range is None or T_range is None:
            raise CaseError(
                f"equation of state '{key}' is tabulated and needs a pressure and temperature "
                "range",
                key="p_range" if p_range is None else "T_range",
                expected="p_range=(p_min, p_max) [Pa] and T_range=(T_min, T_max) [K]",
            )
        kind: Aga8Kind = "gerg2008" if key == "gerg2008" else "detail"
        return Tabulated.from_model(kind, gas, p_range, T_range)
    raise CaseError(
        "unknown equation of state",
        key="eos",
        value=name,
        expected="one of " + ", ".join(EOS_NAMES),
    )
