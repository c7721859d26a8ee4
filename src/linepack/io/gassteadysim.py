"""Read a GasSteadySim.jl / GasTranSim.jl steady case folder into a :class:`Network`.

A case folder holds ``network.json`` (nodes, pipes, compressors and other elements keyed by
integer id), ``bc.json`` (steady boundary conditions) and ``params.json`` (gas temperature,
specific gravity, unit system). The conventions below are those of GasSteadySim.jl
(kaarthiksundar, ``src/io/data_utils.jl``, ``src/core/bc.jl``, ``src/core/ref.jl``,
``src/core/eos.jl``, ``src/unit_conversion``):

Boundary conditions
    ``boundary_pslack`` maps a node id to its pressure (a :class:`Supply` with ``pressure``).
    ``boundary_nonslack_flow`` maps a node id to its *withdrawal*: positive values leave the
    network (a :class:`Demand`), negative values enter it (a :class:`Supply` with ``flow``);
    zero entries add nothing.
Compressors
    ``boundary_compressor`` gives ``control_type`` and ``value`` per compressor id:
    0 = pressure ratio, 1 = discharge pressure, 2 = flow (GasSteadySim's ``CONTROL_TYPE``
    enum; its steady solver itself accepts only 0). GasSteadySim compressors are ideal (no
    fuel, no limits), so compressors here burn no fuel and carry no limits.
Gas
    The specific gas constant is ``R_s = 8.314 / (0.02896 G)`` J/(kg K) (``R = 8.314``,
    ``M_air = 0.02896`` kg/mol), the isothermal sound speed ``sqrt(R_s T)``; the CNGA models
    use ``G`` and ``T`` from ``params.json``. Missing parameters take GasSteadySim's defaults
    only for the unit flag (SI); temperature and specific gravity are required here.
Units
    ``units`` 0 = SI (Pa, m, kg/s). 1 = "standard": psi (6894.75729 Pa), miles (1609.64 m),
    inches, and MMSCFD converted with GasSteadySim's factor (101325 Pa at the *gas*
    temperature, ``M = 0.02896 G``, 0.02832 m³/ft³).
Other elements
    Short pipes become lossless :class:`ShortPipe` (GasSteadySim puts a tiny linear
    resistance of 1e-5 per unit on them: a few Pa at the test cases' flows); valves listed
    ``off`` in ``boundary_valve`` are closed :class:`Valve`, the others open; control valves
    listed ``off`` are closed valves, those holding a ratio of 1 are lossless short pipes,
    those holding a discharge pressure are :class:`Regulator`. Resistors (``drag`` on
    ``diameter``) and loss resistors (``p_loss``) become :class:`Resistor` with
    ``resistors="drag"``, or lossless short pipes with ``resistors="pass-through"``, which is
    how GasSteadySim's published reference solutions treat them (zero pressure change across
    the resistor of GasLib-24). ``gnodes``, ``receipts`` and ``deliveries`` only label nodes
    and are not needed; any other non-empty element kind raises :class:`CaseError`.

Limits
    Node ``min_pressure``/``max_pressure`` become ``p_min``/``p_max`` (checked after a solve;
    GasSteadySim's test conditions exceed some of them). Injection limits, compressor ratio,
    power and flow limits and the ``nominal_*`` scaling values are optimisation or scaling
    data that GasSteadySim's simulator does not use, and are not read.

Elevations are zero (GasSteadySim's steady model is horizontal); the per-pipe
``friction_factor`` is a constant Darcy factor. Node coordinates are planar in some files and
latitude first in others, so they are only used if ``coordinates`` says how to read them.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from linepack.errors import CaseError, Where
from linepack.gas.components import M_AIR as M_AIR_ISO
from linepack.gas.composition import Gas
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Resistor,
    Settings,
    ShortPipe,
    Supply,
    Valve,
)
from linepack.network.validate import validate

#: Universal gas constant as GasSteadySim uses it [J/(mol K)].
R_UNIVERSAL = 8.314
#: Molar mass of air as GasSteadySim uses it [kg/mol].
M_AIR = 0.02896
#: GasSteadySim's unit factors: psi [Pa], mile [m], inch [m], cubic foot [m³], atmosphere [Pa].
PSI = 6894.75729
MILE = 1609.64
INCH = 0.0254
CUBIC_FOOT = 0.02832
ATMOSPHERE = 101325.0

#: ``control_type`` codes of ``boundary_compressor`` (GasSteadySim ``CONTROL_TYPE``).
CONTROL_TYPES = {
    0: CompressorMode.RATIO,
    1: CompressorMode.OUTLET_PRESSURE,
    2: CompressorMode.FLOW,
}
_CONTROL_EXPECTED = "0 (pressure ratio), 1 (discharge pressure) or 2 (flow)"

#: EOS names accepted (GasSteadySim's three models) and their linepack names.
EOS_CHOICES = {
    "ideal": "ideal",
    "cnga-simple": "cnga-simple",
    "simple-cnga": "cnga-simple",
    "cnga-full": "cnga-full",
    "full-cnga": "cnga-full",
}

#: Element kinds read from ``network.json``: the keys that may hold the id and the name prefix
#: (names come from ``name`` or ``<prefix>_name``, else ``<prefix><id>``).
ELEMENT_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "nodes": (("id", "node_id"), "node"),
    "pipes": (("id", "pipe_id"), "pipe"),
    "compressors": (("id", "comp_id"), "comp"),
    "short_pipes": (("id", "short_pipe_id"), "short_pipe"),
    "valves": (("id", "valve_id"), "valve"),
    "control_valves": (("id", "control_valve_id"), "control_valve"),
    "resistors": (("id", "resistor_id"), "resistor"),
    "loss_resistors": (("id", "loss_resistor_id"), "loss_resistor"),
}
#: How messages name one element of each kind.
LABELS = {
    "nodes": "node",
    "pipes": "pipe",
    "compressors": "compressor",
    "short_pipes": "short pipe",
    "valves": "valve",
    "control_valves": "control valve",
    "resistors": "resistor",
    "loss_resistors": "loss resistor",
}
#: Element kinds that only label nodes.
LABEL_KINDS = ("gnodes", "receipts", "deliveries")

ResistorModel = Literal["drag", "pass-through"]
Coordinates = Literal["lat-lon", "lon-lat"]


# ----------------------------------------------------------------------------- small readers


def read_json(path: Path) -> dict[str, Any]:
    """Parse a JSON file into a dict, or raise :class:`CaseError` naming the file."""
    where = Where(str(path))
    if not path.is_file():
        raise where.error(
            "file not found", expected="network.json, bc.json and params.json in the case folder"
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise where.error(
            f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None
    if not isinstance(doc, dict):
        raise where.error("the top level must be a JSON object", value=type(doc).__name__)
    return doc


def _get(d: Mapping[str, Any], keys: str | tuple[str, ...], where: Where) -> Any:
    """The value of the first of ``keys`` present in ``d``; CaseError if none is."""
    names = (keys,) if isinstance(keys, str) else keys
    for k in names:
        if k in d:
            return d[k]
    raise where.error(
        "missing key", key=names[0], expected=" or ".join(f"'{k}'" for k in names) + " to be given"
    )


def _number(value: Any, key: str, where: Where) -> float:
    """``value`` as a finite float; CaseError otherwise."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)):
        raise where.error("not a finite number", key=key, value=value, expected="a number")
    return float(value)


