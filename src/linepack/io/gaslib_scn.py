"""GasLib nominations (``.scn``, Scenario.xsd) and combined decisions (``.cdf``).

A nomination gives, per entry and exit node, bounds on the flow (``<flow bound="lower" |
"upper" | "both" value unit/>``) and optionally on the pressure (``<pressure .../>``), plus a
contract pressure; per pipe it may give a soil temperature. Flows are read as normal volume
flows [m³/s at 0 °C, 1.01325 bar] (``1000m_cube_per_hour``...) or as power [W] (``MW``...);
:mod:`linepack.io.gaslib` turns them into kg/s with the gas' normal density or calorific value.

A combined-decisions file lists decision groups; each group is a list of alternative decisions,
and each decision sets switchable elements (``valve``, ``controlValve``,
``compressorStation``): ``value`` 1 = open / active, 0 = closed, and ``flowDirection`` 0 = in
the element's from → to direction, 1 = against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from linepack.errors import CaseError
from linepack.io.gaslib_xml import Where, XmlFile, children, local, parse_xml, quantity
from linepack.network.model import Compressor, CompressorMode, Network, Supply, Valve
from linepack.units import ATMOSPHERE

__all__ = [
    "DECISION_KINDS",
    "Bounds",
    "Decision",
    "DecisionGroup",
    "ElementDecision",
    "NodeNomination",
    "Nomination",
    "apply_decisions",
    "nominal_flow",
    "read_decisions",
    "read_nomination",
    "set_reference_pressures",
]

#: Element kinds a combined decision may switch.
DECISION_KINDS = ("valve", "controlValve", "compressorStation")
_BOUNDS = ("lower", "upper", "both")


@dataclass(frozen=True)
class Bounds:
    """Lower and upper bound of a value (None where not given)."""

    lower: float | None = None
    upper: float | None = None

    @property
    def fixed(self) -> bool:
        """Whether both bounds are given and equal."""
        return self.lower is not None and self.lower == self.upper

    def tighten(self, lower: float | None, upper: float | None) -> Bounds:
        """These bounds intersected with ``[lower, upper]`` (None = unbounded)."""
        lo = [v for v in (self.lower, lower) if v is not None]
        hi = [v for v in (self.upper, upper) if v is not None]
        return Bounds(max(lo) if lo else None, min(hi) if hi else None)


@dataclass(frozen=True)
class NodeNomination:
    """What a nomination says about one entry or exit.

    Attributes
    ----------
    node : str
        Node id.
    kind : str
        ``"entry"`` or ``"exit"``.
    flow : Bounds
        Flow bounds: normal volume flow [m³/s] if ``flow_basis`` is ``"volume"``, power [W] if
        ``"power"``; positive into the network at an entry, out of it at an exit.
    flow_basis : str
        ``"volume"`` or ``"power"``.
    pressure : Bounds
        Pressure bounds [Pa abs].
    contract_pressure_max : float, optional
        ``contractPressureMax`` [Pa abs].
    """

    node: str
    kind: str
    flow: Bounds
    flow_basis: str
    pressure: Bounds
    contract_pressure_max: float | None = None


@dataclass(frozen=True)
class Nomination:
    """A GasLib scenario.

    Attributes
    ----------
    id : str
        The scenario id.
    nodes : tuple of NodeNomination
        In file order.
    probability : float, optional
        ``scenarioProbability``.
    soil_temperature : dict
        Pipe id → soil temperature [K].
    """

    id: str
    nodes: tuple[NodeNomination, ...]
    probability: float | None = None
    soil_temperature: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ElementDecision:
    """The setting of one element in a decision.

    Attributes
    ----------
    kind : str
        ``"valve"``, ``"controlValve"`` or ``"compressorStation"``.
    element : str
        Element id.
    value : int
        1 = open / active, 0 = closed.
    flow_direction : int, optional
        0 = from → to, 1 = to → from.
    """

    kind: str
    element: str
    value: int
    flow_direction: int | None = None


@dataclass(frozen=True)
class Decision:
    """One alternative of a decision group: settings of several elements."""

    id: str
    elements: tuple[ElementDecision, ...]

    def as_mapping(self) -> dict[str, ElementDecision]:
        """Element id → its setting."""
        return {e.element: e for e in self.elements}


@dataclass(frozen=True)
class DecisionGroup:
    """Alternative decisions of which exactly one is taken."""

    id: str
    decisions: tuple[Decision, ...]


# ------------------------------------------------------------------------------ nomination


def _bound_of(element: Element, where: Where) -> str:
    bound = element.get("bound", "both")
    if bound not in _BOUNDS:
        raise where.error(
            "unknown bound", key="bound", value=bound, expected="'lower', 'upper' or 'both'"
        )
    return bound


def _set(bounds: dict[str, float], bound: str, value: float) -> None:
    if bound in ("lower", "both"):
        bounds["lower"] = value
    if bound in ("upper", "both"):
        bounds["upper"] = value


def _node_nomination(element: Element, where: Where, atmosphere: float) -> NodeNomination:
    ident = element.get("id")
    if not ident:
        raise where.error("missing attribute", key="id", expected="the node's id")
    kind = element.get("type", "")
    w = where.at(f"node '{ident}'")
    if kind not in ("entry", "exit"):
        raise w.error("unknown node type", key="type", value=kind, expected="'entry' or 'exit'")
    flow: dict[str, float] = {}
    pressure: dict[str, float] = {}
    basis = "volume"
    contract = None
    for child in children(element):
        tag = local(child.tag)
        if tag == "flow":
            unit = child.get("unit", "")
            basis = "power" if unit in ("W", "kW", "MW") else "volume"
            value = quantity(child, "power" if basis == "power" else "normal_flow", w)
            _set(flow, _bound_of(child, w), value)
        elif tag == "pressure":
            value = quantity(child, "pressure", w, atmosphere=atmosphere)
            _set(pressure, _bound_of(child, w), value)
        elif tag == "contractPressureMax":
            contract = quantity(child, "pressure", w, atmosphere=atmosphere)
        else:
            raise w.error(
                "unknown nomination entry",
                key=tag,
                expected="flow, pressure or contractPressureMax",
            )
    if not flow:
        raise w.error("no flow given", key="flow", expected="a <flow bound=... value unit/>")
    return NodeNomination(
        ident,
        kind,
        Bounds(flow.get("lower"), flow.get("upper")),
        basis,
        Bounds(pressure.get("lower"), pressure.get("upper")),
        contract,
    )


def read_nomination(file: XmlFile, atmosphere: float = ATMOSPHERE) -> Nomination:
    """Read a GasLib ``.scn`` nomination.

    Parameters
    ----------
    file : XmlFile
        The document.
    atmosphere : float, optional
        Atmospheric pressure [Pa] for ``barg`` values.

    Returns
    -------
    Nomination

    Raises
    ------
    CaseError
        Malformed or unsafe XML, not exactly one ``<scenario>``, an unknown element, node type,
        bound or unit, or a node given twice; naming the file and the element.
    """
    root = parse_xml(file, "boundaryValue")
    where = Where(file.name)
    scenarios = list(children(root, "scenario"))
    if len(scenarios) != 1:
        raise where.error(
            "a nomination file must hold exactly one scenario",
            key="scenario",
            value=len(scenarios),
            expected="one <scenario> element",
        )
    scn = scenarios[0]
    ident = scn.get("id", "")
    nodes: list[NodeNomination] = []
    soil: dict[str, float] = {}
    probability = None
    for child in children(scn):
        tag = local(child.tag)
        if tag == "node":
            nodes.append(_node_nomination(child, where, atmosphere))
        elif tag == "pipe":
            w = where.at(f"pipe '{child.get('id')}'")
            for t in children(child):
                if local(t.tag) != "soilTemperature":
                    raise w.error(
                        "unknown pipe entry", key=local(t.tag), expected="soilTemperature"
                    )
                soil[str(child.get("id"))] = quantity(t, "temperature", w)
        elif tag == "scenarioProbability":
            probability = quantity(child, "dimensionless", where)
        else:
            raise where.at(f"scenario '{ident}'").error(
                "unknown scenario element",
                key=tag,
                expected="node, pipe or scenarioProbability",
            )
    seen: set[str] = set()
    for n in nodes:
        if n.node in seen:
            raise where.at(f"node '{n.node}'").error("node nominated twice", key="id")
        seen.add(n.node)
    return Nomination(ident, tuple(nodes), probability, soil)


# ------------------------------------------------------------------------------- decisions


def _flag(element: Element, key: str, where: Where, required: bool) -> int | None:
    text = element.get(key)
    if text is None:
        if required:
            raise where.error("missing attribute", key=key, expected="0 or 1")
        return None
    if text.strip() not in ("0", "1"):
        raise where.error("unknown value", key=key, value=text, expected="0 or 1")
    return int(text)


def _decision(element: Element, where: Where) -> Decision:
    ident = element.get("id", "")
    w = where.at(f"decision '{ident}'")
    settings = []
    for child in children(element):
        kind = local(child.tag)
        if kind not in DECISION_KINDS:
            raise w.error(
                "unknown element kind in a decision",
                key=kind,
                value=child.get("id"),
                expected=", ".join(DECISION_KINDS),
            )
        elem = child.get("id")
        if not elem:
            raise w.error("missing attribute", key="id", expected=f"the {kind}'s id")
        value = _flag(child, "value", w.at(f"{kind} '{elem}'"), required=True)
        direction = _flag(child, "flowDirection", w.at(f"{kind} '{elem}'"), required=False)
        settings.append(ElementDecision(kind, elem, int(value or 0), direction))
    return Decision(ident, tuple(settings))


def read_decisions(file: XmlFile) -> tuple[DecisionGroup, ...]:
    """Read a GasLib ``.cdf`` combined-decisions file.

    Parameters
    ----------
    file : XmlFile
        The document.

    Returns
    -------
    tuple of DecisionGroup
        In file order.

    Raises
    ------
    CaseError
        Malformed or unsafe XML, an unknown element kind, a value other than 0 or 1.
    """
    root = parse_xml(file, "combinedDecisions")
    where = Where(file.name)
    groups = []
    for group in children(root, "decisionGroup"):
        w = where.at(f"decisionGroup '{group.get('id', '')}'")
        decisions = tuple(_decision(d, w) for d in children(group, "decision"))
        groups.append(DecisionGroup(group.get("id", ""), decisions))
    return tuple(groups)


# ------------------------------------------------------------------- applying to a network


def nominal_flow(n: NodeNomination) -> float:
    """The flow a nomination fixes: equal bounds, else their midpoint or the one bound given.

    Parameters
    ----------
    n : NodeNomination

    Returns
    -------
    float
        In the nomination's basis (normal m³/s or W).
    """
    lo, hi = n.flow.lower, n.flow.upper
    if lo is not None and hi is not None:
        return lo if lo == hi else 0.5 * (lo + hi)
    return float(lo if lo is not None else hi)  # type: ignore[arg-type]


def _islands(net: Network) -> dict[str, int]:
    """Island index of each node (closed valves and compressors that are off separate)."""
    parent = {n.name: n.name for n in net.nodes}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for link in net.links():
        if isinstance(link, Valve) and not link.open:
            continue
        if isinstance(link, Compressor) and link.mode is CompressorMode.OFF:
            continue
        parent[find(link.from_node)] = find(link.to_node)
    roots = {find(n): i for i, n in enumerate(dict.fromkeys(find(m) for m in parent))}
    return {n: roots[find(n)] for n in parent}


def set_reference_pressures(net: Network, flow_max: dict[str, float]) -> list[str]:
    """Make one supply per island the pressure reference (GasLib gives none).

    Rule: in each island of the network (nodes joined through open links), the supply with the
    largest nominated inflow (the first in file order on a tie) is held at its node's upper
    pressure bound ``p_max`` (the operating policy may lower it within the node's bounds); its
    flow is no longer fixed but balances the island. Its nominated flow bound is not enforced:
    the reference also supplies the stations' fuel gas, which nominations leave out; the
    result reports its inflow. Islands without supplies are left alone.

    Parameters
    ----------
    net : Network
        Modified in place.
    flow_max : dict
        Supply name → largest nominated inflow [kg/s] (kept for callers; not enforced).

    Returns
    -------
    list of str
        Names of the supplies made references.

    Raises
    ------
    CaseError
        A reference supply whose node has no upper pressure bound.
    """
    island = _islands(net)
    best: dict[int, int] = {}
    for i, s in enumerate(net.supplies):
        k = island[s.node]
        if s.pressure is None and (
            k not in best or (s.flow or 0.0) > (net.supplies[best[k]].flow or 0.0)
        ):
            best[k] = i
    names = []
    for i in sorted(best.values()):
        s = net.supplies[i]
        p = net.node(s.node).p_max
        if p is None:
            raise CaseError(
                "no upper pressure bound at the supply chosen as pressure reference",
                file=net.source,
                element=f"node '{s.node}'",
                key="pressureMax",
                expected="a pressureMax in the .net or an upper pressure bound in the .scn",
            )
        net.supplies[i] = Supply(
            s.name, s.node, pressure=p, flow=None, flow_max=None, temperature=s.temperature
        )
        names.append(s.name)
    return names


# ------------------------------------------------------------------------------- decisions


def apply_decisions(net: Network, groups: tuple[DecisionGroup, ...], where: Where) -> list[str]:
    """Apply the decision groups that have exactly one decision.

    A valve is opened (value 1) or closed (0). A compressor station is active (1: mode
    ``outlet_pressure`` at its ``max_outlet_pressure``) or closed (0: mode ``off``). A control
    valve stays a regulator (1) or becomes a closed :class:`Valve` of the same name (0). Active
    compressors and control valves must run in their from → to direction (``flowDirection``
    0 or absent).

    Parameters
    ----------
    net : Network
        Modified in place.
    groups : tuple of DecisionGroup
        From :func:`linepack.io.gaslib_scn.read_decisions`.
    where : Where
        The ``.cdf`` file, for errors.

    Returns
    -------
    list of str
        The ids of the decision groups applied.

    Raises
    ------
    CaseError
        A decision naming an element that is not in the network or of another kind, or an
        active compressor or control valve asked to run backwards.
    """
    for group in groups:
        for decision in group.decisions:
            for e in decision.elements:
                _check_decision(net, e, where.at(f"decision '{decision.id}'"))
    single = [g for g in groups if len(g.decisions) == 1]
    for group in single:
        decision = group.decisions[0]
        for e in decision.elements:
            if e.kind != "valve" and e.value == 1 and e.flow_direction == 1:
                raise where.at(f"decision '{decision.id}'").error(
                    "reverse operation of an active compressor station or control valve is "
                    "not modelled",
                    key=e.kind,
                    value=e.element,
                    expected="flowDirection 0",
                )
    for group in single:
        for e in group.decisions[0].elements:
            _apply(net, e)
    return [g.id for g in single]


def _target(net: Network, kind: str) -> list[Any]:
    lists: dict[str, list[Any]] = {
        "valve": net.valves,
        "controlValve": net.regulators,
        "compressorStation": net.compressors,
    }
    return lists[kind]


def _check_decision(net: Network, e: ElementDecision, where: Where) -> None:
    if not any(x.name == e.element for x in _target(net, e.kind)):
        raise where.error(
            f"no {e.kind} of this id in the network",
            key=e.kind,
            value=e.element,
            expected=f"the id of a {e.kind} of the .net file",
        )


def _apply(net: Network, e: ElementDecision) -> None:
    items = _target(net, e.kind)
    i = next(k for k, x in enumerate(items) if x.name == e.element)
    if e.kind == "valve":
        items[i].open = e.value == 1
    elif e.kind == "compressorStation":
        c = items[i]
        if e.value == 1:
            c.mode = CompressorMode.OUTLET_PRESSURE
            c.setpoint = c.max_outlet_pressure if c.max_outlet_pressure else c.setpoint
        else:
            c.mode = CompressorMode.OFF
    elif e.value == 0:
        r = items.pop(i)
        net.valves.append(Valve(r.name, r.from_node, r.to_node, open=False))
