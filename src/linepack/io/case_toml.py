"""Read a TOML case file into a :class:`~linepack.network.model.Network`.

Every quantity in a case is a string with a unit (``"56 in"``, ``"85 barg"``, ``"1200 MMSCFD"``,
``"518.3 J/(kg*K)"``); dimensionless numbers (efficiencies, ratios, drag factors) may be bare
numbers. The reader turns everything into SI at once: gauge pressures with the case's
``atmosphere``, standard-volume flows into kg/s with the gas density at the reference conditions
of their basis (``scf`` and ``Sm3`` from ``[standard]``, ``Nm3`` at 0 °C and 1.01325 bar). Keys
that are left out take the defaults of the model's dataclasses; every model field has a key
(except ``Network.source`` and ``Network.extras``), so :mod:`linepack.io.case_write` can write any
network losslessly. The format is documented in ``docs/case-format.md``.

Each section is read by a table of :class:`~linepack.network.kinds.Key` specs (the element
sections and ``[settings]`` from the element-kind table, :mod:`linepack.network.kinds`), so
unknown keys, missing fields, wrong units and out-of-range values are all reported the same way:
a :class:`~linepack.errors.CaseError` (or :class:`~linepack.errors.UnitError`,
:class:`~linepack.errors.TopologyError`) naming the file, the element (``pipe 'P3'``), the key,
the value and what was expected.

Examples
--------
>>> net = load_case("cases/pakistan-stream.toml")  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

import pint

from linepack.errors import CaseError, UnitError
from linepack.gas.composition import NM3, Gas, ReferenceConditions
from linepack.network.kinds import (
    GAS_CONSTANT_UNIT,
    KIND,
    KINDS,
    SETPOINT,
    SETTINGS_KEYS,
    Key,
    Role,
)
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Control,
    Network,
    Pipe,
    Settings,
    Thermal,
)
from linepack.network.validate import (
    check_diameters,
    check_profile,
    check_value,
    check_wall,
    validate,
)
from linepack.units import StandardFlow, parse, parse_flow, registry

__all__ = [
    "SECTIONS",
    "STUDY_SECTIONS",
    "TRANSIENT_SECTIONS",
    "load_case",
    "parse_gas_constant",
    "read_case",
]


#: The key specs of every section, by section name: the case's own tables, then every element
#: kind's section (:data:`linepack.network.kinds.KINDS`).
SECTIONS: dict[str, dict[str, Key]] = {
    "case": {
        "name": Key("text"),
        "description": Key("text"),
        "route": Key("names"),
        "delivery": Key("text"),
    },
    "settings": dict(SETTINGS_KEYS),
    "standard": {"scf": Key("table"), "sm3": Key("table")},
    "reference": {
        "temperature": Key("temperature", True, "positive"),
        "pressure": Key("pressure", True, "positive"),
        "combustion_temperature": Key("temperature", check="positive"),
    },
    "gas": {"composition": Key("table", required=True), "percent": Key("bool")},
    **{kind.section: dict(kind.keys) for kind in KINDS},
}

#: Top-level tables read once, and arrays of tables read as element lists.
_SINGLE = ("case", "settings", "standard", "gas")
#: Sections of a transient scenario: accepted here, read by :mod:`linepack.io.schedule_toml`
#: (the network does not depend on them).
TRANSIENT_SECTIONS = ("simulation", "schedule", "event")
#: Sections of the design and economic studies: accepted here, read by
#: :mod:`linepack.io.design_toml` and :mod:`linepack.io.economics_toml` (the network does not
#: depend on them).
STUDY_SECTIONS = ("design", "economics")
_EXAMPLE = {
    "length": "a length such as '12 km'",
    "pressure": "a pressure such as '70 barg'",
    "pressure_difference": "a pressure difference such as '0.5 bar'",
    "temperature": "a temperature such as '15 degC'",
    "power": "a power such as '20 MW'",
    "viscosity": "a viscosity such as '1.1e-5 Pa*s'",
    "heat_transfer_coefficient": "a heat-transfer coefficient such as '2.5 W/m2/K'",
    "thermal_conductivity": "a thermal conductivity such as '1.2 W/m/K'",
    "profile": "a table { distance = ['0 km', '550 km'], temperature = ['32 degC', '30 degC'] }",
    "gas_constant": "a specific gas constant such as '518.3 J/(kg*K)'",
    "dimensionless": "a number such as 0.9",
    "flow": "a flow such as '400 kg/s' or '1200 MMSCFD'",
    "text": "a string",
    "names": "a list of strings",
    "number": "a number",
    "bool": "true or false",
    "table": "a table",
    "raw": "a value",
    "choice": "one of the listed names",
}


class _Context:
    """What converting values needs: atmospheric pressure and (later) gas densities."""

    def __init__(self) -> None:
        self.atmosphere = Settings().atmosphere
        self.gas: Gas | None = None
        self.references: dict[str, ReferenceConditions] = {"nm3": NM3}
        self._densities: dict[str, float] = {}

    def density(self, basis: str) -> float:
        """Gas density [kg/m³] at the reference conditions of ``basis`` (cached)."""
        if basis not in self._densities:
            if self.gas is None:  # pragma: no cover - gas is read before any element
                raise CaseError("standard-volume flow before the gas is known", element="[gas]")
            self._densities[basis] = float(self.gas.density(self.references[basis]))
        return self._densities[basis]


_ABSOLUTE = re.compile(r"(?<![A-Za-z])(bar|psi|kPa|MPa)a(?![A-Za-z])")


def _label(section: str, table: Any, index: int) -> str:
    name = table.get("name") if isinstance(table, dict) else None
    return f"{section} '{name}'" if isinstance(name, str) and name else f"{section} #{index + 1}"


#: A number followed by a unit, and a number alone (for the specific gas constant).
_NUMBER_UNIT = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>\S.*?)\s*$"
)
_NUMBER_ONLY = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")


def parse_gas_constant(value: Any, element: str, key: str) -> float:
    """A specific gas constant [J/(kg K)] such as ``"518.3 J/(kg*K)"`` or ``"0.5183 kJ/kg/K"``.

    :mod:`linepack.units` has no kind for it, so it is read here with the same pint registry.
    The unit is parsed on its own so that a ``degC`` in it is a temperature step
    (``"518 J/(kg*degC)"`` is 518 J/(kg K)); parsed with the number, pint would take it as the
    temperature 274.15 K.
    """
    expected = _EXAMPLE["gas_constant"]
    where: dict[str, Any] = {"element": element, "key": key, "value": value}
    number = isinstance(value, int | float) and not isinstance(value, bool)
    text = value if isinstance(value, str) else ""
    if number or _NUMBER_ONLY.match(text):
        raise UnitError("a unit is required", expected=expected, **where)
    match = _NUMBER_UNIT.match(text)
    if match is None:
        message = "cannot read this quantity" if isinstance(value, str) else "wrong type"
        raise UnitError(message, expected=expected, **where)
    ureg = registry()
    unit = match["unit"].replace("µ", "u").replace("μ", "u").replace("°", "deg")
    try:
        quantity = ureg.Quantity(float(match["num"]), ureg.parse_units(unit))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError(f"unknown unit ({exc})", expected=expected, **where) from None
    except (ValueError, TypeError, AttributeError, SyntaxError, pint.PintError):
        raise UnitError("cannot read this quantity", expected=expected, **where) from None
    try:
        return float(quantity.to(GAS_CONSTANT_UNIT).magnitude)
    except pint.errors.DimensionalityError:
        raise UnitError(
            f"wrong dimension: {quantity.dimensionality}", expected=expected, **where
        ) from None


#: Key kinds read by :func:`linepack.units.parse` as they are.
_PARSED = (
    "length",
    "temperature",
    "power",
    "viscosity",
    "dimensionless",
    "heat_transfer_coefficient",
    "thermal_conductivity",
)


def _profile(value: Any, element: str, key: str) -> tuple[tuple[float, float], ...]:
    """A soil temperature profile ``{ distance = [...], temperature = [...] }`` as
    (distance [m], temperature [K]) pairs; checked by
    :func:`linepack.network.validate.check_profile`."""
    expected = _EXAMPLE["profile"]
    if not isinstance(value, dict):
        raise CaseError("wrong type", element=element, key=key, value=value, expected=expected)
    for name in value:
        if name not in ("distance", "temperature"):
            raise CaseError(
                "unknown key",
                element=element,
                key=f"{key}.{name}",
                value=value[name],
                expected="distance and temperature",
            )
    columns: list[list[float]] = []
    for name, kind in (("distance", "length"), ("temperature", "temperature")):
        items = value.get(name)
        if not isinstance(items, list) or not items:
            raise CaseError(
                "missing field" if items is None else "not a list of quantities",
                element=element,
                key=f"{key}.{name}",
                value=items,
                expected=expected,
            )
        columns.append(
            [parse(v, kind, element=element, key=f"{key}.{name}[{i}]") for i, v in enumerate(items)]
        )
    if len(columns[0]) != len(columns[1]):
        raise CaseError(
            "distance and temperature differ in length",
            element=element,
            key=f"{key}.temperature",
            value=value["temperature"],
            expected=f"{len(columns[0])} temperatures, one per distance",
        )
    profile = tuple(zip(columns[0], columns[1], strict=True))
    check_profile(profile, element, shown=value)
    return profile


def _convert(value: Any, spec: Key, element: str, key: str, ctx: _Context) -> Any:
    kind = spec.kind
    if spec.none and value == "none":
        return None
    if kind in _PARSED:
        return parse(value, kind, element=element, key=key)
    if kind == "profile":
        return _profile(value, element, key)
    if kind == "gas_constant":
        return parse_gas_constant(value, element, key)
    if kind in ("pressure", "pressure_difference"):
        atm = ctx.atmosphere if kind == "pressure" else 0.0
        if isinstance(value, str):  # "psia", "bara": absolute is the default, drop the "a"
            value = _ABSOLUTE.sub(r"\1", value)
        return parse(value, "pressure", element=element, key=key, atmosphere=atm)
    if kind == "flow":
        flow = parse_flow(value, element=element, key=key)
        if isinstance(flow, StandardFlow):
            return flow.rate * ctx.density(flow.basis)
        return float(flow)
    ok = {
        "text": isinstance(value, str) and bool(value.strip()),
        "names": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "table": isinstance(value, dict),
        "choice": value in spec.choices,
        "raw": True,
    }[kind]
    if not ok:
        expected = _EXAMPLE[kind]
        if kind == "choice":
            expected = "one of " + ", ".join(repr(c) for c in spec.choices)
        raise CaseError(
            "unknown value" if kind == "choice" else "wrong type",
            element=element,
            key=key,
            value=value,
            expected=expected,
        )
    return float(value) if kind == "number" else value


def _read_table(
    table: Any, section: str, element: str, ctx: _Context, spec_name: str | None = None
) -> dict[str, Any]:
    """Check and convert one table; return ``{field: value}`` for the keys given."""
    specs = SECTIONS[spec_name or section]
    if not isinstance(table, dict):
        raise CaseError(
            "not a table", element=element, value=table, expected="a table of key = value pairs"
        )
    for key in table:
        if key not in specs:
            close = difflib.get_close_matches(key, list(specs), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise CaseError(
                f"unknown key{hint}",
                element=element,
                key=key,
                value=table[key],
                expected="one of: " + ", ".join(specs),
            )
    out: dict[str, Any] = {}
    for key, spec in specs.items():
        if key not in table:
            if spec.required:
                raise CaseError(
                    "missing field", element=element, key=key, expected=_EXAMPLE[spec.kind]
                )
            continue
        value = _convert(table[key], spec, element, key, ctx)
        if spec.check:
            check_value(value, spec.check, element=element, key=key, shown=table[key])
        out[spec.field or key] = value
    return out


def _reference(
    table: Any, name: str, default: ReferenceConditions, ctx: _Context
) -> ReferenceConditions:
    element = f"[standard] {name}"
    given = _read_table(table, "standard", element, ctx, spec_name="reference")
    return ReferenceConditions(
        temperature=given["temperature"],
        pressure=given["pressure"],
        combustion_temperature=given.get("combustion_temperature", default.combustion_temperature),
    )


#: The two keys of ``Settings.pseudo_critical`` (a (pressure, temperature) pair).
_PSEUDO_CRITICAL = ("pseudo_critical_pressure", "pseudo_critical_temperature")


def _settings(doc: dict[str, Any], ctx: _Context) -> Settings:
    raw = doc.get("settings", {})
    if isinstance(raw, dict) and "atmosphere" in raw:  # gauge pressures below depend on it
        first = _read_table({"atmosphere": raw["atmosphere"]}, "settings", "[settings]", ctx)
        ctx.atmosphere = first["atmosphere"]
    fields = _read_table(raw, "settings", "[settings]", ctx)
    pseudo = [fields.pop(k, None) for k in _PSEUDO_CRITICAL]
    if (pseudo[0] is None) != (pseudo[1] is None):
        given, missing = _PSEUDO_CRITICAL if pseudo[1] is None else _PSEUDO_CRITICAL[::-1]
        raise CaseError(
            "the pseudo-critical point needs both pressure and temperature",
            element="[settings]",
            key=missing,
            value=raw[given],
            expected=f"{missing} with {given}, or neither",
        )
    if pseudo[0] is not None:
        fields["pseudo_critical"] = (pseudo[0], pseudo[1])
    standard = _read_table(doc.get("standard", {}), "standard", "[standard]", ctx)
    base = Settings()
    for name in ("scf", "sm3"):
        if name in standard:
            fields[name] = _reference(standard[name], name, getattr(base, name), ctx)
    if "control" in fields:  # a checked choice: the case file's word for the enum
        fields["control"] = Control(fields["control"])
    if "thermal" in fields:
        fields["thermal"] = Thermal(fields["thermal"])
    settings = Settings(**fields)
    ctx.references.update(scf=settings.scf, sm3=settings.sm3)
    return settings


def _gas(doc: dict[str, Any], ctx: _Context, configured: list[str]) -> Gas:
    if "gas" not in doc:
        raise CaseError(
            "missing section",
            element="[gas]",
            key="composition",
            expected="a [gas] table with composition = { methane = 90.5, ... }",
        )
    given = _read_table(doc["gas"], "gas", "[gas]", ctx)
    try:
        gas = Gas.from_mapping(given["composition"], percent=given.get("percent"), where="[gas]")
    except CaseError as err:
        key = f"composition.{err.key}" if err.key else "composition"
        raise dataclasses.replace(err, element="[gas]", key=key) from None
    ctx.gas = gas
    for name in configured:
        _check_reference(gas, ctx.references[name], name)
    return gas


def _check_reference(gas: Gas, reference: ReferenceConditions, name: str) -> None:
    """Fail early if the gas data do not cover configured reference conditions."""
    try:
        gas.density(reference)
        gas.net_heating_value_molar(reference)
    except CaseError as err:
        raise dataclasses.replace(err, element=f"[standard] {name}") from None


def _pipe(fields: dict[str, Any], table: dict[str, Any], element: str) -> Pipe:
    if "diameter" in fields:  # outer_diameter and wall_thickness are then kept for reports
        outer, wall = fields.get("outer_diameter"), fields.get("wall_thickness")
        if outer is not None and wall is not None:
            check_wall(outer, wall, element, table["wall_thickness"])
            check_diameters(fields["diameter"], outer, wall, element, table["inner_diameter"])
        return Pipe(**fields)
    for key in ("outer_diameter", "wall_thickness"):
        if key not in fields:
            given = "outer_diameter" in fields or "wall_thickness" in fields
            raise CaseError(
                "missing field",
                element=element,
                key=key if given else "inner_diameter",
                expected="inner_diameter, or outer_diameter + wall_thickness",
            )
    outer, wall = fields["outer_diameter"], fields["wall_thickness"]
    check_wall(outer, wall, element, table["wall_thickness"])
    fields["diameter"] = outer - 2 * wall
    return Pipe(**fields)


def _compressor(fields: dict[str, Any], element: str, ctx: _Context) -> Compressor:
    mode = CompressorMode(fields.pop("mode", Compressor.mode))
    raw = fields.pop("setpoint", None)
    spec = SETPOINT.get(mode)
    if spec is not None:
        if raw is None:
            raise CaseError(
                "missing field",
                element=element,
                key="setpoint",
                expected=f"{_EXAMPLE[spec.kind]} for mode '{mode.value}'",
            )
        value = _convert(raw, spec, element, "setpoint", ctx)
        check_value(value, spec.check or "finite", element=element, key="setpoint", shown=raw)
        fields["setpoint"] = value
    elif raw is not None:
        fields["setpoint"] = _idle_setpoint(raw, element, ctx)
    return Compressor(mode=mode, **fields)


def _idle_setpoint(raw: Any, element: str, ctx: _Context) -> float:
    """The set-point of a station in ``bypass`` or ``off``: kept, not used while it is idle.

    A bare number is kept as it is (SI, which is how the writer gives it); a string may be a
    pressure, a flow, a power or a ratio (the set-point of the mode the station would otherwise
    run in).
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        check_value(float(raw), "finite", element=element, key="setpoint", shown=raw)
        return float(raw)
    for kind in ("pressure", "flow", "power", "dimensionless"):
        try:
            value: float = _convert(raw, Key(kind), element, "setpoint", ctx)
        except UnitError:
            continue
        check_value(value, "finite", element=element, key="setpoint", shown=raw)
        return value
    raise UnitError(
        "cannot read this set-point",
        element=element,
        key="setpoint",
        value=raw,
        expected="a number (SI), a pressure, a flow, a power or a ratio",
    )