def _num(d: Mapping[str, Any], keys: str | tuple[str, ...], where: Where) -> float:
    names = (keys,) if isinstance(keys, str) else keys
    return _number(_get(d, names, where), names[0], where)


def _int_id(text: Any, key: str, where: Where) -> int:
    """An element id given as an int or a decimal string."""
    if isinstance(text, bool):
        raise where.error("not an integer id", key=key, value=text, expected="an integer")
    if isinstance(text, int):
        return text
    if isinstance(text, float) and text.is_integer():
        return int(text)
    try:
        return int(str(text))
    except ValueError:
        raise where.error("not an integer id", key=key, value=text, expected="an integer") from None


def _table(doc: Mapping[str, Any], key: str, where: Where, required: bool) -> dict[str, Any]:
    """A JSON object under ``key`` (empty if absent and not required)."""
    if key not in doc:
        if required:
            raise where.error("missing key", key=key, expected=f"a '{key}' object")
        return {}
    value = doc[key]
    if isinstance(value, list) and not value:
        return {}
    if not isinstance(value, dict):
        raise where.error(
            "not a JSON object",
            key=key,
            value=type(value).__name__,
            expected="an object keyed by element id",
        )
    return value


# ----------------------------------------------------------------------------------- params


@dataclass(frozen=True)
class CaseParams:
    """The contents of ``params.json`` that matter for a steady solve.

    Attributes
    ----------
    temperature : float
        Gas temperature [K].
    specific_gravity : float
        Gas specific gravity G [-].
    units : int
        0 for SI, 1 for GasSteadySim's "standard" (English) units.
    """

    temperature: float
    specific_gravity: float
    units: int

    @property
    def gas_constant(self) -> float:
        """GasSteadySim's specific gas constant ``8.314 / (0.02896 G)`` [J/(kg K)]."""
        return R_UNIVERSAL / (M_AIR * self.specific_gravity)

    @property
    def mmscfd(self) -> float:
        """Mass flow of one MMSCFD as GasSteadySim converts it [kg/s]."""
        density = ATMOSPHERE * M_AIR * self.specific_gravity / (self.temperature * R_UNIVERSAL)
        return density * CUBIC_FOOT * 1e6 / 86400.0


