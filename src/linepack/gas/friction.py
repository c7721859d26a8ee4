"""Darcy friction factors and gas pipeline flow equations (SI, vectorised).

Every friction factor here is the **Darcy** (Darcy–Weisbach, Moody) factor λ, four times
the Fanning factor, defined by the pressure gradient ``-dp/dx = λ ρ v² / (2 D)``.

Each friction law returns a pair ``(lam, dlam_dre)``: λ [-] and its exact derivative with
respect to the Reynolds number, dλ/dRe [-] (zero for laws independent of Re), so that the
steady Newton solver can assemble exact Jacobians.  Inputs broadcast like numpy arrays;
``re`` is the magnitude |Re| = 4|ṁ|/(π D μ) ≥ 0.

Laminar branch: every Re-dependent law (``colebrook``, ``swamee_jain``, ``hofer``,
``panhandle_a_lambda``, ``panhandle_b_lambda``) returns λ = max(64/Re, λ_t(max(Re, 2320))):
the Hagen–Poiseuille value 64/Re at low Re (dλ/dRe = −64/Re²), the turbulent law above
RE_LAMINAR = 2320, and in between the turbulent value at 2320 until 64/Re exceeds it. λ is
thus *continuous* in Re (a jump at 2320 makes Newton's method cycle on networks with nearly
idle pipes) and λ·Re stays finite as the flow goes to zero, so the pipe resistance keeps a
finite slope at zero flow (at Re = 0 exactly, λ = +inf and the caller must use λ·Re = 64).
This is a simple bridge, not a model of the transition region.
The laws without Re (``nikuradse``, ``aga_fully_turbulent``, ``constant``,
``weymouth_lambda``) have no laminar branch.

Gas flow equations: the isothermal flow equation of a horizontal pipe, neglecting the
kinetic-energy term, with standard volumetric flow Q = ṁ/ρs, ρs = Ps M/(R Ts), M = SG·M_air::

    P1² − P2² = 16 λ L Z R T ṁ² / (π² D⁵ M)
    Q = (π/4) (Ts/Ps) √(R/M_air) √((P1² − P2²) / (L SG Tavg Zavg λ)) D^2.5      (general)

Menon (2005) writes it with the transmission factor F = 2/√λ.  The Weymouth and Panhandle
equations are this equation with an empirical F; see :func:`weymouth_lambda` and
:func:`panhandle_a_lambda` for the equivalent λ.  Pipeline efficiency E multiplies F, i.e.
the caller uses λ/E² in the general equation.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from linepack.errors import CaseError, PropertyRangeError

FloatArray = NDArray[np.float64]
Pair = tuple[FloatArray, FloatArray]

RE_LAMINAR = 2320.0
"""Reynolds number below which the Re-dependent laws return 64/Re [-]."""
R_UNIVERSAL = 8.314462618
"""Molar gas constant [J/(mol K)] (CODATA 2018, exact)."""
M_AIR = 28.96546e-3
"""Molar mass of dry air [kg/mol] (ISO 6976:2016); relates SG to the molar mass."""
T_STANDARD = 288.7
"""Default standard temperature of the flow equations [K] (60 °F, as in ``fluids``)."""
P_STANDARD = 101325.0
"""Default standard pressure of the flow equations [Pa]."""
PANHANDLE_MU_REF = 1.1e-5
"""Reference dynamic viscosity [Pa s] turning Menon's Q·G/D into Re for the Panhandle λ."""

FRICTION_LAWS = (
    "colebrook",
    "swamee-jain",
    "hofer",
    "nikuradse",
    "aga",
    "constant",
    "weymouth",
    "panhandle-a",
    "panhandle-b",
)
"""Law names understood by :func:`friction_factor`."""

_LN10 = math.log(10.0)
_COLEBROOK_MAXITER = 20
_COLEBROOK_RTOL = 1e-15


