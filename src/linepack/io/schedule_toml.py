"""Read the transient part of a TOML case: ``[simulation]``, ``[[schedule]]`` and ``[[event]]``.

A case file may carry, besides its network, boundary conditions over time for
:func:`linepack.transient.simulate`::

    [simulation]                        # optional defaults of `linepack simulate`
    duration = "48 h"
    dt = "60 s"

    [[schedule]]                        # a time series on one element
    target = "demand"                   # supply | demand | compressor | regulator | valve
    name = "kasur-sngpl"
    quantity = "flow"                   # flow | pressure | setpoint | on | open
    kind = "linear"                     # or "step"
    times = ["0 h", "6 h", "8 h"]
    values = ["1000 MMSCFD", "1000 MMSCFD", "1500 MMSCFD"]
    # or: file = "kasur.csv" (units in the header), column = "flow"

    [[event]]                           # a named step
    name = "FSRU trip"
    target = "supply"
    element = "port-qasim-lng"
    quantity = "flow"
    at = "2 h"
    fraction = 0.2                      # or value = "240 MMSCFD"

:func:`~linepack.io.case_toml.load_case` accepts these sections and builds the network without
them; :func:`load_schedule` reads them for that network (units need its gas and settings:
standard-volume flows become kg/s with the gas density at their reference conditions, gauge
pressures use its atmosphere). Errors are :class:`~linepack.errors.CaseError` (or
:class:`~linepack.errors.UnitError`) naming the file, the element (``schedule #2 (demand
'kasur-sngpl')``, ``event 'FSRU trip'``, ``row 7`` of a CSV file), the key, the value and what
was expected. The format is documented in ``docs/case-format.md``.

Examples
--------
>>> from linepack.io.schedule_toml import load_scenario
>>> sc = load_scenario("psgp-56in-fsru-trip")  # doctest: +SKIP
>>> simulate(sc.network, sc.schedule, hours=36, dt=60)  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from linepack.errors import CaseError, ScheduleError, UnitError
from linepack.io.case_toml import _Context, _convert, _toml_error
from linepack.network.kinds import SCHEDULED, SETPOINT, Key
from linepack.network.model import CompressorMode, Network
from linepack.network.schedule import QUANTITIES, Schedule, Series, parse_time
from linepack.network.validate import check_value
from linepack.units import parse

__all__ = ["Scenario", "SimulationSettings", "load_scenario", "load_schedule", "read_schedule"]

_SCHEDULE_KEYS = ("target", "name", "quantity", "kind", "times", "values", "file", "column")
_EVENT_KEYS = ("name", "target", "element", "at", "quantity", "fraction", "value")
_SIMULATION_KEYS = ("duration", "dt", "output_every")
#: Quantities that switch (on/off, open/closed): step series only, no fractions.
_SWITCHES = ("on", "open")
_TRUE = ("1", "true", "on", "open", "yes")
_FALSE = ("0", "false", "off", "closed", "close", "no")
_HEADER = re.compile(r"^\s*(?P<name>.*?)\s*(?:\[(?P<unit>[^\]]*)\])?\s*$")


@dataclass(frozen=True)
class SimulationSettings:
    """The ``[simulation]`` table: defaults for a run of the case (all optional, seconds).

    Attributes
    ----------
    duration : float or None
        Length of the run [s].
    dt : float or None
        Time step [s].
    output_every : float or None
        Output interval [s].
    """

    duration: float | None = None
    dt: float | None = None
    output_every: float | None = None


@dataclass
class Scenario:
    """A network with its boundary conditions over time.

    Attributes
    ----------
    network : Network
    schedule : Schedule
        Empty for a case without ``[[schedule]]`` / ``[[event]]`` (or not a TOML case).
    settings : SimulationSettings
    """

    network: Network
    schedule: Schedule
    settings: SimulationSettings


# -- small readers ----------------------------------------------------------------------------
def _fail(
    message: str, element: str, key: str | None = None, value: Any = None, **kw: Any
) -> NoReturn:
    raise CaseError(message, element=element, key=key, value=value, **kw)


def _check_keys(table: Any, keys: tuple[str, ...], element: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        _fail("not a table", element, value=table, expected="a table of key = value pairs")
    for key in table:
        if key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            _fail(
                f"unknown key{hint}",
                element,
                key,
                table[key],
                expected="one of: " + ", ".join(keys),
            )
    return table


def _require(table: dict[str, Any], key: str, element: str, expected: str) -> Any:
    if key not in table:
        _fail("missing field", element, key, expected=expected)
    return table[key]


def _text(value: Any, element: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail("wrong type", element, key, value, expected="a string")
    return str(value)


def _time(value: Any, element: str, key: str) -> float:
    """A time from the start: ``"2 h"``, ``"90 min"``, ``"3600 s"`` or a clock ``"02:00"``."""
    expected = "a time such as '2 h', '90 min' or '02:00'"
    if isinstance(value, str) and ":" in value:
        try:
            t = parse_time(value)
        except ScheduleError:
            t = _fail("cannot read this time", element, key, value, expected=expected)
    else:
        t = parse(value, "time", element=element, key=key)
    if not (math.isfinite(t) and t >= 0):
        _fail("value out of range", element, key, value, expected="a time >= 0 from the start")
    return float(t)


def _switch(value: Any, element: str, key: str) -> float:
    """On/off or open/closed as 1.0 / 0.0."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and value in (0, 1):
        return float(value)
    if isinstance(value, str) and value.strip().lower() in (*_TRUE, *_FALSE):
        return 1.0 if value.strip().lower() in _TRUE else 0.0
    return _fail(
        "cannot read this switch",
        element,
        key,
        value,
        expected="true/false, 1/0, 'on'/'off' or 'open'/'closed'",
    )