def _param_key(params: Mapping[str, Any], fragment: str) -> str | None:
    """The key of ``params`` containing ``fragment`` (GasSteadySim matches keys this way)."""
    for k in params:
        if fragment in k:
            return k
    return None


def read_params(path: str | Path) -> CaseParams:
    """Read a GasSteadySim ``params.json``.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    CaseParams

    Raises
    ------
    CaseError
        Missing ``params`` object, temperature or specific gravity, or a unit flag other than
        0 or 1, naming the file and the key.
    """
    where = Where(str(path), "params")
    doc = read_json(Path(path))
    params = _get(doc, ("params", "simulation_params"), Where(str(path)))
    if not isinstance(params, dict):
        raise where.error("not a JSON object", key="params", value=type(params).__name__)
    values: dict[str, float] = {}
    for name, fragment, shown in (
        ("temperature", "Temperature", "Temperature (K):"),
        ("specific_gravity", "Gas", "Gas specific gravity (G):"),
    ):
        key = _param_key(params, fragment)
        if key is None:
            what = name.replace("_", " ")
            raise where.error("missing key", key=shown, expected=f"the gas {what}")
        values[name] = _number(params[key], key, where)
        if values[name] <= 0:
            raise where.error(
                "value out of range", key=key, value=params[key], expected="a value > 0"
            )
    key = _param_key(params, "units")
    units = 0 if key is None else params[key]
    if units not in (0, 1) or isinstance(units, bool):
        raise where.error(
            "unknown unit system",
            key=key,
            value=units,
            expected="0 (SI) or 1 (standard: psi, miles, inches, MMSCFD)",
        )
    return CaseParams(values["temperature"], values["specific_gravity"], int(units))


@dataclass(frozen=True)
class _Units:
    """Converters from the file's units to SI."""

    pressure: float  # Pa per file unit
    length: float  # m per file unit
    diameter: float  # m per file unit
    flow: float  # kg/s per file unit

    @classmethod
    def of(cls, params: CaseParams) -> _Units:
        """The converters for the unit system of ``params``."""
        if params.units == 0:
            return cls(1.0, 1.0, 1.0, 1.0)
        return cls(PSI, MILE, INCH, params.mmscfd)


# ------------------------------------------------------------------------------- elements


def _name(d: Mapping[str, Any], prefix: str, ident: int) -> str:
    """The element's name from the file, or ``<prefix><id>``."""
    for k in ("name", f"{prefix}_name"):
        if isinstance(d.get(k), str) and d[k].strip():
            return str(d[k])
    return f"{prefix}{ident}"


@dataclass(frozen=True)
class _Entry:
    """One element of ``network.json``: id, name, data and where it sits."""

    ident: int
    name: str
    data: dict[str, Any]
    where: Where


