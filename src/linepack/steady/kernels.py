"""Pure vectorised kernels of the steady equations: residuals and their exact derivatives.

This module holds linepack's one pipe law (:func:`pipe_coefficients`, :func:`pipe_residual`,
:func:`pipe_derivatives`, with :func:`mean_pressure`, :func:`gravity_terms` and the friction of
:func:`friction_by_law` / :func:`colebrook_warm`), used by the steady system, the transient
system and the batched march alike.

Each kernel takes numpy arrays of plain numbers (SI) and returns the residual of one equation
per element and its partial derivatives with respect to the element's unknowns: inlet pressure
``p1``, outlet pressure ``p2`` [Pa] and mass flow ``q`` [kg/s]. Nothing here knows about names,
units, networks or sparse matrices.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

import numpy as np
from numpy.typing import NDArray

from linepack.gas.friction import RE_LAMINAR, friction_factor

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
G = 9.80665  # standard gravity [m/s²]
#: Below this |s| the gravity factors use their Taylor series.
SMALL_S = 1e-6
_LN10 = math.log(10.0)
#: Bound on the relative error of the warm-started Colebrook root at which the iteration stops,
#: and the most steps (``gas/friction.py`` stops at |Δx| ≤ 1e-15 x, one step later for the
#: same accuracy).
COLEBROOK_ERROR, COLEBROOK_MAXITER = 1e-16, 20

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
    d1, d2 = mean_pressure_slopes(p1, p2)
    return mean_pressure_value(p1, p2), d1, d2


def mean_pressure_value(p1: FloatArray, p2: FloatArray) -> FloatArray:
    """p_m [Pa] of :func:`mean_pressure` alone."""
    s = p1 + p2
    return 2.0 / 3.0 * (s - p1 * p2 / s)


def mean_pressure_slopes(p1: FloatArray, p2: FloatArray) -> tuple[FloatArray, FloatArray]:
    """dp_m/dp1 and dp_m/dp2 [-] of :func:`mean_pressure` alone."""
    s = p1 + p2
    return 2.0 / 3.0 * (1.0 - (p2 / s) ** 2), 2.0 / 3.0 * (1.0 - (p1 / s) ** 2)


def gravity_factors(s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """exp(−s), G(s) = (1 − exp(−s))/s and their derivatives, stable at s → 0.

    Returns
    -------
    tuple of ndarray
        e = exp(−s), de/ds, G(s), dG/ds.
    """
    e, g, em1 = gravity_terms(-s, check=True)
    return e, -e, g, gravity_slope(s, e, em1, check=True)


def gravity_terms(
    neg_s: FloatArray, check: bool = True
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """exp(−s), G(s) = (1 − exp(−s))/s and expm1(−s) from ``neg_s`` = −s.

    Below |s| = :data:`SMALL_S` G takes its Taylor series 1 − s/2 + s²/6.

    Parameters
    ----------
    neg_s : ndarray
        −s [-].
    check : bool
        False when no |s| can be below :data:`SMALL_S` (saves the test).
    """
    e = np.exp(neg_s)
    small = np.abs(neg_s) < SMALL_S if check else None
    if small is None or not small.any():
        em1 = np.expm1(neg_s)
        return e, em1 / neg_s, em1
    s = -neg_s
    s_safe = np.where(small, 1.0, s)
    em1 = np.expm1(-s_safe)
    return e, np.where(small, 1.0 - s / 2 + s * s / 6, -em1 / s_safe), em1


def gravity_slope(s: FloatArray, e: FloatArray, em1: FloatArray, check: bool = True) -> FloatArray:
    """dG/ds [-] from :func:`gravity_terms`' exp(−s) and expm1(−s); −1/2 + s/3 near 0."""
    small = np.abs(s) < SMALL_S if check else None
    if small is None or not small.any():
        return (s * e + em1) / (s * s)
    s_safe = np.where(small, 1.0, s)
    return np.where(small, -0.5 + s / 3, (s_safe * e + em1) / s_safe**2)