def _menon_si(c: float, c_ts: float, c3: float, c4: float) -> float:
    """Convert a Menon (2005) SI-practical constant to base SI.

    Menon's form is Q [m³/day] = c E (Ts/Ps[kPa])^c_ts [(P1²−P2²)[kPa²]/(... L[km] ...)]^c3
    D[mm]^c4; the base-SI constant gives Q [m³/s] from Pa, m and m.
    """
    return float(c / 86400.0 * 1e3**c_ts * (1e-6 * 1e3) ** c3 * 1e3**c4)


# (constant, Ts/Ps exponent, SG exponent inside the bracket, bracket exponent, D exponent)
_WEYMOUTH = (_menon_si(3.7435e-3, 1.0, 0.5, 2.667), 1.0, 1.0, 0.5, 2.667)
_PANHANDLE_A = (_menon_si(4.5965e-3, 1.0788, 0.5394, 2.6182), 1.0788, 0.8539, 0.5394, 2.6182)
_PANHANDLE_B = (_menon_si(1.002e-2, 1.02, 0.51, 2.53), 1.02, 0.961, 0.51, 2.53)

# General equation Q = _K_GENERAL (Ts/Ps) sqrt(X/(SG λ)) D^2.5 and Re = _K_RE SG Q/(D μ),
# both at the default standard conditions for the Re constant.
_K_GENERAL = math.pi / 4.0 * math.sqrt(R_UNIVERSAL / M_AIR)
_K_RE = 4.0 * P_STANDARD * M_AIR / (math.pi * R_UNIVERSAL * T_STANDARD)

# Weymouth: λ = A D^(-2 (c4 - 2.5)); Panhandle: λ = A Re^(-b), b = 2 (1 - 1/(2 c3)).
_WEYMOUTH_A = _K_GENERAL**2 / _WEYMOUTH[0] ** 2
_WEYMOUTH_EXP = 2.0 * (_WEYMOUTH[4] - 2.5)


def _panhandle_constants(c: float, c3: float) -> tuple[float, float]:
    b = 2.0 * (1.0 - 1.0 / (2.0 * c3))
    a = _K_GENERAL**2 * (_K_RE / PANHANDLE_MU_REF) ** b / c ** (1.0 / c3)
    return a, b


_PANHANDLE_A_LAW = _panhandle_constants(_PANHANDLE_A[0], _PANHANDLE_A[3])
_PANHANDLE_B_LAW = _panhandle_constants(_PANHANDLE_B[0], _PANHANDLE_B[3])


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _with_laminar(re: ArrayLike, turbulent: Callable[[FloatArray], Pair]) -> Pair:
    """λ = max(64/Re, turbulent(max(Re, RE_LAMINAR))): continuous, laminar at low Re."""
    r = _f(re)
    if np.any(r < 0.0) or np.any(np.isnan(r)):
        raise PropertyRangeError(
            "Reynolds number must be a non-negative magnitude |Re|",
            model="friction",
            quantity="reynolds",
            value=math.nan if np.any(np.isnan(r)) else float(r.min()),
            low=0.0,
        )
    lam_t, dlam_t = turbulent(np.maximum(r, RE_LAMINAR))
    with np.errstate(divide="ignore", invalid="ignore"):
        lam_l = 64.0 / r
        dlam_l = -lam_l / r
    laminar = lam_l > lam_t
    frozen = r < RE_LAMINAR  # turbulent value held at RE_LAMINAR: no Re dependence
    dlam_t = np.where(frozen, 0.0, dlam_t)
    return np.where(laminar, lam_l, lam_t), np.where(laminar, dlam_l, dlam_t)


def _quarter_inv_log10_sq(u: FloatArray, du: FloatArray) -> Pair:
    """λ = 0.25 / log10(u)² and dλ = −0.5 du / (u ln10 log10(u)³)."""
    lg = np.log10(u)
    return 0.25 / (lg * lg), -0.5 * du / (u * _LN10 * lg * lg * lg)  # lg**3 is 10x slower