def _entries(doc: Mapping[str, Any], kind: str, where: Where) -> list[_Entry]:
    """Elements of one kind, sorted by id; ids checked against their keys."""
    id_keys, prefix = ELEMENT_KINDS[kind]
    out = []
    for key, entry in _table(doc, kind, where, required=kind in ("nodes", "pipes")).items():
        w = where.at(f"{kind} '{key}'")
        ident = _int_id(key, "id", w)
        if not isinstance(entry, dict):
            raise w.error("not a JSON object", value=type(entry).__name__)
        given = next((entry[k] for k in id_keys if k in entry), ident)
        if _int_id(given, id_keys[0], w) != ident:
            raise w.error(
                "id differs from the element's key",
                key=id_keys[0],
                value=given,
                expected=f"{ident}",
            )
        name = _name(entry, prefix, ident)
        out.append(_Entry(ident, name, entry, where.at(f"{LABELS[kind]} '{name}'")))
    return sorted(out, key=lambda e: e.ident)


def element_names(path: str | Path) -> dict[str, dict[int, str]]:
    """Names :func:`load_gassteadysim` gives the elements of a ``network.json``, by id.

    Parameters
    ----------
    path : str or Path
        The ``network.json`` file or its folder.

    Returns
    -------
    dict
        ``{kind: {id: name}}`` for each kind of :data:`ELEMENT_KINDS` (``"nodes"``,
        ``"pipes"``, ``"compressors"``, ...), to match results with GasSteadySim's ids.
    """
    file = network_file(path)
    doc, where = read_json(file), Where(str(file))
    return {kind: {e.ident: e.name for e in _entries(doc, kind, where)} for kind in ELEMENT_KINDS}


def _coordinates(
    entry: Mapping[str, Any], how: Coordinates | None, w: Where
) -> tuple[float | None, float | None]:
    """(lat, lon) from ``x_coord``/``y_coord`` as ``how`` says, or (None, None)."""
    if how is None or "x_coord" not in entry or "y_coord" not in entry:
        return None, None
    x, y = _num(entry, "x_coord", w), _num(entry, "y_coord", w)
    return (x, y) if how == "lat-lon" else (y, x)


def _nodes(
    doc: Mapping[str, Any], where: Where, units: _Units, coordinates: Coordinates | None
) -> tuple[list[Node], dict[int, str], set[int]]:
    """Nodes (sorted by id), id → name, and ids flagged ``slack_bool``."""
    nodes: list[Node] = []
    names: dict[int, str] = {}
    slack: set[int] = set()
    for e in _entries(doc, "nodes", where):
        limits = []
        for key in ("min_pressure", "max_pressure"):
            value = e.data.get(key)
            limits.append(None if value is None else _number(value, key, e.where) * units.pressure)
        lat, lon = _coordinates(e.data, coordinates, e.where)
        nodes.append(Node(e.name, 0.0, lat=lat, lon=lon, p_min=limits[0], p_max=limits[1]))
        names[e.ident] = e.name
        if e.data.get("slack_bool") == 1:
            slack.add(e.ident)
    return nodes, names, slack


def _ends(e: _Entry, names: Mapping[int, str]) -> tuple[str, str]:
    """Names of the from and to nodes of a link."""
    out = []
    for keys in (("fr_node", "from_node"), ("to_node",)):
        ident = _int_id(_get(e.data, keys, e.where), keys[0], e.where)
        if ident not in names:
            raise e.where.error(
                "undefined node", key=keys[0], value=ident, expected="the id of an entry of 'nodes'"
            )
        out.append(names[ident])
    return out[0], out[1]


def _pipes(
    doc: Mapping[str, Any], where: Where, names: Mapping[int, str], units: _Units
) -> list[Pipe]:
    pipes = []
    for e in _entries(doc, "pipes", where):
        a, b = _ends(e, names)
        pipes.append(
            Pipe(
                name=e.name,
                from_node=a,
                to_node=b,
                length=_num(e.data, "length", e.where) * units.length,
                diameter=_num(e.data, "diameter", e.where) * units.diameter,
                roughness=0.0,
                friction="constant",
                friction_value=_num(e.data, "friction_factor", e.where),
            )
        )
    return pipes


