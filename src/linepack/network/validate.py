"""Model-level checks of a :class:`~linepack.network.model.Network`.

The case reader (:mod:`linepack.io.case_toml`) and :func:`linepack.network.compile.compile_network`
both call :func:`validate`, so that a network built in a program gets the same errors as one read
from a file. Every error names the element (``"pipe 'P3'"``), the key, the value (SI) and what was
expected; the file is the network's ``source`` when it has one.

Checks, in order: settings, names (non-empty; nodes unique among nodes, links unique across all
link kinds, supplies and demands unique among themselves), references (every node a link, supply,
demand, route or delivery names exists; a link joins two different nodes), values (positive
geometry, limits, set-points, enum values) and islands (every part of the network that is
connected through open links holds a pressure reference).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from linepack.errors import CaseError, TopologyError
from linepack.network import topology
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Control,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Resistor,
    ShortPipe,
    Supply,
    Valve,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Equation-of-state names a case may ask for.
EOS_MODELS = ("ideal", "papay", "aga88", "cnga-full", "cnga-simple", "gerg2008", "detail")
#: Friction-law names a case or a pipe may ask for.
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
#: Compression head models.
HEADS = ("polytropic", "isentropic")
#: Control policies of a case (``Settings.control``).
CONTROLS = tuple(c.value for c in Control)
#: Relative tolerance (on the outer diameter) within which a pipe's inner diameter must equal
#: outer diameter − 2 × wall thickness when all three are given.
DIAMETER_RTOL = 1e-6

Link = Pipe | Compressor | Regulator | Valve | ShortPipe | Resistor

#: Section name (as in the case file) of each element class.
SECTION: dict[type, str] = {
    Node: "node",
    Pipe: "pipe",
    Compressor: "compressor",
    Regulator: "regulator",
    Valve: "valve",
    ShortPipe: "short_pipe",
    Resistor: "resistor",
    Supply: "supply",
    Demand: "demand",
}

#: Named value checks: predicate on the SI value and the phrase for "expected".
CHECKS: dict[str, tuple[Callable[[float], bool], str]] = {
    "positive": (lambda v: v > 0, "a value > 0"),
    "nonnegative": (lambda v: v >= 0, "a value >= 0"),
    "fraction": (lambda v: 0 < v <= 1, "a value in (0, 1]"),
    "ratio": (lambda v: v >= 1, "a ratio >= 1"),
    "finite": (lambda v: True, "a finite number"),
}


def label(element: Any, index: int | None = None) -> str:
    """Name an element for messages, e.g. ``"pipe 'P3'"`` (or ``"pipe #3"`` without a name).

    Parameters
    ----------
    element : Node, Pipe, ... or str
        The element, or its section name.
    index : int, optional
        Zero-based position in its list, used when the element has no usable name.

    Returns
    -------
    str
        The label.
    """
    kind = element if isinstance(element, str) else SECTION.get(type(element), "element")
    name = None if isinstance(element, str) else getattr(element, "name", None)
    if isinstance(name, str) and name:
        return f"{kind} '{name}'"
    return f"{kind} #{index + 1}" if index is not None else kind


def check_value(
    value: Any, check: str, *, element: str, key: str, shown: Any = None, unit: str = ""
) -> None:
    """Raise :class:`CaseError` unless ``value`` is a finite number passing ``check``.

    Parameters
    ----------
    value : float or None
        The value in SI; None (an absent optional value) passes.
    check : str
        A key of :data:`CHECKS`.
    element, key : str
        Where the value sits, for the message.
    shown : Any, optional
        The value as the user wrote it (defaults to ``value``).
    unit : str, optional
        SI unit appended to the expectation, e.g. ``"m"``.
    """
    if value is None:
        return
    predicate, phrase = CHECKS[check]
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and predicate(float(value))
    if not ok:
        expected = phrase + (f" (in {unit})" if unit and shown is None else "")
        raise CaseError(
            "value out of range",
            element=element,
            key=key,
            value=value if shown is None else shown,
            expected=expected,
        )


def _choice(value: Any, choices: Iterable[str], element: str, key: str) -> None:
    options = tuple(choices)
    if value not in options:
        raise CaseError(
            "unknown value",
            element=element,
            key=key,
            value=value,
            expected="one of " + ", ".join(repr(c) for c in options),
        )


def _check_settings(net: Network) -> None:
    st, where = net.settings, "[settings]"
    check_value(st.gas_temperature, "positive", element=where, key="gas_temperature", unit="K")
    check_value(
        st.ground_temperature, "positive", element=where, key="ground_temperature", unit="K"
    )
    check_value(st.segment_length, "positive", element=where, key="segment_length", unit="m")
    check_value(st.atmosphere, "positive", element=where, key="atmosphere", unit="Pa")
    check_value(st.viscosity, "positive", element=where, key="viscosity", unit="Pa s")
    check_value(st.friction_value, "positive", element=where, key="friction_value")
    check_value(st.gas_constant, "positive", element=where, key="gas_constant", unit="J/(kg K)")
    check_value(st.specific_gravity, "positive", element=where, key="specific_gravity")
    if st.pseudo_critical is not None:
        p_pc, t_pc = st.pseudo_critical
        check_value(p_pc, "positive", element=where, key="pseudo_critical_pressure", unit="Pa")
        check_value(t_pc, "positive", element=where, key="pseudo_critical_temperature", unit="K")
    _choice(st.eos, EOS_MODELS, where, "eos")
    _choice(st.friction, FRICTION_LAWS, where, "friction")
    _choice(st.control, CONTROLS, where, "control")
    if st.friction == "constant" and st.friction_value is None:
        raise CaseError(
            "friction law 'constant' needs a friction factor",
            element=where,
            key="friction_value",
            expected="a Darcy friction factor such as 0.01",
        )


def _unique(items: Iterable[tuple[Any, int]], what: str) -> None:
    seen: dict[str, str] = {}
    for element, i in items:
        name = element.name
        where = label(element, i)
        if not isinstance(name, str) or not name.strip():
            raise CaseError(
                "missing or empty name",
                element=where,
                key="name",
                value=name,
                expected="a non-empty string",
            )
        if name in seen:
            raise CaseError(
                f"duplicate {what} name",
                element=where,
                key="name",
                value=name,
                expected=f"a name not already used by {seen[name]}",
            )
        seen[name] = where


def _indexed(elements: Iterable[Any]) -> list[tuple[Any, int]]:
    """Pair each element with its position in its own list."""
    out: list[tuple[Any, int]] = []
    counters: dict[type, int] = {}
    for kind, run in itertools.groupby(elements, key=type):
        items = list(run)
        i = counters.get(kind, 0)
        counters[kind] = i + len(items)
        out.extend(zip(items, range(i, i + len(items)), strict=True))
    return out


def _boundaries(net: Network) -> list[Supply | Demand]:
    return [*net.supplies, *net.demands]


def _check_names(net: Network) -> None:
    _unique(_indexed(net.nodes), "node")
    _unique(_indexed(net.links()), "link")
    _unique(_indexed(_boundaries(net)), "supply/demand")


def _check_references(net: Network) -> None:
    names = {n.name for n in net.nodes}
    expected = "the name of a defined [[node]]"
    for link, i in _indexed(net.links()):
        where = label(link, i)
        for key, node in (("from", link.from_node), ("to", link.to_node)):
            if node not in names:
                raise TopologyError(
                    "undefined node", element=where, key=key, value=node, expected=expected
                )
        if link.from_node == link.to_node:
            raise TopologyError(
                "a link must join two different nodes",
                element=where,
                key="to",
                value=link.to_node,
                expected=f"a node other than '{link.from_node}'",
            )
    for b, i in _indexed(_boundaries(net)):
        if b.node not in names:
            raise TopologyError(
                "undefined node", element=label(b, i), key="node", value=b.node, expected=expected
            )
    for node in net.route:
        if node not in names:
            raise TopologyError(
                "undefined node in route",
                element="[case]",
                key="route",
                value=node,
                expected=expected,
            )
    if net.delivery is not None and net.delivery not in names:
        raise TopologyError(
            "undefined node",
            element="[case]",
            key="delivery",
            value=net.delivery,
            expected=expected,
        )


def _check_nodes(net: Network) -> None:
    for n, i in _indexed(net.nodes):
        w = label(n, i)
        check_value(n.elevation, "finite", element=w, key="elevation", unit="m")
        if n.lat is not None and not -90 <= n.lat <= 90:
            raise CaseError(
                "latitude out of range",
                element=w,
                key="lat",
                value=n.lat,
                expected="degrees in [-90, 90]",
            )
        if n.lon is not None and not -180 <= n.lon <= 180:
            raise CaseError(
                "longitude out of range",
                element=w,
                key="lon",
                value=n.lon,
                expected="degrees in [-180, 180]",
            )
        check_value(n.p_min, "positive", element=w, key="p_min", unit="Pa")
        check_value(n.p_max, "positive", element=w, key="p_max", unit="Pa")
        if n.p_min is not None and n.p_max is not None and n.p_min > n.p_max:
            raise CaseError(
                "p_min above p_max",
                element=w,
                key="p_min",
                value=n.p_min,
                expected=f"at most p_max = {n.p_max} Pa",
            )


def _check_pipe(p: Pipe, w: str, st_friction_value: float | None) -> None:
    check_value(p.length, "positive", element=w, key="length", unit="m")
    check_value(p.diameter, "positive", element=w, key="inner_diameter", unit="m")
    check_value(p.roughness, "nonnegative", element=w, key="roughness", unit="m")
    check_value(p.efficiency, "positive", element=w, key="efficiency")
    check_value(p.outer_diameter, "positive", element=w, key="outer_diameter", unit="m")
    check_value(p.wall_thickness, "positive", element=w, key="wall_thickness", unit="m")
    if p.outer_diameter is not None and p.wall_thickness is not None:
        check_wall(p.outer_diameter, p.wall_thickness, w, p.wall_thickness)
        check_diameters(p.diameter, p.outer_diameter, p.wall_thickness, w, p.diameter)
    check_value(p.maop, "positive", element=w, key="maop", unit="Pa")
    check_value(p.temperature, "positive", element=w, key="temperature", unit="K")
    check_value(p.friction_value, "positive", element=w, key="friction_value")
    if p.friction is not None:
        _choice(p.friction, FRICTION_LAWS, w, "friction")
        if p.friction == "constant" and st_friction_value is None and p.friction_value is None:
            raise CaseError(
                "friction law 'constant' needs a friction_value",
                element=w,
                key="friction",
                value=p.friction,
                expected="friction_value set on the pipe or in [settings]",
            )


def check_wall(outer: float, wall: float, element: str, shown: Any) -> None:
    """Raise :class:`CaseError` if twice the wall thickness is not below the outer diameter.

    Parameters
    ----------
    outer, wall : float
        Outer diameter and wall thickness [m].
    element : str
        The pipe, for the message.
    shown : Any
        The wall thickness as the user wrote it.
    """
    if 2 * wall >= outer:
        raise CaseError(
            "wall thickness too large for the outer diameter",
            element=element,
            key="wall_thickness",
            value=shown,
            expected=f"less than half the outer diameter ({outer / 2:.6g} m)",
        )


def check_diameters(inner: float, outer: float, wall: float, element: str, shown: Any) -> None:
    """Raise :class:`CaseError` unless ``inner`` is ``outer − 2 × wall`` (within
    :data:`DIAMETER_RTOL` of ``outer``).

    Parameters
    ----------
    inner, outer, wall : float
        Inner and outer diameter and wall thickness of one pipe [m].
    element : str
        The pipe, for the message.
    shown : Any
        The inner diameter as the user wrote it.
    """
    bore = outer - 2 * wall
    if not abs(inner - bore) <= DIAMETER_RTOL * outer:
        raise CaseError(
            "inner_diameter does not match outer_diameter − 2 × wall_thickness",
            element=element,
            key="inner_diameter",
            value=shown,
            expected=f"{bore:.9g} m (or leave inner_diameter out)",
        )


#: Range checks of the GasLib station data kept on compressors and regulators.
STATION_CHECKS = {
    "min_flow": ("finite", "kg/s"),
    "max_flow": ("finite", "kg/s"),
    "inlet_drag_factor": ("nonnegative", ""),
    "inlet_diameter": ("nonnegative", "m"),
    "outlet_drag_factor": ("nonnegative", ""),
    "outlet_diameter": ("nonnegative", "m"),
    "inlet_pressure_loss": ("nonnegative", "Pa"),
    "outlet_pressure_loss": ("nonnegative", "Pa"),
}


def _check_station(x: Compressor | Regulator, w: str) -> None:
    for key, (check, unit) in STATION_CHECKS.items():
        check_value(getattr(x, key), check, element=w, key=key, unit=unit)


def _check_regulator(g: Regulator, w: str) -> None:
    check_value(g.setpoint, "positive", element=w, key="setpoint", unit="Pa")
    check_value(g.min_pressure_drop, "finite", element=w, key="min_pressure_drop", unit="Pa")
    check_value(g.max_pressure_drop, "finite", element=w, key="max_pressure_drop", unit="Pa")
    check_value(g.min_inlet_pressure, "nonnegative", element=w, key="min_inlet_pressure", unit="Pa")
    check_value(
        g.max_outlet_pressure, "nonnegative", element=w, key="max_outlet_pressure", unit="Pa"
    )
    _check_station(g, w)


#: Range check and SI unit of a compressor set-point in each mode that has one.
SETPOINT_CHECK = {
    CompressorMode.OUTLET_PRESSURE: ("positive", "Pa"),
    CompressorMode.SUCTION_PRESSURE: ("positive", "Pa"),
    CompressorMode.RATIO: ("ratio", ""),
    CompressorMode.FLOW: ("nonnegative", "kg/s"),
    CompressorMode.POWER: ("nonnegative", "W"),
}


def _check_compressor(c: Compressor, w: str) -> None:
    try:
        mode = CompressorMode(c.mode)
    except ValueError:
        raise CaseError(
            "unknown compressor mode",
            element=w,
            key="mode",
            value=c.mode,
            expected="one of " + ", ".join(repr(m.value) for m in CompressorMode),
        ) from None
    if mode in SETPOINT_CHECK:
        check, unit = SETPOINT_CHECK[mode]
        check_value(c.setpoint, check, element=w, key="setpoint", unit=unit)
    check_value(c.max_ratio, "ratio", element=w, key="max_ratio")
    check_value(c.max_outlet_pressure, "positive", element=w, key="max_outlet_pressure", unit="Pa")
    check_value(
        c.min_suction_pressure, "positive", element=w, key="min_suction_pressure", unit="Pa"
    )
    check_value(c.max_power, "positive", element=w, key="max_power", unit="W")
    check_value(c.efficiency, "fraction", element=w, key="efficiency")
    check_value(c.driver_efficiency, "fraction", element=w, key="driver_efficiency")
    check_value(c.heat_rate, "positive", element=w, key="heat_rate")
    _choice(c.head, HEADS, w, "head")
    _check_station(c, w)


def _check_resistor(r: Resistor, w: str) -> None:
    by_drag = r.drag_factor is not None or r.diameter is not None
    if by_drag == (r.pressure_loss is not None):
        raise CaseError(
            "give either drag_factor with diameter, or pressure_loss",
            element=w,
            key="pressure_loss" if by_drag else "drag_factor",
            value=r.pressure_loss,
            expected="exactly one of: drag_factor + diameter, pressure_loss",
        )
    if by_drag:
        for key in ("drag_factor", "diameter"):
            if getattr(r, key) is None:
                raise CaseError(
                    "missing field",
                    element=w,
                    key=key,
                    expected="drag_factor and diameter together",
                )
    check_value(r.drag_factor, "nonnegative", element=w, key="drag_factor")
    check_value(r.diameter, "positive", element=w, key="diameter", unit="m")
    check_value(r.pressure_loss, "nonnegative", element=w, key="pressure_loss", unit="Pa")


def check_boundary(b: Supply | Demand, w: str) -> None:
    """Raise :class:`CaseError` unless exactly one of ``pressure`` and ``flow`` is set.

    Parameters
    ----------
    b : Supply or Demand
        The boundary condition.
    w : str
        Its label, for the message.
    """
    if (b.pressure is None) == (b.flow is None):
        both = b.pressure is not None
        raise CaseError(
            "both pressure and flow given" if both else "neither pressure nor flow given",
            element=w,
            key="pressure" if both else "flow",
            value={"pressure": b.pressure, "flow": b.flow} if both else None,
            expected="exactly one of 'pressure' and 'flow'",
        )


def _check_values(net: Network) -> None:
    _check_nodes(net)
    for p, i in _indexed(net.pipes):
        _check_pipe(p, label(p, i), net.settings.friction_value)
    for c, i in _indexed(net.compressors):
        _check_compressor(c, label(c, i))
    for g, i in _indexed(net.regulators):
        _check_regulator(g, label(g, i))
    for v, i in _indexed(net.valves):
        if not isinstance(v.open, bool):
            raise CaseError(
                "not a boolean",
                element=label(v, i),
                key="open",
                value=v.open,
                expected="true or false",
            )
    for r, i in _indexed(net.resistors):
        _check_resistor(r, label(r, i))
    for b, i in _indexed(_boundaries(net)):
        w = label(b, i)
        check_boundary(b, w)
        check_value(b.pressure, "positive", element=w, key="pressure", unit="Pa")
        check_value(b.flow, "finite", element=w, key="flow", unit="kg/s")
        if isinstance(b, Supply):
            check_value(b.flow_max, "nonnegative", element=w, key="flow_max", unit="kg/s")


def _connects(link: Link) -> bool:
    """Whether a link ties the pressures of its two nodes together (for islands)."""
    if isinstance(link, Valve):
        return bool(link.open)
    if isinstance(link, Compressor):
        return CompressorMode(link.mode) is not CompressorMode.OFF
    return True


def _names(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def _check_islands(net: Network) -> None:
    index = {n.name: i for i, n in enumerate(net.nodes)}
    f, t = _connecting_pairs(net, index)
    referenced = np.zeros(len(net.nodes), dtype=bool)
    for b in _boundaries(net):
        if b.pressure is not None:
            referenced[index[b.node]] = True
    n_comp, labels = topology.component_labels(len(net.nodes), f, t)
    if n_comp == 0 or bool(np.all(np.bincount(labels[referenced], minlength=n_comp) > 0)):
        return
    for island in topology.islands(len(net.nodes), f, t):
        if not referenced[island].any():
            names = [net.nodes[i].name for i in island]
            raise TopologyError(
                "network island without a pressure reference",
                element=f"island [{_names(names)}]",
                expected="a supply or demand with a set 'pressure' on one of these nodes "
                "(closed valves and compressors that are 'off' separate islands)",
            )


def _connecting_pairs(net: Network, index: dict[str, int]) -> tuple[list[int], list[int]]:
    """Node indices of the ends of every link that connects (see :func:`_connects`)."""
    f: list[int] = []
    t: list[int] = []
    at = index.__getitem__
    for group in (net.pipes, net.short_pipes, net.regulators, net.resistors):
        f.extend(map(at, map(_FROM, group)))
        t.extend(map(at, map(_TO, group)))
    switched: list[Link] = [*net.compressors, *net.valves]
    for link in switched:
        if _connects(link):
            f.append(index[link.from_node])
            t.append(index[link.to_node])
    return f, t


_FROM = operator.attrgetter("from_node")
_TO = operator.attrgetter("to_node")


# -- fast path -------------------------------------------------------------------------------
# The checks above go element by element, which costs seconds on networks of a million
# elements. ``_looks_valid`` makes the same checks on whole columns of values; when it finds
# nothing it is certain the element-wise checks would find nothing either, and when it finds
# anything (or meets a value it does not handle) the element-wise checks run as before and
# raise their first error, so every message stays what it was.

_NAME = operator.attrgetter("name")
_NODE = operator.attrgetter("node")
#: Types whose values the column checks take as numbers (``check_value`` accepts these).
_NUMBER_TYPES = frozenset({float, int, np.float64, type(None)})


def _column(elements: list[Any], key: str) -> tuple[FloatArray, BoolArray] | None:
    """The values of one attribute as floats and which of them are None.

    None when a value is not None, an int or a float (the element-wise checks decide then).
    """
    values = list(map(operator.attrgetter(key), elements))
    kinds = set(map(type, values))
    if not kinds <= _NUMBER_TYPES:
        return None
    if kinds == {type(None)}:
        return np.full(len(values), np.nan), np.ones(len(values), dtype=bool)
    arr = np.array(values, dtype=float)
    if type(None) in kinds:
        missing = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    else:
        missing = np.zeros(len(values), dtype=bool)
    return arr, missing


#: Vectorised predicates of :data:`CHECKS` (finite values only reach them).
_VECTOR_CHECKS: dict[str, Callable[[FloatArray], BoolArray]] = {
    "positive": lambda v: v > 0,
    "nonnegative": lambda v: v >= 0,
    "fraction": lambda v: (v > 0) & (v <= 1),
    "ratio": lambda v: v >= 1,
    "finite": lambda v: np.ones(v.shape, dtype=bool),
}


def _column_ok(elements: list[Any], key: str, check: str) -> bool:
    """Whether ``check_value`` would pass the attribute ``key`` of every element."""
    col = _column(elements, key)
    if col is None:
        return False
    arr, missing = col
    if bool(missing.all()):
        return True
    with np.errstate(invalid="ignore"):
        good = np.isfinite(arr) & _VECTOR_CHECKS[check](arr)
    return bool(np.all(good | missing))


def _in_range(elements: list[Any], key: str, low: float, high: float) -> bool:
    """Whether every value of ``key`` is None or within [low, high] (NaN is not)."""
    col = _column(elements, key)
    if col is None:
        return False
    arr, missing = col
    with np.errstate(invalid="ignore"):
        return bool(np.all(missing | ((arr >= low) & (arr <= high))))


def _names_ok(elements: list[Any]) -> bool:
    names = list(map(_NAME, elements))
    return (
        set(map(type, names)) <= {str}
        and all(map(str.strip, names))
        and len(set(names)) == len(names)
    )


def _references_ok(net: Network) -> bool:
    names = set(map(_NAME, net.nodes))
    links = net.links()
    froms = list(map(_FROM, links))
    tos = list(map(_TO, links))
    return (
        names.issuperset(froms)
        and names.issuperset(tos)
        and not any(map(operator.eq, froms, tos))
        and names.issuperset(map(_NODE, _boundaries(net)))
        and names.issuperset(net.route)
        and (net.delivery is None or net.delivery in names)
    )


def _nodes_ok(nodes: list[Node]) -> bool:
    if not (
        _column_ok(nodes, "elevation", "finite")
        and _in_range(nodes, "lat", -90.0, 90.0)
        and _in_range(nodes, "lon", -180.0, 180.0)
        and _column_ok(nodes, "p_min", "positive")
        and _column_ok(nodes, "p_max", "positive")
    ):
        return False
    lo, hi = _column(nodes, "p_min"), _column(nodes, "p_max")
    if lo is None or hi is None:
        return False
    return not bool(np.any(~lo[1] & ~hi[1] & (lo[0] > hi[0])))


#: (attribute, check) of the pipe values checked column by column.
_PIPE_COLUMNS = (
    ("length", "positive"),
    ("diameter", "positive"),
    ("roughness", "nonnegative"),
    ("efficiency", "positive"),
    ("outer_diameter", "positive"),
    ("wall_thickness", "positive"),
    ("maop", "positive"),
    ("temperature", "positive"),
    ("friction_value", "positive"),
)


def _pipes_ok(net: Network) -> bool:
    pipes = net.pipes
    if not all(_column_ok(pipes, key, check) for key, check in _PIPE_COLUMNS):
        return False
    # the checks that involve several values or a name: element by element, where they apply
    od = _column(pipes, "outer_diameter")
    wt = _column(pipes, "wall_thickness")
    if od is None or wt is None:
        return False
    special = ~od[1] & ~wt[1]
    special |= np.fromiter((p.friction is not None for p in pipes), dtype=bool, count=len(pipes))
    for i in np.flatnonzero(special).tolist():
        _check_pipe(pipes[i], label(pipes[i], i), net.settings.friction_value)
    return True


def _boundaries_ok(net: Network) -> bool:
    bounds = _boundaries(net)
    pressure, flow = _column(bounds, "pressure"), _column(bounds, "flow")
    if pressure is None or flow is None or bool(np.any(pressure[1] == flow[1])):
        return False
    return (
        _column_ok(bounds, "pressure", "positive")
        and _column_ok(bounds, "flow", "finite")
        and _column_ok(net.supplies, "flow_max", "nonnegative")
    )


def _looks_valid(net: Network) -> bool:
    """Whether names, references and values pass, checked column by column.

    True only when :func:`_check_names`, :func:`_check_references` and :func:`_check_values`
    would raise nothing; False when one of them might (they then run and say what).
    """
    try:
        if not (
            _names_ok(net.nodes)
            and _names_ok(net.links())
            and _names_ok(_boundaries(net))
            and _references_ok(net)
            and _nodes_ok(net.nodes)
            and _pipes_ok(net)
            and _boundaries_ok(net)
        ):
            return False
        # the other elements are few: element by element, as in _check_values
        for c, i in _indexed(net.compressors):
            _check_compressor(c, label(c, i))
        for g, i in _indexed(net.regulators):
            _check_regulator(g, label(g, i))
        if not all(isinstance(v.open, bool) for v in net.valves):
            return False
        for r, i in _indexed(net.resistors):
            _check_resistor(r, label(r, i))
    except Exception:  # any doubt: the element-wise checks decide and name the problem
        return False
    return True


def validate(network: Network) -> None:
    """Check a network; raise on the first problem found.

    Parameters
    ----------
    network : Network
        The model to check (not modified).

    Raises
    ------
    CaseError
        Bad settings, names, values or enum values.
    TopologyError
        A reference to an undefined node, a link joining a node to itself, or an island without
        a pressure reference.
    """
    try:
        _check_settings(network)
        if not _looks_valid(network):
            _check_names(network)
            _check_references(network)
            _check_values(network)
        _check_islands(network)
    except CaseError as err:
        if network.source:
            raise err.located(network.source) from None
        raise