def swamee_jain(re: ArrayLike, rel_roughness: ArrayLike) -> Pair:
    """Swamee–Jain explicit approximation of Colebrook, with laminar branch.

    λ = 0.25 / [log10(ε/3.7 + 5.74/Re^0.9)]²  (Re ≥ 2320), λ = 64/Re below.

    Parameters
    ----------
    re : array_like
        Reynolds number magnitude |Re| ≥ 0 [-].
    rel_roughness : array_like
        Relative roughness ε = k/D [-].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe [-].

    Notes
    -----
    Swamee, P. K. and Jain, A. K. (1976), "Explicit equations for pipe-flow problems",
    J. Hydraulics Div. ASCE 102(5), 657–664.  Within about 1 % of Colebrook.  ``fluids``
    writes the term as (6.97/Re)^0.9 = 5.73995/Re^0.9 (Winning & Coole 2013), about 1e-6
    relative away from the published 5.74 used here.
    """
    eps = _f(rel_roughness)

    def turb(r: FloatArray) -> Pair:
        u = eps / 3.7 + 5.74 * r**-0.9
        return _quarter_inv_log10_sq(u, -0.9 * 5.74 * r**-1.9)

    return _with_laminar(re, turb)


def hofer(re: ArrayLike, rel_roughness: ArrayLike) -> Pair:
    """Hofer explicit approximation of Colebrook, as used in gas-network models.

    λ = [−2 log10(4.518/Re · log10(Re/7) + ε/3.71)]⁻²  (Re ≥ 2320), λ = 64/Re below.

    Parameters
    ----------
    re : array_like
        Reynolds number magnitude |Re| ≥ 0 [-].
    rel_roughness : array_like
        Relative roughness ε = k/D [-].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe [-].

    Notes
    -----
    Hofer, P. (1973), "Beurteilung von Fehlern in Rohrnetzberechnungen", GWF Gas/Erdgas
    114(3), 113–119; in the form of Koch, T. et al. (eds.) (2015), *Evaluating Gas Network
    Capacities*, SIAM.
    """
    eps = _f(rel_roughness)

    def turb(r: FloatArray) -> Pair:
        lg7 = np.log10(r / 7.0)
        u = 4.518 / r * lg7 + eps / 3.71
        return _quarter_inv_log10_sq(u, 4.518 / r**2 * (1.0 / _LN10 - lg7))

    return _with_laminar(re, turb)


def colebrook(re: ArrayLike, rel_roughness: ArrayLike) -> Pair:
    """Colebrook–White friction factor solved to machine precision, with laminar branch.

    1/√λ = −2 log10(ε/3.7 + 2.51/(Re √λ))  (Re ≥ 2320), λ = 64/Re below.

    Parameters
    ----------
    re : array_like
        Reynolds number magnitude |Re| ≥ 0 [-].
    rel_roughness : array_like
        Relative roughness ε = k/D ≥ 0 [-].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe [-].

    Notes
    -----
    Colebrook, C. F. (1939), "Turbulent flow in pipes, with particular reference to the
    transition region between the smooth and rough pipe laws", J. Inst. Civil Eng. 11(4),
    133–156.  Newton's method on x = 1/√λ, g(x) = x + 2 log10(ε/3.7 + 2.51 x/Re) = 0, started
    from Swamee–Jain; g is increasing and concave, so after the first step the iterates rise
    monotonically to the root.  It stops when every |Δx| ≤ 1e-15 x (at most 20 steps; three
    or four suffice).  The derivative is exact by implicit differentiation:
    dx/dRe = −g_Re/g_x with s = ε/3.7 + 2.51 x/Re, g_x = 1 + 2·2.51/(Re s ln10),
    g_Re = −2·2.51 x/(Re² s ln10), and dλ/dRe = −2 x⁻³ dx/dRe.
    """
    eps = _f(rel_roughness)

    def turb(r: FloatArray) -> Pair:
        r, e = np.broadcast_arrays(r, eps)
        a = e / 3.7
        c = 2.51 / r
        x = -2.0 * np.log10(a + 5.74 * r**-0.9)  # 1/sqrt(lambda) of Swamee-Jain
        for _ in range(_COLEBROOK_MAXITER):
            s = a + c * x
            dx = (x + 2.0 * np.log10(s)) / (1.0 + 2.0 * c / (s * _LN10))
            x = x - dx
            if np.all(np.abs(dx) <= _COLEBROOK_RTOL * x):
                break
        s = a + c * x
        g_x = 1.0 + 2.0 * c / (s * _LN10)
        g_re = -2.0 * c * x / (r * s * _LN10)
        return x**-2, 2.0 * x**-3 * g_re / g_x

    return _with_laminar(re, turb)