def _status(bc: Mapping[str, Any], key: str, where: Where) -> tuple[set[int], set[int]]:
    """The ``on`` and ``off`` id lists of a valve-like boundary object."""
    table = _table(bc, key, where, required=False)
    out: list[set[int]] = []
    for state in ("on", "off"):
        ids = table.get(state, [])
        if not isinstance(ids, list):
            raise where.error("not a list of ids", key=f"{key}.{state}", value=ids)
        out.append({_int_id(i, f"{key}.{state}", where) for i in ids})
    return out[0], out[1]


def _control(table: Mapping[str, Any], e: _Entry, kind: str, bc_where: Where) -> tuple[int, float]:
    """``control_type`` and ``value`` of a compressor or control valve in ``bc.json``."""
    entry = table.get(str(e.ident))
    bw = bc_where.at(e.where.element or kind)
    if entry is None:
        raise bw.error(
            f"no boundary condition for this {kind.replace('_', ' ')}",
            key=f"boundary_{kind}",
            expected=f'an entry "{e.ident}": {{"control_type": ..., "value": ...}}',
        )
    if not isinstance(entry, dict):
        raise bw.error("not a JSON object", key=f"boundary_{kind}", value=entry)
    ctype = _get(entry, "control_type", bw)
    if ctype not in CONTROL_TYPES or isinstance(ctype, bool):
        raise bw.error(
            f"unknown {kind.replace('_', ' ')} control_type",
            key="control_type",
            value=ctype,
            expected=_CONTROL_EXPECTED,
        )
    return int(ctype), _num(entry, "value", bw)


def _check_ids(table: Mapping[str, Any], known: set[int], key: str, where: Where) -> None:
    """Every id in a boundary object must name an element."""
    for k in table:
        if k in ("on", "off"):
            continue
        if _int_id(k, key, where) not in known:
            raise where.error(
                "boundary condition for an undefined element",
                key=key,
                value=k,
                expected="an id defined in network.json",
            )


def _compressors(
    doc: Mapping[str, Any],
    bc: Mapping[str, Any],
    where: Where,
    bc_where: Where,
    names: Mapping[int, str],
    units: _Units,
) -> list[Compressor]:
    table = _table(bc, "boundary_compressor", bc_where, required=False)
    out = []
    entries = _entries(doc, "compressors", where)
    for e in entries:
        a, b = _ends(e, names)
        ctype, value = _control(table, e, "compressor", bc_where)
        mode = CONTROL_TYPES[ctype]
        scale = {
            CompressorMode.RATIO: 1.0,
            CompressorMode.OUTLET_PRESSURE: units.pressure,
            CompressorMode.FLOW: units.flow,
        }[mode]
        # GasSteadySim compressors are ideal: no fuel, no limits, and the set-point relation
        # holds for either flow direction (GasLib-135's c21 runs backwards in their solution)
        out.append(
            Compressor(
                e.name,
                a,
                b,
                mode=mode,
                setpoint=value * scale,
                driver_efficiency=None,
                heat_rate=None,
                allow_reverse=True,
            )
        )
    _check_ids(table, {e.ident for e in entries}, "boundary_compressor", bc_where)
    return out


@dataclass
class _Links:
    """Links other than pipes and compressors."""

    short_pipes: list[ShortPipe] = field(default_factory=list)
    valves: list[Valve] = field(default_factory=list)
    regulators: list[Regulator] = field(default_factory=list)
    resistors: list[Resistor] = field(default_factory=list)


def _control_valves(
    doc: Mapping[str, Any],
    bc: Mapping[str, Any],
    where: Where,
    bc_where: Where,
    names: Mapping[int, str],
    units: _Units,
    links: _Links,
) -> None:
    table = _table(bc, "boundary_control_valve", bc_where, required=False)
    _, off = _status(bc, "boundary_control_valve", bc_where)
    entries = _entries(doc, "control_valves", where)
    for e in entries:
        a, b = _ends(e, names)
        if e.ident in off:
            links.valves.append(Valve(e.name, a, b, open=False))
            continue
        ctype, value = _control(table, e, "control_valve", bc_where)
        if ctype == 0 and value == 1.0:
            links.short_pipes.append(ShortPipe(e.name, a, b))
        elif ctype == 1:
            links.regulators.append(Regulator(e.name, a, b, setpoint=value * units.pressure))
        else:
            raise bc_where.at(e.where.element or e.name).error(
                "control valve control not supported",
                key="control_type",
                value={"control_type": ctype, "value": value},
                expected="control_type 0 with value 1 (open) or 1 (outlet pressure)",
            )
    known = {e.ident for e in entries}
    _check_ids(table, known, "boundary_control_valve", bc_where)
    _check_ids({str(i): None for i in off}, known, "boundary_control_valve", bc_where)


