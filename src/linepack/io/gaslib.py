"""Read GasLib instances (gaslib.zib.de) into a :class:`~linepack.network.model.Network`.

A GasLib instance is a network file (``.net``, Gas.xsd) with optional nomination (``.scn``,
Scenario.xsd), compressor-station data (``.cs``, CompressorStations.xsd) and combined decisions
(``.cdf``, CombinedDecisions.xsd), given as separate paths, as a folder or as a ``.zip``
archive. All XML is parsed with :mod:`defusedxml`, DTDs and entities refused
(:mod:`linepack.io.gaslib_xml`). The mapping, the units and the assumptions are documented in
``docs/import.md``; in short:

* ``source``/``sink``/``innode`` → :class:`Node` (height, pressure bounds, WGS84 coordinates);
  ``pipe`` → :class:`Pipe`, ``shortPipe`` → :class:`ShortPipe`, ``resistor`` →
  :class:`Resistor`, ``valve`` → :class:`Valve`, ``controlValve`` → :class:`Regulator`,
  ``compressorStation`` → :class:`Compressor`. Any other element kind raises
  :class:`~linepack.errors.CaseError` naming it.
* The gas data of the sources become one case gas: their flow-weighted mean (weights: the
  nominated inflows), with ``Settings.gas_constant = R / molarMass``, the pseudo-critical point
  and gas temperature, and a stand-in composition (:func:`stand_in_gas`).
* Data of the energy balance are read but the case stays isothermal (the user chooses
  ``thermal = "energy"``): a pipe's ``heatTransferCoefficient``, a source's ``gasTemperature``
  as its supply's temperature, a nomination's per-pipe ``soilTemperature``.
* A nomination fixes the entry and exit flows; a nomination has no pressure reference, so in
  each island the supply with the largest nominated inflow is held at its node's upper pressure
  bound and balances the flows (:func:`set_reference_pressures`).
* Data linepack does not model are kept in ``Network.extras``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import numpy as np

from linepack.errors import CaseError
from linepack.gas.composition import NM3, Gas, R
from linepack.io.gaslib_cs import CompressorStationData, Quantity, read_compressor_stations
from linepack.io.gaslib_scn import (
    Bounds,
    NodeNomination,
    Nomination,
    apply_decisions,
    nominal_flow,
    read_decisions,
    read_nomination,
    set_reference_pressures,
)
from linepack.io.gaslib_xml import (
    GaslibFiles,
    Where,
    XmlFile,
    children,
    document_parts,
    find_files,
    local,
    optional_quantity,
    parse_xml,
)
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
    Settings,
    ShortPipe,
    Supply,
    Valve,
)
from linepack.network.validate import validate
from linepack.units import ATMOSPHERE

__all__ = [
    "CONNECTION_KINDS",
    "NODE_KINDS",
    "GasData",
    "GaslibFiles",
    "apply_decisions",
    "find_files",
    "load_gaslib",
    "set_reference_pressures",
    "stand_in_gas",
]

#: Node kinds of Gas.xsd.
NODE_KINDS = ("source", "sink", "innode")
#: Connection kinds of Gas.xsd that linepack reads.
CONNECTION_KINDS = ("pipe", "shortPipe", "resistor", "valve", "controlValve", "compressorStation")

_GAS_KEYS = {
    "gasTemperature": "temperature",
    "calorificValue": "calorific_value",
    "normDensity": "density",
    "molarMass": "molar_mass",
    "pseudocriticalPressure": "pressure",
    "pseudocriticalTemperature": "temperature",
    "coefficient-A-heatCapacity": "dimensionless",
    "coefficient-B-heatCapacity": "dimensionless",
    "coefficient-C-heatCapacity": "dimensionless",
}


# ---------------------------------------------------------------------------- element reader


class _Fields:
    """Reads the quantity children of one element and remembers which were used."""

    def __init__(self, element: Element, where: Where, atmosphere: float) -> None:
        self.element = element
        self.where = where
        self.atmosphere = atmosphere
        self.used: set[str] = set()

    def get(self, tag: str, kind: str, default_unit: str | None = None) -> float | None:
        """The SI value of child ``tag`` (None if absent)."""
        self.used.add(tag)
        return optional_quantity(
            self.element,
            tag,
            kind,
            self.where,
            atmosphere=self.atmosphere,
            default_unit=default_unit,
        )

    def need(self, tag: str, kind: str) -> float:
        """The SI value of child ``tag``; CaseError if absent."""
        value = self.get(tag, kind)
        if value is None:
            raise self.where.error("missing field", key=tag, expected=f"a <{tag}> element")
        return value

    def rest(self) -> dict[str, Quantity]:
        """The children not read, as written (value and unit)."""
        out: dict[str, Quantity] = {}
        for child in children(self.element):
            tag = local(child.tag)
            if tag in self.used:
                continue
            text = child.get("value")
            try:
                value = float(text)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise self.where.error(
                    "unknown entry", key=tag, value=text, expected="<name value=... unit=.../>"
                ) from None
            out[tag] = Quantity(value, child.get("unit", ""))
        return out


def _flag(element: Element, name: str, where: Where) -> bool | None:
    text = element.get(name)
    if text is None:
        return None
    if text.strip() not in ("0", "1"):
        raise where.error("unknown value", key=name, value=text, expected="0 or 1")
    return text.strip() == "1"


# ------------------------------------------------------------------------------- gas data


@dataclass(frozen=True)
class GasData:
    """The gas data of one GasLib source, in SI.

    Attributes
    ----------
    temperature : float
        ``gasTemperature`` [K].
    density : float
        ``normDensity`` at 0 °C, 1.01325 bar [kg/m³].
    molar_mass : float
        ``molarMass`` [kg/mol].
    calorific_value : float, optional
        ``calorificValue`` [J/m³ at 0 °C, 1.01325 bar].
    pseudocritical_pressure, pseudocritical_temperature : float, optional
        [Pa], [K].
    heat_capacity : tuple of float, optional
        ``coefficient-A/B/C-heatCapacity`` (molar heat capacity polynomial in T).
    """

    temperature: float
    density: float
    molar_mass: float
    calorific_value: float | None = None
    pseudocritical_pressure: float | None = None
    pseudocritical_temperature: float | None = None
    heat_capacity: tuple[float, float, float] | None = None


def _gas_data(fields: _Fields) -> GasData:
    v = {tag: fields.get(tag, kind) for tag, kind in _GAS_KEYS.items()}
    for tag in ("gasTemperature", "normDensity", "molarMass"):
        if v[tag] is None:
            raise fields.where.error("missing gas data", key=tag, expected=f"a <{tag}> element")
    abc = [v[f"coefficient-{c}-heatCapacity"] for c in "ABC"]
    return GasData(
        temperature=float(v["gasTemperature"] or 0.0),
        density=float(v["normDensity"] or 0.0),
        molar_mass=float(v["molarMass"] or 0.0),
        calorific_value=v["calorificValue"],
        pseudocritical_pressure=v["pseudocriticalPressure"],
        pseudocritical_temperature=v["pseudocriticalTemperature"],
        heat_capacity=None if None in abc else (abc[0], abc[1], abc[2]),  # type: ignore[arg-type]
    )


def _settled(gas: Gas) -> Gas:
    """The gas re-normalised until its mole fractions no longer change (for exact round trips)."""
    for _ in range(8):
        again = Gas(gas.fractions)
        if again == gas:
            break
        gas = again
    return gas


def _binary(a: str, b: str, molar_mass: float, where: str | None) -> Gas | None:
    ma = Gas.from_mapping({a: 1.0}).molar_mass
    mb = Gas.from_mapping({b: 1.0}).molar_mass
    x = (molar_mass - ma) / (mb - ma)
    if not 0.0 <= x <= 1.0:
        return None
    return Gas.from_mapping({a: 1.0 - x, b: x}, where=where) if x > 0 else Gas.from_mapping({a: 1})


def stand_in_gas(
    molar_mass: float, calorific_value: float | None = None, where: str | None = None
) -> Gas:
    """A composition standing in for a gas known only by molar mass (and heating value).

    GasLib and morgen give no composition. linepack's flow physics then use
    ``Settings.gas_constant`` and the pseudo-critical point; the composition only serves the
    properties that need one (standard densities, heating value for fuel, viscosity, heat
    capacity). The stand-in is:

    * with a calorific value: the methane / ethane / nitrogen mixture with the given molar
      mass and gross (superior) volumetric calorific value at 0 °C, 1.01325 bar, combustion at
      25 °C (GasLib's normal conditions), if all three fractions come out non-negative;
    * otherwise the methane / ethane mixture with the given molar mass (methane / hydrogen if
      the gas is lighter than methane, as morgen's R_s = 530 J/(kg K) is).

    Parameters
    ----------
    molar_mass : float
        [kg/mol].
    calorific_value : float, optional
        Gross calorific value [J/m³ at 0 °C, 1.01325 bar].
    where : str, optional
        File named in errors.

    Returns
    -------
    Gas

    Raises
    ------
    CaseError
        A molar mass outside the hydrogen–ethane range.
    """
    if calorific_value is not None:
        names = ("methane", "ethane", "nitrogen")
        pure = [Gas.from_mapping({n: 1.0}) for n in names]
        m = np.array([g.molar_mass for g in pure])
        h = np.array([g.gross_heating_value_molar(NM3) for g in pure])
        volume = R * NM3.temperature / NM3.pressure
        x = np.zeros(3)
        for _ in range(6):  # the real-gas molar volume depends weakly on the mixture
            x = np.linalg.solve(
                np.vstack([np.ones(3), m, h]), [1.0, molar_mass, calorific_value * volume]
            )
            if np.any(x < 0):
                break
            g = Gas.from_mapping(dict(zip(names, x, strict=True)))
            volume = g.gross_heating_value_molar(NM3) / g.gross_heating_value(NM3)
        if np.all(x >= 0):
            return _settled(Gas.from_mapping(dict(zip(names, x, strict=True)), where=where))
    for a, b in (("methane", "ethane"), ("hydrogen", "methane")):
        gas = _binary(a, b, molar_mass, where)
        if gas is not None:
            return _settled(gas)
    raise CaseError(
        "molar mass outside the hydrogen–ethane range",
        file=where,
        key="molarMass",
        value=molar_mass,
        expected="0.002 to 0.030 kg/mol",
    )


def _weighted(values: list[float | None], weights: list[float]) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
    total = sum(w for _, w in pairs)
    if not pairs:
        return None
    if total <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for v, w in pairs) / total


def _mix(sources: dict[str, GasData], weights: dict[str, float]) -> tuple[GasData, bool]:
    """Flow-weighted mean of the sources' gas data, and whether the sources differ."""
    data = list(sources.values())
    w = [weights.get(k, 0.0) for k in sources]
    if sum(w) <= 0:
        w = [1.0] * len(data)
    mean: dict[str, Any] = {}
    for f in dataclasses.fields(GasData):
        if f.name == "heat_capacity":
            rows = [d.heat_capacity for d in data]
            if all(r is not None for r in rows):
                cols = list(zip(*rows, strict=True))
                mean[f.name] = tuple(_weighted(list(c), w) for c in cols)
            else:
                mean[f.name] = None
            continue
        mean[f.name] = _weighted([getattr(d, f.name) for d in data], w)
    differ = len({dataclasses.astuple(d) for d in data}) > 1
    return GasData(**mean), differ


# --------------------------------------------------------------------------------- reading


@dataclass
class _State:
    """What the reader collects while it goes through the files."""

    where: Where
    atmosphere: float
    nodes: dict[str, Node] = dataclasses.field(default_factory=dict)
    kinds: dict[str, str] = dataclasses.field(default_factory=dict)
    sources: dict[str, GasData] = dataclasses.field(default_factory=dict)
    coordinates: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    unmapped: dict[str, dict[str, Quantity]] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)


def _coordinate(element: Element, name: str, where: Where) -> float | None:
    text = element.get(name)
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise where.error("not a number", key=name, value=text, expected="a number") from None


def _read_node(element: Element, kind: str, st: _State) -> None:
    ident = element.get("id")
    if not ident:
        raise st.where.error("missing attribute", key="id", expected=f"the {kind}'s id")
    w = st.where.at(f"{kind} '{ident}'")
    if ident in st.nodes:
        raise w.error("node given twice", key="id", value=ident, expected="unique node ids")
    fields = _Fields(element, w, st.atmosphere)
    height = fields.get("height", "length", default_unit="m")
    node = Node(
        name=ident,
        elevation=0.0 if height is None else height,
        lat=_coordinate(element, "geoWGS84Lat", w),
        lon=_coordinate(element, "geoWGS84Long", w),
        p_min=fields.get("pressureMin", "pressure"),
        p_max=fields.get("pressureMax", "pressure"),
    )
    x, y = _coordinate(element, "x", w), _coordinate(element, "y", w)
    if x is not None and y is not None:
        st.coordinates[ident] = (x, y)
    if kind == "source":
        st.sources[ident] = _gas_data(fields)
    rest = fields.rest()
    if rest:
        st.unmapped[ident] = rest
    st.nodes[ident] = node
    st.kinds[ident] = kind


def _read_nodes(root: Element, st: _State) -> None:
    for group in children(root, "nodes"):
        for element in children(group):
            kind = local(element.tag)
            if kind not in NODE_KINDS:
                raise st.where.at(f"{kind} '{element.get('id')}'").error(
                    f"unknown node kind '{kind}': linepack cannot model it",
                    key=kind,
                    value=element.get("id"),
                    expected="one of " + ", ".join(NODE_KINDS),
                )
            _read_node(element, kind, st)
    if not st.nodes:
        raise st.where.error("no nodes", key="nodes", expected="<framework:nodes> with nodes")


# ------------------------------------------------------------------------------ connections


@dataclass
class _Links:
    pipes: list[Pipe] = dataclasses.field(default_factory=list)
    short_pipes: list[ShortPipe] = dataclasses.field(default_factory=list)
    resistors: list[Resistor] = dataclasses.field(default_factory=list)
    valves: list[Valve] = dataclasses.field(default_factory=list)
    regulators: list[Regulator] = dataclasses.field(default_factory=list)
    compressors: list[Compressor] = dataclasses.field(default_factory=list)


def _kg(value: float | None, density: float) -> float | None:
    return None if value is None else value * density


def _station_fields(f: _Fields, density: float) -> dict[str, Any]:
    """Fields shared by compressor stations and control valves."""
    return {
        "min_flow": _kg(f.get("flowMin", "normal_flow"), density),
        "max_flow": _kg(f.get("flowMax", "normal_flow"), density),
        "inlet_drag_factor": f.get("dragFactorIn", "dimensionless"),
        "inlet_diameter": f.get("diameterIn", "length"),
        "outlet_drag_factor": f.get("dragFactorOut", "dimensionless"),
        "outlet_diameter": f.get("diameterOut", "length"),
        "inlet_pressure_loss": f.get("pressureLossIn", "pressure_difference"),
        "outlet_pressure_loss": f.get("pressureLossOut", "pressure_difference"),
    }


def _outlet_setpoint(f: _Fields, to_node: Node, key: str) -> float:
    value = f.get(key, "pressure")
    if value is None:
        value = to_node.p_max
    if value is None:
        raise f.where.error(
            "no outlet pressure to hold",
            key=key,
            expected=f"a <{key}> element or an upper pressure bound at node '{to_node.name}'",
        )
    return value


def _connection(
    element: Element,
    kind: str,
    ends: tuple[str, str, str],
    st: _State,
    density: float,
    links: _Links,
) -> None:
    name, a, b = ends
    w = st.where.at(f"{kind} '{name}'")
    f = _Fields(element, w, st.atmosphere)
    if kind == "pipe":
        links.pipes.append(
            Pipe(
                name,
                a,
                b,
                length=f.need("length", "length"),
                diameter=f.need("diameter", "length"),
                roughness=f.need("roughness", "length"),
                maop=f.get("pressureMax", "pressure"),
                heat_transfer_coefficient=f.get("heatTransferCoefficient", "heat_transfer"),
            )
        )
    elif kind == "shortPipe":
        links.short_pipes.append(ShortPipe(name, a, b))
    elif kind == "resistor":
        zeta, loss = (
            f.get("dragFactor", "dimensionless"),
            f.get("pressureLoss", "pressure_difference"),
        )
        if zeta is None and loss is None:
            raise w.error(
                "neither dragFactor nor pressureLoss",
                key="dragFactor",
                expected="<dragFactor> with <diameter>, or <pressureLoss>",
            )
        diameter = f.get("diameter", "length") if zeta is not None else None
        links.resistors.append(Resistor(name, a, b, zeta, diameter, loss))
    elif kind == "valve":
        links.valves.append(Valve(name, a, b, open=True))
    elif kind == "controlValve":
        links.regulators.append(
            Regulator(
                name,
                a,
                b,
                setpoint=_outlet_setpoint(f, st.nodes[b], "pressureOutMax"),
                min_pressure_drop=f.get("pressureDifferentialMin", "pressure_difference"),
                max_pressure_drop=f.get("pressureDifferentialMax", "pressure_difference"),
                min_inlet_pressure=f.get("pressureInMin", "pressure"),
                max_outlet_pressure=f.get("pressureOutMax", "pressure"),
                internal_bypass=_flag(element, "internalBypassRequired", w),
                gas_preheater=_flag(element, "gasPreheaterExisting", w),
                **_station_fields(f, density),
            )
        )
    else:  # compressorStation
        fuel = element.get("fuelGasVertex")
        if fuel is not None and fuel not in st.nodes:
            raise w.error(
                "unknown fuel gas node",
                key="fuelGasVertex",
                value=fuel,
                expected="a node of the network",
            )
        setpoint = _outlet_setpoint(f, st.nodes[b], "pressureOutMax")
        links.compressors.append(
            Compressor(
                name,
                a,
                b,
                mode=CompressorMode.OUTLET_PRESSURE,
                setpoint=setpoint,
                max_outlet_pressure=f.get("pressureOutMax", "pressure"),
                min_suction_pressure=f.get("pressureInMin", "pressure"),
                fuel_node=fuel,
                internal_bypass=_flag(element, "internalBypassRequired", w),
                gas_cooler=_flag(element, "gasCoolerExisting", w),
                **_station_fields(f, density),
            )
        )
    rest = f.rest()
    if rest:
        st.unmapped[name] = rest


def _read_connections(root: Element, st: _State, density: float) -> _Links:
    links = _Links()
    seen: set[str] = set()
    for group in children(root, "connections"):
        for element in children(group):
            kind, name = local(element.tag), element.get("id", "")
            w = st.where.at(f"{kind} '{name}'")
            if kind not in CONNECTION_KINDS:
                raise w.error(
                    f"unknown element kind '{kind}': linepack cannot model it",
                    key=kind,
                    value=name,
                    expected="one of " + ", ".join(CONNECTION_KINDS),
                )
            if not name or name in seen:
                raise w.error(
                    "missing or repeated id", key="id", value=name, expected="a unique id"
                )
            seen.add(name)
            ends = [element.get("from", ""), element.get("to", "")]
            for key, node in zip(("from", "to"), ends, strict=True):
                if node not in st.nodes:
                    raise w.error("unknown node", key=key, value=node, expected="a node id")
            _connection(element, kind, (name, ends[0], ends[1]), st, density, links)
    return links


# ------------------------------------------------------------------------------ boundaries


def _inflow_weights(nomination: Nomination | None, st: _State) -> dict[str, float]:
    """Nominated normal volume inflow of each source [m³/s] (0 where none)."""
    out: dict[str, float] = {}
    if nomination is None:
        return out
    for n in nomination.nodes:
        if n.kind == "entry" and n.node in st.sources:
            value = nominal_flow(n)
            if n.flow_basis == "power":
                cv = st.sources[n.node].calorific_value
                value = value / cv if cv else 0.0
            out[n.node] = max(value, 0.0)
    return out


def _mass(value: float, n: NodeNomination, gas: GasData, where: Where) -> float:
    if n.flow_basis == "volume":
        return value * gas.density
    if not gas.calorific_value:
        raise where.at(f"node '{n.node}'").error(
            "flow given as power but no calorific value known",
            key="flow",
            expected="a calorificValue on the sources",
        )
    return value / gas.calorific_value * gas.density


def _soil_temperatures(nomination: Nomination, pipes: list[Pipe], scn: Where) -> None:
    """Set the soil temperatures a nomination gives per pipe (``<pipe><soilTemperature>``)."""
    by_name = {p.name: p for p in pipes}
    for name, temperature in nomination.soil_temperature.items():
        if name not in by_name:
            raise scn.at(f"pipe '{name}'").error(
                "soil temperature of a pipe not in the network",
                key="id",
                value=name,
                expected="a pipe of the .net file",
            )
        by_name[name].soil_temperature = temperature


def _boundaries(
    nomination: Nomination, st: _State, case_gas: GasData, scn: Where
) -> tuple[list[Supply], list[Demand], dict[str, float]]:
    supplies: list[Supply] = []
    demands: list[Demand] = []
    upper: dict[str, float] = {}
    for n in nomination.nodes:
        w = scn.at(f"node '{n.node}'")
        if n.node not in st.nodes:
            raise w.error("node not in the network", key="id", value=n.node)
        want = "source" if n.kind == "entry" else "sink"
        if st.kinds[n.node] != want:
            raise w.error(f"an {n.kind} must be a {want}", key="type", value=st.kinds[n.node])
        node = st.nodes[n.node]
        bounds = Bounds(node.p_min, node.p_max).tighten(n.pressure.lower, n.pressure.upper)
        node.p_min, node.p_max = bounds.lower, bounds.upper
        gas = st.sources.get(n.node, case_gas) if n.kind == "entry" else case_gas
        flow = _mass(nominal_flow(n), n, gas, scn)
        if not n.flow.fixed:
            st.notes.append(f"{n.kind} '{n.node}' has a flow range; its midpoint is used")
        if n.kind == "entry":
            supplies.append(Supply(n.node, n.node, flow=flow, temperature=gas.temperature))
            top = n.flow.upper if n.flow.upper is not None else nominal_flow(n)
            upper[n.node] = _mass(top, n, gas, scn)
        else:
            demands.append(Demand(n.node, n.node, flow=flow))
    return supplies, demands, upper


# ------------------------------------------------------------------------------------ main


def _description(
    title: str,
    doc: str,
    st: _State,
    files: GaslibFiles,
    differ: bool,
    n_sources: int,
    refs: list[str],
    applied: list[str],
) -> str:
    parts = [f"GasLib instance '{title}'" + (f": {doc.rstrip('.')}" if doc else "")]
    used = [Path(f.name.split(":")[-1]).name for f in document_parts(files).values()]
    parts.append("files: " + ", ".join(used))
    if differ:
        parts.append(
            f"the {n_sources} sources' gas data differ: the case gas is their mean weighted "
            "by nominated inflow"
        )
    if refs:
        parts.append(
            "pressure reference (largest nominated inflow per island, at its upper pressure "
            "bound): " + ", ".join(refs)
        )
    if applied:
        parts.append("decision groups applied: " + ", ".join(applied))
    parts += st.notes
    return "; ".join(parts)


def _settings(gas: GasData, eos: str, segment_length: float, atmosphere: float) -> Settings:
    ppc, tpc = gas.pseudocritical_pressure, gas.pseudocritical_temperature
    return Settings(
        gas_temperature=gas.temperature,
        # GasLib gives no soil temperature for the network (a nomination may give one per
        # pipe): the surroundings are taken at the gas temperature, as its data assume
        ground_temperature=gas.temperature,
        eos=eos,
        segment_length=segment_length,
        atmosphere=atmosphere,
        pseudo_critical=(ppc, tpc) if ppc is not None and tpc is not None else None,
        gas_constant=R / gas.molar_mass,
        # a nomination fixes flows, not how stations and valves run: the policy chooses
        control=Control.BOUNDS,
    )


def _info(root: Element) -> tuple[str, str]:
    title = doc = ""
    for info in children(root, "information"):
        for child in children(info):
            if local(child.tag) == "title":
                title = (child.text or "").strip()
            elif local(child.tag) == "documentation":
                doc = (child.text or "").strip()
    return title, doc


def load_gaslib(
    net_path: str | Path,
    scenario: str | Path | None = None,
    decisions: str | Path | None = None,
    compressor_data: str | Path | None = None,
    *,
    eos: str = "papay",
    segment_length: float = 10_000.0,
    atmosphere: float = ATMOSPHERE,
) -> Network:
    """Load a GasLib instance.

    Parameters
    ----------
    net_path : str or Path
        The ``.net`` file, or a folder or ``.zip`` archive holding the instance's files.
    scenario, decisions, compressor_data : str or Path, optional
        The ``.scn``, ``.cdf`` and ``.cs`` files (paths, or names inside the folder or
        archive); see :func:`find_files`.
    eos : str, optional
        Compressibility model; the default Papay formula uses GasLib's pseudo-critical data.
    segment_length : float, optional
        Longest pipe segment [m].
    atmosphere : float, optional
        Atmospheric pressure [Pa] for ``barg`` values.

    Returns
    -------
    Network
        In SI, ``source`` the ``.net`` file. Validated when a nomination was read (without one
        it has no supplies or demands and cannot be solved yet).

    Raises
    ------
    CaseError
        Unreadable, malformed or unsafe files, an unknown element kind (named with its id), a
        missing or bad value, a nomination or decision that does not fit the network.
    """
    files = find_files(net_path, scenario, decisions, compressor_data)
    root = parse_xml(files.net, "network")
    st = _State(Where(files.net.name), atmosphere)
    _read_nodes(root, st)
    if not st.sources:
        raise st.where.error("no source nodes", key="source", expected="at least one <source>")
    nomination = read_nomination(files.scenario, atmosphere) if files.scenario else None
    case_gas, differ = _mix(st.sources, _inflow_weights(nomination, st))
    links = _read_connections(root, st, case_gas.density)
    supplies: list[Supply] = []
    demands: list[Demand] = []
    flow_max: dict[str, float] = {}
    if nomination is not None and files.scenario is not None:
        supplies, demands, flow_max = _boundaries(
            nomination, st, case_gas, Where(files.scenario.name)
        )
        _soil_temperatures(nomination, links.pipes, Where(files.scenario.name))
    title, doc = _info(root)
    extras: dict[str, Any] = {
        "gaslib_files": {k: f.name for k, f in document_parts(files).items()},
        "coordinates": st.coordinates,
        "gas_sources": st.sources,
        "unmapped": st.unmapped,
    }
    if nomination is not None:
        extras["nomination"] = nomination
    if files.compressor_data is not None:
        extras["compressor_stations"] = _stations(files.compressor_data, links)
    net = Network(
        name=title or Path(files.net.name.split(":")[-1]).stem,
        gas=stand_in_gas(case_gas.molar_mass, case_gas.calorific_value, files.net.name),
        settings=_settings(case_gas, eos, segment_length, atmosphere),
        nodes=list(st.nodes.values()),
        pipes=links.pipes,
        compressors=links.compressors,
        regulators=links.regulators,
        valves=links.valves,
        short_pipes=links.short_pipes,
        resistors=links.resistors,
        supplies=supplies,
        demands=demands,
        source=files.net.name,
        extras=extras,
    )
    applied: list[str] = []
    if files.decisions is not None:
        groups = read_decisions(files.decisions)
        net.extras["decisions"] = groups
        applied = apply_decisions(net, groups, Where(files.decisions.name))
    refs = set_reference_pressures(net, flow_max) if supplies else []
    net.description = _description(
        title or net.name, doc, st, files, differ, len(st.sources), refs, applied
    )
    if nomination is not None:
        validate(net)
    return net


def _stations(file: XmlFile, links: _Links) -> dict[str, CompressorStationData]:
    stations = read_compressor_stations(file)
    known = {c.name for c in links.compressors}
    for ident in stations:
        if ident not in known:
            raise CaseError(
                "compressor station not in the network",
                file=file.name,
                element=f"compressorStation '{ident}'",
                key="id",
                value=ident,
                expected="a compressorStation of the .net file",
            )
    return stations
