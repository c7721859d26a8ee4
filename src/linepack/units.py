"""Quantities as engineers write them, turned into SI at the edge.

Only the input layer calls this module; everything inside linepack is SI (Pa absolute, K, m,
kg/s). Parsing uses :mod:`pint` with a few additions of the gas trade:

* gauge pressures ``barg``, ``psig``, ``kPag``, ``MPag`` (absolute = gauge + atmospheric pressure,
  101 325 Pa unless the case says otherwise);
* standard volumes ``scf`` (60 °F, 14.696 psia), ``Sm3`` (15 °C, 1.01325 bar) and ``Nm3`` (0 °C,
  1.01325 bar), and their flow rates ``MMSCFD``, ``MMSCMD``, ``bcm/yr`` (billion Sm3 per year),
  ``Sm3/h``... A standard volume is a *amount of gas*, so converting it to kg needs the gas density
  at those reference conditions: :func:`mass_flow` takes it as an argument.

Examples
--------
>>> round(parse("56 in", "length"), 6)
1.4224
>>> round(parse("85 barg", "pressure"))
8601325
>>> round(parse("15 degC", "temperature"), 2)
288.15
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import pint

from linepack.errors import OptionsError, UnitError

#: Standard atmosphere [Pa], the default for converting gauge pressures.
ATMOSPHERE = 101_325.0

# Each standard-volume unit is its own dimension, because turning it into mass needs the gas.
_DEFINITIONS = """
standard_cubic_foot = [scf_volume] = scf = SCF
standard_cubic_metre = [sm3_volume] = Sm3 = sm3 = Scm = SCM
normal_cubic_metre = [nm3_volume] = Nm3 = nm3
MMSCF = 1e6 * scf
MMSCFD = MMSCF / day = mmscfd = MMscfd = MMcfd = mmcfd = MMCFD
MSCFD = 1e3 * scf / day = Mscfd
BCFD = 1e9 * scf / day = bcfd = Bcfd
MMSCMD = 1e6 * Sm3 / day = mmscmd = MMSm3d = MMscmd
bcm = 1e9 * Sm3 = BCM
psia = psi
bara = bar
US_dollar = [currency] = USD = usd = dollar
MUSD = 1e6 * USD = MMUSD
MMBtu = 1e6 * Btu = MMBTU = mmBtu
"""

#: The dimensions accepted for each kind of quantity, as pint dimensionality strings.
_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "length": ("[length]",),
    "pressure": ("[mass] / [length] / [time] ** 2",),
    "temperature": ("[temperature]",),
    "mass_flow": ("[mass] / [time]",),
    "power": ("[mass] * [length] ** 2 / [time] ** 3",),
    "time": ("[time]",),
    "velocity": ("[length] / [time]",),
    "viscosity": ("[mass] / [length] / [time]",),
    "dimensionless": ("",),
    "energy_per_volume": ("[mass] / [length] / [time] ** 2",),
    "money": ("[currency]",),
    "price_per_mass": ("[currency] / [mass]",),
    "price_per_power": ("[currency] / [mass] / [length] ** 2 * [time] ** 3",),
    "price_per_energy": ("[currency] / [mass] / [length] ** 2 * [time] ** 2",),
    "price_per_area": ("[currency] / [length] ** 2",),
    "heat_transfer_coefficient": ("[mass] / [time] ** 3 / [temperature]",),
    "thermal_conductivity": ("[mass] * [length] / [time] ** 3 / [temperature]",),
}

_SI_UNIT = {
    "length": "m",
    "pressure": "Pa",
    "temperature": "K",
    "mass_flow": "kg/s",
    "power": "W",
    "time": "s",
    "velocity": "m/s",
    "viscosity": "Pa*s",
    "dimensionless": "",
    "energy_per_volume": "J/m**3",
    "money": "USD",
    "price_per_mass": "USD/kg",
    "price_per_power": "USD/W",
    "price_per_energy": "USD/J",
    "price_per_area": "USD/m**2",
    "heat_transfer_coefficient": "W/(m**2*K)",
    "thermal_conductivity": "W/(m*K)",
}

#: Kinds per temperature difference: their unit is parsed apart from the number, so that a
#: ``degC`` or ``degF`` in it is a temperature step (``"2 W/(m2*degC)"`` is 2 W/(m² K)), and
#: ``m2``, ``ft2`` are read as squares.
_PER_KELVIN = ("heat_transfer_coefficient", "thermal_conductivity")
_SQUARE = re.compile(r"(?<![A-Za-z_])(m|cm|mm|ft|in)([23])(?![0-9A-Za-z_])")

_GAUGE = re.compile(r"^\s*(?P<num>[-+0-9.eE_]+)\s*(?P<unit>bar|psi|kPa|MPa|Pa)g\s*$")
_STANDARD_DIMS = ("[scf_volume]", "[sm3_volume]", "[nm3_volume]")


@functools.cache
def registry() -> pint.UnitRegistry:
    """The unit registry shared by the input layer (created on first use).

    Returns
    -------
    pint.UnitRegistry
        pint's default registry plus the standard-volume units of the gas trade.
    """
    ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


@dataclass(frozen=True)
class StandardFlow:
    """A flow given as standard volume per time.

    Attributes
    ----------
    rate : float
        Standard volume per second [m³/s at ``basis``]; for ``scf`` the volume is converted to
        m³ (1 scf = 0.0283168 m³) but stays at the scf reference conditions.
    basis : str
        Which reference conditions the volume is at: ``"scf"``, ``"sm3"`` or ``"nm3"``.
    """

    rate: float
    basis: str


def _quantity(value: Any, where: dict[str, Any]) -> pint.Quantity:
    ureg = registry()
    if isinstance(value, bool):
        raise UnitError("a quantity with a unit is required", value=value, **where)
    if isinstance(value, int | float):
        return ureg.Quantity(float(value), "")
    if not isinstance(value, str):
        raise UnitError("a quantity must be a string such as '56 in'", value=value, **where)
    text = value.strip().replace("µ", "u").replace("μ", "u").replace("°", "deg")
    gauge = _GAUGE.match(text)
    try:
        if gauge:
            q = ureg.Quantity(float(gauge["num"]), gauge["unit"]).to("Pa")
            atm = where.pop("_atmosphere", ATMOSPHERE)
            return ureg.Quantity(q.magnitude + atm, "Pa")
        where.pop("_atmosphere", None)
        return ureg.Quantity(text)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError(f"unknown unit ({exc})", value=value, **where) from None
    except (ValueError, TypeError, AttributeError, SyntaxError, pint.PintError):
        raise UnitError("cannot read this quantity", value=value, **where) from None


def parse(
    value: Any,
    kind: str,
    *,
    element: str | None = None,
    key: str | None = None,
    atmosphere: float = ATMOSPHERE,
    default_unit: str | None = None,
) -> float:
    """Parse a quantity and return its magnitude in SI.

    Parameters
    ----------
    value : str or float
        E.g. ``"1100 km"``, ``"85 barg"``, ``"0.02 mm"``. A bare number is accepted only when
        ``default_unit`` is given (or ``kind`` is ``"dimensionless"``).
    kind : str
        One of ``length``, ``pressure`` (absolute result), ``temperature`` (K), ``mass_flow``,
        ``power``, ``time``, ``velocity``, ``viscosity``, ``dimensionless``,
        ``heat_transfer_coefficient`` (W/(m² K), e.g. ``"2 W/m2/K"``) and
        ``thermal_conductivity`` (W/(m K), e.g. ``"1.2 W/m/K"``); in the last two a ``degC`` or
        ``degF`` of the unit is a temperature step.
    element, key : str, optional
        Where the value came from, for the error message.
    atmosphere : float, optional
        Atmospheric pressure [Pa] for gauge units.
    default_unit : str, optional
        Unit of a bare number.

    Returns
    -------
    float
        The magnitude in SI (Pa, K, m, kg/s, W, s, ...).

    Raises
    ------
    UnitError
        Unknown unit, unreadable text, or a unit of another dimension than ``kind``.
    """
    if kind in _PER_KELVIN:
        return _per_kelvin(value, kind, element, key)
    fast = _linear_si(value, kind)
    if fast is not None:
        return fast
    where: dict[str, Any] = {"element": element, "key": key, "_atmosphere": atmosphere}
    q = _quantity(value, where)
    if q.dimensionless and kind != "dimensionless":
        if default_unit is None:
            raise UnitError(
                "a unit is required",
                element=element,
                key=key,
                value=value,
                expected=f"a {kind.replace('_', ' ')} such as '{_example(kind)}'",
            )
        q = registry().Quantity(float(q.magnitude), default_unit)
    return _to_si(q, kind, value, element, key)


def _per_kelvin(value: Any, kind: str, element: str | None, key: str | None) -> float:
    """SI value of a quantity per temperature difference (:data:`_PER_KELVIN`).

    The number and the unit are parsed apart: pint, given ``"1.2 W/(m*degC)"`` whole, would
    take ``degC`` as the temperature 274.15 K and return 0.0044 W/(m K).
    """
    where: dict[str, Any] = {"element": element, "key": key, "value": value}
    expected = f"a {kind.replace('_', ' ')} such as '{_example(kind)}'"
    text = value if isinstance(value, str) else ""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    match = _NUMBER_UNIT.match(text.strip())
    if number or (match is None and re.fullmatch(r"\s*[-+0-9.eE]+\s*", text)):
        raise UnitError("a unit is required", expected=expected, **where)
    if match is None:
        message = "cannot read this quantity" if isinstance(value, str) else "wrong type"
        raise UnitError(message, expected=expected, **where)
    ureg = registry()
    unit = _SQUARE.sub(r"\1**\2", match[2].replace("µ", "u").replace("μ", "u"))
    unit = unit.replace("°", "deg")
    try:
        q = ureg.Quantity(float(match[1]), ureg.parse_units(unit))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError(f"unknown unit ({exc})", expected=expected, **where) from None
    except (ValueError, TypeError, AttributeError, SyntaxError, pint.PintError):
        raise UnitError("cannot read this quantity", expected=expected, **where) from None
    return _to_si(q, kind, value, element, key)


#: "<number> <unit>", the form of almost every quantity in a case file.
_NUMBER_UNIT = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s+(\S.*?)\s*$")
#: SI value of one (unit, kind), or None where the unit is not a pure factor (gauge pressures,
#: °C, units pint cannot read or of another dimension: those take the full path each time).
_FACTORS: dict[tuple[str, str], float | None] = {}


def _linear_si(value: Any, kind: str) -> float | None:
    """SI value of ``"<number> <unit>"`` for a unit that is a pure factor, else None.

    A network case has tens of thousands of quantities in a handful of units: pint parses
    each unit once per kind here, and each value costs one multiplication, the one pint
    itself does (magnitude × factor), so the result is the same to the last bit.
    """
    if not isinstance(value, str):
        return None
    m = _NUMBER_UNIT.match(value)
    if m is None:
        return None
    unit = m[2]
    key = (unit, kind)
    if key not in _FACTORS:
        _FACTORS[key] = _factor(unit, kind)
    factor = _FACTORS[key]
    if factor is None:
        return None
    number = m[1]
    magnitude = int(number) if number.lstrip("+-").isdigit() else float(number)
    return float(magnitude * factor)


def _factor(unit: str, kind: str) -> float | None:
    """SI value of one ``unit`` of ``kind`` if the unit is a pure factor (0 maps to 0)."""
    _FACTORS[(unit, kind)] = None  # while learning, parse() takes the full path
    try:
        zero = parse(f"0 {unit}", kind)
        one = parse(f"1 {unit}", kind)
    except UnitError:
        return None
    return one if zero == 0.0 else None


def _to_si(q: pint.Quantity, kind: str, value: Any, element: str | None, key: str | None) -> float:
    if kind not in _SI_UNIT:
        raise OptionsError(
            "unknown quantity kind",
            element="linepack.units.parse",
            key="kind",
            value=kind,
            expected="one of " + ", ".join(sorted(_SI_UNIT)),
        )
    try:
        return float(q.to(_SI_UNIT[kind]).magnitude)
    except pint.errors.DimensionalityError:
        raise UnitError(
            f"wrong dimension: {q.dimensionality}",
            element=element,
            key=key,
            value=value,
            expected=f"a {kind.replace('_', ' ')} such as '{_example(kind)}'",
        ) from None


def parse_flow(
    value: Any, *, element: str | None = None, key: str | None = None
) -> float | StandardFlow:
    """Parse a gas flow given as mass or standard volume per time.

    Parameters
    ----------
    value : str
        E.g. ``"400 kg/s"``, ``"1200 MMSCFD"``, ``"12.4 bcm/yr"``, ``"50000 Sm3/h"``.
    element, key : str, optional
        Where the value came from, for the error message.

    Returns
    -------
    float or StandardFlow
        A mass flow [kg/s], or a :class:`StandardFlow` to be turned into mass with the gas
        density at its reference conditions (:func:`mass_flow`).
    """
    q = _quantity(value, {"element": element, "key": key})
    dims = str(q.dimensionality)
    for basis, dim in zip(("scf", "sm3", "nm3"), _STANDARD_DIMS, strict=True):
        if dims == f"{dim} / [time]":
            base = {"scf": "scf/s", "sm3": "Sm3/s", "nm3": "Nm3/s"}[basis]
            rate = float(q.to(base).magnitude)
            if basis == "scf":
                rate *= 0.3048**3
            return StandardFlow(rate, basis)
    return _to_si(q, "mass_flow", value, element, key)


def mass_flow(flow: float | StandardFlow, densities: dict[str, float]) -> float:
    """Turn a parsed flow into kg/s.

    Parameters
    ----------
    flow : float or StandardFlow
        From :func:`parse_flow`.
    densities : dict
        Gas density [kg/m³] at each basis' reference conditions, keys ``scf``, ``sm3``, ``nm3``.

    Returns
    -------
    float
        Mass flow [kg/s].
    """
    if isinstance(flow, StandardFlow):
        return flow.rate * densities[flow.basis]
    return float(flow)


def _example(kind: str) -> str:
    return {
        "length": "12 km",
        "pressure": "70 barg",
        "temperature": "15 degC",
        "mass_flow": "400 kg/s",
        "power": "20 MW",
        "time": "2 h",
        "velocity": "20 m/s",
        "viscosity": "1.1e-5 Pa*s",
        "dimensionless": "0.9",
        "energy_per_volume": "38 MJ/m**3",
        "money": "250 MUSD",
        "price_per_mass": "1200 USD/t",
        "price_per_power": "2.5 MUSD/MW",
        "price_per_energy": "1.25 USD/MMBtu",
        "price_per_area": "40000 USD/(in*km)",
        "heat_transfer_coefficient": "2.5 W/m2/K",
        "thermal_conductivity": "1.2 W/m/K",
    }[kind]


#: Conversion factors out of SI for reporting.
MMSCFD_PER_SCF_M3_S = 86_400 / (0.3048**3) / 1e6
