"""Safe XML reading and GasLib units, shared by the GasLib readers.

GasLib files (``.net``, ``.scn``, ``.cs``, ``.cdf``) are XML documents in the namespaces
``http://gaslib.zib.de/...``. They are parsed with :mod:`defusedxml` with document type
declarations forbidden, so entity expansion ("billion laughs") and external entities or DTDs
are refused: a GasLib file never needs them. Tags are compared without their namespace.

Every quantity is an element ``<name value="..." unit="..."/>``; :func:`quantity` turns it into
SI with the unit the element states. Pressures in ``barg`` are gauge (absolute = gauge + the
case atmosphere), ``bar`` absolute. Flows in ``1000m_cube_per_hour`` are volumes at GasLib's
normal conditions (0 °C, 1.01325 bar) per time and are returned as normal m³/s.
"""

from __future__ import annotations

import dataclasses
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from linepack.errors import CaseError, Where
from linepack.units import ATMOSPHERE

__all__ = [
    "SUFFIXES",
    "UNITS",
    "GaslibFiles",
    "Where",
    "XmlFile",
    "children",
    "document_parts",
    "find_files",
    "local",
    "optional_quantity",
    "parse_xml",
    "quantity",
]

#: File suffixes of the parts of an instance.
SUFFIXES = {"net": ".net", "scenario": ".scn", "compressor_data": ".cs", "decisions": ".cdf"}
#: Largest archive member read [bytes] (GasLib's largest files are a few MB).
MAX_MEMBER = 200 * 2**20

#: Accepted units per quantity kind: unit → (factor, offset); SI = value × factor + offset.
#: ``barg`` gets the case atmosphere as offset (see :func:`quantity`).
UNITS: dict[str, dict[str, tuple[float, float]]] = {
    "length": {
        "m": (1.0, 0.0),
        "meter": (1.0, 0.0),
        "km": (1e3, 0.0),
        "mm": (1e-3, 0.0),
        "cm": (1e-2, 0.0),
    },
    "pressure": {
        "bar": (1e5, 0.0),
        "bara": (1e5, 0.0),
        "barg": (1e5, math.nan),
        "Pa": (1.0, 0.0),
        "kPa": (1e3, 0.0),
        "MPa": (1e6, 0.0),
    },
    "pressure_difference": {
        "bar": (1e5, 0.0),
        "Pa": (1.0, 0.0),
        "kPa": (1e3, 0.0),
        "MPa": (1e6, 0.0),
    },
    "temperature": {
        "Celsius": (1.0, 273.15),
        "celsius": (1.0, 273.15),
        "degC": (1.0, 273.15),
        "K": (1.0, 0.0),
        "Kelvin": (1.0, 0.0),
    },
    "normal_flow": {
        "1000m_cube_per_hour": (1000.0 / 3600.0, 0.0),
        "m_cube_per_hour": (1.0 / 3600.0, 0.0),
        "m_cube_per_s": (1.0, 0.0),
    },
    "power": {"W": (1.0, 0.0), "kW": (1e3, 0.0), "MW": (1e6, 0.0)},
    "density": {"kg_per_m_cube": (1.0, 0.0)},
    "molar_mass": {"kg_per_kmol": (1e-3, 0.0), "g_per_mol": (1e-3, 0.0), "kg_per_mol": (1.0, 0.0)},
    "calorific_value": {
        "MJ_per_m_cube": (1e6, 0.0),
        "kJ_per_m_cube": (1e3, 0.0),
        "kWh_per_m_cube": (3.6e6, 0.0),
    },
    "heat_transfer": {"W_per_m_square_per_K": (1.0, 0.0)},
    "dimensionless": {"": (1.0, 0.0)},
}


@dataclass(frozen=True)
class XmlFile:
    """An XML document to read: its name for messages and its bytes.

    Attributes
    ----------
    name : str
        File path, or ``archive.zip:member`` for a member of a zip archive.
    data : bytes
        The document.
    """

    name: str
    data: bytes