def _valves(
    doc: Mapping[str, Any],
    bc: Mapping[str, Any],
    where: Where,
    bc_where: Where,
    names: Mapping[int, str],
    links: _Links,
) -> None:
    on, off = _status(bc, "boundary_valve", bc_where)
    entries = _entries(doc, "valves", where)
    for e in entries:
        a, b = _ends(e, names)
        links.valves.append(Valve(e.name, a, b, open=e.ident not in off))
    ids = {str(i): None for i in on | off}
    _check_ids(ids, {e.ident for e in entries}, "boundary_valve", bc_where)


def _resistors(
    doc: Mapping[str, Any],
    where: Where,
    names: Mapping[int, str],
    units: _Units,
    model: ResistorModel,
    links: _Links,
) -> None:
    for e in _entries(doc, "resistors", where):
        a, b = _ends(e, names)
        zeta = _num(e.data, "drag", e.where)
        dia = _num(e.data, "diameter", e.where) * units.diameter
        if model == "drag":
            links.resistors.append(Resistor(e.name, a, b, drag_factor=zeta, diameter=dia))
        else:
            links.short_pipes.append(ShortPipe(e.name, a, b))
    for e in _entries(doc, "loss_resistors", where):
        a, b = _ends(e, names)
        loss = _num(e.data, ("p_loss", "pressure_loss"), e.where) * units.pressure
        if model == "drag":
            links.resistors.append(Resistor(e.name, a, b, pressure_loss=loss))
        else:
            links.short_pipes.append(ShortPipe(e.name, a, b))


def _short_pipes(
    doc: Mapping[str, Any], where: Where, names: Mapping[int, str], links: _Links
) -> None:
    for e in _entries(doc, "short_pipes", where):
        a, b = _ends(e, names)
        links.short_pipes.append(ShortPipe(e.name, a, b))


def _check_kinds(doc: Mapping[str, Any], where: Where) -> None:
    """Refuse element kinds this reader does not know, so nothing is dropped silently."""
    for kind, value in doc.items():
        if kind in ELEMENT_KINDS or kind in LABEL_KINDS or not value:
            continue
        raise where.error(
            f"element kind '{kind}' is not supported",
            key=kind,
            expected="one of " + ", ".join((*ELEMENT_KINDS, *LABEL_KINDS)),
        )


# ------------------------------------------------------------------------- boundary values


def _boundaries(
    bc: Mapping[str, Any], where: Where, names: Mapping[int, str], slack: set[int], units: _Units
) -> tuple[list[Supply], list[Demand]]:
    """Supplies and demands from ``boundary_pslack`` and ``boundary_nonslack_flow``."""
    pslack = _table(bc, "boundary_pslack", where, required=True)
    flows = _table(bc, "boundary_nonslack_flow", where, required=False)
    supplies: list[Supply] = []
    demands: list[Demand] = []
    fixed: set[int] = set()
    for key, value in pslack.items():
        ident = _node_id(key, "boundary_pslack", names, where)
        p = _number(value, f"boundary_pslack.{key}", where) * units.pressure
        supplies.append(Supply(f"slack {names[ident]}", names[ident], pressure=p))
        fixed.add(ident)
    for ident in sorted(slack - fixed):
        raise where.error(
            "slack node without a pressure",
            key="boundary_pslack",
            value=ident,
            expected=f'an entry "{ident}": <pressure>',
        )
    for key, value in flows.items():
        ident = _node_id(key, "boundary_nonslack_flow", names, where)
        if ident in fixed:
            raise where.error(
                "node has both a slack pressure and a flow",
                key="boundary_nonslack_flow",
                value=key,
                expected="each node in at most one of boundary_pslack and boundary_nonslack_flow",
            )
        q = _number(value, f"boundary_nonslack_flow.{key}", where) * units.flow
        node = names[ident]
        if q > 0:  # GasSteadySim: positive = withdrawal
            demands.append(Demand(f"withdrawal {node}", node, flow=q))
        elif q < 0:
            supplies.append(Supply(f"injection {node}", node, flow=-q))
    return supplies, demands