def nikuradse(rel_roughness: ArrayLike) -> Pair:
    """Nikuradse rough-pipe law in the gas-network form.

    λ = (2 log10(1/ε) + 1.138)⁻², independent of Re (no laminar branch).

    Parameters
    ----------
    rel_roughness : array_like
        Relative roughness ε = k/D > 0 [-].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe = 0.

    Notes
    -----
    Nikuradse, J. (1933), "Strömungsgesetze in rauhen Rohren", VDI-Forschungsheft 361; form
    of Koch, T. et al. (eds.) (2015), *Evaluating Gas Network Capacities*, SIAM
    (1.138 ≈ 2 log10 3.71).
    """
    eps = _f(rel_roughness)
    with np.errstate(divide="ignore"):
        lam = _f((-2.0 * np.log10(eps) + 1.138) ** -2)
    return lam, np.zeros_like(lam)


def aga_fully_turbulent(rel_roughness: ArrayLike) -> Pair:
    """AGA fully turbulent (rough-pipe) friction factor, converted to Darcy.

    AGA: F = 4 log10(3.7/ε) with the transmission factor F = 1/√f_Fanning = 2/√λ, so
    λ = (2 log10(3.7/ε))⁻² — the von Kármán rough-pipe limit of Colebrook.

    Parameters
    ----------
    rel_roughness : array_like
        Relative roughness ε = k/D > 0 [-].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe = 0.

    Notes
    -----
    American Gas Association (1965), NB-13 "Steady flow in gas pipelines"; as given by
    Menon, E. S. (2005), *Gas Pipeline Hydraulics*, CRC Press.
    """
    eps = _f(rel_roughness)
    with np.errstate(divide="ignore"):
        lam = _f((2.0 * np.log10(3.7 / eps)) ** -2)
    return lam, np.zeros_like(lam)


def constant(value: ArrayLike) -> Pair:
    """A constant Darcy friction factor λ = value > 0 [-], dλ/dRe = 0.

    Raises
    ------
    CaseError
        If any value is not a finite positive number.
    """
    lam = _f(value)
    if not np.all(np.isfinite(lam) & (lam > 0.0)):
        raise CaseError(
            "constant friction factor must be finite and positive",
            key="friction_factor",
            value=value,
            expected="a Darcy friction factor > 0",
        )
    return lam.copy(), np.zeros_like(lam)


def weymouth_lambda(diameter: ArrayLike) -> Pair:
    """Darcy friction factor equivalent to the Weymouth equation (at E = 1).

    λ = A D^−0.334 with A = (π/4)² (R/M_air) / C_W² ≈ 0.0093887 (D in m), C_W the base-SI
    constant of :func:`weymouth_flow`.

    Parameters
    ----------
    diameter : array_like
        Inside diameter D [m].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe = 0.

    Notes
    -----
    Menon's Weymouth transmission factor is F = 11.18 (D/in)^(1/6) = 2/√λ, i.e. the
    Weymouth flow equation is the general flow equation (module docstring) with this F.
    Equating the base-SI Weymouth form Q = C_W E (Ts/Ps) [(P1²−P2²)/(L SG T Z)]^0.5 D^2.667
    with the general one gives 1/√λ = C_W D^0.167 / ((π/4)√(R/M_air)); the exponent
    2·0.167 = 0.334 keeps Menon's rounded 2.667 so that the equations agree exactly.
    Efficiency: the caller uses λ/E², which reproduces the Weymouth equation for any E.
    """
    d = _f(diameter)
    lam = _f(_WEYMOUTH_A * d**-_WEYMOUTH_EXP)
    return lam, np.zeros_like(lam)


