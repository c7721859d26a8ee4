"""Viscosity and the caloric properties compressor calculations need.

Viscosity
---------
Lee, Gonzalez and Eakin, "The Viscosity of Natural Gases", J. Pet. Technol. 18(8), 997–1000
(1966), SPE-1340-PA. In its field units (``T`` in °R, ``M`` in g/mol, ``rho`` in g/cm³)::

    mu [cP] = 1e-4 K exp(X rho^Y)
    K = (9.4 + 0.02 M) T^1.5 / (209 + 19 M + T)
    X = 3.5 + 986 / T + 0.01 M
    Y = 2.4 - 0.2 X

The correlation was fitted to measured viscosities of natural gases (sweet, specific gravity
below about 1, roughly 100–340 °F and up to 8000 psia); the accuracy usually quoted for it is
about ±2 % at low and ±4 % at high pressure, with larger errors for gases rich in N2, CO2 or H2S.
The density comes from the caller's ``z`` so it stays consistent with the chosen equation of
state.

Caloric properties
------------------
``cp`` and the isentropic exponent ``kappa = -(v/p)(dp/dv)_s`` come from GERG-2008 (ISO
20765-2) through ``pyaga8`` (imported lazily), so compressor calculations are real-gas. They
loop over points in Python (a few µs a point): call them for compressor stations, not per pipe
cell.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from linepack.gas.composition import Gas, R
from linepack.gas.eos import FloatArray, direct_properties

_RANKINE_PER_KELVIN = 1.8
_PA_S_PER_CP = 1e-3


def viscosity(p: npt.ArrayLike, T: npt.ArrayLike, gas: Gas, z: npt.ArrayLike) -> FloatArray:
    """Dynamic viscosity by the Lee–Gonzalez–Eakin correlation [Pa s].

    Parameters
    ----------
    p : array_like
        Absolute pressure [Pa].
    T : array_like
        Temperature [K].
    gas : Gas
        Composition (only its molar mass is used).
    z : array_like
        Compressibility factor at ``(p, T)`` [-], from the equation of state in use.

    Returns
    -------
    numpy.ndarray
        Viscosity [Pa s], of the broadcast shape of ``p``, ``T`` and ``z``.

    Examples
    --------
    >>> from linepack.gas.composition import Gas
    >>> mu = viscosity(101325.0, 288.15, Gas.from_mapping({"methane": 1.0}), 0.998)
    >>> round(float(mu) * 1e6, 2)  # µPa s; measured methane: about 10.9
    11.13
    """
    pa, ta, za = np.broadcast_arrays(
        np.asarray(p, dtype=np.float64),
        np.asarray(T, dtype=np.float64),
        np.asarray(z, dtype=np.float64),
    )
    molar_mass = gas.molar_mass  # [kg/mol]
    m = molar_mass * 1e3  # [g/mol]
    rho = pa * molar_mass / (za * R * ta) * 1e-3  # [g/cm³]
    t_r = ta * _RANKINE_PER_KELVIN
    k = (9.4 + 0.02 * m) * t_r**1.5 / (209.0 + 19.0 * m + t_r)
    x = 3.5 + 986.0 / t_r + 0.01 * m
    y = 2.4 - 0.2 * x
    return np.asarray(1e-4 * k * np.exp(x * rho**y) * _PA_S_PER_CP, dtype=np.float64)


def heat_capacity_cp(p: npt.ArrayLike, T: npt.ArrayLike, gas: Gas) -> FloatArray:
    """Isobaric specific heat capacity from GERG-2008 [J/(kg K)].

    Parameters
    ----------
    p : array_like
        Absolute pressure [Pa].
    T : array_like
        Temperature [K].
    gas : Gas
        Composition.
    """
    return direct_properties("gerg2008", gas, p, T)["cp"]


def isentropic_exponent(p: npt.ArrayLike, T: npt.ArrayLike, gas: Gas) -> FloatArray:
    """Isentropic exponent ``kappa = -(v/p)(dp/dv)_s`` from GERG-2008 [-].

    For an ideal gas it equals ``cp/cv``; for a real gas it is the exponent of ``p v^kappa``
    along an isentrope, the one real-gas compressor formulas need.

    Parameters
    ----------
    p : array_like
        Absolute pressure [Pa].
    T : array_like
        Temperature [K].
    gas : Gas
        Composition.
    """
    return direct_properties("gerg2008", gas, p, T)["kappa"]