def _boundary(cls: type, fields: dict[str, Any], table: dict[str, Any], element: str) -> Any:
    given = [k for k in ("pressure", "flow") if k in table]
    if len(given) != 1:
        raise CaseError(
            "both pressure and flow given" if given else "neither pressure nor flow given",
            element=element,
            key="pressure" if given else "flow",
            value={k: table[k] for k in given} or None,
            expected="exactly one of 'pressure' and 'flow'",
        )
    return cls(**fields)


def _element(section: str, table: Any, index: int, ctx: _Context) -> Any:
    element = _label(section, table, index)
    fields = _read_table(table, section, element, ctx)
    if section == "pipe":
        return _pipe(fields, table, element)
    if section == "compressor":
        return _compressor(fields, element, ctx)
    kind = KIND[section]
    if kind.role is Role.BOUNDARY:
        return _boundary(kind.cls, fields, table, element)
    return kind.cls(**fields)


def _elements(doc: dict[str, Any], section: str, ctx: _Context) -> list[Any]:
    tables = doc.get(section, [])
    if not isinstance(tables, list):
        raise CaseError(
            "not an array of tables",
            element=f"[[{section}]]",
            value=tables,
            expected=f"one [[{section}]] table per element",
        )
    return [_element(section, t, i, ctx) for i, t in enumerate(tables)]


