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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from linepack.errors import CaseError, TopologyError
from linepack.network import topology
from linepack.network.kinds import (
    EDGES,
    KINDS,
    NUMERIC_KINDS,
    SETPOINT,
    SETTINGS_KEYS,
    UNIT,
    ElementKind,
    Key,
    Ties,
    kind_of,
)
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Link,
    Network,
    Node,
    Pipe,
    Resistor,
    Supply,
    Valve,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Relative tolerance (on the outer diameter) within which a pipe's inner diameter must equal
#: outer diameter − 2 × wall thickness when all three are given.
DIAMETER_RTOL = 1e-6

#: Plausible temperatures [K] of gas, soil and station set-points (``check="temperature"``):
#: outside this range a value is taken for a unit mistake (``"15 K"`` for ``"15 degC"``). Below
#: -73 degC natural gas nears its two-phase region, where no gas-phase model holds.
TEMPERATURE_RANGE = (200.0, 500.0)

#: Named value checks: predicate on the SI value and the phrase for "expected".
CHECKS: dict[str, tuple[Callable[[float], bool], str]] = {
    "temperature": (
        lambda v: TEMPERATURE_RANGE[0] <= v <= TEMPERATURE_RANGE[1],
        f"a temperature in [{TEMPERATURE_RANGE[0]:g} K, {TEMPERATURE_RANGE[1]:g} K]",
    ),
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
    of = None if isinstance(element, str) else kind_of(element)
    kind = element if isinstance(element, str) else of.section if of else "element"
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


def _check_key(value: Any, spec: Key, element: str, key: str) -> None:
    """The check the element-kind table gives one key: its range check or its choices."""
    if spec.check is not None and spec.kind in NUMERIC_KINDS:
        check_value(value, spec.check, element=element, key=key, unit=UNIT.get(spec.kind, ""))
    elif spec.kind == "choice" and value is not None:
        _choice(value, spec.choices, element, key)


def _check_keys(obj: Any, keys: Mapping[str, Key], element: str) -> None:
    for key, spec in keys.items():
        _check_key(getattr(obj, spec.attribute(key)), spec, element, key)


#: ``[settings]`` keys that are not ``Settings`` fields (they make ``pseudo_critical``).
_PSEUDO_CRITICAL = ("pseudo_critical_pressure", "pseudo_critical_temperature")


def _check_settings(net: Network) -> None:
    st, where = net.settings, "[settings]"
    fields = {k: v for k, v in SETTINGS_KEYS.items() if k not in _PSEUDO_CRITICAL}
    _check_keys(st, fields, where)
    for key, value in zip(_PSEUDO_CRITICAL, st.pseudo_critical or (None, None), strict=True):
        _check_key(value, SETTINGS_KEYS[key], where, key)
    if st.friction == "constant" and st.friction_value is None:
        raise CaseError(
            "friction law 'constant' needs a friction factor",
            element=where,
            key="friction_value",
            expected="a Darcy friction factor such as 0.01",
        )
    check_profile(st.soil_profile, where)
    if st.soil_profile and len(net.route) < 2:
        raise CaseError(
            "a soil profile is placed along the case's route, and the case has none",
            element=where,
            key="soil_profile",
            expected="a route = [...] of at least two nodes in [case], or soil_temperature "
            "per pipe",
        )


def check_profile(profile: Any, element: str, shown: Any = None) -> None:
    """Raise :class:`CaseError` unless ``profile`` is a valid soil temperature profile.

    Parameters
    ----------
    profile : tuple of (float, float)
        (distance along the route [m], temperature [K]) pairs: distances finite, >= 0 and
        strictly increasing, temperatures within :data:`TEMPERATURE_RANGE`; empty is valid.
    element : str
        Where the profile sits (``"[settings]"``), for the message.
    shown : Any, optional
        The profile as the user wrote it (``{distance = [...], temperature = [...]}``).
    """
    key = "soil_profile"
    last = -math.inf
    for i, point in enumerate(profile):
        if not (isinstance(point, tuple | list) and len(point) == 2):
            raise CaseError(
                "not a (distance, temperature) pair",
                element=element,
                key=f"{key}[{i}]",
                value=point,
                expected="(distance [m], temperature [K])",
            )
        distance, temperature = point
        check_value(distance, "nonnegative", element=element, key=f"{key}.distance[{i}]")
        check_value(temperature, "temperature", element=element, key=f"{key}.temperature[{i}]")
        if not distance > last:
            raise CaseError(
                "soil profile distances must increase",
                element=element,
                key=f"{key}.distance[{i}]",
                value=distance if shown is None else shown,
                expected=f"a distance greater than {last:g} m (the point before)",
            )
        last = distance


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


def _node_ranges(n: Node, w: str, net: Network) -> None:
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
    if n.p_min is not None and n.p_max is not None and n.p_min > n.p_max:
        raise CaseError(
            "p_min above p_max",
            element=w,
            key="p_min",
            value=n.p_min,
            expected=f"at most p_max = {n.p_max} Pa",
        )


def _pipe_walls(p: Pipe, w: str, net: Network) -> None:
    if p.outer_diameter is not None and p.wall_thickness is not None:
        check_wall(p.outer_diameter, p.wall_thickness, w, p.wall_thickness)
        check_diameters(p.diameter, p.outer_diameter, p.wall_thickness, w, p.diameter)
    check_burial(p, w, net.settings.burial_depth)
    if (
        p.friction == "constant"
        and net.settings.friction_value is None
        and p.friction_value is None
    ):
        raise CaseError(
            "friction law 'constant' needs a friction_value",
            element=w,
            key="friction",
            value=p.friction,
            expected="friction_value set on the pipe or in [settings]",
        )


#: The layers over a pipe's steel, inside out: (thickness key, conductivity key).
LAYERS = (
    ("coating_thickness", "coating_conductivity"),
    ("insulation_thickness", "insulation_conductivity"),
)


def steel_outer_diameter(p: Pipe) -> float | None:
    """A pipe's steel outer diameter [m]: ``outer_diameter``, else inner + 2 × wall, else None."""
    if p.outer_diameter is not None:
        return float(p.outer_diameter)
    if p.wall_thickness is not None:
        return float(p.diameter + 2 * p.wall_thickness)
    return None


def check_burial(p: Pipe, element: str, default_depth: float | None = None) -> None:
    """Raise :class:`CaseError` for inconsistent burial data of one pipe.

    Each layer (coating, insulation) needs its thickness and conductivity together, and the
    burial depth (the pipe's, else ``default_depth``, the case's) must exceed the outer radius
    of the pipe with its layers, where the steel outer diameter is known.

    Parameters
    ----------
    p : Pipe
        The pipe.
    element : str
        Its label, for the message.
    default_depth : float, optional
        The case's ``burial_depth`` [m].
    """
    for thickness, conductivity in LAYERS:
        given = [getattr(p, thickness) is not None, getattr(p, conductivity) is not None]
        if given[0] != given[1]:
            missing = conductivity if given[0] else thickness
            raise CaseError(
                "a layer needs its thickness and its conductivity",
                element=element,
                key=missing,
                expected=f"{thickness} with {conductivity}, or neither",
            )
    depth = p.burial_depth if p.burial_depth is not None else default_depth
    outer = steel_outer_diameter(p)
    if depth is None or outer is None:
        return
    radius = outer / 2 + sum(getattr(p, t) or 0.0 for t, _ in LAYERS)
    if not depth > radius:
        whose = "burial depth" if p.burial_depth is not None else "the case's burial depth"
        raise CaseError(
            f"{whose} not below the pipe's outer radius",
            element=element,
            key="burial_depth",
            value=depth,
            expected=f"a depth of the pipe centre greater than {radius:.6g} m (its outer radius)",
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


def _compressor_mode(c: Compressor, w: str, net: Network) -> None:
    try:
        CompressorMode(c.mode)
    except ValueError:
        raise CaseError(
            "unknown compressor mode",
            element=w,
            key="mode",
            value=c.mode,
            expected="one of " + ", ".join(repr(m.value) for m in CompressorMode),
        ) from None


def _compressor_setpoint(c: Compressor, w: str, net: Network) -> None:
    spec = SETPOINT.get(CompressorMode(c.mode))
    if spec is not None:
        _check_key(c.setpoint, spec, w, "setpoint")


def _valve_state(v: Valve, w: str, net: Network) -> None:
    if not isinstance(v.open, bool):
        raise CaseError(
            "not a boolean", element=w, key="open", value=v.open, expected="true or false"
        )


def _resistor_law(r: Resistor, w: str, net: Network) -> None:
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


def _boundary(b: Supply | Demand, w: str, net: Network) -> None:
    check_boundary(b, w)


#: A check of one element beyond its keys' range checks: ``(element, label, network)``.
Check = Callable[[Any, str, Network], None]
#: The checks across keys that element kinds name (``Checks.before`` and ``Checks.after`` of
#: their row in :data:`linepack.network.kinds.KINDS`), by name.
HOOKS: Mapping[str, Check] = {
    "node_ranges": _node_ranges,
    "pipe_walls": _pipe_walls,
    "compressor_mode": _compressor_mode,
    "compressor_setpoint": _compressor_setpoint,
    "valve_state": _valve_state,
    "resistor_law": _resistor_law,
    "boundary": _boundary,
}


def _hook(name: str | None) -> Check | None:
    return None if name is None else HOOKS[name]


def _check_element(kind: ElementKind, element: Any, w: str, net: Network) -> None:
    """All checks of one element: its kind's own, then its keys', then its kind's own again."""
    before, after = _hook(kind.checks.before), _hook(kind.checks.after)
    if before is not None:
        before(element, w, net)
    _check_keys(element, kind.keys, w)
    if after is not None:
        after(element, w, net)


def _check_values(net: Network) -> None:
    for kind in KINDS:
        for element, i in _indexed(kind.elements(net)):
            _check_element(kind, element, label(element, i), net)


def _connects(link: Link) -> bool:
    """Whether a link of a switched kind (:data:`_SWITCHED`) ties the pressures of its two
    nodes together (for islands): a valve when open, a station unless off; any other (a
    regulator) always."""
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


#: Edge kinds whose elements may not connect their nodes (see :func:`_connects`).
_SWITCHED = frozenset(k.section for k in EDGES if k.ties in (Ties.WHEN_OPEN, Ties.BY_MODE))


def _connecting_pairs(net: Network, index: dict[str, int]) -> tuple[list[int], list[int]]:
    """Node indices of the ends of every link that connects (see :func:`_connects`)."""
    f: list[int] = []
    t: list[int] = []
    at = index.__getitem__
    for kind in EDGES:
        group = kind.elements(net)
        if kind.section in _SWITCHED:
            group = [link for link in group if _connects(link)]
        f.extend(map(at, map(_FROM, group)))
        t.extend(map(at, map(_TO, group)))
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
    "temperature": lambda v: (v >= TEMPERATURE_RANGE[0]) & (v <= TEMPERATURE_RANGE[1]),
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


def _columns_ok(kind: ElementKind, elements: list[Any]) -> bool:
    """Whether the range checks of every numeric key of a kind pass, column by column."""
    return all(
        _column_ok(elements, spec.attribute(key), spec.check)
        for key, spec in kind.keys.items()
        if spec.check is not None and spec.kind in NUMERIC_KINDS
    )


def _nodes_ok(nodes: list[Node], net: Network) -> bool:
    if not (_in_range(nodes, "lat", -90.0, 90.0) and _in_range(nodes, "lon", -180.0, 180.0)):
        return False
    lo, hi = _column(nodes, "p_min"), _column(nodes, "p_max")
    if lo is None or hi is None:
        return False
    return not bool(np.any(~lo[1] & ~hi[1] & (lo[0] > hi[0])))


def _pipes_ok(pipes: list[Pipe], net: Network) -> bool:
    # the checks that involve several values: element by element, where they apply
    od = _column(pipes, "outer_diameter")
    wt = _column(pipes, "wall_thickness")
    if od is None or wt is None:
        return False
    for i in np.flatnonzero(~od[1] & ~wt[1]).tolist():
        _pipe_walls(pipes[i], label(pipes[i], i), net)
    thermal = [k for k in _THERMAL_PIPE_KEYS if any(getattr(p, k) is not None for p in pipes)]
    if thermal or net.settings.burial_depth is not None:
        for i, p in enumerate(pipes):
            check_burial(p, label(p, i), net.settings.burial_depth)
    return True


#: Pipe fields that :func:`check_burial` checks together.
_THERMAL_PIPE_KEYS = ("burial_depth", *(k for layer in LAYERS for k in layer))


def _valves_ok(valves: list[Valve], net: Network) -> bool:
    return all(type(v.open) is bool for v in valves)  # else _valve_state names the bad one


def _boundaries_ok(bounds: list[Supply | Demand], net: Network) -> bool:
    pressure, flow = _column(bounds, "pressure"), _column(bounds, "flow")
    return not (pressure is None or flow is None or bool(np.any(pressure[1] == flow[1])))


#: Column checks that element kinds name (``Checks.columns``), by name: kinds that may have a
#: million elements are checked column by column: their key range checks, then these checks of
#: the whole column; elements with a choice key set are checked one by one.
COLUMN_HOOKS: Mapping[str, Callable[[list[Any], Network], bool]] = {
    "nodes": _nodes_ok,
    "pipes": _pipes_ok,
    "valves": _valves_ok,
    "boundaries": _boundaries_ok,
}


def _kind_ok(kind: ElementKind, net: Network) -> bool:
    elements = kind.elements(net)
    name = kind.checks.columns
    columns = None if name is None else COLUMN_HOOKS[name]
    if columns is None and (kind.checks.before or kind.checks.after):
        # checks across keys with no column form: element by element, as in _check_values
        for element, i in _indexed(elements):
            _check_element(kind, element, label(element, i), net)
        return True
    # the key range checks column by column (all _check_keys does besides choices)
    if not _columns_ok(kind, elements):
        return False
    if columns is not None and not columns(elements, net):
        return False
    choices = [spec.attribute(k) for k, spec in kind.keys.items() if spec.kind == "choice"]
    chosen = sorted(
        {i for c in choices for i, e in enumerate(elements) if getattr(e, c) is not None}
    )
    for i in chosen:  # elements with a choice key set: checked one by one
        _check_element(kind, elements[i], label(elements[i], i), net)
    return True


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
        ):
            return False
        return all(_kind_ok(kind, net) for kind in KINDS)
    except Exception:  # any doubt: the element-wise checks decide and name the problem
        return False


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
