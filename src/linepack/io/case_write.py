"""Write a :class:`~linepack.network.model.Network` as a linepack TOML case file.

The writer is the inverse of :mod:`linepack.io.case_toml`: every quantity is written in SI with
its unit (``"1234.5 m"``, ``"6100000.0 Pa"``, ``"288.15 K"``, ``"12.5 kg/s"``) and the full
precision of Python's ``repr``, mole fractions as fractions (``percent = false``), so that
``load_case(write_case(net, path))`` gives back the same network and therefore the same
solution. Which keys exist is taken from the reader's own table
(:data:`linepack.io.case_toml.SECTIONS`), so the writer follows the format as it grows.

Some model values have no key in the case format yet (for instance ``Settings.gas_constant``
and ``pseudo_critical`` set by the GasLib and morgen importers, or the GasLib bounds kept on
compressors and regulators). :func:`unwritable` lists them; :func:`write_case` refuses such a
network unless ``lossy=True``, in which case they are left out (and listed in a comment at the
top of the file) and the file reads back as :func:`writable_copy` of the network.
``Network.extras`` (importer data) and ``Network.source`` are never written.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
from pathlib import Path
from typing import Any

from linepack.errors import CaseError
from linepack.gas.composition import ReferenceConditions
from linepack.io.case_toml import SECTIONS, Key
from linepack.network.model import Compressor, CompressorMode, Network, Pipe, Settings
from linepack.network.validate import SECTION

__all__ = ["case_text", "unwritable", "writable_copy", "write_case"]

#: SI unit written for each quantity kind of the reader.
UNIT = {
    "length": "m",
    "pressure": "Pa",
    "pressure_difference": "Pa",
    "temperature": "K",
    "power": "W",
    "viscosity": "Pa*s",
    "flow": "kg/s",
}
#: Quantity kind of a compressor set-point in each mode (bypass and off have none).
SETPOINT_KIND = {
    CompressorMode.OUTLET_PRESSURE: "pressure",
    CompressorMode.SUCTION_PRESSURE: "pressure",
    CompressorMode.RATIO: "dimensionless",
    CompressorMode.FLOW: "flow",
    CompressorMode.POWER: "power",
}
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_LISTS = (
    "nodes",
    "pipes",
    "compressors",
    "regulators",
    "valves",
    "short_pipes",
    "resistors",
    "supplies",
    "demands",
)


@dataclasses.dataclass(frozen=True)
class _Gap:
    """A model value the case format cannot hold: its owner, field and value."""

    owner: Any
    label: str
    field: str
    value: Any

    def __str__(self) -> str:
        return f"{self.label}: {self.field} = {self.value!r}"


# ---------------------------------------------------------------------------- formatting


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _number(value: Any, label: str, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseError("not a number", element=label, key=name, value=value)
    if not math.isfinite(value):
        raise CaseError("not a finite number", element=label, key=name, value=value)
    return repr(float(value)) if isinstance(value, float) else repr(value)


def _format(value: Any, kind: str, label: str, name: str) -> str:
    if kind in UNIT:
        return _string(f"{_number(value, label, name)} {UNIT[kind]}")
    if kind in ("dimensionless", "number"):
        return _number(value, label, name)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "names":
        return "[" + ", ".join(_string(str(v)) for v in value) + "]"
    if kind in ("text", "choice"):
        return _string(str(value.value if isinstance(value, CompressorMode) else value))
    raise CaseError(f"cannot write a value of kind {kind!r}", element=label, key=name)


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


# ---------------------------------------------------------------------------- traversal


def _fields_of(
    obj: Any, section: str, label: str, gaps: list[_Gap], skip: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """``key = value`` pairs of one dataclass; values without a key go to ``gaps``."""
    specs = SECTIONS[section]
    by_field: dict[str, tuple[str, Key]] = {(s.field or k): (k, s) for k, s in specs.items()}
    out: list[tuple[str, str]] = []
    for f in dataclasses.fields(obj):
        if f.name in skip:
            continue
        value, default = getattr(obj, f.name), _default(f)
        entry = by_field.get(f.name)
        if entry is None or value is None:
            if (value is not None and value != default) or (value is None and default is not None):
                gaps.append(_Gap(obj, label, f.name, value))
            continue
        key, spec = entry
        out.append((key, _format(value, spec.kind, label, key)))
    return out


def _pipe(p: Pipe, label: str, gaps: list[_Gap]) -> list[tuple[str, str]]:
    outer, wall = p.outer_diameter, p.wall_thickness
    if outer is not None and wall is not None and outer - 2 * wall == p.diameter:
        return _fields_of(p, "pipe", label, gaps, skip=("diameter",))
    out = _fields_of(p, "pipe", label, gaps, skip=("outer_diameter", "wall_thickness"))
    for name, value in (("outer_diameter", outer), ("wall_thickness", wall)):
        if value is not None:
            gaps.append(_Gap(p, label, name, value))
    return out


def _compressor(c: Compressor, label: str, gaps: list[_Gap]) -> list[tuple[str, str]]:
    out = _fields_of(c, "compressor", label, gaps, skip=("setpoint",))
    kind = SETPOINT_KIND.get(c.mode)
    if kind is not None:
        out.append(("setpoint", _format(c.setpoint, kind, label, "setpoint")))
    elif c.setpoint != 0.0:
        gaps.append(_Gap(c, label, "setpoint", c.setpoint))
    return out


def _element(obj: Any, section: str, gaps: list[_Gap]) -> list[tuple[str, str]]:
    label = f"{section} '{obj.name}'"
    if isinstance(obj, Pipe):
        return _pipe(obj, label, gaps)
    if isinstance(obj, Compressor):
        return _compressor(obj, label, gaps)
    return _fields_of(obj, section, label, gaps)


def _reference(r: ReferenceConditions) -> str:
    items = []
    for f in dataclasses.fields(r):
        kind = "pressure" if f.name == "pressure" else "temperature"
        items.append(f"{f.name} = {_format(getattr(r, f.name), kind, '[standard]', f.name)}")
    return "{ " + ", ".join(items) + " }"


def _settings(st: Settings, gaps: list[_Gap]) -> list[str]:
    lines = ["[settings]"]
    lines += [
        f"{k} = {v}" for k, v in _fields_of(st, "settings", "[settings]", gaps, skip=("scf", "sm3"))
    ]
    base = Settings()
    standard = [(n, getattr(st, n)) for n in ("scf", "sm3") if getattr(st, n) != getattr(base, n)]
    if standard:
        lines += ["", "[standard]"] + [f"{n} = {_reference(r)}" for n, r in standard]
    return lines


def _case(net: Network) -> list[str]:
    lines = ["[case]", f"name = {_string(net.name)}"]
    if net.description:
        lines.append(f"description = {_string(net.description)}")
    if net.route:
        lines.append(f"route = {_format(net.route, 'names', '[case]', 'route')}")
    if net.delivery is not None:
        lines.append(f"delivery = {_string(net.delivery)}")
    return lines


def _gas(net: Network) -> list[str]:
    parts = [f"{_key(n)} = {_number(x, '[gas]', n)}" for n, x in net.gas.as_mapping().items()]
    return ["[gas]", "percent = false", "composition = { " + ", ".join(parts) + " }"]


def _body(net: Network) -> tuple[list[str], list[_Gap]]:
    gaps: list[_Gap] = []
    lines = [*_case(net), "", *_settings(net.settings, gaps), "", *_gas(net)]
    for name in _LISTS:
        for obj in getattr(net, name):
            section = SECTION[type(obj)]
            lines += ["", f"[[{section}]]"]
            lines += [f"{k} = {v}" for k, v in _element(obj, section, gaps)]
    return lines, gaps


# ------------------------------------------------------------------------------------ API


def unwritable(network: Network) -> list[str]:
    """The values of a network that the case format cannot hold yet.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of str
        ``"<element>: <field> = <value>"`` for each value that has no key in the case format
        (or is None where the format can only give the default); empty if the network can be
        written exactly. ``extras`` and ``source`` are not counted.
    """
    return [str(g) for g in _body(network)[1]]


def writable_copy(network: Network) -> Network:
    """A copy of the network with the unwritable values reset to their defaults.

    This is what :func:`linepack.io.case_toml.load_case` reads back from a file written with
    ``lossy=True`` (up to ``source``).

    Parameters
    ----------
    network : Network

    Returns
    -------
    Network
        A deep copy (``extras`` included).
    """
    out = copy.deepcopy(network)
    copies = {id(a): b for a, b in zip(_walk(network), _walk(out), strict=True)}
    for gap in _body(network)[1]:
        target = copies[id(gap.owner)]
        f = next(f for f in dataclasses.fields(target) if f.name == gap.field)
        setattr(target, gap.field, 0.0 if gap.field == "setpoint" else _default(f))
    return out


def _walk(net: Network) -> list[Any]:
    return [net.settings] + [x for name in _LISTS for x in getattr(net, name)]


def case_text(network: Network, *, lossy: bool = False) -> str:
    """The TOML text of a case file for ``network``.

    Parameters
    ----------
    network : Network
    lossy : bool, optional
        Leave out values the format cannot hold (listed in a comment) instead of raising.

    Returns
    -------
    str

    Raises
    ------
    CaseError
        A value the format cannot hold (unless ``lossy``), or a non-finite number.
    """
    lines, gaps = _body(network)
    if gaps and not lossy:
        raise CaseError(
            "the case format cannot hold these values: " + "; ".join(str(g) for g in gaps),
            element=f"network '{network.name}'",
            expected="a network without them, or lossy=True (linepack convert --lossy) to "
            "write the case without them",
        )
    head = [f"# linepack case '{network.name}' written by linepack.io.case_write"]
    if network.source:
        head.append(f"# from {network.source}")
    if gaps:
        head.append("# not representable in the case format yet, left out:")
        head += [f"#   {g}" for g in gaps]
    if network.extras:
        head.append(
            "# importer data kept only in memory (Network.extras): "
            + ", ".join(sorted(network.extras))
        )
    return "\n".join([*head, "", *lines]) + "\n"


def write_case(network: Network, path: str | Path, *, lossy: bool = False) -> Path:
    """Write ``network`` as a TOML case file.

    Parameters
    ----------
    network : Network
        The network (all SI).
    path : str or Path
        The file to write (its folder must exist).
    lossy : bool, optional
        See :func:`case_text`.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    CaseError
        As :func:`case_text`, or an unwritable path.
    """
    text = case_text(network, lossy=lossy)
    p = Path(path)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CaseError(f"cannot write the file: {exc.strerror}", file=str(p)) from None
    return p