def _power_law(re: ArrayLike, law: tuple[float, float]) -> Pair:
    a, b = law

    def turb(r: FloatArray) -> Pair:
        lam = a * r**-b
        return lam, -b * lam / r

    return _with_laminar(re, turb)


def panhandle_a_lambda(re: ArrayLike) -> Pair:
    """Darcy friction factor equivalent to the Panhandle A equation (at E = 1).

    λ = A Re^−b, b = 2 − 1/0.5394 ≈ 0.146088, A ≈ 0.08402 (Re ≥ 2320); 64/Re below.

    Parameters
    ----------
    re : array_like
        Reynolds number magnitude |Re| ≥ 0 [-].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe [-].

    Notes
    -----
    Menon (2005) gives F = 7.2111 E (Q G/D)^0.07305 (Q in ft³/day, D in in).  Since
    Re = k SG Q/(D μ) with k = 4 Ps M_air/(π R Ts), a power law F ∝ Re^a, a = b/2, put into
    the general flow equation gives Q^(1−a) ∝ E (Ts/Ps) X^0.5 SG^(a−0.5) D^(2.5−a) with
    X = (P1²−P2²)/(L T Z).  Matching the Panhandle A exponents (Ts/Ps)^1.0788, X^0.5394 and
    D^2.6182 fixes 1/(1−a) = 1.0788 and all three agree; then
    A = (π/4)² (R/M_air) (k/μ_ref)^b / C_A^(1/0.5394), C_A the base-SI constant of
    :func:`panhandle_a_flow`, evaluated at Ts = 288.7 K, Ps = 101325 Pa and
    μ_ref = ``PANHANDLE_MU_REF`` = 1.1e-5 Pa s.  Consequences, all exact:

    * the implied SG exponent is 0.4606 against the rounded 0.8539·0.5394 = 0.46059366 of the
      flow equation, a factor SG^−6.34e-6 in Q (2.3e-6 at SG = 0.693);
    * the empirical equation has no viscosity: for a gas of viscosity μ pass
      Re·μ/μ_ref = 4ṁ/(π D μ_ref) to reproduce it; with the true Re, λ ∝ μ^0.146;
    * efficiency as λ/E² gives Q ∝ E^1.0788 instead of E¹: use E^(1/1.0788) for an exact match;
    * the equation's (Ts/Ps)^1.0788 is matched at the default Ts, Ps only.
    """
    return _power_law(re, _PANHANDLE_A_LAW)


def panhandle_b_lambda(re: ArrayLike) -> Pair:
    """Darcy friction factor equivalent to the Panhandle B equation (at E = 1).

    λ = A Re^−b, b = 2 − 1/0.51 ≈ 0.039216, A ≈ 0.01469 (Re ≥ 2320); 64/Re below.

    Parameters
    ----------
    re : array_like
        Reynolds number magnitude |Re| ≥ 0 [-].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe [-].

    Notes
    -----
    Menon (2005) gives F = 16.70 E (Q G/D)^0.01961.  Derived as in
    :func:`panhandle_a_lambda` with the exponents 1.02, 0.51, 2.53 (all matched) and
    A = (π/4)² (R/M_air) (k/μ_ref)^b / C_B^(1/0.51).  The implied SG exponent is 0.49 against
    0.961·0.51 = 0.49011 (a factor SG^−1.1e-4 in Q); λ/E² gives Q ∝ E^1.02 (use E^(1/1.02) to
    match exactly); the viscosity and standard-condition remarks of Panhandle A apply.
    """
    return _power_law(re, _PANHANDLE_B_LAW)


