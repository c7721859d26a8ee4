"""The element kinds of a network: one table that the reader, the writer, validation, compile,
sweeps and the docs read.

Each :class:`ElementKind` says, for one kind of element (node, pipe, compressor, ...): its model
class, its case-file section (the TOML array-of-tables name, ``[[pipe]]``), the
:class:`~linepack.network.model.Network` field that holds its list, its role in the network
(a node, an edge joining two nodes, or a boundary condition at a node), the keys of its section
(each a :class:`Key`: quantity kind, required, range check) and which of its keys are
set-points; for an edge, how it ties the pressures of its ends (:class:`Ties`, read by the
well-posedness checks of :mod:`linepack.steady.zones` and the island check of validation) and
whether the batched tree march (:mod:`linepack.steady.march`) solves it; and the names of its
checks across keys (:class:`Checks`, functions of :mod:`linepack.network.validate`); and what a
transient schedule may move on its elements (:data:`SCHEDULED`, read by
:mod:`linepack.network.schedule`, its reader :mod:`linepack.io.schedule_toml` and the boundary
map of :mod:`linepack.transient.boundary`). :data:`KINDS` lists them in the order of the
``Network`` fields; edges are numbered in the order of :data:`EDGES` (pipes as their segments
first).

The key kinds are the quantity kinds of :mod:`linepack.units` (``length``, ``pressure``, ...) and
a few more for case files (``pressure_difference``, ``gas_constant``, ``flow``; ``text``,
``names``, ``number``, ``bool``, ``choice``, ``profile``, ``table``, ``raw``). :data:`UNIT`
gives the SI unit of each quantity kind, as the writer writes it and validation names it.

Examples
--------
>>> from linepack.network.kinds import KIND, EDGES
>>> KIND["short_pipe"].field
'short_pipes'
>>> [k.section for k in EDGES]
['pipe', 'compressor', 'regulator', 'valve', 'short_pipe', 'resistor']
>>> KIND["pipe"].keys["length"]
Key(kind='length', required=True, check='positive', choices=(), field=None, none=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from linepack.gas.eos import EOS_NAMES
from linepack.gas.friction import FRICTION_LAWS
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
    Thermal,
    Valve,
)

__all__ = [
    "BOUNDARIES",
    "CONTROLS",
    "EDGES",
    "GAS_CONSTANT_UNIT",
    "HEADS",
    "KIND",
    "KINDS",
    "MARCHED",
    "NUMERIC_KINDS",
    "SCHEDULED",
    "SETPOINT",
    "SETTINGS_KEYS",
    "THERMALS",
    "UNIT",
    "Checks",
    "ElementKind",
    "Key",
    "Role",
    "Ties",
    "kind_of",
]

#: Compression head models (``Compressor.head``).
HEADS = ("polytropic", "isentropic")
#: Control policies of a case (``Settings.control``).
CONTROLS = tuple(c.value for c in Control)
#: How a case treats gas temperature (``Settings.thermal``).
THERMALS = tuple(t.value for t in Thermal)
#: SI unit of a specific gas constant, as read and written.
GAS_CONSTANT_UNIT = "J/(kg*K)"
#: SI unit of each quantity kind of a key (the kinds that are numbers with a unit).
UNIT: Mapping[str, str] = MappingProxyType(
    {
        "length": "m",
        "pressure": "Pa",
        "pressure_difference": "Pa",
        "temperature": "K",
        "power": "W",
        "viscosity": "Pa*s",
        "flow": "kg/s",
        "gas_constant": GAS_CONSTANT_UNIT,
        "heat_transfer_coefficient": "W/(m**2*K)",
        "thermal_conductivity": "W/(m*K)",
    }
)
#: Key kinds whose values are numbers (SI; ``dimensionless`` and ``number`` without a unit).
NUMERIC_KINDS = (*UNIT, "dimensionless", "number")


@dataclass(frozen=True)
class Key:
    """How to read, write and check one key of a section.

    Attributes
    ----------
    kind : str
        ``length``, ``pressure`` (gauge allowed, absolute result), ``pressure_difference``,
        ``temperature``, ``power``, ``viscosity``, ``gas_constant`` (specific, J/(kg K)),
        ``heat_transfer_coefficient`` (W/(m² K)), ``thermal_conductivity`` (W/(m K)),
        ``dimensionless`` (bare number allowed), ``flow`` (mass or standard volume per time),
        ``text``, ``names`` (list of strings), ``number`` (bare number), ``bool``, ``choice``,
        ``profile`` (a soil temperature profile: ``{ distance = [...], temperature = [...] }``),
        ``table`` or ``raw`` (read later).
    required : bool
        Whether the key must be given; optional keys left out take the dataclass default.
    check : str, optional
        A range check of :data:`linepack.network.validate.CHECKS` on the SI value.
    choices : tuple of str
        Accepted values of a ``choice``.
    field : str, optional
        Dataclass field name, when it differs from the key (``from`` → ``from_node``).
    none : bool
        Whether the string ``"none"`` is accepted and gives None (for an optional field whose
        default is not None, such as a compressor's ``driver_efficiency``).
    """

    kind: str
    required: bool = False
    check: str | None = None
    choices: tuple[str, ...] = ()
    field: str | None = None
    none: bool = False

    def attribute(self, key: str) -> str:
        """The model field this key sets (``key`` itself unless :attr:`field` says otherwise)."""
        return self.field or key


class Role(StrEnum):
    """Where an element sits in the network graph."""

    NODE = "node"
    EDGE = "edge"
    BOUNDARY = "boundary"


class Ties(StrEnum):
    """How an edge ties the pressures of its two ends.

    The well-posedness checks (:mod:`linepack.steady.zones`) read it: *rigid* links (equal end
    pressures) form rigid clusters, and a loop of them carries an undetermined flow; control
    zones are joined by everything but an active station or regulator. Rigid links are taken
    in the order ``ALWAYS``, ``WHEN_OPEN``, ``BY_MODE`` (each in :data:`EDGES` order): which
    link of a loop of rigid links is held at zero flow depends on it.
    """

    #: Always p_from = p_to (a short pipe).
    ALWAYS = "always"
    #: p_from = p_to when its case (or scheduled) state is open, no flow when closed (a valve).
    WHEN_OPEN = "when_open"
    #: p_from = p_to when its solver mode says so (a bypassed station, a wide-open regulator),
    #: otherwise a control law; which elements tie is in
    #: :data:`linepack.steady.system.TIED`.
    BY_MODE = "by_mode"
    #: Joined through a pressure loss: the same control zone, never a rigid link (a pipe, a
    #: resistor).
    LOSS = "loss"


@dataclass(frozen=True)
class Checks:
    """Checks of one kind's elements beyond the range checks of single keys.

    Each is the name of a function of :mod:`linepack.network.validate` (``validate.HOOKS``,
    ``validate.COLUMN_HOOKS``); a new kind names existing ones or adds its own there.

    Attributes
    ----------
    before : str, optional
        Runs before the key checks (its message is the more telling one).
    after : str, optional
        Runs after the key checks.
    columns : str, optional
        The same checks on whole columns, for kinds that may have a million elements (the
        fast path of validation); a kind without it is checked element by element.
    """

    before: str | None = None
    after: str | None = None
    columns: str | None = None


@dataclass(frozen=True)
class ElementKind:
    """One kind of network element.

    Attributes
    ----------
    section : str
        Case-file section (``[[section]]``) and the word used in messages (``"pipe 'P3'"``).
    cls : type
        Model dataclass (:mod:`linepack.network.model`).
    field : str
        The :class:`~linepack.network.model.Network` field holding the list of elements.
    role : Role
        Node, edge (``from_node`` → ``to_node``) or boundary condition at a ``node``.
    keys : mapping of str to Key
        The section's keys, in the order they are read and written.
    setpoints : tuple of str
        Keys holding operating set-points (the quantity kind of a compressor's ``setpoint``
        depends on its mode: :data:`SETPOINT`).
    ties : Ties, optional
        For an edge: how it ties the pressures of its ends (None for nodes and boundaries).
    marched : bool
        Whether the batched march of tree networks solves this kind (:mod:`.steady.march`
        refuses a network holding any element of a kind not marched).
    checks : Checks
        Its checks across keys, by name.
    scheduled : tuple of str
        The quantities a transient schedule may move on its elements (a set-point key, or a
        switch: ``on``, ``open``); empty if none.
    default_quantity : str, optional
        The quantity an event without one moves (a compressor's ``on``: a trip); None for a
        boundary, whose default is the set-point the case gives it (its flow or pressure).
    series_default : bool
        Whether a time series may leave out its quantity and move the default (not on a
        compressor, whose values could be a set-point or a switch).
    """

    section: str
    cls: type
    field: str
    role: Role
    keys: Mapping[str, Key]
    setpoints: tuple[str, ...] = ()
    ties: Ties | None = None
    marched: bool = False
    checks: Checks = Checks()
    scheduled: tuple[str, ...] = ()
    default_quantity: str | None = None
    series_default: bool = True

    def elements(self, net: Network) -> list[Any]:
        """The network's elements of this kind."""
        elements: list[Any] = getattr(net, self.field)
        return elements


_NAME = Key("text", required=True)
_ENDS = {
    "name": _NAME,
    "from": Key("text", True, field="from_node"),
    "to": Key("text", True, field="to_node"),
}
_MODES = tuple(m.value for m in CompressorMode)
#: Keys shared by compressor stations and regulators (GasLib station data; kept, not yet used
#: by the solver).
_STATION = {
    "min_flow": Key("flow", check="finite"),
    "max_flow": Key("flow", check="finite"),
    "inlet_drag_factor": Key("dimensionless", check="nonnegative"),
    "inlet_diameter": Key("length", check="nonnegative"),
    "outlet_drag_factor": Key("dimensionless", check="nonnegative"),
    "outlet_diameter": Key("length", check="nonnegative"),
    "inlet_pressure_loss": Key("pressure_difference", check="nonnegative"),
    "outlet_pressure_loss": Key("pressure_difference", check="nonnegative"),
    "internal_bypass": Key("bool"),
}

#: A pipe's keys of the energy balance (``thermal = "energy"``): U, or the burial data and
#: layers it follows from, and the temperature of its surroundings.
_BURIAL = {
    "heat_transfer_coefficient": Key("heat_transfer_coefficient", check="nonnegative"),
    "soil_temperature": Key("temperature", check="temperature"),
    "burial_depth": Key("length", check="positive"),
    "soil_conductivity": Key("thermal_conductivity", check="positive"),
    "coating_thickness": Key("length", check="positive"),
    "coating_conductivity": Key("thermal_conductivity", check="positive"),
    "insulation_thickness": Key("length", check="positive"),
    "insulation_conductivity": Key("thermal_conductivity", check="positive"),
}

#: The keys of ``[settings]`` (``Settings`` fields; ``scf``/``sm3`` are the ``[standard]``
#: table, and the two ``pseudo_critical_*`` keys make ``Settings.pseudo_critical``).
SETTINGS_KEYS: Mapping[str, Key] = MappingProxyType(
    {
        "gas_temperature": Key("temperature", check="temperature"),
        "ground_temperature": Key("temperature", check="temperature"),
        "eos": Key("choice", choices=EOS_NAMES),
        "friction": Key("choice", choices=FRICTION_LAWS),
        "friction_value": Key("dimensionless", check="positive"),
        "viscosity": Key("viscosity", check="positive"),
        "segment_length": Key("length", check="positive"),
        "atmosphere": Key("pressure", check="positive"),
        "gas_constant": Key("gas_constant", check="positive"),
        "specific_gravity": Key("dimensionless", check="positive"),
        "pseudo_critical_pressure": Key("pressure", check="positive"),
        "pseudo_critical_temperature": Key("temperature", check="positive"),
        "control": Key("choice", choices=CONTROLS),
        "thermal": Key("choice", choices=THERMALS),
        "heat_transfer_coefficient": Key("heat_transfer_coefficient", check="nonnegative"),
        "burial_depth": Key("length", check="positive"),
        "soil_conductivity": Key("thermal_conductivity", check="positive"),
        "soil_profile": Key("profile"),
        "min_gas_temperature": Key("temperature", check="temperature"),
    }
)

#: Every element kind, in the order of the ``Network`` fields.
KINDS: tuple[ElementKind, ...] = (
    ElementKind(
        "node",
        Node,
        "nodes",
        Role.NODE,
        {
            "name": _NAME,
            "elevation": Key("length", check="finite"),
            "lat": Key("number"),
            "lon": Key("number"),
            "p_min": Key("pressure", check="positive"),
            "p_max": Key("pressure", check="positive"),
        },
        checks=Checks(after="node_ranges", columns="nodes"),
    ),
    ElementKind(
        "pipe",
        Pipe,
        "pipes",
        Role.EDGE,
        {
            **_ENDS,
            "length": Key("length", True, "positive"),
            "inner_diameter": Key("length", check="positive", field="diameter"),
            "outer_diameter": Key("length", check="positive"),
            "wall_thickness": Key("length", check="positive"),
            "roughness": Key("length", check="nonnegative"),
            "efficiency": Key("dimensionless", check="positive"),
            "maop": Key("pressure", check="positive"),
            "friction": Key("choice", choices=FRICTION_LAWS),
            "friction_value": Key("dimensionless", check="positive"),
            "temperature": Key("temperature", check="temperature"),
            **_BURIAL,
        },
        ties=Ties.LOSS,
        marched=True,
        checks=Checks(after="pipe_walls", columns="pipes"),
        scheduled=("soil_temperature",),
        default_quantity="soil_temperature",
    ),
    ElementKind(
        "compressor",
        Compressor,
        "compressors",
        Role.EDGE,
        {
            **_ENDS,
            "mode": Key("choice", choices=_MODES),
            "setpoint": Key("raw"),
            "max_ratio": Key("dimensionless", check="ratio"),
            "max_outlet_pressure": Key("pressure", check="positive"),
            "min_suction_pressure": Key("pressure", check="positive"),
            "max_power": Key("power", check="positive"),
            "efficiency": Key("dimensionless", check="fraction"),
            "head": Key("choice", choices=HEADS),
            "driver_efficiency": Key("dimensionless", check="fraction", none=True),
            "heat_rate": Key("dimensionless", check="positive"),
            "allow_reverse": Key("bool"),
            **_STATION,
            "fuel_node": Key("text"),
            "gas_cooler": Key("bool"),
            "max_discharge_temperature": Key("temperature", check="temperature"),
            "cooler_outlet_temperature": Key("temperature", check="temperature"),
            "cooler_max_duty": Key("power", check="nonnegative"),
            "cooler_pressure_drop": Key("pressure_difference", check="nonnegative"),
        },
        setpoints=("setpoint",),
        ties=Ties.BY_MODE,
        marched=True,
        checks=Checks(before="compressor_mode", after="compressor_setpoint"),
        scheduled=("setpoint", "on"),
        default_quantity="on",
        series_default=False,
    ),
    ElementKind(
        "regulator",
        Regulator,
        "regulators",
        Role.EDGE,
        {
            **_ENDS,
            "setpoint": Key("pressure", True, "positive"),
            "min_pressure_drop": Key("pressure_difference", check="finite"),
            "max_pressure_drop": Key("pressure_difference", check="finite"),
            "min_inlet_pressure": Key("pressure", check="nonnegative"),
            "max_outlet_pressure": Key("pressure", check="nonnegative"),
            **_STATION,
            "gas_preheater": Key("bool"),
            "heater_outlet_temperature": Key("temperature", check="temperature"),
            "heater_max_duty": Key("power", check="nonnegative"),
        },
        setpoints=("setpoint",),
        ties=Ties.BY_MODE,
        scheduled=("setpoint",),
        default_quantity="setpoint",
    ),
    ElementKind(
        "valve",
        Valve,
        "valves",
        Role.EDGE,
        {**_ENDS, "open": Key("bool")},
        ties=Ties.WHEN_OPEN,
        checks=Checks(after="valve_state", columns="valves"),
        scheduled=("open",),
        default_quantity="open",
    ),
    ElementKind(
        "short_pipe",
        ShortPipe,
        "short_pipes",
        Role.EDGE,
        dict(_ENDS),
        ties=Ties.ALWAYS,
        marched=True,
    ),
    ElementKind(
        "resistor",
        Resistor,
        "resistors",
        Role.EDGE,
        {
            **_ENDS,
            "drag_factor": Key("dimensionless", check="nonnegative"),
            "diameter": Key("length", check="positive"),
            "pressure_loss": Key("pressure_difference", check="nonnegative"),
        },
        ties=Ties.LOSS,
        checks=Checks(before="resistor_law"),
    ),
    ElementKind(
        "supply",
        Supply,
        "supplies",
        Role.BOUNDARY,
        {
            "name": _NAME,
            "node": Key("text", True),
            "pressure": Key("pressure", check="positive"),
            "flow": Key("flow", check="finite"),
            "flow_max": Key("flow", check="nonnegative"),
            "temperature": Key("temperature", check="temperature"),
        },
        setpoints=("pressure", "flow"),
        checks=Checks(before="boundary", columns="boundaries"),
        scheduled=("flow", "pressure", "temperature"),
    ),
    ElementKind(
        "demand",
        Demand,
        "demands",
        Role.BOUNDARY,
        {
            "name": _NAME,
            "node": Key("text", True),
            "flow": Key("flow", check="finite"),
            "pressure": Key("pressure", check="positive"),
        },
        setpoints=("flow", "pressure"),
        checks=Checks(before="boundary", columns="boundaries"),
        scheduled=("flow", "pressure"),
    ),
)

#: Element kinds by section name.
KIND: Mapping[str, ElementKind] = MappingProxyType({k.section: k for k in KINDS})
#: Edge kinds in the order edges are numbered (a pipe's edges are its segments).
EDGES: tuple[ElementKind, ...] = tuple(k for k in KINDS if k.role is Role.EDGE)
#: Boundary-condition kinds (supplies, then demands).
BOUNDARIES: tuple[ElementKind, ...] = tuple(k for k in KINDS if k.role is Role.BOUNDARY)
#: Edge kinds the batched tree march solves (it refuses a network with any other edge).
MARCHED: tuple[ElementKind, ...] = tuple(k for k in EDGES if k.marched)
#: Kinds a transient schedule may move, by section: the boundaries, then the edges (the order
#: of messages and of the case-format docs).
SCHEDULED: Mapping[str, ElementKind] = MappingProxyType(
    {k.section: k for k in (*BOUNDARIES, *EDGES) if k.scheduled}
)
_BY_CLASS: Mapping[type, ElementKind] = MappingProxyType({k.cls: k for k in KINDS})

#: A compressor set-point's key spec (quantity kind and range check) in each mode that has one
#: (``bypass`` and ``off`` have none: their set-point is kept, not used).
SETPOINT: Mapping[CompressorMode, Key] = MappingProxyType(
    {
        CompressorMode.OUTLET_PRESSURE: Key("pressure", check="positive"),
        CompressorMode.SUCTION_PRESSURE: Key("pressure", check="positive"),
        CompressorMode.RATIO: Key("dimensionless", check="ratio"),
        CompressorMode.FLOW: Key("flow", check="nonnegative"),
        CompressorMode.POWER: Key("power", check="nonnegative"),
    }
)


def kind_of(element: Any) -> ElementKind | None:
    """The kind of a model element (None for an object of no element class).

    Examples
    --------
    >>> from linepack.network.model import Valve
    >>> kind_of(Valve("V1", "A", "B")).section
    'valve'
    """
    return _BY_CLASS.get(type(element))