def _check_sections(doc: dict[str, Any]) -> None:
    valid = (*_SINGLE, *KIND, *TRANSIENT_SECTIONS, *STUDY_SECTIONS)
    for name, value in doc.items():
        if name not in valid:
            close = difflib.get_close_matches(name, valid, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise CaseError(
                f"unknown section{hint}",
                element=f"[{name}]",
                key=name,
                expected="one of: " + ", ".join(valid),
            )
        if name in _SINGLE and not isinstance(value, dict):
            raise CaseError(
                "not a table", element=f"[{name}]", value=value, expected=f"a single [{name}] table"
            )
    if not doc.get("node"):
        raise CaseError(
            "no nodes", element="[[node]]", key="name", expected="at least one [[node]] table"
        )


def _build(doc: dict[str, Any], source: str) -> Network:
    _check_sections(doc)
    ctx = _Context()
    settings = _settings(doc, ctx)
    standard = doc.get("standard", {})
    gas = _gas(doc, ctx, [k for k in ("scf", "sm3") if k in standard])
    case = _read_table(doc.get("case", {}), "case", "[case]", ctx)
    default_name = Path(source).stem if not source.startswith("<") else "case"
    lists: dict[str, Any] = {k.field: _elements(doc, k.section, ctx) for k in KINDS}
    return Network(
        name=case.get("name", default_name),
        gas=gas,
        settings=settings,
        **lists,
        route=list(case.get("route", [])),
        delivery=case.get("delivery"),
        source=source,
        description=case.get("description", ""),
    )


_TOML_AT = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)\s*$")


