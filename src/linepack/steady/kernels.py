"""Pure vectorised kernels of the steady equations: residuals and their exact derivatives.

Each kernel takes numpy arrays of plain numbers (SI) and returns the residual of one equation
per element and its partial derivatives with respect to the element's unknowns: inlet pressure
``p1``, outlet pressure ``p2`` [Pa] and mass flow ``q`` [kg/s]. Nothing here knows about names,
units, networks or sparse matrices.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
G = 9.80665  # standard gravity [m/s²]

#: Flow scale [kg/s] of the smooth |q| used at zero flow: q|q| ≈ q·sqrt(q² + δ²).
FLOW_SMOOTHING = 1e-6


def smooth_abs(q: FloatArray, delta: float = FLOW_SMOOTHING) -> tuple[FloatArray, FloatArray]:
    """Smooth |q| = sqrt(q² + δ²) and its derivative; keeps Jacobians regular at zero flow.

    Parameters
    ----------
    q : ndarray
        Mass flow [kg/s].
    delta : float
        Smoothing scale [kg/s]; its relative effect is (δ/q)²/2, below 1e-12 for q > 1e-3 kg/s.

    Returns
    -------
    tuple of ndarray
        sqrt(q² + δ²) [kg/s] and its derivative with respect to q [-].
    """
    a = np.sqrt(q * q + delta * delta)
    return a, q / a


def mean_pressure(p1: FloatArray, p2: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean pressure of a pipe segment, p_m = 2/3 (p1 + p2 − p1 p2 / (p1 + p2)).

    Returns
    -------
    tuple of ndarray
        p_m [Pa] and its derivatives with respect to p1 and p2 [-].
    """
    s = p1 + p2
    pm = 2.0 / 3.0 * (s - p1 * p2 / s)
    d1 = 2.0 / 3.0 * (1.0 - (p2 / s) ** 2)
    d2 = 2.0 / 3.0 * (1.0 - (p1 / s) ** 2)
    return pm, d1, d2