def friction_factor(
    law: str,
    re: ArrayLike,
    rel_roughness: ArrayLike,
    *,
    value: ArrayLike | None = None,
    diameter: ArrayLike | None = None,
) -> Pair:
    """Darcy friction factor and dλ/dRe by law name, broadcast to ``re`` and ``rel_roughness``.

    Parameters
    ----------
    law : str
        One of ``FRICTION_LAWS``: "colebrook", "swamee-jain", "hofer", "nikuradse", "aga",
        "constant", "weymouth", "panhandle-a", "panhandle-b".
    re : array_like
        Reynolds number magnitude |Re| ≥ 0 [-].
    rel_roughness : array_like
        Relative roughness k/D [-] (ignored by the laws without roughness).
    value : array_like, optional
        The friction factor for "constant" [-].
    diameter : array_like, optional
        Inside diameter for "weymouth" [m].

    Returns
    -------
    lam, dlam_dre : ndarray
        Darcy friction factor λ [-] and dλ/dRe [-].  For "weymouth", "panhandle-a" and
        "panhandle-b" the pipeline efficiency is applied by the caller as λ/E².

    Raises
    ------
    CaseError
        Unknown law (``key="friction"``), or "constant" without ``value`` or "weymouth"
        without ``diameter``.
    """
    name = law.strip().lower() if isinstance(law, str) else ""
    if name == "colebrook":
        lam, dlam = colebrook(re, rel_roughness)
    elif name == "swamee-jain":
        lam, dlam = swamee_jain(re, rel_roughness)
    elif name == "hofer":
        lam, dlam = hofer(re, rel_roughness)
    elif name == "panhandle-a":
        lam, dlam = panhandle_a_lambda(re)
    elif name == "panhandle-b":
        lam, dlam = panhandle_b_lambda(re)
    elif name == "nikuradse":
        lam, dlam = nikuradse(rel_roughness)
    elif name == "aga":
        lam, dlam = aga_fully_turbulent(rel_roughness)
    elif name in ("constant", "weymouth"):
        extra, key = (value, "value") if name == "constant" else (diameter, "diameter")
        if extra is None:
            raise CaseError(
                f"friction law '{name}' needs {key}=", key="friction", value=law, expected=key
            )
        lam, dlam = constant(extra) if name == "constant" else weymouth_lambda(extra)
    else:
        raise CaseError(
            "unknown friction law", key="friction", value=law, expected=", ".join(FRICTION_LAWS)
        )
    shape = np.broadcast_shapes(np.shape(re), np.shape(rel_roughness), lam.shape)
    return np.broadcast_to(lam, shape).copy(), np.broadcast_to(dlam, shape).copy()


def _flow(
    coeffs: tuple[float, float, float, float, float],
    SG: ArrayLike,
    Tavg: ArrayLike,
    L: ArrayLike,
    D: ArrayLike,
    P1: ArrayLike,
    P2: ArrayLike,
    Ts: ArrayLike,
    Ps: ArrayLike,
    Zavg: ArrayLike,
    E: ArrayLike,
) -> FloatArray:
    """Q = sign·C E (Ts/Ps)^c_ts [|P1²−P2²|/(L SG^c_sg Tavg Zavg)]^c3 D^c4."""
    c, c_ts, c_sg, c3, c4 = coeffs
    p1, p2 = _f(P1), _f(P2)
    dp2 = p1**2 - p2**2
    bracket = np.abs(dp2) / (_f(L) * _f(SG) ** c_sg * _f(Tavg) * _f(Zavg))
    return np.sign(dp2) * c * _f(E) * (_f(Ts) / _f(Ps)) ** c_ts * bracket**c3 * _f(D) ** c4


