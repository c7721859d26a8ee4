"""Write a :class:`~linepack.network.model.Network` as a linepack TOML case file.

The writer is the inverse of :mod:`linepack.io.case_toml`: every quantity is written in SI with
its unit (``"1234.5 m"``, ``"6100000.0 Pa"``, ``"288.15 K"``, ``"12.5 kg/s"``,
``"518.3 J/(kg*K)"``) and the full precision of Python's ``repr``, mole fractions as fractions
(``percent = false``), so that ``load_case(write_case(net, path))`` gives back an equal network
(``==``; only ``source`` differs) and therefore the same solution. Which sections and keys exist
is taken from the reader's own table (:data:`linepack.io.case_toml.SECTIONS`, built from the
element-kind table :data:`linepack.network.kinds.KINDS`), so the writer follows the format as it
grows.

Every field of the model has a key, so nothing is left out, with two exceptions that are not
part of a network's identity (``==`` ignores them): ``Network.source`` (the file the network
came from, named in a comment) and ``Network.extras``, the data an importer read but linepack
does not model (GasLib compressor maps, decision groups, the raw nomination...). The extras are
not written: the file's header lists their topics and says to import the original files again
to get them. A value the format cannot hold is refused with a :class:`CaseError` (a non-finite
number, or a model value that :func:`linepack.network.validate.validate` would refuse anyway).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path
from typing import Any

from linepack.errors import CaseError
from linepack.gas.composition import ReferenceConditions
from linepack.io.case_toml import SECTIONS
from linepack.network.kinds import KINDS, SETPOINT, UNIT
from linepack.network.model import Compressor, CompressorMode, Network, Pipe, Settings

__all__ = ["case_text", "write_case"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
#: ``Settings`` fields written outside the table-driven ``[settings]`` keys (``[standard]``, and
#: the pair of ``pseudo_critical_*`` keys).
_SETTINGS_ELSEWHERE = ("scf", "sm3", "pseudo_critical")


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
    if kind == "profile":
        distances = ", ".join(_format(d, "length", label, name) for d, _ in value)
        temperatures = ", ".join(_format(t, "temperature", label, name) for _, t in value)
        return f"{{ distance = [{distances}], temperature = [{temperatures}] }}"
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
    obj: Any,
    section: str,
    label: str,
    given: dict[str, str | None] | None = None,
    elsewhere: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """``key = value`` pairs of one dataclass, in the reader's key order.

    ``given`` holds the text of keys written specially (None: leave the key out); ``elsewhere``
    names fields written outside this table. Absent (None) values are left out, except where the
    field's default is not None: that is written as ``"none"``.
    """
    given = given or {}
    fields = {f.name: f for f in dataclasses.fields(obj)}
    out: list[tuple[str, str]] = []
    done = set(elsewhere)
    for key, spec in SECTIONS[section].items():
        name = spec.field or key
        done.add(name)
        if key in given:
            text = given[key]
            if text is not None:
                out.append((key, text))
            continue
        value = getattr(obj, name)
        if value is None:
            if _default(fields[name]) is None:
                continue
            if not spec.none:  # pragma: no cover - the reader gives None only with none=True
                raise CaseError("cannot write None", element=label, key=key)
            out.append((key, _string("none")))
            continue
        out.append((key, _format(value, spec.kind, label, key)))
    missing = [name for name in fields if name not in done]
    if missing:  # pragma: no cover - every field has a key (tests/unit/test_case_write.py)
        raise CaseError("the case format has no key for these fields", element=label, value=missing)
    return out


def _pipe(p: Pipe, label: str) -> list[tuple[str, str]]:
    outer, wall = p.outer_diameter, p.wall_thickness
    if outer is not None and wall is not None and outer - 2 * wall == p.diameter:
        # as the reader computes it: the bore follows from the outer diameter and the wall
        return _fields_of(p, "pipe", label, given={"inner_diameter": None})
    return _fields_of(p, "pipe", label)  # inner_diameter, with the others kept for reports


def _compressor(c: Compressor, label: str) -> list[tuple[str, str]]:
    spec = SETPOINT.get(c.mode)
    if spec is not None:
        setpoint: str | None = _format(c.setpoint, spec.kind, label, "setpoint")
    elif c.setpoint != 0.0:  # idle (bypass, off): kept as a bare SI number
        setpoint = _number(c.setpoint, label, "setpoint")
    else:
        setpoint = None
    return _fields_of(c, "compressor", label, given={"setpoint": setpoint})


def _element(obj: Any, section: str) -> list[tuple[str, str]]:
    label = f"{section} '{obj.name}'"
    if isinstance(obj, Pipe):
        return _pipe(obj, label)
    if isinstance(obj, Compressor):
        return _compressor(obj, label)
    return _fields_of(obj, section, label)


def _reference(r: ReferenceConditions) -> str:
    items = []
    for f in dataclasses.fields(r):
        kind = "pressure" if f.name == "pressure" else "temperature"
        items.append(f"{f.name} = {_format(getattr(r, f.name), kind, '[standard]', f.name)}")
    return "{ " + ", ".join(items) + " }"


def _settings(st: Settings) -> list[str]:
    where = "[settings]"
    pseudo: tuple[float | None, float | None] = st.pseudo_critical or (None, None)
    given = {
        "pseudo_critical_pressure": None
        if pseudo[0] is None
        else _format(pseudo[0], "pressure", where, "pseudo_critical_pressure"),
        "pseudo_critical_temperature": None
        if pseudo[1] is None
        else _format(pseudo[1], "temperature", where, "pseudo_critical_temperature"),
    }
    if not st.soil_profile:  # the default, no profile: the reader refuses an empty one
        given["soil_profile"] = None
    pairs = _fields_of(st, "settings", where, given=given, elsewhere=_SETTINGS_ELSEWHERE)
    lines = [where] + [f"{k} = {v}" for k, v in pairs]
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


def _body(net: Network) -> list[str]:
    lines = [*_case(net), "", *_settings(net.settings), "", *_gas(net)]
    for kind in KINDS:
        for obj in kind.elements(net):
            lines += ["", f"[[{kind.section}]]"]
            lines += [f"{k} = {v}" for k, v in _element(obj, kind.section)]
    return lines


# ------------------------------------------------------------------------------------ API


def case_text(network: Network) -> str:
    """The TOML text of a case file for ``network``.

    Parameters
    ----------
    network : Network

    Returns
    -------
    str
        The case; :func:`linepack.io.case_toml.read_case` gives back a network equal to
        ``network`` (``source`` aside; ``extras`` are not written, see the module docstring).

    Raises
    ------
    CaseError
        A non-finite number, or a value of the wrong type.
    """
    lines = _body(network)
    head = [f"# linepack case '{network.name}' written by linepack.io.case_write"]
    if network.source:
        head.append(f"# from {network.source}")
    if network.extras:
        head += [
            "# Not written: importer data that linepack does not model (Network.extras: "
            + ", ".join(sorted(network.extras))
            + ").",
            "# Import the original files again to get them; the steady solver does not use them.",
        ]
    return "\n".join([*head, "", *lines]) + "\n"


def write_case(network: Network, path: str | Path) -> Path:
    """Write ``network`` as a TOML case file (lossless, see :func:`case_text`).

    Parameters
    ----------
    network : Network
        The network (all SI).
    path : str or Path
        The file to write (its folder must exist).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    CaseError
        As :func:`case_text`, or an unwritable path.
    """
    text = case_text(network)
    p = Path(path)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CaseError(f"cannot write the file: {exc.strerror}", file=str(p)) from None
    return p
