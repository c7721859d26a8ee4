"""Read the ``[economics]`` table of a TOML case into an :class:`Economics` (SI, USD).

Every key is optional; a key left out takes the sourced or assumed default of
:data:`linepack.network.economics.INPUTS`. Quantities carry units::

    [economics]
    steel_price = "1300 USD/t"              # [S] ...
    construction_cost = "25000 USD/(in*km)" # [A] ...
    compressor_cost = "3030 USD/hp"
    terminals_metering = "50 MUSD"
    other_costs = 0.10                      # fraction of direct capex
    contingency = 0.15
    opex_fraction = 0.01                    # of capex per year
    fixed_opex = "0 MUSD/yr"
    compressor_om = "5 USD/MWh"
    gas_price = "10 USD/MMBtu"
    wacc = 0.10
    life = "30 yr"
    utilisation = 0.8
    gcv = "54.2 MJ/kg"                      # optional; default: the case gas (ISO 6976)
    installed_power = "100 MW"              # optional; default: sum of compressor max_power

The comment after a value (``# [S] source`` or ``# [A] reason``) is kept as that input's note,
so the summary reports where each number came from. Errors are
:class:`~linepack.errors.CaseError` (or :class:`~linepack.errors.UnitError`) naming the file,
``[economics]``, the key, the value and what was expected. The format is documented in
``docs/economics.md``.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pint

from linepack.errors import CaseError, UnitError
from linepack.network.economics import Economics
from linepack.network.model import Network
from linepack.units import parse, registry

__all__ = ["KEYS", "read_economics", "read_economics_text"]

_ELEMENT = "[economics]"
_POWER = re.compile(r"\b(m|cm|mm|ft|in)([23])\b")


def _unit(si: str, example: str) -> Callable[[Any, str], float]:
    """A parser for a dimension :func:`linepack.units.parse` has no kind for."""

    def read(value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, str):
            raise UnitError(
                "a quantity with a unit is required",
                element=_ELEMENT,
                key=key,
                value=value,
                expected=f"a quantity such as '{example}'",
            )
        try:
            text = _POWER.sub(r"\1**\2", value.strip())  # 'kg/m3' → 'kg/m**3'
            return float(registry().Quantity(text).to(si).magnitude)
        except pint.errors.DimensionalityError:
            raise UnitError(
                "wrong dimension",
                element=_ELEMENT,
                key=key,
                value=value,
                expected=f"a quantity such as '{example}'",
            ) from None
        except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError):
            raise UnitError(
                "cannot read this quantity",
                element=_ELEMENT,
                key=key,
                value=value,
                expected=f"a quantity such as '{example}'",
            ) from None

    return read


def _kind(kind: str) -> Callable[[Any, str], float]:
    def read(value: Any, key: str) -> float:
        return parse(value, kind, element=_ELEMENT, key=key)

    return read


def _fraction(value: Any, key: str) -> float:
    if isinstance(value, bool):
        raise CaseError(
            "a number is required",
            element=_ELEMENT,
            key=key,
            value=value,
            expected="a fraction such as 0.1 or '10 %'",
        )
    return parse(value, "dimensionless", element=_ELEMENT, key=key)


#: Key → (parser to SI, check, what is expected). Checks: ``nonnegative``, ``positive``,
#: ``fraction`` (0 ≤ x ≤ 1), ``open_unit`` (0 < x < 1), ``unit_upper`` (0 < x ≤ 1).
KEYS: dict[str, tuple[Callable[[Any, str], float], str, str]] = {
    "steel_price": (_kind("price_per_mass"), "nonnegative", "a price such as '1300 USD/t'"),
    "steel_density": (_unit("kg/m**3", "7850 kg/m3"), "positive", "a density such as '7850 kg/m3'"),
    "construction_cost": (
        _kind("price_per_area"),
        "nonnegative",
        "a cost per inch-km such as '25000 USD/(in*km)'",
    ),
    "compressor_cost": (
        _kind("price_per_power"),
        "nonnegative",
        "a cost per power such as '4 MUSD/MW' or '3030 USD/hp'",
    ),
    "terminals_metering": (_kind("money"), "nonnegative", "an amount such as '50 MUSD'"),
    "other_costs": (_fraction, "fraction", "a fraction of direct capex from 0 to 1"),
    "contingency": (_fraction, "fraction", "a fraction from 0 to 1"),
    "opex_fraction": (_fraction, "fraction", "a fraction of capex per year from 0 to 1"),
    "fixed_opex": (
        _unit("USD/yr", "5 MUSD/yr"),
        "nonnegative",
        "a cost per year such as '5 MUSD/yr'",
    ),
    "compressor_om": (
        _kind("price_per_energy"),
        "nonnegative",
        "a cost per shaft work such as '5 USD/MWh'",
    ),
    "gas_price": (_kind("price_per_energy"), "nonnegative", "a gas price such as '10 USD/MMBtu'"),
    "wacc": (_fraction, "open_unit", "a rate between 0 and 1 (exclusive), such as 0.1"),
    "life": (_kind("time"), "positive", "a life longer than zero, such as '30 yr'"),
    "utilisation": (_fraction, "unit_upper", "a fraction above 0 and at most 1, such as 0.8"),
    "gcv": (_unit("J/kg", "54 MJ/kg"), "positive", "a calorific value such as '54 MJ/kg'"),
    "installed_power": (_kind("power"), "nonnegative", "a power such as '100 MW'"),
}

_CHECKS: dict[str, Callable[[float], bool]] = {
    "nonnegative": lambda x: x >= 0,
    "positive": lambda x: x > 0,
    "fraction": lambda x: 0 <= x <= 1,
    "open_unit": lambda x: 0 < x < 1,
    "unit_upper": lambda x: 0 < x <= 1,
}
_MESSAGES = {
    "nonnegative": "must not be negative",
    "positive": "must be positive",
    "fraction": "must be a fraction from 0 to 1",
    "open_unit": "must lie strictly between 0 and 1",
    "unit_upper": "must be above 0 and at most 1",
}


def out_of_range(key: str, value: float) -> str:
    """Why ``value`` (SI) is not a valid ``[economics]`` ``key`` ("" if it is).

    Used for values that do not come from a case file (sweep samples).
    """
    if key not in KEYS:
        return ""
    _, check, expected = KEYS[key]
    if _CHECKS[check](value):
        return ""
    return f"{_MESSAGES[check]} (expected {expected})"


_COMMENT = re.compile(r"^\s*(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=.*?#\s*(?P<note>.+?)\s*$")


def _notes(text: str) -> dict[str, str]:
    """The trailing comment of each ``key = value  # comment`` line of ``[economics]``."""
    notes: dict[str, str] = {}
    inside = False
    for line in text.splitlines():
        head = line.strip()
        if head.startswith("["):
            inside = head.split("#", 1)[0].strip() == "[economics]"
            continue
        if inside:
            m = _COMMENT.match(line)
            if m and '"' not in m["note"]:
                notes[m["key"]] = m["note"]
    return notes


