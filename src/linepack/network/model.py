"""The editable network: plain dataclasses in SI units.

This is the top layer. A case file reader (:mod:`linepack.io.case_toml`) or a program builds a
:class:`Network`; :func:`linepack.network.compile.compile_network` checks it and turns it into
arrays for the solver. All quantities here are SI: m, Pa (absolute), K, kg/s, W.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Protocol

from linepack.gas.composition import SCF, SM3, Gas, ReferenceConditions


@dataclass
class Node:
    """A junction.

    Attributes
    ----------
    name : str
        Unique name.
    elevation : float
        Ground elevation of the pipe at the node [m].
    lat, lon : float, optional
        WGS84 coordinates [deg], for maps.
    p_min, p_max : float, optional
        Pressure limits [Pa abs]; ``p_min`` is the minimum delivery pressure at a delivery node.
    """

    name: str
    elevation: float = 0.0
    lat: float | None = None
    lon: float | None = None
    p_min: float | None = None
    p_max: float | None = None


@dataclass
class Supply:
    """Gas entering the network at a node.

    Exactly one of ``pressure`` (the node is then a pressure reference and the inflow is found)
    and ``flow`` (fixed inflow) is set.

    Attributes
    ----------
    name, node : str
        The supply's name and the node it feeds.
    pressure : float, optional
        Pressure set-point at the node [Pa abs].
    flow : float, optional
        Fixed mass inflow [kg/s].
    flow_max : float, optional
        Largest inflow the supply can give [kg/s] (checked for pressure-set supplies).
    temperature : float, optional
        Temperature of the gas entering [K] (``thermal = "energy"``); default the case's
        ``gas_temperature``.
    """

    name: str
    node: str
    pressure: float | None = None
    flow: float | None = None
    flow_max: float | None = None
    temperature: float | None = None


@dataclass
class Demand:
    """Gas leaving the network at a node (a fixed offtake or a pressure-set delivery).

    Attributes
    ----------
    name, node : str
        The demand's name and the node it draws from.
    flow : float, optional
        Fixed mass outflow [kg/s].
    pressure : float, optional
        Pressure held at the node [Pa abs]; the outflow is then found by the solver.
    """

    name: str
    node: str
    flow: float | None = None
    pressure: float | None = None


@dataclass
class Pipe:
    """A pipe between two nodes.

    Attributes
    ----------
    name, from_node, to_node : str
        Name and end nodes; positive flow runs from ``from_node`` to ``to_node``.
    length : float
        Length [m].
    diameter : float
        Inner diameter [m].
    roughness : float
        Absolute roughness [m].
    efficiency : float
        Pipeline efficiency E (dimensionless); the friction factor is divided by E².
    outer_diameter, wall_thickness : float, optional
        Kept for reports [m].
    maop : float, optional
        Maximum allowable operating pressure [Pa abs].
    friction : str, optional
        Friction law overriding the case's.
    friction_value : float, optional
        Darcy λ for the ``constant`` law, overriding the case's ``friction_value``.
    temperature : float, optional
        Gas temperature [K] overriding the case's (isothermal flow).
    heat_transfer_coefficient : float, optional
        Overall heat-transfer coefficient gas → surroundings U [W/(m² K)], referred to the
        inner diameter (``thermal = "energy"``). When None it follows from the burial data
        (``burial_depth``, ``soil_conductivity``, coating and insulation layers) or the case's.
    soil_temperature : float, optional
        Temperature of the surroundings (soil at pipe depth, or air) [K]; default the case's
        soil profile or ``ground_temperature``.
    burial_depth : float, optional
        Depth of the pipe centre below ground [m].
    soil_conductivity : float, optional
        Thermal conductivity of the soil [W/(m K)].
    coating_thickness, coating_conductivity : float, optional
        Thickness [m] and conductivity [W/(m K)] of the external coating.
    insulation_thickness, insulation_conductivity : float, optional
        Thickness [m] and conductivity [W/(m K)] of a thermal insulation layer over the coating.
    """

    name: str
    from_node: str
    to_node: str
    length: float
    diameter: float
    roughness: float = 2e-5
    efficiency: float = 1.0
    outer_diameter: float | None = None
    wall_thickness: float | None = None
    maop: float | None = None
    friction: str | None = None
    friction_value: float | None = None
    temperature: float | None = None
    heat_transfer_coefficient: float | None = None
    soil_temperature: float | None = None
    burial_depth: float | None = None
    soil_conductivity: float | None = None
    coating_thickness: float | None = None
    coating_conductivity: float | None = None
    insulation_thickness: float | None = None
    insulation_conductivity: float | None = None

    @property
    def area(self) -> float:
        """Flow cross-section [m²]."""
        return math.pi * self.diameter**2 / 4


class CompressorMode(StrEnum):
    """What a compressor station holds."""

    OUTLET_PRESSURE = "outlet_pressure"
    RATIO = "ratio"
    FLOW = "flow"
    SUCTION_PRESSURE = "suction_pressure"
    POWER = "power"
    BYPASS = "bypass"
    OFF = "off"


@dataclass
class Compressor:
    """A compressor station (flow from ``from_node``, suction, to ``to_node``, discharge).

    Attributes
    ----------
    mode : CompressorMode
        Control mode; ``setpoint`` is Pa (outlet pressure), - (ratio) or kg/s (flow).
    setpoint : float
        Value held in ``mode``.
    max_ratio, max_outlet_pressure, min_suction_pressure, max_power : float, optional
        Limits [-, Pa abs, Pa abs, W]. When one binds the station switches to it.
    efficiency : float
        Polytropic (or isentropic, see ``head``) efficiency of compression [-].
    head : str
        ``"polytropic"`` or ``"isentropic"``.
    driver_efficiency : float, optional
        Fuel-to-shaft efficiency of the driver [-]; fuel = power / (efficiency × LHV).
    heat_rate : float, optional
        Fuel heat per unit shaft work [J/J] (1/driver efficiency), used if given.
    allow_reverse : bool
        If False (default) flow trying to reverse through the station is blocked (mode ``off``).
        If True the station's set-point relation holds for either flow direction, as in
        GasSteadySim/GasTranSim's idealised compressor (no power or fuel for reverse flow).
    min_flow, max_flow : float, optional
        Technical flow bounds of the station [kg/s] (GasLib ``flowMin``/``flowMax``). Kept for
        reports and optimisation; the steady solver does not use them yet.
    inlet_drag_factor, outlet_drag_factor : float, optional
        Drag factor ζ [-] of the station's inlet / outlet piping (GasLib ``dragFactorIn`` /
        ``dragFactorOut``), defined on ``inlet_diameter`` / ``outlet_diameter`` [m]. Kept; not
        yet applied by the solver.
    inlet_diameter, outlet_diameter : float, optional
        Diameters [m] on which the inlet / outlet drag factors are defined.
    inlet_pressure_loss, outlet_pressure_loss : float, optional
        Fixed pressure losses [Pa] of the station's inlet / outlet piping (GasLib
        ``pressureLossIn`` / ``pressureLossOut``). Kept; not yet applied by the solver.
    fuel_node : str, optional
        Node the fuel gas is taken from (GasLib ``fuelGasVertex``); linepack draws fuel at the
        suction node. Kept for reports; not validated or used by the solver yet.
    internal_bypass : bool, optional
        Whether the station has an internal bypass (GasLib ``internalBypassRequired``).
    gas_cooler : bool, optional
        Whether the station has a gas cooler (GasLib ``gasCoolerExisting``).
    max_discharge_temperature : float, optional
        Highest temperature of the gas leaving the station (after its cooler) [K]; binds like
        the other limits (``thermal = "energy"``).
    cooler_outlet_temperature : float, optional
        Outlet temperature set-point of the station's after-cooler [K] (None: no cooler). The
        cooler only cools.
    cooler_max_duty : float, optional
        Largest heat the after-cooler can remove [W] (None: unlimited).
    cooler_pressure_drop : float, optional
        Pressure drop over the after-cooler [Pa]: the compressor delivers this much above the
        station's outlet pressure (default 0).
    """

    name: str
    from_node: str
    to_node: str
    mode: CompressorMode = CompressorMode.OUTLET_PRESSURE
    setpoint: float = 0.0
    max_ratio: float | None = None
    max_outlet_pressure: float | None = None
    min_suction_pressure: float | None = None
    max_power: float | None = None
    efficiency: float = 0.82
    head: str = "polytropic"
    driver_efficiency: float | None = 0.35
    heat_rate: float | None = None
    allow_reverse: bool = False
    min_flow: float | None = None
    max_flow: float | None = None
    inlet_drag_factor: float | None = None
    inlet_diameter: float | None = None
    outlet_drag_factor: float | None = None
    outlet_diameter: float | None = None
    inlet_pressure_loss: float | None = None
    outlet_pressure_loss: float | None = None
    fuel_node: str | None = None
    internal_bypass: bool | None = None
    gas_cooler: bool | None = None
    max_discharge_temperature: float | None = None
    cooler_outlet_temperature: float | None = None
    cooler_max_duty: float | None = None
    cooler_pressure_drop: float | None = None


@dataclass
class Regulator:
    """A pressure regulator / control valve holding its outlet pressure (no reverse flow).

    Attributes
    ----------
    name, from_node, to_node : str
        Name, inlet and outlet node.
    setpoint : float
        Outlet pressure held [Pa abs].
    min_pressure_drop, max_pressure_drop : float, optional
        Smallest / largest pressure drop inlet → outlet the valve can take [Pa] (GasLib
        ``pressureDifferentialMin`` / ``pressureDifferentialMax``). Kept; not yet enforced.
    min_inlet_pressure, max_outlet_pressure : float, optional
        Smallest inlet / largest outlet pressure [Pa abs] (GasLib ``pressureInMin`` /
        ``pressureOutMax``). Kept; not yet enforced.
    inlet_pressure_loss, outlet_pressure_loss : float, optional
        Fixed pressure losses [Pa] of the station's inlet / outlet piping (GasLib
        ``pressureLossIn`` / ``pressureLossOut``). Kept; not yet applied by the solver.
    inlet_drag_factor, outlet_drag_factor : float, optional
        Drag factor ζ [-] of the inlet / outlet piping (GasLib ``dragFactorIn`` /
        ``dragFactorOut``), defined on ``inlet_diameter`` / ``outlet_diameter``. Kept; not yet
        applied.
    inlet_diameter, outlet_diameter : float, optional
        Diameters [m] on which the inlet / outlet drag factors are defined.
    min_flow, max_flow : float, optional
        Technical flow bounds [kg/s] (GasLib ``flowMin`` / ``flowMax``). Kept; not yet used.
    internal_bypass : bool, optional
        Whether the valve has an internal bypass (GasLib ``internalBypassRequired``).
    gas_preheater : bool, optional
        Whether the valve has a gas preheater (GasLib ``gasPreheaterExisting``).
    heater_outlet_temperature : float, optional
        Lowest temperature of the gas after the pressure cut [K], held by a preheater upstream
        of the valve (``thermal = "energy"``; None: no heater).
    heater_max_duty : float, optional
        Largest heat the preheater can add [W] (None: unlimited).
    """

    name: str
    from_node: str
    to_node: str
    setpoint: float
    min_pressure_drop: float | None = None
    max_pressure_drop: float | None = None
    min_inlet_pressure: float | None = None
    max_outlet_pressure: float | None = None
    inlet_pressure_loss: float | None = None
    outlet_pressure_loss: float | None = None
    inlet_drag_factor: float | None = None
    inlet_diameter: float | None = None
    outlet_drag_factor: float | None = None
    outlet_diameter: float | None = None
    min_flow: float | None = None
    max_flow: float | None = None
    internal_bypass: bool | None = None
    gas_preheater: bool | None = None
    heater_outlet_temperature: float | None = None
    heater_max_duty: float | None = None


@dataclass
class Valve:
    """An on/off valve (no resistance when open)."""

    name: str
    from_node: str
    to_node: str
    open: bool = True


@dataclass
class ShortPipe:
    """A connection without pressure loss (may have zero length)."""

    name: str
    from_node: str
    to_node: str


@dataclass
class Resistor:
    """A local resistance: drag factor ζ on diameter D, or a fixed pressure loss in flow direction.

    Attributes
    ----------
    drag_factor : float, optional
        ζ [-]: Δp = ζ ρ v |v| / 2 at inlet density.
    diameter : float, optional
        Diameter [m] on which ζ is defined.
    pressure_loss : float, optional
        Fixed loss [Pa] in flow direction.
    """

    name: str
    from_node: str
    to_node: str
    drag_factor: float | None = None
    diameter: float | None = None
    pressure_loss: float | None = None


class Thermal(StrEnum):
    """How a case treats gas temperature.

    ``ISOTHERMAL``: each pipe at a fixed temperature (the case's ``gas_temperature`` or the
    pipe's own), as linepack always did. ``ENERGY``: temperature is solved with pressure and
    flow from the energy balance (heat exchange with the soil, Joule-Thomson, compression,
    coolers, heaters, isenthalpic pressure cuts, enthalpy-balanced mixing).
    """

    ISOTHERMAL = "isothermal"
    ENERGY = "energy"


class Control(StrEnum):
    """How a steady solve runs stations, regulators and pressure-set supplies.

    ``SETPOINTS``: they hold the case's set-points (switching only when a station limit binds).
    ``BOUNDS``: the operating policy (:mod:`linepack.steady.policy`) may change modes and
    set-points to keep node pressures within their bounds.
    """

    SETPOINTS = "setpoints"
    BOUNDS = "bounds"


@dataclass
class Settings:
    """Case-wide physics settings (SI).

    Attributes
    ----------
    gas_temperature : float
        Gas temperature in pipes [K] (isothermal flow).
    ground_temperature : float
        Ground (soil) temperature at pipe depth [K]: the surroundings of every pipe without its
        own ``soil_temperature`` or a soil profile (``thermal = "energy"``).
    eos : str
        Compressibility model, see :func:`linepack.gas.eos.make_eos`.
    friction : str
        Friction law, see :func:`linepack.gas.friction.friction_factor`.
    friction_value : float, optional
        λ for the ``constant`` law.
    viscosity : float, optional
        Constant dynamic viscosity [Pa s]; if None a correlation is used.
    segment_length : float
        Longest pipe segment [m]; longer pipes are split.
    atmosphere : float
        Atmospheric pressure for gauge values [Pa].
    scf, sm3 : ReferenceConditions
        Standard reference conditions for scf and Sm3 volumes.
    pseudo_critical : tuple, optional
        (p_pc [Pa], T_pc [K]) overriding Kay's rule (GasLib gives them).
    specific_gravity : float, optional
        Overrides the composition's (GasSteadySim cases give only G).
    gas_constant : float, optional
        Specific gas constant R/M [J/(kg K)] overriding the composition's.
    control : Control
        ``"setpoints"``: compressors, regulators and pressure-set supplies hold the case's
        set-points (switching only when a station limit binds). ``"bounds"``: the operating
        policy (:mod:`linepack.steady.policy`) may change modes and set-points to keep node
        pressures within their bounds; GasLib imports use it, since a nomination fixes flows
        but not how the network is run.
    thermal : Thermal
        ``"isothermal"`` (default) or ``"energy"`` (temperature solved, see :class:`Thermal`).
    heat_transfer_coefficient, burial_depth, soil_conductivity : float, optional
        Case-wide defaults of the pipe keys of the same name [W/(m² K), m, W/(m K)].
    soil_profile : tuple of (float, float)
        Soil temperature along the route: (distance from the route's first node [m],
        temperature [K]) pairs, increasing in distance; pipes on the route take it,
        interpolated linearly at each segment's middle (held constant beyond the ends).
    min_gas_temperature : float
        Lowest acceptable gas temperature [K] (hydrate and freezing guard): a named warning
        where gas in a pipe or after a pressure cut falls below it.
    """

    gas_temperature: float = 288.15
    ground_temperature: float = 298.15
    eos: str = "gerg2008"
    friction: str = "colebrook"
    friction_value: float | None = None
    viscosity: float | None = None
    segment_length: float = 10_000.0
    atmosphere: float = 101_325.0
    scf: ReferenceConditions = SCF
    sm3: ReferenceConditions = SM3
    pseudo_critical: tuple[float, float] | None = None
    specific_gravity: float | None = None
    gas_constant: float | None = None
    control: Control = Control.SETPOINTS
    thermal: Thermal = Thermal.ISOTHERMAL
    heat_transfer_coefficient: float | None = None
    burial_depth: float | None = None
    soil_conductivity: float | None = None
    soil_profile: tuple[tuple[float, float], ...] = ()
    min_gas_temperature: float = 273.15


class Link(Protocol):
    """A two-node element (pipe, compressor, ...): what :meth:`Network.links` gives."""

    name: str
    from_node: str
    to_node: str


#: Metadata of a ``Network`` field that lists two-node elements (edges): :meth:`Network.links`
#: reads it, and the element-kind table (:mod:`linepack.network.kinds`) must agree.
EDGE = {"edge": True}


@dataclass
class Network:
    """A gas network case: gas, settings and elements.

    Attributes
    ----------
    name : str
        Case name.
    gas : Gas
        Gas composition.
    settings : Settings
        Physics settings.
    nodes, pipes, compressors, regulators, valves, short_pipes, resistors, supplies, demands : list
        Elements, each with a unique name within the network.
    route : list of str
        Named nodes along the main route, upstream first (for profiles and summaries).
    delivery : str, optional
        The main delivery node.
    source : str, optional
        Where the case came from (file path), for messages.
    description : str
        Free text (importers note their assumptions here).
    extras : dict
        Data an importer read but linepack does not model yet (GasLib compressor maps and
        drives, decision groups, coordinates, bounds), keyed by topic; see ``docs/import.md``.
        It is not part of the network's identity: it is not compared by ``==``, not shown in
        ``repr`` and not written to case files.
    """

    name: str
    gas: Gas
    settings: Settings = field(default_factory=Settings)
    nodes: list[Node] = field(default_factory=list)
    pipes: list[Pipe] = field(default_factory=list, metadata=EDGE)
    compressors: list[Compressor] = field(default_factory=list, metadata=EDGE)
    regulators: list[Regulator] = field(default_factory=list, metadata=EDGE)
    valves: list[Valve] = field(default_factory=list, metadata=EDGE)
    short_pipes: list[ShortPipe] = field(default_factory=list, metadata=EDGE)
    resistors: list[Resistor] = field(default_factory=list, metadata=EDGE)
    supplies: list[Supply] = field(default_factory=list)
    demands: list[Demand] = field(default_factory=list)
    route: list[str] = field(default_factory=list)
    delivery: str | None = None
    source: str | None = None
    description: str = ""
    extras: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def node(self, name: str) -> Node:
        """Return the node called ``name`` (KeyError if none)."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def links(self) -> list[Link]:
        """All two-node elements: those of every list marked :data:`EDGE`, in field order
        (pipes first, then as edges are numbered)."""
        return list(itertools.chain.from_iterable(getattr(self, n) for n in _LINK_FIELDS))


#: The ``Network`` fields holding two-node elements (edges), in order.
_LINK_FIELDS = tuple(f.name for f in fields(Network) if f.metadata.get("edge"))