def _toml_error(exc: tomllib.TOMLDecodeError, source: str) -> CaseError:
    text = str(exc)
    at = _TOML_AT.search(text)
    where = f"line {at['line']}, column {at['col']}" if at else "end of document"
    message = _TOML_AT.sub("", text) if at else text
    return CaseError(
        f"invalid TOML: {message}",
        file=source,
        element=where,
        expected="valid TOML (see docs/case-format.md)",
    )


def read_case(text: str, source: str = "<string>") -> Network:
    """Read a case from TOML text.

    Parameters
    ----------
    text : str
        The TOML document.
    source : str, optional
        Where the text came from (a file name), used in error messages and as the default case
        name (its stem).

    Returns
    -------
    Network
        The validated network, all quantities in SI.

    Raises
    ------
    CaseError
        Invalid TOML, unknown sections or keys, missing fields, bad values or names.
    UnitError
        An unknown unit or a unit of the wrong dimension.
    TopologyError
        A reference to an undefined node, or an island without a pressure reference.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(exc, source) from None
    try:
        network = _build(doc, source)
    except CaseError as err:
        raise err.located(source) from None
    validate(network)
    return network


def load_case(path: str | Path) -> Network:
    """Read a case file.

    Parameters
    ----------
    path : str or Path
        The ``.toml`` file.

    Returns
    -------
    Network
        The validated network (``source`` is the path), all quantities in SI.

    Raises
    ------
    CaseError
        The file cannot be read, or any error of :func:`read_case`.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError(
            "cannot read case file",
            file=str(path),
            value=str(exc),
            expected="a readable UTF-8 TOML file",
        ) from None
    return read_case(text, source=str(path))