def _names(net: Network) -> dict[str, dict[str, Any]]:
    """The elements a schedule may name, by name, for each kind a schedule moves."""
    return {section: {e.name: e for e in k.elements(net)} for section, k in SCHEDULED.items()}


def _target(
    table: dict[str, Any], name_key: str, element: str, names: dict[str, dict[str, Any]]
) -> tuple[str, str, Any]:
    """The target kind, the element's name and the element itself."""
    kinds = tuple(QUANTITIES)
    target = _require(table, "target", element, "one of " + ", ".join(map(repr, kinds)))
    if target not in kinds:
        _fail("unknown value", element, "target", target, expected="one of " + ", ".join(kinds))
    name = _text(_require(table, name_key, element, f"the name of a {target}"), element, name_key)
    elems = names[target]
    if name not in elems:
        close = difflib.get_close_matches(name, list(elems), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        listed = ", ".join(list(elems)[:12]) + (", ..." if len(elems) > 12 else "")
        _fail(
            f"no such {target}{hint}",
            element,
            name_key,
            name,
            expected=f"the name of a {target} of the network: {listed}" if elems else None,
        )
    return str(target), name, elems[name]


def _quantity(table: dict[str, Any], target: str, elem: Any, element: str, event: bool) -> str:
    """The quantity given, or its default (see docs/case-format.md)."""
    kind = SCHEDULED[target]
    allowed = kind.scheduled
    q = table.get("quantity")
    if q is None:
        if kind.default_quantity is None:  # a boundary: the one the case gives it
            return "pressure" if elem.pressure is not None else "flow"
        if not (event or kind.series_default):
            expected = " or ".join(map(repr, allowed))
            _fail("missing field", element, "quantity", expected=expected)
        return kind.default_quantity
    if q not in allowed:
        _fail("unknown value", element, "quantity", q, expected="one of " + ", ".join(allowed))
    return str(q)


def _reader(
    target: str, quantity: str, elem: Any, ctx: _Context, element: str
) -> Callable[[Any, str, str], float]:
    """A function reading one value of ``quantity`` into SI (with its range check)."""
    if quantity in _SWITCHES:
        return _switch
    spec = SCHEDULED[target].keys[quantity]  # the key the quantity sets
    if spec.kind == "raw":  # a compressor's set-point: in the unit kind of its mode
        mode = CompressorMode(elem.mode)
        by_mode = SETPOINT.get(mode)
        if by_mode is None:
            _fail(
                f"a station in mode '{mode.value}' has no set-point to schedule",
                element,
                "quantity",
                quantity,
                expected="'on' (or give the station a mode with a set-point)",
            )
        spec = by_mode
    kind, check = spec.kind, str(spec.check)

    def read(value: Any, where: str, key: str) -> float:
        v = float(_convert(value, Key(kind), where, key, ctx))
        check_value(v, check, element=where, key=key, shown=value)
        return v

    return read


# -- sections ---------------------------------------------------------------------------------
def _series_from_lists(
    table: dict[str, Any], read: Callable[[Any, str, str], float], element: str
) -> tuple[list[float], list[float]]:
    times = _require(table, "times", element, "a list of times such as ['0 h', '2 h'] (or file)")
    values = _require(table, "values", element, "a list of values, one per time (or file)")
    for key, seq in (("times", times), ("values", values)):
        if not isinstance(seq, list) or not seq:
            _fail("wrong type", element, key, seq, expected="a non-empty list")
    if len(times) != len(values):
        _fail(
            "as many times as values needed",
            element,
            "values",
            f"{len(values)} values for {len(times)} times",
            expected="one value per time",
        )
    ts = [_time(t, element, f"times[{k}]") for k, t in enumerate(times)]
    vs = [read(v, element, f"values[{k}]") for k, v in enumerate(values)]
    return ts, vs


def _split_header(cell: str) -> tuple[str, str]:
    m = _HEADER.match(cell)
    assert m is not None  # the pattern matches any string
    unit = (m["unit"] or "").strip()
    return m["name"], "" if unit in ("-", "1") else unit


def _series_from_csv(
    table: dict[str, Any],
    read: Callable[[Any, str, str], float],
    element: str,
    base: Path,
) -> tuple[list[float], list[float]]:
    for key in ("times", "values"):
        if key in table:
            _fail(
                "give either 'file' or 'times' and 'values'", element, key, expected="one of them"
            )
    path = base / _text(table["file"], element, "file")
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = [
                (n, [c.strip() for c in row])
                for n, row in enumerate(csv.reader(f), 1)
                if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")
            ]
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(
            "cannot read the schedule file",
            element,
            "file",
            str(table["file"]),
            expected=f"a readable UTF-8 CSV file ({exc})",
        )
    where = {"file": str(path)}
    if len(rows) < 2:
        _fail("no data", "header", expected="a header row and one row per time", **where)
    header = [_split_header(c) for c in rows[0][1]]
    if len(header) < 2:
        _fail(
            "too few columns",
            "header",
            value=",".join(rows[0][1]),
            expected="a time column, then value columns, e.g. 'time [h],flow [MMSCFD]'",
            **where,
        )
    columns = [name for name, _ in header[1:]]
    if "column" in table:
        col = _text(table["column"], element, "column")
        if col not in columns:
            _fail(
                "no such column", element, "column", col, expected="one of: " + ", ".join(columns)
            )
        j = 1 + columns.index(col)
    elif len(columns) == 1:
        j = 1
    else:
        j = _fail(
            "several value columns: choose one",
            element,
            "column",
            expected="one of: " + ", ".join(columns),
        )
    (tname, tunit), (vname, vunit) = header[0], header[j]
    ts, vs = [], []
    for n, cells in rows[1:]:
        if len(cells) <= j:
            _fail("missing value", f"row {n}", vname, ",".join(cells), expected="a value", **where)
        tcell, vcell = cells[0], cells[j]
        try:
            ts.append(_time(f"{tcell} {tunit}" if tunit else tcell, f"row {n}", tname))
            if vunit:
                vs.append(read(f"{vcell} {vunit}", f"row {n}", vname))
            elif vcell.strip().lower() in (*_TRUE, *_FALSE):
                vs.append(read(vcell, f"row {n}", vname))
            else:
                vs.append(read(_number(vcell), f"row {n}", vname))
        except CaseError as err:
            expected = err.expected
            if isinstance(err, UnitError) and not vunit and err.key == vname:
                expected = f"{expected}; or give the unit in the header, e.g. '{vname} [unit]'"
            raise dataclasses.replace(err, file=str(path), expected=expected) from None
    return ts, vs


def _number(cell: str) -> Any:
    """A CSV cell without a unit in the header: a number, or a quantity written in the cell."""
    try:
        return float(cell)
    except ValueError:
        return cell


def _schedule(
    table: Any, index: int, names: dict[str, dict[str, Any]], ctx: _Context, base: Path
) -> tuple[tuple[str, str, str], Series]:
    element = f"schedule #{index + 1}"
    table = _check_keys(table, _SCHEDULE_KEYS, element)
    target, name, elem = _target(table, "name", element, names)
    element = f"schedule #{index + 1} ({target} '{name}')"
    quantity = _quantity(table, target, elem, element, event=False)
    default = "step" if quantity in _SWITCHES else "linear"
    kind = table.get("kind", default)
    if kind not in ("linear", "step"):
        _fail("unknown value", element, "kind", kind, expected="'linear' or 'step'")
    if quantity in _SWITCHES and kind != "step":
        _fail(
            f"'{quantity}' switches: its series is a step series",
            element,
            "kind",
            kind,
            expected="'step'",
        )
    read = _reader(target, quantity, elem, ctx, element)
    if "file" in table:
        times, values = _series_from_csv(table, read, element, base)
    else:
        if "column" in table:
            _fail("'column' applies to a file", element, "column", table["column"], expected="file")
        times, values = _series_from_lists(table, read, element)
    k = next((k for k in range(1, len(times)) if times[k] < times[k - 1]), None)
    if k is not None:
        _fail(
            "times must not decrease",
            element,
            "file" if "file" in table else f"times[{k}]",
            f"{times[k]:g} s after {times[k - 1]:g} s",
            expected="times in order (a repeated time makes a jump in a linear series)",
        )
    return (target, name, quantity), Series(tuple(times), tuple(values), str(kind))


def _event(
    table: Any, index: int, names: dict[str, dict[str, Any]], ctx: _Context, schedule: Schedule
) -> None:
    element = f"event #{index + 1}"
    table = _check_keys(table, _EVENT_KEYS, element)
    label = _text(table["name"], element, "name") if "name" in table else ""
    element = f"event '{label}'" if label else element
    target, name, elem = _target(table, "element", element, names)
    quantity = _quantity(table, target, elem, element, event=True)
    at = _time(_require(table, "at", element, "a time such as '2 h'"), element, "at")
    given = [k for k in ("fraction", "value") if k in table]
    if len(given) != 1:
        _fail(
            "both fraction and value given" if given else "neither fraction nor value given",
            element,
            "fraction" if not given else "value",
            {k: table[k] for k in given} or None,
            expected="exactly one of 'fraction' (of the case's own value) and 'value'",
        )
    to = fraction = None
    if "fraction" in table:
        if quantity in _SWITCHES:
            _fail(
                f"'{quantity}' switches: give a value, not a fraction",
                element,
                "fraction",
                table["fraction"],
                expected="value = false (or true)",
            )
        fraction = parse(table["fraction"], "dimensionless", element=element, key="fraction")
        check_value(
            fraction, "nonnegative", element=element, key="fraction", shown=table["fraction"]
        )
    else:
        to = _reader(target, quantity, elem, ctx, element)(table["value"], element, "value")
    schedule.event(target, name, at=at, to=to, fraction=fraction, quantity=quantity, label=label)


def _simulation(table: Any) -> SimulationSettings:
    element = "[simulation]"
    table = _check_keys(table, _SIMULATION_KEYS, element)
    out: dict[str, float] = {}
    for key in _SIMULATION_KEYS:
        if key in table:
            out[key] = _time(table[key], element, key)
            if out[key] <= 0:
                _fail("value out of range", element, key, table[key], expected="a time > 0")
    return SimulationSettings(**out)


def _context(net: Network) -> _Context:
    ctx = _Context()
    ctx.atmosphere = net.settings.atmosphere
    ctx.gas = net.gas
    ctx.references.update(scf=net.settings.scf, sm3=net.settings.sm3)
    return ctx


def _read(doc: dict[str, Any], net: Network, base: Path) -> tuple[Schedule, SimulationSettings]:
    for section in ("schedule", "event"):
        if section in doc and not isinstance(doc[section], list):
            _fail(
                "not an array of tables",
                f"[[{section}]]",
                value=doc[section],
                expected=f"one [[{section}]] table each",
            )
    if "simulation" in doc and not isinstance(doc["simulation"], dict):
        _fail("not a table", "[simulation]", value=doc["simulation"], expected="a table")
    names, ctx = _names(net), _context(net)
    schedule = Schedule()
    first: dict[tuple[str, str, str], int] = {}
    for i, table in enumerate(doc.get("schedule", [])):
        key, series = _schedule(table, i, names, ctx, base)
        if key in first:
            _fail(
                f"{key[0]} '{key[1]}' {key[2]} is already scheduled by schedule #{first[key] + 1}",
                f"schedule #{i + 1}",
                "name",
                key[1],
                expected="one [[schedule]] per element and quantity (add events on top)",
            )
        first[key] = i
        schedule.set(*key, series)
    for i, table in enumerate(doc.get("event", [])):
        _event(table, i, names, ctx, schedule)
    return schedule, _simulation(doc.get("simulation", {}))


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(exc, source) from None


def read_schedule(
    text: str, network: Network, source: str = "<string>", base: str | Path | None = None
) -> Schedule:
    """Read the ``[[schedule]]`` and ``[[event]]`` sections of a TOML text for ``network``.

    Parameters
    ----------
    text : str
        The TOML document (other sections are ignored).
    network : Network
        The network the schedule acts on (element names, gas, reference conditions).
    source : str, optional
        Where the text came from, for messages.
    base : str or Path, optional
        Folder that schedule CSV files are relative to (default: the current folder).

    Returns
    -------
    Schedule
        Values in SI; events name their quantity.

    Raises
    ------
    CaseError, UnitError
        Bad sections, keys, names, times or values.
    """
    return _read_all(text, network, source, base)[0]


def _read_all(
    text: str, network: Network, source: str, base: str | Path | None
) -> tuple[Schedule, SimulationSettings]:
    doc = _parse(text, source)
    try:
        return _read(doc, network, Path(base) if base is not None else Path())
    except CaseError as err:
        raise err.located(source) from None


def _case_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError(
            "cannot read case file",
            file=str(path),
            value=str(exc),
            expected="a readable UTF-8 TOML file",
        ) from None


def load_schedule(path: str | Path, network: Network) -> Schedule:
    """Read the schedule of a case file (CSV files relative to the case file's folder).

    Parameters
    ----------
    path : str or Path
        The ``.toml`` case (its network is read by :func:`linepack.io.case_toml.load_case`).
    network : Network
        That network.

    Returns
    -------
    Schedule

    Raises
    ------
    CaseError, UnitError
        See :func:`read_schedule`.
    """
    p = Path(path)
    return read_schedule(_case_text(p), network, source=str(p), base=p.parent)


def load_scenario(case: str | Path | None = None) -> Scenario:
    """A network with its schedule and simulation defaults.

    Parameters
    ----------
    case : str or Path, optional
        A bundled case name (default :data:`linepack.io.load.DEFAULT_CASE`) or any case file
        :func:`linepack.io.load.load` reads; only TOML cases carry a schedule.

    Returns
    -------
    Scenario

    Raises
    ------
    CaseError, UnitError
        As :func:`linepack.io.load.load` and :func:`read_schedule`.
    """
    from linepack.io.load import DEFAULT_CASE, bundled_cases, bundled_path, load

    name = str(case) if case is not None else DEFAULT_CASE
    net = load(name)
    path = Path(name)
    if not path.exists() and name in bundled_cases():
        path = bundled_path(name)
    if path.suffix.lower() != ".toml" or path.is_dir():
        return Scenario(net, Schedule(), SimulationSettings())
    schedule, settings = _read_all(_case_text(path), net, str(path), path.parent)
    return Scenario(net, schedule, settings)