_FLOW_DOC = """Standard volumetric flow by the {name} equation, in base SI.

    Q = {c:.8g} E (Ts/Ps)^{c_ts:g} [(P1² − P2²)/(L SG^{c_sg:g} Tavg Zavg)]^{c3:g} D^{c4:g}

    Same signature, defaults and results as ``fluids.{fluids}`` (v1.3.1) when solving for Q;
    the flow is signed (negative when P2 > P1).

    Parameters
    ----------
    SG : array_like
        Specific gravity of the gas with respect to air [-].
    Tavg : array_like
        Average gas temperature in the pipe [K].
    L : array_like
        Pipe length [m].
    D : array_like
        Inside diameter [m].
    P1, P2 : array_like
        Inlet and outlet pressures [Pa].
    Ts, Ps : array_like, optional
        Standard temperature [K] and pressure [Pa] of Q (288.7 K, 101325 Pa).
    Zavg : array_like, optional
        Average compressibility factor [-] (1).
    E : array_like, optional
        Pipeline efficiency [-] (0.92).

    Returns
    -------
    Q : ndarray
        Flow at standard conditions Ts, Ps [m³/s].

    Notes
    -----
    Menon, E. S. (2005), *Gas Pipeline Hydraulics*, CRC Press: SI form with constant
    {menon:g} for Q [m³/day], P [kPa], L [km], D [mm]; converted here to base SI.
    Equivalent Darcy friction factor: :func:`{lam}`.
    """


def weymouth_flow(
    SG: ArrayLike,
    Tavg: ArrayLike,
    L: ArrayLike,
    D: ArrayLike,
    P1: ArrayLike,
    P2: ArrayLike,
    Ts: ArrayLike = T_STANDARD,
    Ps: ArrayLike = P_STANDARD,
    Zavg: ArrayLike = 1.0,
    E: ArrayLike = 0.92,
) -> FloatArray:
    return _flow(_WEYMOUTH, SG, Tavg, L, D, P1, P2, Ts, Ps, Zavg, E)


def panhandle_a_flow(
    SG: ArrayLike,
    Tavg: ArrayLike,
    L: ArrayLike,
    D: ArrayLike,
    P1: ArrayLike,
    P2: ArrayLike,
    Ts: ArrayLike = T_STANDARD,
    Ps: ArrayLike = P_STANDARD,
    Zavg: ArrayLike = 1.0,
    E: ArrayLike = 0.92,
) -> FloatArray:
    return _flow(_PANHANDLE_A, SG, Tavg, L, D, P1, P2, Ts, Ps, Zavg, E)


def panhandle_b_flow(
    SG: ArrayLike,
    Tavg: ArrayLike,
    L: ArrayLike,
    D: ArrayLike,
    P1: ArrayLike,
    P2: ArrayLike,
    Ts: ArrayLike = T_STANDARD,
    Ps: ArrayLike = P_STANDARD,
    Zavg: ArrayLike = 1.0,
    E: ArrayLike = 0.92,
) -> FloatArray:
    return _flow(_PANHANDLE_B, SG, Tavg, L, D, P1, P2, Ts, Ps, Zavg, E)


for _fn, _co, _name, _fl, _menon, _lam in (
    (weymouth_flow, _WEYMOUTH, "Weymouth", "Weymouth", 3.7435e-3, "weymouth_lambda"),
    (panhandle_a_flow, _PANHANDLE_A, "Panhandle A", "Panhandle_A", 4.5965e-3, "panhandle_a_lambda"),
    (panhandle_b_flow, _PANHANDLE_B, "Panhandle B", "Panhandle_B", 1.002e-2, "panhandle_b_lambda"),
):
    _c, _c_ts, _c_sg, _c3, _c4 = _co
    _fn.__doc__ = _FLOW_DOC.format(
        name=_name, c=_c, c_ts=_c_ts, c_sg=_c_sg, c3=_c3, c4=_c4, fluids=_fl, menon=_menon, lam=_lam
    )
del _fn, _co, _name, _fl, _menon, _lam, _c, _c_ts, _c_sg, _c3, _c4