def _node_id(key: str, table: str, names: Mapping[int, str], where: Where) -> int:
    ident = _int_id(key, table, where)
    if ident not in names:
        raise where.error(
            "undefined node",
            key=table,
            value=key,
            expected="the id of an entry of 'nodes' in network.json",
        )
    return ident


# ------------------------------------------------------------------------------- gas, files


def surrogate_gas(specific_gravity: float, where: str = "params.json") -> Gas:
    """A methane–ethane mixture with the given ideal specific gravity.

    GasSteadySim cases give only ``G``; linepack needs a composition for reports (standard
    densities, heating value, isentropic exponent). Flow physics use ``Settings.gas_constant``
    and ``Settings.specific_gravity`` instead.

    Parameters
    ----------
    specific_gravity : float
        G [-], between that of methane (0.554) and ethane (1.038).
    where : str, optional
        File named in the error.

    Raises
    ------
    CaseError
        If G is outside the methane–ethane range.
    """
    methane = Gas.from_mapping({"methane": 1.0}).molar_mass
    ethane = Gas.from_mapping({"ethane": 1.0}).molar_mass
    x = (specific_gravity * M_AIR_ISO - methane) / (ethane - methane)
    if not 0.0 <= x <= 1.0:
        raise CaseError(
            "specific gravity outside the methane–ethane range",
            file=where,
            key="Gas specific gravity (G):",
            value=specific_gravity,
            expected=f"{methane / M_AIR_ISO:.4f} to {ethane / M_AIR_ISO:.4f}",
        )
    return Gas.from_mapping({"methane": 1.0 - x, "ethane": x})


def network_file(path: str | Path) -> Path:
    """``network.json`` of a case: the path itself or the file inside a folder."""
    p = Path(path)
    return p / "network.json" if p.is_dir() else p


def _eos_name(eos: str) -> str:
    key = eos.strip().lower().replace("_", "-")
    if key not in EOS_CHOICES:
        raise CaseError(
            "equation of state not available for GasSteadySim cases",
            key="eos",
            value=eos,
            expected="'ideal', 'cnga-simple' or 'cnga-full'",
        )
    return EOS_CHOICES[key]


def _settings(params: CaseParams, eos: str, pipes: list[Pipe], segment_length: float) -> Settings:
    lams = [p.friction_value for p in pipes if p.friction_value is not None]
    return Settings(
        gas_temperature=params.temperature,
        ground_temperature=params.temperature,
        eos=eos,
        friction="constant",
        # every pipe carries its own factor; this case-wide value is never used by a pipe
        friction_value=statistics.median(lams) if lams else 0.01,
        segment_length=segment_length,
        specific_gravity=params.specific_gravity,
        gas_constant=params.gas_constant,
    )