def local(tag: Any) -> str:
    """A tag without its ``{namespace}`` prefix (comments and processing instructions: "")."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: Element, tag: str | None = None) -> Iterator[Element]:
    """Child elements (no comments), optionally only those with local name ``tag``."""
    for child in element:
        name = local(child.tag)
        if name and (tag is None or name == tag):
            yield child


def parse_xml(file: XmlFile, root: str | tuple[str, ...]) -> Element:
    """Parse a GasLib XML document safely and check its root element.

    Parameters
    ----------
    file : XmlFile
        The document.
    root : str or tuple of str
        Accepted local name(s) of the root element, e.g. ``"network"``.

    Returns
    -------
    Element
        The root element.

    Raises
    ------
    CaseError
        Malformed XML (with line and column), a document type declaration, entity or external
        reference (refused for safety), or an unexpected root element; naming the file.
    """
    where = Where(file.name)
    try:
        doc = SafeET.fromstring(file.data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise where.error(
            f"unsafe XML refused ({type(exc).__name__})",
            expected="a GasLib XML file without DTD, entity declarations or external references",
        ) from None
    except ParseError as exc:
        raise where.error(f"malformed XML: {exc}", expected="well-formed XML") from None
    names = (root,) if isinstance(root, str) else root
    if local(doc.tag) not in names:
        raise where.error(
            "unexpected root element",
            value=local(doc.tag),
            expected=" or ".join(f"<{n}>" for n in names),
        )
    return cast(Element, doc)


def _number(text: str | None, key: str, where: Where) -> float:
    if text is None:
        raise where.error("missing attribute", key=key, expected="a number")
    try:
        value = float(text)
    except ValueError:
        raise where.error("not a number", key=key, value=text, expected="a number") from None
    if not math.isfinite(value):
        raise where.error("not a finite number", key=key, value=text, expected="a finite number")
    return value


def quantity(
    element: Element,
    kind: str,
    where: Where,
    *,
    atmosphere: float = ATMOSPHERE,
    default_unit: str | None = None,
) -> float:
    """The SI value of a GasLib quantity element ``<x value="..." unit="..."/>``.

    Parameters
    ----------
    element : Element
        The element.
    kind : str
        A key of :data:`UNITS` (``length``, ``pressure``, ``temperature``, ``normal_flow``...).
    where : Where
        The element's place, for messages (the key is the element's tag).
    atmosphere : float, optional
        Atmospheric pressure [Pa] added to ``barg`` values.
    default_unit : str, optional
        Unit assumed when the element has no ``unit`` attribute (else that is an error, except
        for dimensionless values).

    Returns
    -------
    float
        Value in SI: m, Pa (absolute), K, normal m³/s, W, kg/m³, kg/mol, J/m³, W/(m² K).

    Raises
    ------
    CaseError
        A missing or non-numeric value, or a unit not listed for ``kind``.
    """
    key = local(element.tag)
    value = _number(element.get("value"), key, where)
    unit = element.get("unit", default_unit if default_unit is not None else "")
    table = UNITS[kind]
    if unit not in table:
        listed = ", ".join(repr(u) for u in table)
        raise where.error(
            f"unit not accepted for a {kind.replace('_', ' ')}",
            key=key,
            value=element.get("unit"),
            expected=f"one of {listed}",
        )
    factor, offset = table[unit]
    if math.isnan(offset):  # gauge
        offset = atmosphere
    return value * factor + offset


def optional_quantity(
    parent: Element,
    tag: str,
    kind: str,
    where: Where,
    *,
    atmosphere: float = ATMOSPHERE,
    default_unit: str | None = None,
) -> float | None:
    """:func:`quantity` of the child ``tag`` of ``parent``, or None if there is none."""
    for child in children(parent, tag):
        return quantity(child, kind, where, atmosphere=atmosphere, default_unit=default_unit)
    return None


# ----------------------------------------------------------------------------------- files


@dataclass(frozen=True)
class GaslibFiles:
    """The documents of one GasLib instance.

    Attributes
    ----------
    net : XmlFile
        The network (``.net``).
    scenario, compressor_data, decisions : XmlFile, optional
        Nomination (``.scn``), compressor stations (``.cs``), combined decisions (``.cdf``).
    """

    net: XmlFile
    scenario: XmlFile | None = None
    compressor_data: XmlFile | None = None
    decisions: XmlFile | None = None


def _read_path(path: Path) -> XmlFile:
    if not path.is_file():
        raise CaseError("file not found", file=str(path), expected="a GasLib XML file")
    return XmlFile(str(path), path.read_bytes())


def _members(path: Path) -> dict[str, XmlFile]:
    """GasLib files of a folder or zip archive by base name (macOS resource forks skipped)."""
    suffixes = tuple(SUFFIXES.values())
    if path.is_dir():
        files = [p for p in sorted(path.iterdir()) if p.is_file() and p.name.endswith(suffixes)]
        return {p.name: _read_path(p) for p in files}
    try:
        with zipfile.ZipFile(path) as archive:
            out: dict[str, XmlFile] = {}
            for info in archive.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if info.is_dir() or "__MACOSX" in info.filename or base.startswith("._"):
                    continue
                if not base.endswith(tuple(SUFFIXES.values())):
                    continue
                if info.file_size > MAX_MEMBER:
                    raise CaseError(
                        "archive member too large",
                        file=f"{path}:{info.filename}",
                        value=info.file_size,
                        expected=f"at most {MAX_MEMBER} bytes",
                    )
                out[base] = XmlFile(f"{path}:{info.filename}", archive.read(info))
            return out
    except (zipfile.BadZipFile, OSError) as exc:
        raise CaseError(f"cannot read the zip archive: {exc}", file=str(path)) from None


def _pick(
    members: dict[str, XmlFile],
    suffix: str,
    given: str | Path | None,
    option: str,
    where: str,
    required: bool = False,
) -> XmlFile | None:
    if given is not None:
        name = str(given)
        if name in members:
            return members[name]
        if Path(name).name in members and not Path(name).exists():
            return members[Path(name).name]
        return _read_path(Path(name))
    found = sorted(n for n in members if n.endswith(suffix))
    if len(found) > 1:
        raise CaseError(
            f"more than one {suffix} file: " + ", ".join(found),
            file=where,
            key=option,
            expected=f"one of them chosen with --{option.replace('_', '-')}"
            if option != "net"
            else "one .net file per folder or archive",
        )
    if not found:
        if required:
            raise CaseError(f"no {suffix} file", file=where, expected=f"a GasLib {suffix} file")
        return None
    return members[found[0]]


def document_parts(files: GaslibFiles) -> dict[str, XmlFile]:
    """The documents present, by kind (``net``, ``scenario``, ``compressor_data``...)."""
    out = {f.name: getattr(files, f.name) for f in dataclasses.fields(files)}
    return {k: v for k, v in out.items() if v is not None}


def find_files(
    net_path: str | Path,
    scenario: str | Path | None = None,
    decisions: str | Path | None = None,
    compressor_data: str | Path | None = None,
) -> GaslibFiles:
    """Collect the documents of an instance from files, a folder or a zip archive.

    Parameters
    ----------
    net_path : str or Path
        A ``.net`` file, a folder or a ``.zip`` archive holding one.
    scenario, decisions, compressor_data : str or Path, optional
        The ``.scn``, ``.cdf``, ``.cs`` file: a path, or the name of a file in the folder or
        archive. Left out: for a single ``.net`` file, none is read; for a folder or archive,
        the one file with that suffix is used (an error if there are several ``.scn``).

    Returns
    -------
    GaslibFiles

    Raises
    ------
    CaseError
        A missing file, no or several ``.net`` files, several files of another kind (listed,
        with the option that chooses one), an unreadable archive.
    """
    path = Path(net_path)
    if path.is_dir() or path.suffix.lower() == ".zip":
        if not path.exists():
            raise CaseError("file not found", file=str(path), expected="a GasLib instance")
        members = _members(path)
        net = _pick(members, ".net", None, "net", str(path), required=True)
    else:
        members = {}
        net = _read_path(path)
    assert net is not None
    return GaslibFiles(
        net=net,
        scenario=_pick(members, ".scn", scenario, "scenario", str(path)),
        compressor_data=_pick(members, ".cs", compressor_data, "compressor_data", str(path)),
        decisions=_pick(members, ".cdf", decisions, "decisions", str(path)),
    )