def general_flow(
    SG: ArrayLike,
    Tavg: ArrayLike,
    L: ArrayLike,
    D: ArrayLike,
    P1: ArrayLike,
    P2: ArrayLike,
    lam: ArrayLike,
    Ts: ArrayLike = T_STANDARD,
    Ps: ArrayLike = P_STANDARD,
    Zavg: ArrayLike = 1.0,
) -> FloatArray:
    """Standard volumetric flow by the general isothermal flow equation, base SI.

    Q = (π/4) (Ts/Ps) √(R/M_air) √((P1² − P2²)/(L SG Tavg Zavg λ)) D^2.5  (signed).

    Parameters
    ----------
    SG : array_like
        Specific gravity of the gas, M/M_air with ``M_AIR`` [-].
    Tavg : array_like
        Average gas temperature [K].
    L, D : array_like
        Pipe length and inside diameter [m].
    P1, P2 : array_like
        Inlet and outlet pressures [Pa].
    lam : array_like
        Darcy friction factor [-] (divide by E² to apply a pipeline efficiency E).
    Ts, Ps : array_like, optional
        Standard temperature [K] and pressure [Pa] of Q.
    Zavg : array_like, optional
        Average compressibility factor [-].

    Returns
    -------
    Q : ndarray
        Flow at standard conditions [m³/s], negative when P2 > P1.

    Notes
    -----
    Integral of p dp = −λ ṁ² Z R T/(2 D A² M) dx over a horizontal pipe (kinetic-energy term
    neglected), with ṁ = Q Ps M/(R Ts); the "general flow equation" of Menon, E. S. (2005),
    *Gas Pipeline Hydraulics*, CRC Press, with the transmission factor F = 2/√λ.
    """
    dp2 = _f(P1) ** 2 - _f(P2) ** 2
    core = np.abs(dp2) / (_f(L) * _f(SG) * _f(Tavg) * _f(Zavg) * _f(lam))
    return np.sign(dp2) * _K_GENERAL * (_f(Ts) / _f(Ps)) * np.sqrt(core) * _f(D) ** 2.5


def isothermal_gas_flow(
    rho: ArrayLike,
    lam: ArrayLike,
    P1: ArrayLike,
    P2: ArrayLike,
    L: ArrayLike,
    D: ArrayLike,
    *,
    kinetic: bool = True,
) -> FloatArray:
    """Mass flow of the complete isothermal pipe-flow equation (signed), base SI.

    ṁ² = (π D²/4)² (ρ/P1) (P1² − P2²) / (λ L/D + 2 ln(P1/P2))

    Parameters
    ----------
    rho : array_like
        Gas density at pressure P1 [kg/m³]; ρ/P1 stands for M/(Z R T).
    lam : array_like
        Darcy friction factor [-].
    P1, P2 : array_like
        Inlet and outlet pressures [Pa].
    L, D : array_like
        Pipe length and inside diameter [m].
    kinetic : bool, optional
        Keep the kinetic-energy (acceleration) term 2 ln(P1/P2); without it this is the
        general flow equation in mass units.

    Returns
    -------
    m : ndarray
        Mass flow [kg/s], negative when P2 > P1.  Choking is not checked.

    Notes
    -----
    Integral over L of the steady momentum balance ρ v dv + dp + λ ρ v²/(2D) dx = 0 with
    ρ v = ṁ/A and ρ = p M/(Z R T) (Crane (2009), TP-410, *Flow of Fluids Through Valves,
    Fittings, and Pipe*).  Same result as ``fluids.isothermal_gas`` (v1.3.1) solving for m
    with forward flow.
    """
    p1, p2 = _f(P1), _f(P2)
    dp2 = p1**2 - p2**2
    d = _f(D)
    denom = _f(lam) * _f(L) / d
    if kinetic:
        denom = denom + 2.0 * np.abs(np.log(p1 / p2))
    area = math.pi / 4.0 * d**2
    return np.sign(dp2) * area * np.sqrt(_f(rho) / p1 * np.abs(dp2) / denom)