def _read_value(key: str, value: Any) -> float:
    if key not in KEYS:
        close = difflib.get_close_matches(key, list(KEYS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise CaseError(
            f"unknown key{hint}",
            element=_ELEMENT,
            key=key,
            value=value,
            expected="one of: " + ", ".join(KEYS),
        )
    reader, check, expected = KEYS[key]
    si = reader(value, key)
    if not (math.isfinite(si) and _CHECKS[check](si)):
        raise CaseError(_MESSAGES[check], element=_ELEMENT, key=key, value=value, expected=expected)
    return si


def read_economics_text(text: str, source: str = "<string>") -> Economics:
    """Read the ``[economics]`` table of a TOML case given as text.

    Parameters
    ----------
    text : str
        The whole case file.
    source : str
        Its name, for messages.

    Returns
    -------
    Economics
        Defaults for every key left out (all of them if there is no ``[economics]``).

    Raises
    ------
    CaseError
        Unknown key, bad unit or dimension, or a value out of range.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(f"not valid TOML: {exc}", file=source) from None
    table = doc.get("economics")
    if table is None:
        return Economics()
    if not isinstance(table, dict):
        raise CaseError(
            "not a table",
            file=source,
            element=_ELEMENT,
            value=table,
            expected="a table of key = value pairs",
        )
    try:
        values = {key: _read_value(key, value) for key, value in table.items()}
    except CaseError as err:
        raise err.located(source) from None
    notes = {k: v for k, v in _notes(text).items() if k in values}
    return Economics(**values, notes=notes)


def read_economics(case: Network | str | Path) -> Economics:
    """The economic inputs of a case.

    Parameters
    ----------
    case : Network, str or Path
        A network (its ``source`` file is read if it is a ``.toml``), a TOML case file or a
        bundled case name.

    Returns
    -------
    Economics
        From ``[economics]``; defaults when the table is absent or the case is not TOML (a
        GasLib or GasSteadySim import).

    Raises
    ------
    CaseError
        Bad content of ``[economics]`` (naming the file, the key, the value and what was
        expected), or a file that cannot be read.
    """
    if isinstance(case, Network):
        if case.source is None or not case.source.lower().endswith(".toml"):
            return Economics()
        path = Path(case.source)
    else:
        path = Path(case)
        if not path.exists() and path.suffix == "":
            from linepack.io.load import bundled_path

            path = bundled_path(str(case))
        if path.suffix.lower() != ".toml":
            return Economics()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    return read_economics_text(text, str(path))