# ------------------------------------------------------------------------------ the pipe law
@dataclass(frozen=True)
class PipeConstants:
    """Per-segment constants of the pipe law (:func:`pipe_coefficients`), computed once.

    Attributes
    ----------
    geometry : ndarray
        L/(E² D A²) [1/m⁴] (K = λ Z R_s T × this).
    neg_lift : ndarray
        −2 g Δh [m²/s²] (−s = this / (Z R_s T)).
    rt : ndarray
        R_s T [J/kg].
    re_per_flow : ndarray
        D/(A μ) [s/kg]: Re per kg/s of flow.
    flat : bool
        No segment climbs (s = 0 everywhere: e^{−s} = G = 1).
    small : bool
        Some |s| may be below :data:`SMALL_S` (Z < 10 assumed; a level segment always is).
    """

    geometry: FloatArray
    neg_lift: FloatArray
    rt: FloatArray
    re_per_flow: FloatArray
    flat: bool
    small: bool

    @classmethod
    def of(
        cls,
        *,
        length: FloatArray,
        diameter: FloatArray,
        area: FloatArray,
        efficiency: FloatArray,
        temperature: FloatArray,
        dh: FloatArray,
        viscosity: FloatArray,
        gas_constant: float,
    ) -> PipeConstants:
        """The constants of segments given by their geometry and gas (units as in
        :func:`pipe_segment`)."""
        rt = gas_constant * temperature
        lift = 2.0 * G * dh
        return cls(
            geometry=np.asarray(length / (efficiency**2 * diameter * area**2), np.float64),
            neg_lift=np.asarray(-lift, np.float64),
            rt=np.asarray(rt, np.float64),
            re_per_flow=np.asarray(diameter / (area * viscosity), np.float64),
            flat=not np.any(dh),
            small=bool(np.any(np.abs(lift) < SMALL_S * 10.0 * rt)),
        )


class PipeCoefficients(NamedTuple):
    """The pipe law at one flow and Z: r = p₁² e − p₂² − K φ G (see :func:`pipe_coefficients`).

    ``e``, ``gs`` are the float 1.0 and ``neg_s``, ``em1`` None on a flat network.
    """

    k: FloatArray  # K [Pa² s²/kg²]
    phi: FloatArray  # q|q| smoothed [kg²/s²]
    aq: FloatArray  # smoothed |q| [kg/s]
    neg_s: FloatArray | None  # −s [-]
    e: FloatArray | float  # e^{−s} [-]
    gs: FloatArray | float  # G(s) [-]
    em1: FloatArray | None  # expm1(−s) [-]

    @property
    def kphig(self) -> FloatArray:
        """K φ G [Pa²], the friction term."""
        if self.neg_s is None:
            return np.asarray(self.k * self.phi, np.float64)
        return np.asarray(self.k * self.phi * self.gs, np.float64)


def pipe_coefficients(
    q: FloatArray, z: FloatArray, lam: FloatArray, c: PipeConstants
) -> PipeCoefficients:
    """The flow- and Z-dependent factors of the pipe law of :func:`pipe_segment`.

    Parameters
    ----------
    q : ndarray
        Mass flow [kg/s] (any leading batch dimensions, segments last).
    z : ndarray
        Compressibility at the mean pressure [-].
    lam : ndarray
        Darcy friction factor [-].
    c : PipeConstants
        The segments' constants.

    Returns
    -------
    PipeCoefficients
    """
    aq = np.sqrt(q * q + FLOW_SMOOTHING * FLOW_SMOOTHING)
    zrt = z * c.rt
    k = lam * zrt * c.geometry
    phi = q * aq
    if c.flat:
        return PipeCoefficients(k, phi, aq, None, 1.0, 1.0, None)
    neg_s = c.neg_lift / zrt
    e, gs, em1 = gravity_terms(neg_s, c.small)
    return PipeCoefficients(k, phi, aq, neg_s, e, gs, em1)