def gravity_factors(s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """exp(−s), G(s) = (1 − exp(−s))/s and their derivatives, stable at s → 0.

    Returns
    -------
    tuple of ndarray
        e = exp(−s), de/ds, G(s), dG/ds.
    """
    e = np.exp(-s)
    small = np.abs(s) < 1e-6
    s_safe = np.where(small, 1.0, s)
    g = np.where(small, 1.0 - s / 2 + s * s / 6, -np.expm1(-s_safe) / s_safe)
    dg = np.where(small, -0.5 + s / 3, (s_safe * e + np.expm1(-s_safe)) / s_safe**2)
    return e, -e, g, dg


def pipe_segment(
    p1: FloatArray,
    p2: FloatArray,
    q: FloatArray,
    *,
    z: FloatArray,
    dz_dpm: FloatArray,
    dpm_dp1: FloatArray,
    dpm_dp2: FloatArray,
    lam: FloatArray,
    dlam_dre: FloatArray,
    length: FloatArray,
    diameter: FloatArray,
    area: FloatArray,
    efficiency: FloatArray,
    temperature: FloatArray,
    dh: FloatArray,
    viscosity: FloatArray,
    gas_constant: float,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Steady isothermal flow in an inclined pipe segment with mean compressibility.

    The residual is

    .. math:: r = p_1^2 e^{-s} - p_2^2 - K\\,q\\,|q|\\,\\frac{1 - e^{-s}}{s},\\quad
              K = \\frac{\\lambda Z R_s T L}{E^2 D A^2},\\quad s = \\frac{2 g\\,\\Delta h}{Z R_s T}

    which is the exact solution of the momentum balance for an ideal gas (constant Z) with
    friction and gravity on a uniform slope; with real gas, Z is taken at the segment's mean
    pressure, so accuracy grows as segments shrink.

    Parameters
    ----------
    p1, p2 : ndarray
        Inlet and outlet pressure [Pa].
    q : ndarray
        Mass flow [kg/s], positive from inlet to outlet.
    z, dz_dpm : ndarray
        Compressibility at the mean pressure [-] and its derivative [1/Pa].
    dpm_dp1, dpm_dp2 : ndarray
        Derivatives of the mean pressure [-].
    lam, dlam_dre : ndarray
        Darcy friction factor [-] and its derivative with respect to Re [-].
    length, diameter, area : ndarray
        [m], [m], [m²].
    efficiency : ndarray
        Pipeline efficiency E [-].
    temperature : ndarray
        Gas temperature [K].
    dh : ndarray
        Elevation gain from inlet to outlet [m].
    viscosity : ndarray
        Dynamic viscosity [Pa s].
    gas_constant : float
        Specific gas constant [J/(kg K)].

    Returns
    -------
    tuple of ndarray
        r [Pa²] and dr/dp1 [Pa], dr/dp2 [Pa], dr/dq [Pa² s/kg].
    """
    zrt = z * gas_constant * temperature
    k = lam * zrt * length / (efficiency**2 * diameter * area**2)
    aq, daq = smooth_abs(q)
    phi = q * aq
    dphi = aq + q * daq
    dre_dq = daq * diameter / (area * viscosity)
    if not np.any(dh):
        # level segments: s = 0, e^{-s} = 1, G = 1 (the general branch gives the same numbers)
        r = p1 * p1 - p2 * p2 - k * phi
        dr_dz = -phi * (k / z)
        dr_dq = -(k * dphi + k / lam * dlam_dre * dre_dq * phi)
        return r, 2.0 * p1 + dr_dz * dz_dpm * dpm_dp1, -2.0 * p2 + dr_dz * dz_dpm * dpm_dp2, dr_dq
    s = 2.0 * G * dh / zrt
    e, de, gs, dgs = gravity_factors(s)
    r = p1 * p1 * e - p2 * p2 - k * phi * gs
    # through Z: s ∝ 1/Z, K ∝ Z
    ds_dz = -s / z
    dr_dz = p1 * p1 * de * ds_dz - phi * (k / z * gs + k * dgs * ds_dz)
    dr_dq = -gs * (k * dphi + k / lam * dlam_dre * dre_dq * phi)
    dr_dp1 = 2.0 * p1 * e + dr_dz * dz_dpm * dpm_dp1
    dr_dp2 = -2.0 * p2 + dr_dz * dz_dpm * dpm_dp2
    return r, dr_dp1, dr_dp2, dr_dq


def compression_power(
    q: FloatArray,
    ps: FloatArray,
    pd: FloatArray,
    *,
    z: FloatArray,
    dz_dps: FloatArray,
    temperature: float,
    gas_constant: float,
    kappa: float,
    efficiency: FloatArray,
    polytropic: NDArray[np.bool_],
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Shaft power of real-gas compression, polytropic or isentropic head with efficiency.

    .. math:: P = \\frac{q\\,Z_s R_s T_s}{\\eta\\,e}\\left(r^{e} - 1\\right),\\quad r = p_d/p_s

    with e = (κ − 1)/(κ η) (polytropic) or e = (κ − 1)/κ (isentropic).

    Parameters
    ----------
    q : ndarray
        Mass flow through the station [kg/s].
    ps, pd : ndarray
        Suction and discharge pressure [Pa].
    z, dz_dps : ndarray
        Compressibility at suction [-] and its pressure derivative [1/Pa].
    temperature : float
        Suction temperature [K].
    gas_constant : float
        [J/(kg K)].
    kappa : float
        Isentropic exponent [-].
    efficiency : ndarray
        Polytropic or isentropic efficiency [-].
    polytropic : ndarray of bool
        Which head each station uses.

    Returns
    -------
    tuple of ndarray
        Power [W] and dP/dq [J/kg], dP/dps [W/Pa], dP/dpd [W/Pa].
    """
    ex = np.where(polytropic, (kappa - 1.0) / (kappa * efficiency), (kappa - 1.0) / kappa)
    c = gas_constant * temperature / (efficiency * ex)
    r = pd / ps
    rx = r**ex
    head = c * z * (rx - 1.0)
    power = q * head
    dr_dps = -pd / ps**2
    dr_dpd = 1.0 / ps
    dhead_dr = c * z * ex * rx / r
    dhead_dps = c * dz_dps * (rx - 1.0) + dhead_dr * dr_dps
    return power, head, q * dhead_dps, q * dhead_dr * dr_dpd


def resistor_drag(
    p1: FloatArray,
    p2: FloatArray,
    q: FloatArray,
    *,
    zeta: FloatArray,
    area: FloatArray,
    z: FloatArray,
    dz_dp1: FloatArray,
    temperature: float,
    gas_constant: float,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Local loss Δp = ζ q|q| / (2 ρ₁ A²) with the inlet density ρ₁ = p₁ / (Z R_s T).

    Returns
    -------
    tuple of ndarray
        r [Pa] and dr/dp1 [-], dr/dp2 [-], dr/dq [Pa s/kg].
    """
    aq, daq = smooth_abs(q)
    phi = q * aq
    inv_rho = z * gas_constant * temperature / p1
    dinv_rho = gas_constant * temperature * (dz_dp1 * p1 - z) / p1**2
    c = zeta / (2.0 * area**2)
    r = p1 - p2 - c * phi * inv_rho
    return r, 1.0 - c * phi * dinv_rho, -np.ones_like(p2), -c * (aq + q * daq) * inv_rho


def resistor_fixed(
    p1: FloatArray, p2: FloatArray, q: FloatArray, *, loss: FloatArray, flow_scale: float = 1e-3
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Fixed pressure loss in the direction of flow: Δp = loss · q / sqrt(q² + δ²).

    Returns
    -------
    tuple of ndarray
        r [Pa] and dr/dp1, dr/dp2 [-], dr/dq [Pa s/kg].
    """
    aq, _ = smooth_abs(q, flow_scale)
    sgn = q / aq
    dsgn = flow_scale**2 / aq**3
    return p1 - p2 - loss * sgn, np.ones_like(p1), -np.ones_like(p2), -loss * dsgn