def load_gassteadysim(
    path: str | Path,
    *,
    eos: str = "ideal",
    segment_length: float = 10_000.0,
    resistors: ResistorModel = "drag",
    coordinates: Coordinates | None = None,
    bc_file: str | Path | None = None,
    params_file: str | Path | None = None,
) -> Network:
    """Load a GasSteadySim steady case (``network.json`` with ``bc.json``, ``params.json``).

    Parameters
    ----------
    path : str or Path
        The ``network.json`` file or the case folder holding it.
    eos : str, optional
        ``"ideal"``, ``"cnga-simple"`` or ``"cnga-full"`` (GasSteadySim's ``:ideal``,
        ``:simple_cnga``, ``:full_cnga``; those spellings are accepted too).
    segment_length : float, optional
        Longest pipe segment [m]. With the CNGA models ``1/Z`` is linear in ``p``, so the
        mean-pressure pipe law equals GasSteadySim's exact potential integral for any segment
        length; the default keeps the usual 10 km for profiles.
    resistors : {"drag", "pass-through"}, optional
        Model resistors and loss resistors with their drag factor / pressure loss, or as
        lossless connections (as in GasSteadySim's reference solutions).
    coordinates : {"lat-lon", "lon-lat"}, optional
        How to read ``x_coord``/``y_coord`` into latitude and longitude [deg]; None ignores
        them (the files do not say, and some are planar).
    bc_file, params_file : str or Path, optional
        Other boundary-condition or parameter files than those beside ``network.json``.

    Returns
    -------
    Network
        Validated, SI, with ``source`` the path of ``network.json``.

    Raises
    ------
    CaseError
        A missing file or key, a bad value, an unknown ``control_type`` or element kind,
        naming the file, the element and the key.
    """
    net_path = network_file(path)
    folder = net_path.parent
    bc_path = Path(bc_file) if bc_file is not None else folder / "bc.json"
    params_path = Path(params_file) if params_file is not None else folder / "params.json"
    return network_from_data(
        read_json(net_path),
        read_json(bc_path),
        read_params(params_path),
        net_path=net_path,
        bc_source=str(bc_path),
        params_source=str(params_path),
        eos=eos,
        segment_length=segment_length,
        resistors=resistors,
        coordinates=coordinates,
    )


def network_from_data(
    doc: Mapping[str, Any],
    bc: Mapping[str, Any],
    params: CaseParams,
    *,
    net_path: Path,
    bc_source: str,
    params_source: str,
    eos: str = "ideal",
    segment_length: float = 10_000.0,
    resistors: ResistorModel = "drag",
    coordinates: Coordinates | None = None,
) -> Network:
    """Build a GasSteadySim network from already parsed ``network.json`` and ``bc.json`` data.

    :func:`load_gassteadysim` reads the files and calls this; the GasTranSim reader
    (:mod:`linepack.io.gastransim`) calls it with the boundary values of its time series at
    the initial time.

    Parameters
    ----------
    doc, bc : mapping
        The parsed ``network.json`` and ``bc.json``.
    params : CaseParams
        The parsed ``params.json`` (:func:`read_params`).
    net_path : Path
        The ``network.json`` file (the network's ``source``; its folder names the case).
    bc_source, params_source : str
        Where ``bc`` and ``params`` came from, for messages.
    eos, segment_length, resistors, coordinates
        As in :func:`load_gassteadysim`.

    Returns
    -------
    Network
        Validated, SI.

    Raises
    ------
    CaseError
        As :func:`load_gassteadysim`.
    """
    eos_name = _eos_name(eos)
    if resistors not in ("drag", "pass-through"):
        raise CaseError(
            "unknown resistor model",
            key="resistors",
            value=resistors,
            expected="'drag' or 'pass-through'",
        )
    folder = net_path.parent
    where, bc_where = Where(str(net_path)), Where(bc_source)
    _check_kinds(doc, where)
    units = _Units.of(params)
    nodes, names, slack = _nodes(doc, where, units, coordinates)
    pipes = _pipes(doc, where, names, units)
    compressors = _compressors(doc, bc, where, bc_where, names, units)
    links = _Links()
    _short_pipes(doc, where, names, links)
    _valves(doc, bc, where, bc_where, names, links)
    _control_valves(doc, bc, where, bc_where, names, units, links)
    _resistors(doc, where, names, units, resistors, links)
    supplies, demands = _boundaries(bc, bc_where, names, slack, units)
    net = Network(
        name=folder.name or net_path.stem,
        gas=surrogate_gas(params.specific_gravity, params_source),
        settings=_settings(params, eos_name, pipes, segment_length),
        nodes=nodes,
        pipes=pipes,
        compressors=compressors,
        regulators=links.regulators,
        valves=links.valves,
        short_pipes=links.short_pipes,
        resistors=links.resistors,
        supplies=supplies,
        demands=demands,
        source=str(net_path),
        description=f"GasSteadySim case '{folder.name}' (G = {params.specific_gravity:g}, "
        f"T = {params.temperature:g} K)",
    )
    validate(net)
    return net