def pipe_residual(p1: FloatArray, p2: FloatArray, co: PipeCoefficients) -> FloatArray:
    """r = p₁² e^{−s} − p₂² − K q|q| G(s) [Pa²] (see :func:`pipe_segment`)."""
    p1s = p1 * p1
    if co.neg_s is None:
        return p1s - p2 * p2 - co.k * co.phi
    return p1s * co.e - p2 * p2 - co.k * co.phi * co.gs


def pipe_derivatives(
    p1: FloatArray,
    p2: FloatArray,
    q: FloatArray,
    co: PipeCoefficients,
    *,
    z: FloatArray,
    dz_dpm: FloatArray,
    dpm_dp1: FloatArray,
    dpm_dp2: FloatArray,
    lam: FloatArray,
    dlam_dre: FloatArray,
    c: PipeConstants,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """dr/dp₁ [Pa], dr/dp₂ [Pa] and dr/dq [Pa² s/kg] of :func:`pipe_residual`.

    Through Z (at the mean pressure): K ∝ Z and s ∝ 1/Z, so
    dr/dZ = (p₁² e^{−s} s − K φ (G − s dG/ds)) / Z; through q: φ and λ(Re), Re = |q| D/(A μ).
    """
    aq = co.aq
    daq = q / aq
    dphi = aq + q * daq
    k, phi = co.k, co.phi
    dr_dq_f = dphi + dlam_dre / lam * daq * c.re_per_flow * phi
    if co.neg_s is None:  # e = G = 1, s = 0
        dr_dz = -phi * k / z
        dr_dq = -k * dr_dq_f
        e: FloatArray | float = 1.0
    else:
        assert co.em1 is not None
        s = -co.neg_s
        e = cast(FloatArray, co.e)  # an array where there is a slope
        gs = co.gs
        dgs = gravity_slope(s, e, co.em1, c.small)
        dr_dz = (p1 * p1 * e * s - phi * k * (gs - dgs * s)) / z
        dr_dq = -gs * k * dr_dq_f
    dzp = dr_dz * dz_dpm
    return 2.0 * p1 * e + dzp * dpm_dp1, -2.0 * p2 + dzp * dpm_dp2, dr_dq


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

    This is the one pipe law of linepack, written as three steps that the solvers call
    directly with constants kept per network (:class:`PipeConstants`):
    :func:`pipe_coefficients` (K, q|q|, e^{−s}, G), :func:`pipe_residual` and
    :func:`pipe_derivatives`. The steady system, the transient
    (:class:`linepack.transient.pipelaw.SegmentLaw`) and the batched march
    (:mod:`linepack.steady.march`) all evaluate it through them.

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
    c = PipeConstants.of(
        length=length,
        diameter=diameter,
        area=area,
        efficiency=efficiency,
        temperature=temperature,
        dh=dh,
        viscosity=viscosity,
        gas_constant=gas_constant,
    )
    co = pipe_coefficients(q, z, lam, c)
    d = pipe_derivatives(
        p1,
        p2,
        q,
        co,
        z=z,
        dz_dpm=dz_dpm,
        dpm_dp1=dpm_dp1,
        dpm_dp2=dpm_dp2,
        lam=lam,
        dlam_dre=dlam_dre,
        c=c,
    )
    return pipe_residual(p1, p2, co), *d


# --------------------------------------------------------------------------------- friction
def friction_by_law(
    re: FloatArray,
    groups: Sequence[tuple[str, IntArray]],
    *,
    rel_roughness: FloatArray,
    friction_value: FloatArray,
    diameter: FloatArray,
    colebrook: Callable[[FloatArray], tuple[FloatArray, FloatArray]] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Darcy friction factor [-] of every segment by its law, and dλ/dRe [-].

    Parameters
    ----------
    re : ndarray
        Reynolds number magnitude [-] (any leading batch dimensions, segments last).
    groups : sequence of (str, ndarray of int)
        Each friction law and the segments that use it.
    rel_roughness : ndarray
        k/D [-] per segment (may carry the batch dimensions of ``re``).
    friction_value : ndarray
        λ of the "constant" law [-] per segment.
    diameter : ndarray
        Inside diameter [m] per segment (for "weymouth").
    colebrook : callable, optional
        Replaces :func:`linepack.gas.friction.friction_factor` for the "colebrook" segments
        (``colebrook(re) -> (λ, dλ/dRe)``, e.g. a warm-started iteration, :func:`colebrook_warm`).
    """
    lam = np.empty_like(re)
    dlam = np.empty_like(re)
    for law, idx in groups:
        if law == "colebrook" and colebrook is not None:
            lam[..., idx], dlam[..., idx] = colebrook(re[..., idx])
            continue
        fv = friction_value[idx] if law == "constant" else None
        lam[..., idx], dlam[..., idx] = friction_factor(
            law, re[..., idx], rel_roughness[..., idx], value=fv, diameter=diameter[idx]
        )
    return lam, dlam


def law_groups(laws: Sequence[str] | NDArray[np.str_]) -> list[tuple[str, IntArray]]:
    """Each friction law of ``laws`` (one per segment) and the segments using it."""
    a = np.asarray(laws)
    return [(str(law), np.flatnonzero(a == law)) for law in np.unique(a)]


def colebrook_warm(
    re: FloatArray, a: FloatArray, x: FloatArray | None
) -> tuple[FloatArray, Callable[[], FloatArray], FloatArray]:
    """Colebrook–White λ with the laminar branch of ``gas/friction.py``, started from ``x``.

    Newton on x = 1/√λ of g(x) = x + 2 log10(a + 2.51 x/Re) (increasing and concave, so
    Newton converges from any positive start), stopped as soon as Newton's error bound
    M Δx² (M = max|g''|/(2g') ≤ 0.5/x²) puts the root within :data:`COLEBROOK_ERROR` x (the
    accuracy of :func:`linepack.gas.friction.colebrook`'s rule |Δx| ≤ 1e-15 x, which needs one
    more step to see it). From a previous root one or two steps suffice.

    Parameters
    ----------
    re : ndarray
        Reynolds number magnitude [-].
    a : ndarray
        (k/D)/3.7 [-] per segment.
    x : ndarray or None
        Start: the previous call's roots, or None (Swamee–Jain).

    Returns
    -------
    tuple
        λ [-], a function giving dλ/dRe [-], and the roots x (the next call's start).
    """
    re_min = float(re.min())
    r = re if re_min >= RE_LAMINAR else np.maximum(re, RE_LAMINAR)
    c = 2.51 / r
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
    root = x
    lam_t = 1.0 / (x * x)
    # λ = max(64/Re, turbulent(max(Re, 2320))), turbulent value frozen below 2320
    turbulent = re_min >= RE_LAMINAR and 64.0 / re_min <= float(lam_t.min())
    lam_l = lam_t if turbulent else 64.0 / re
    laminar = np.zeros(0, dtype=bool) if turbulent else lam_l > lam_t

    def slope() -> FloatArray:
        # implicit differentiation of g(x, Re) = 0: dx/dRe = −g_Re/g_x, dλ = −2 x⁻³ dx
        s = a + c * root
        dlam_t = (2.0 * (-c2 * root / (r * s)) / (1.0 + c2 / s)) * lam_t / root
        if turbulent:
            return dlam_t
        dlam_t = np.where(re < RE_LAMINAR, 0.0, dlam_t)
        return np.where(laminar, -lam_l / re, dlam_t)

    if turbulent:
        return lam_t, slope, root
    return np.where(laminar, lam_l, lam_t), slope, root


def compression_power(
    q: FloatArray,
    ps: FloatArray,
    pd: FloatArray,
    *,
    z: FloatArray,
    dz_dps: FloatArray,
    temperature: float | FloatArray,
    gas_constant: float,
    kappa: float | FloatArray,
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
    temperature : float or ndarray
        Suction temperature [K] (an array: one per station).
    gas_constant : float
        [J/(kg K)].
    kappa : float or ndarray
        Isentropic exponent [-] (an array broadcasts, e.g. one per scenario of a batch).
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
