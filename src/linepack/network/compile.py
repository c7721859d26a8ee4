"""Compile an editable :class:`~linepack.network.model.Network` into SI arrays.

This is the middle layer: a frozen structure of numpy arrays with integer node indices, pipes
split into segments, gas constants and the equation of state built once. Solvers read only this
structure; they never see names, units or dataclasses of the model.

The structure is closed: besides the arrays it carries the few case-wide values a solver or a
result reads (case gas temperature, atmosphere, control mode) and a :class:`Labels` object with
every name, so nothing downstream reads the editable model after compilation.

Unknowns of the steady problem are the pressures of all nodes (the case's nodes followed by the
interior nodes of split pipes) and the mass flows of all *edges*: pipe segments first, then
compressors, regulators, valves, short pipes and resistors, in the order of the model's lists.
"""

from __future__ import annotations

import dataclasses
import operator
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from linepack.errors import CaseError, PropertyRangeError, PropertyRangeWarning
from linepack.gas import friction as friction_mod
from linepack.gas.caloric import Caloric
from linepack.gas.composition import NM3, Gas, R
from linepack.gas.eos import VALIDITY, EquationOfState, Tabulated, make_eos
from linepack.network.kinds import EDGES
from linepack.network.model import CompressorMode, Control, Network, Pipe, Settings, Thermal
from linepack.network.thermal import (
    buried_pipe_u,
    profile_temperature,
    route_positions,
    temperature_range,
)
from linepack.network.validate import steel_outer_diameter, validate

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "EDGE_KINDS",
    "CompiledNetwork",
    "GasModel",
    "compile_like",
    "compile_network",
    "eos_pressure_top",
    "gas_properties",
    "nominal_pressure",
    "patch_compiled",
    "rederive",
]

#: Edge kinds, in the order edges are numbered (:data:`linepack.network.kinds.EDGES`; a pipe's
#: edges are its segments).
EDGE_KINDS = tuple("segment" if k.section == "pipe" else k.section for k in EDGES)

#: Compressor modes as integer codes for the kernels.
MODE_CODES = {m: i for i, m in enumerate(CompressorMode)}
OUT_CODE = MODE_CODES[CompressorMode.OUTLET_PRESSURE]


@dataclass(frozen=True)
class GasConstants:
    """Gas data the kernels need, SI.

    Attributes
    ----------
    gas_constant : float
        Specific gas constant R/M [J/(kg K)].
    molar_mass : float
        [kg/mol].
    kappa : float
        Isentropic exponent at the case's nominal conditions [-].
    lhv_mass : float
        Net (lower) heating value per mass [J/kg], for fuel.
    density_sm3, density_scf, density_nm3 : float
        Density at the standard reference conditions [kg/m³].
    """

    gas_constant: float
    molar_mass: float
    kappa: float
    lhv_mass: float
    density_sm3: float
    density_scf: float
    density_nm3: float


@dataclass(frozen=True)
class GasModel:
    """The case settings that choose how gas properties are evaluated.

    Attributes
    ----------
    eos : str
        Compressibility model (:func:`linepack.gas.eos.make_eos`).
    specific_gravity : float, optional
        Overrides the composition's.
    pseudo_critical : tuple of float, optional
        (p_pc [Pa], T_pc [K]) overriding Kay's rule.
    viscosity : float, optional
        Constant dynamic viscosity [Pa s]; None: the correlation at the nominal pressure.
    """

    eos: str
    specific_gravity: float | None
    pseudo_critical: tuple[float, float] | None
    viscosity: float | None


@dataclass(frozen=True)
class Segments:
    """Pipe segments (arrays of length ``n``), each a uniform piece of one pipe."""

    from_node: IntArray
    to_node: IntArray
    pipe: IntArray
    x_start: FloatArray  # distance of the segment inlet from the pipe inlet [m]
    length: FloatArray
    diameter: FloatArray
    area: FloatArray
    rel_roughness: FloatArray
    efficiency: FloatArray
    temperature: FloatArray
    dh: FloatArray  # elevation gain over the segment [m]
    viscosity: FloatArray
    law: tuple[str, ...]  # friction law per segment
    friction_value: FloatArray  # λ of the constant law (NaN where not given)


@dataclass(frozen=True)
class Compressors:
    """Compressor station data (arrays of length ``n``)."""

    from_node: IntArray
    to_node: IntArray
    mode: IntArray  # initial control mode code
    setpoint: FloatArray
    max_ratio: FloatArray  # inf when absent
    max_outlet: FloatArray
    min_suction: FloatArray  # 0 when absent
    max_power: FloatArray
    efficiency: FloatArray
    polytropic: NDArray[np.bool_]
    fuel_per_work: FloatArray  # kg of fuel per J of shaft work
    allow_reverse: NDArray[np.bool_]


@dataclass(frozen=True)
class Labels:
    """Names of a compiled network's elements, for results and messages.

    Attributes
    ----------
    case : str
        Case name.
    nodes : tuple of str
        Case nodes first, then interior segment nodes (``"<pipe>#<k>"``).
    edges : tuple of str
        One name per edge (segments named ``"<pipe>#<k>"``, or as their pipe when not split).
    pipes, pipe_from, pipe_to : tuple of str
        The case's pipes and their inlet and outlet nodes.
    compressors, regulators, valves, short_pipes, resistors : tuple of str
        The other edges by kind, in edge order.
    supplies, supply_nodes, demands, demand_nodes : tuple of str
        Supplies and demands and the nodes they feed or draw from.
    route : tuple of str
        Named nodes along the main route, upstream first (may be empty).
    delivery : str, optional
        The main delivery node.
    """

    case: str
    nodes: tuple[str, ...]
    edges: tuple[str, ...]
    pipes: tuple[str, ...]
    pipe_from: tuple[str, ...]
    pipe_to: tuple[str, ...]
    compressors: tuple[str, ...]
    regulators: tuple[str, ...]
    valves: tuple[str, ...]
    short_pipes: tuple[str, ...]
    resistors: tuple[str, ...]
    supplies: tuple[str, ...]
    supply_nodes: tuple[str, ...]
    demands: tuple[str, ...]
    demand_nodes: tuple[str, ...]
    route: tuple[str, ...] = ()
    delivery: str | None = None


@dataclass(frozen=True)
class Terminals:
    """Supplies or demands as arrays (length ``n``), in the case's order.

    Attributes
    ----------
    node : ndarray of int
        Node index of each.
    pressure : ndarray
        Pressure set-point [Pa abs], NaN where the flow is fixed.
    flow : ndarray
        Fixed mass flow [kg/s] (into the network for supplies, out of it for demands), NaN
        where the pressure is set.
    flow_max : ndarray
        Largest inflow [kg/s] of a supply (inf when not given; inf for demands).
    """

    node: IntArray
    pressure: FloatArray
    flow: FloatArray
    flow_max: FloatArray


@dataclass(frozen=True)
class ThermalData:
    """What the energy balance reads (``thermal = "energy"``); arrays in edge-kind order.

    Attributes
    ----------
    seg_u : ndarray
        Overall heat-transfer coefficient of each segment [W/(m² K)], referred to its inner
        diameter (``Segments.diameter``); 0 is adiabatic.
    seg_soil : ndarray
        Temperature of each segment's surroundings [K].
    supply_temperature : ndarray
        Temperature of the gas each supply delivers [K].
    node_ambient : ndarray
        Per node [K]: the temperature a node takes when no gas flows through it (the mean
        surroundings of its pipes; the case gas temperature where it has none).
    max_discharge : ndarray
        Per compressor: highest outlet temperature (after the cooler) [K], inf when absent.
    cooler_outlet : ndarray
        Per compressor: after-cooler outlet set-point [K], NaN where there is no cooler.
    cooler_max_duty : ndarray
        Per compressor: largest cooler duty [W], inf when unlimited.
    cooler_dp : ndarray
        Per compressor: pressure drop over the cooler [Pa] (0 without one).
    heater_outlet : ndarray
        Per regulator: lowest outlet temperature a preheater holds [K], NaN without one.
    heater_max_duty : ndarray
        Per regulator: largest preheater duty [W], inf when unlimited.
    min_temperature : float
        Hydrate/freezing guard [K]: gas below it is reported by a named warning.
    caloric : Caloric
        Enthalpy and entropy of the case gas, consistent with its equation of state.
    suction_temperature : ndarray
        Per compressor: suction temperature [K] the station power is computed with (the
        coupled solve sets it; the case gas temperature when compiled).
    head_factor : ndarray
        Per compressor: real-gas head over the ideal head formula's at the current state (the
        coupled solve sets it so that station power equals ``q (h_out - h_in)``; 1 when
        compiled).
    ratio_cap : ndarray, optional
        Per compressor: the largest ratio that keeps the station outlet at or below its
        ``max_discharge_temperature`` at the current suction state (the coupled solve sets
        it; None: no such cap yet).
    """

    seg_u: FloatArray
    seg_soil: FloatArray
    supply_temperature: FloatArray
    node_ambient: FloatArray
    max_discharge: FloatArray
    cooler_outlet: FloatArray
    cooler_max_duty: FloatArray
    cooler_dp: FloatArray
    heater_outlet: FloatArray
    heater_max_duty: FloatArray
    min_temperature: float
    caloric: Caloric
    suction_temperature: FloatArray
    head_factor: FloatArray
    ratio_cap: FloatArray | None = None


@dataclass(frozen=True)
class CompiledNetwork:
    """A network as arrays: the input of every solver.

    Attributes
    ----------
    node_names : tuple of str
        Case nodes first, then interior segment nodes (``"<pipe>#<k>"``).
    n_case_nodes : int
        Number of case nodes.
    elevation : ndarray
        [m] per node.
    p_set : ndarray
        Pressure set-point [Pa] per node, NaN where the pressure is free.
    injection : ndarray
        Fixed net injection [kg/s] per node (supplies minus demands with fixed flow).
    p_min, p_max : ndarray
        Pressure limits [Pa] per node (0 and inf when absent).
    segments : Segments
    compressors : Compressors
    reg_from, reg_to, reg_setpoint : ndarray
        Regulators.
    valve_from, valve_to, valve_open : ndarray
        Valves.
    short_from, short_to : ndarray
        Short pipes.
    reg_max_outlet : ndarray
        Largest outlet set-point the operating policy may give each regulator [Pa] (inf when
        not given).
    res_from, res_to, res_zeta, res_area, res_dp : ndarray
        Resistors (ζ and area for drag factor; fixed loss [Pa]; NaN where not used).
    supplies, demands : Terminals
        The case's supplies and demands (their sum per node is in ``p_set`` and ``injection``).
    pipe_length, pipe_maop : ndarray
        Length [m] and maximum allowable operating pressure [Pa abs] (NaN when not given) of
        each of the case's pipes.
    gas_temperature : float
        The case's gas temperature [K] (segments carry their own in ``segments.temperature``):
        the temperature at stations and node volumes.
    atmosphere : float
        Atmospheric pressure [Pa] for gauge values.
    control : Control
        The case's control mode (a solve's options may override it).
    labels : Labels
        Names of all elements; ``node_names``, ``edge_names`` and ``pipe_names`` read them.
    composition : Gas
        The gas the equation of state and constants were built for.
    gas_model : GasModel
        How the equation of state and viscosities were built (:func:`rederive` rebuilds them).
    settings_key : tuple
        The case settings as a tuple of values, to check that another network shares them
        (:func:`compile_like` reuses the EOS table then).
    gas : GasConstants
    eos : EquationOfState
    p_scale : float
        Pressure scale [Pa] for residual scaling.
    eos_p_range : tuple of float
        Pressure range [Pa] the EOS was built for; the solver clips Z evaluations to it.
    thermal : ThermalData, optional
        The energy balance's data when the case solves temperature (``thermal = "energy"``);
        None for isothermal flow.
    """

    n_case_nodes: int
    elevation: FloatArray
    p_set: FloatArray
    injection: FloatArray
    p_min: FloatArray
    p_max: FloatArray
    segments: Segments
    compressors: Compressors
    reg_from: IntArray
    reg_to: IntArray
    reg_setpoint: FloatArray
    reg_max_outlet: FloatArray
    valve_from: IntArray
    valve_to: IntArray
    valve_open: NDArray[np.bool_]
    short_from: IntArray
    short_to: IntArray
    res_from: IntArray
    res_to: IntArray
    res_zeta: FloatArray
    res_area: FloatArray
    res_dp: FloatArray
    supplies: Terminals
    demands: Terminals
    pipe_length: FloatArray
    pipe_maop: FloatArray
    gas_temperature: float
    atmosphere: float
    control: Control
    labels: Labels
    composition: Gas
    gas_model: GasModel
    settings_key: tuple[Any, ...]
    gas: GasConstants
    eos: EquationOfState
    p_scale: float
    eos_p_range: tuple[float, float]
    thermal: ThermalData | None = None

    @property
    def node_names(self) -> tuple[str, ...]:
        """Names of all nodes (:attr:`Labels.nodes`)."""
        return self.labels.nodes

    @property
    def edge_names(self) -> tuple[str, ...]:
        """Names of all edges (:attr:`Labels.edges`)."""
        return self.labels.edges

    @property
    def pipe_names(self) -> tuple[str, ...]:
        """Names of the case's pipes (:attr:`Labels.pipes`)."""
        return self.labels.pipes

    @property
    def n_nodes(self) -> int:
        """Number of nodes, interior segment nodes included."""
        return len(self.node_names)

    @property
    def n_edges(self) -> int:
        """Number of edges (segments and all other links)."""
        return len(self.edge_names)

    def edge_ends(self) -> tuple[tuple[IntArray, IntArray], ...]:
        """``(from_node, to_node)`` arrays of each edge kind, in the order of :data:`EDGE_KINDS`."""
        c = self.compressors
        return (
            (self.segments.from_node, self.segments.to_node),
            (c.from_node, c.to_node),
            (self.reg_from, self.reg_to),
            (self.valve_from, self.valve_to),
            (self.short_from, self.short_to),
            (self.res_from, self.res_to),
        )

    def edge_offsets(self) -> dict[str, int]:
        """Index of the first edge of each kind."""
        sizes = [len(f) for f, _ in self.edge_ends()]
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        return {k: int(o) for k, o in zip(EDGE_KINDS, offsets[:-1], strict=True)}


def _opt(value: float | None, default: float) -> float:
    return default if value is None else float(value)


def _boundaries(net: Network, index: dict[str, int]) -> tuple[FloatArray, FloatArray]:
    n = len(net.nodes)
    p_set = np.full(n, np.nan)
    inj = np.zeros(n)
    for s in net.supplies:
        i = index[s.node]
        if s.pressure is not None:
            p_set[i] = s.pressure
        else:
            inj[i] += _opt(s.flow, 0.0)
    for d in net.demands:
        i = index[d.node]
        if d.pressure is not None:
            if not np.isnan(p_set[i]) and p_set[i] != d.pressure:
                raise CaseError(
                    "two different pressure set-points on one node",
                    element=f"demand '{d.name}'",
                    key="pressure",
                    value=d.pressure,
                    expected=f"{p_set[i]} Pa or a flow",
                )
            p_set[i] = d.pressure
        else:
            inj[i] -= _opt(d.flow, 0.0)
    return p_set, inj


def terminals(net: Network, index: dict[str, int]) -> tuple[Terminals, Terminals]:
    """The supplies and demands of ``net`` as arrays (``index``: node name to index)."""

    def arr(vals: list[float | None], absent: float) -> FloatArray:
        return np.asarray([absent if v is None else v for v in vals], dtype=float)

    ss, ds = net.supplies, net.demands
    supplies = Terminals(
        node=np.asarray([index[s.node] for s in ss], dtype=np.int64),
        pressure=arr([s.pressure for s in ss], np.nan),
        flow=arr([None if s.pressure is not None else _opt(s.flow, 0.0) for s in ss], np.nan),
        flow_max=arr([s.flow_max for s in ss], np.inf),
    )
    demands = Terminals(
        node=np.asarray([index[d.node] for d in ds], dtype=np.int64),
        pressure=arr([d.pressure for d in ds], np.nan),
        flow=arr([None if d.pressure is not None else _opt(d.flow, 0.0) for d in ds], np.nan),
        flow_max=np.full(len(ds), np.inf),
    )
    return supplies, demands


def labels(net: Network, new_nodes: list[str], seg_names: list[str]) -> Labels:
    """Names of ``net``'s elements; ``new_nodes``, ``seg_names`` from the pipe split."""

    def names(elements: list[Any]) -> tuple[str, ...]:
        return tuple(e.name for e in elements)

    return Labels(
        case=net.name,
        nodes=tuple([n.name for n in net.nodes] + new_nodes),
        edges=(*seg_names, *(e.name for kind in EDGES[1:] for e in kind.elements(net))),
        pipes=names(net.pipes),
        pipe_from=tuple(p.from_node for p in net.pipes),
        pipe_to=tuple(p.to_node for p in net.pipes),
        compressors=names(net.compressors),
        regulators=names(net.regulators),
        valves=names(net.valves),
        short_pipes=names(net.short_pipes),
        resistors=names(net.resistors),
        supplies=names(net.supplies),
        supply_nodes=tuple(s.node for s in net.supplies),
        demands=names(net.demands),
        demand_nodes=tuple(d.node for d in net.demands),
        route=tuple(net.route),
        delivery=net.delivery,
    )


def _split_pipes(
    net: Network, index: dict[str, int], elevation: list[float]
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Split pipes into segments no longer than the case's segment length.

    Returns columns of per-segment values (arrays, ``law`` a list), the names of the interior
    nodes (appended to ``elevation`` with linearly interpolated heights) and the segment names.
    Interior nodes and segments are numbered pipe by pipe, inlet first.
    """
    st = net.settings
    pipes = net.pipes
    n_pipes = len(pipes)
    kinds: set[type] = set()
    for key in ("length", "diameter", "roughness", "efficiency"):
        kinds |= set(map(type, map(operator.attrgetter(key), pipes)))
    if not kinds <= {float, int, np.float64}:
        return _split_pipes_one_by_one(net, index, elevation)

    def col(key: str) -> FloatArray:
        return np.asarray(list(map(operator.attrgetter(key), pipes)), dtype=float)

    length = col("length")
    n_seg = np.maximum(1, np.ceil(length / st.segment_length - 1e-9)).astype(np.int64)
    at = index.__getitem__
    a = np.fromiter(map(at, map(operator.attrgetter("from_node"), pipes)), np.int64, n_pipes)
    b = np.fromiter(map(at, map(operator.attrgetter("to_node"), pipes)), np.int64, n_pipes)
    h = np.asarray(elevation, dtype=float)
    h0, h1 = h[a], h[b]
    # segment s of pipe ip is its k-th (k = 0 .. n_seg - 1)
    total = int(n_seg.sum())
    first = np.concatenate([[0], np.cumsum(n_seg)[:-1]]).astype(np.int64)
    pipe = np.repeat(np.arange(n_pipes, dtype=np.int64), n_seg)
    k = np.arange(total, dtype=np.int64) - first[pipe]
    nseg_s = n_seg[pipe]
    # interior node of pipe ip after its k-th segment (k = 1 .. n_seg - 1), numbered in order
    interior = k > 0
    n_case = len(elevation)
    node_of = np.full(total, -1, dtype=np.int64)
    node_of[interior] = n_case + np.arange(int(interior.sum()), dtype=np.int64)
    from_node = np.where(interior, node_of, a[pipe])
    last = k == nseg_s - 1
    to_node = np.empty(total, dtype=np.int64)
    to_node[last] = b[pipe[last]]
    to_node[~last] = node_of[np.flatnonzero(~last) + 1]
    ki = k[interior].astype(float)
    pi = pipe[interior]
    elevation.extend((h0[pi] + (h1[pi] - h0[pi]) * ki / n_seg[pi]).tolist())
    dl = length / n_seg
    diameter = col("diameter")
    friction_value = _opt(st.friction_value, np.nan)
    temps = [st.gas_temperature if v is None else float(v) for v in map(_TEMPERATURE, pipes)]
    fvals = [friction_value if v is None else float(v) for v in map(_FRICTION_VALUE, pipes)]
    laws = [v or st.friction for v in map(_FRICTION, pipes)]
    cols: dict[str, Any] = {
        "from_node": from_node,
        "to_node": to_node,
        "pipe": pipe,
        "x_start": k * dl[pipe],
        "length": dl[pipe],
        "diameter": diameter[pipe],
        "rel_roughness": (col("roughness") / diameter)[pipe],
        "efficiency": col("efficiency")[pipe],
        "temperature": np.asarray(temps, dtype=float)[pipe],
        "dh": ((h1 - h0) / n_seg)[pipe],
        "law": laws if total == n_pipes else [laws[i] for i in pipe.tolist()],
        "friction_value": np.asarray(fvals, dtype=float)[pipe],
    }
    names = list(map(_NAME, pipes))
    if total == n_pipes:  # no pipe split: segments named as their pipes, no interior nodes
        return cols, [], names
    seg_names = [
        f"{names[i]}#{j}" if m > 1 else names[i]
        for i, j, m in zip(pipe.tolist(), k.tolist(), nseg_s.tolist(), strict=True)
    ]
    new_nodes = [f"{names[i]}#{j}" for i, j in zip(pi.tolist(), k[interior].tolist(), strict=True)]
    return cols, new_nodes, seg_names


_NAME = operator.attrgetter("name")
_TEMPERATURE = operator.attrgetter("temperature")
_FRICTION_VALUE = operator.attrgetter("friction_value")
_FRICTION = operator.attrgetter("friction")


def _split_pipes_one_by_one(
    net: Network, index: dict[str, int], elevation: list[float]
) -> tuple[dict[str, Any], list[str], list[str]]:
    """:func:`_split_pipes` pipe by pipe, for values that are not all plain numbers."""
    st = net.settings
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "from_node",
            "to_node",
            "pipe",
            "x_start",
            "length",
            "diameter",
            "rel_roughness",
            "efficiency",
            "temperature",
            "dh",
            "law",
            "friction_value",
        )
    }
    new_nodes: list[str] = []
    seg_names: list[str] = []
    for ip, p in enumerate(net.pipes):
        n_seg = max(1, int(np.ceil(p.length / st.segment_length - 1e-9)))
        a, b = index[p.from_node], index[p.to_node]
        h0, h1 = elevation[a], elevation[b]
        chain = [a]
        for k in range(1, n_seg):
            new_nodes.append(f"{p.name}#{k}")
            elevation.append(h0 + (h1 - h0) * k / n_seg)
            chain.append(len(elevation) - 1)
        chain.append(b)
        dl = p.length / n_seg
        for k in range(n_seg):
            cols["from_node"].append(chain[k])
            cols["to_node"].append(chain[k + 1])
            cols["pipe"].append(ip)
            cols["x_start"].append(k * dl)
            cols["length"].append(dl)
            cols["diameter"].append(p.diameter)
            cols["rel_roughness"].append(p.roughness / p.diameter)
            cols["efficiency"].append(p.efficiency)
            cols["temperature"].append(_opt(p.temperature, st.gas_temperature))
            cols["dh"].append((h1 - h0) / n_seg)
            cols["law"].append(p.friction or st.friction)
            cols["friction_value"].append(_opt(p.friction_value, _opt(st.friction_value, np.nan)))
            seg_names.append(f"{p.name}#{k}" if n_seg > 1 else p.name)
    return cols, new_nodes, seg_names


#: Lowest pressure [Pa] of every equation-of-state table.
EOS_P_LOW = 0.5e5


def _highest(
    p_set: FloatArray,
    p_max: FloatArray,
    comp: Compressors,
    maop: FloatArray,
    setpoint: FloatArray | None = None,
) -> FloatArray:
    """Highest pressure [Pa] a case names: set-points, node limits, station outlet limits and
    outlet set-points, pipe MAOPs (1e7 when none).

    ``p_set`` (all nodes or case nodes) and ``setpoint`` (stations; default theirs) may have
    leading axes of rows: the result then has one value per row.
    """
    out = OUT_CODE
    rows = np.broadcast_shapes(
        np.shape(p_set)[:-1], () if setpoint is None else np.shape(setpoint)[:-1]
    )
    fixed = [
        p_max[np.isfinite(p_max)],
        comp.max_outlet[np.isfinite(comp.max_outlet) & (comp.max_outlet != 0)],
        maop[np.isfinite(maop)],
    ]
    if setpoint is None:
        fixed.append(comp.setpoint[comp.mode == out])
    hi = np.full(rows, -np.inf)
    values = np.concatenate(fixed)
    if values.size:
        hi = np.maximum(hi, values.max())
    ps = np.where(np.isfinite(p_set), p_set, -np.inf)
    if ps.shape[-1]:
        hi = np.maximum(hi, ps.max(axis=-1))
    if setpoint is not None and np.any(comp.mode == out):
        hi = np.maximum(hi, np.asarray(setpoint)[..., comp.mode == out].max(axis=-1))
    return np.asarray(np.where(np.isfinite(hi), hi, 1e7), dtype=float)


def _range_top(highest: FloatArray) -> FloatArray:
    """Top of the EOS table's pressure range [Pa] for the highest pressure a case names."""
    return np.asarray(1.3 * highest + 5e5, dtype=float)


def _energy_top(top: float, comp: Compressors, cooler_dp: FloatArray, eos: str) -> float:
    """The top of the tables' pressure range when temperature is solved: what ratio-mode
    stations reach from ``top`` (the energy balance evaluates h and s at their outlets, where
    the isothermal hydraulics only clip Z), plus the largest cooler pressure drop (the
    compressor delivers that much above the station outlet); at most the model's range of
    validity (beyond it a station's outlet is a named error), at least ``top``."""
    ratios = comp.setpoint[comp.mode == MODE_CODES[CompressorMode.RATIO]]
    reach = max(1.0, float(ratios.max())) if ratios.size else 1.0
    drop = float(cooler_dp.max()) if cooler_dp.size else 0.0
    valid = VALIDITY.get(eos)
    wanted = top * reach + drop
    return max(top, min(wanted, valid[1])) if valid is not None else wanted


def eos_pressure_top(
    cn: CompiledNetwork, p_set: FloatArray | None = None, setpoint: FloatArray | None = None
) -> FloatArray:
    """Top of the pressure range [Pa] :func:`compile_network` tabulates the EOS over.

    Parameters
    ----------
    cn : CompiledNetwork
        The network (its node and station limits, pipe MAOPs, station modes).
    p_set : ndarray, optional
        Node pressure set-points [Pa], shape ``(..., n_nodes)`` (default: ``cn.p_set``).
    setpoint : ndarray, optional
        Station set-points, shape ``(..., n_compressors)`` (default: ``cn``'s).

    Returns
    -------
    ndarray
        One value per row of ``p_set`` and ``setpoint`` (0-d without rows). A compile of the
        case with these set-points builds a new table when it differs from
        ``cn.eos_p_range[1]`` (tabulated models only).
    """
    n = cn.n_case_nodes
    ps = cn.p_set if p_set is None else np.asarray(p_set, dtype=float)
    top = _range_top(_highest(ps, cn.p_max[:n], cn.compressors, cn.pipe_maop, setpoint))
    if cn.thermal is not None and np.ndim(top) == 0:
        return np.asarray(
            _energy_top(float(top), cn.compressors, cn.thermal.cooler_dp, cn.gas_model.eos)
        )
    return top


def nominal_pressure(p_set: FloatArray) -> float:
    """The pressure [Pa] compile evaluates the isentropic exponent and viscosities at.

    The mean of the pressure set-points ``p_set`` [Pa] (NaN where free); 5e6 Pa when none.
    """
    finite = p_set[np.isfinite(p_set)]
    return float(finite.mean()) if finite.size else 5e6


def _kappa(gas: Gas, p: FloatArray, t: float) -> FloatArray:
    """Isentropic exponent at pressures ``p`` [Pa] and temperature ``t`` [K]; where GERG-2008
    cannot be evaluated, :data:`KAPPA_FALLBACK` with a :class:`PropertyRangeWarning`."""
    from linepack.gas import transport

    try:
        return np.asarray(transport.isentropic_exponent(p, t, gas), dtype=float)
    except (ValueError, PropertyRangeError) as err:  # no density found: out of its range
        if p.ndim:
            return np.asarray([_kappa(gas, np.asarray(v), t) for v in p.ravel()]).reshape(p.shape)
        kappa = KAPPA_FALLBACK
        warnings.warn(
            PropertyRangeWarning(
                f"isentropic exponent not evaluated ({err}); kappa = {kappa} used",
                quantity="kappa",
                value=kappa,
            ),
            stacklevel=3,
        )
        return np.asarray(kappa)


def _gas_constants(gas: Gas, st: Settings, p_nom: float) -> GasConstants:
    rs = st.gas_constant if st.gas_constant else R / gas.molar_mass
    return GasConstants(
        gas_constant=rs,
        molar_mass=R / rs,
        kappa=float(_kappa(gas, np.asarray(p_nom), st.gas_temperature)),
        lhv_mass=float(gas.net_heating_value_mass(st.sm3)),
        density_sm3=float(gas.density(st.sm3)),
        density_scf=float(gas.density(st.scf)),
        density_nm3=float(gas.density(NM3)),
    )


#: Isentropic exponent of a lean natural gas, used when GERG-2008 cannot be evaluated.
KAPPA_FALLBACK = 1.3


def _viscosity(
    model: GasModel, gas: Gas, p_nom: FloatArray, temps: FloatArray, eos: EquationOfState
) -> FloatArray:
    """Segment viscosities [Pa s] at nominal pressures ``p_nom`` (shape ``(..., n_seg)``)."""
    shape = (*np.shape(p_nom), *temps.shape)
    if model.viscosity is not None:
        return np.full(shape, model.viscosity)
    from linepack.gas import transport

    p = np.ascontiguousarray(np.broadcast_to(np.asarray(p_nom)[..., None], shape))
    t = np.ascontiguousarray(np.broadcast_to(temps, shape))
    return np.asarray(transport.viscosity(p, t, gas, eos.z(p, t)), dtype=float)


def gas_properties(cn: CompiledNetwork, p_nom: float | FloatArray) -> tuple[FloatArray, FloatArray]:
    """The properties compile takes at the nominal pressure, for other nominal pressures.

    Parameters
    ----------
    cn : CompiledNetwork
        The network (its gas, gas temperature, segment temperatures and equation of state).
    p_nom : float or ndarray
        Nominal pressures [Pa] (:func:`nominal_pressure`).

    Returns
    -------
    kappa : ndarray
        Isentropic exponent [-], shape of ``p_nom`` (out of GERG-2008's range:
        :data:`KAPPA_FALLBACK`, with a :class:`~linepack.errors.PropertyRangeWarning`).
    viscosity : ndarray
        Segment viscosities [Pa s], shape ``p_nom.shape + (n_segments,)``.
    """
    p = np.asarray(p_nom, dtype=float)
    kappa = _kappa(cn.composition, p, cn.gas_temperature)
    mu = _viscosity(cn.gas_model, cn.composition, p, cn.segments.temperature, cn.eos)
    return kappa, mu


def _gas_model(st: Settings) -> GasModel:
    return GasModel(
        eos=st.eos,
        specific_gravity=st.specific_gravity,
        pseudo_critical=st.pseudo_critical,
        viscosity=st.viscosity,
    )


def _make_eos(
    model: GasModel,
    gas: Gas,
    p_range: tuple[float, float],
    temps: FloatArray,
    t_gas: float,
    t_range: tuple[float, float] | None = None,
) -> EquationOfState:
    """The case's equation of state; tabulated models over ``p_range`` and ``t_range`` [K]
    (default: the segment and gas temperatures, 15 K below to 60 K above, for isothermal
    flow)."""
    if t_range is None:
        t_all = np.concatenate([temps, [t_gas]])
        t_range = (float(t_all.min()) - 15.0, float(t_all.max()) + 60.0)
    p_pc, t_pc = model.pseudo_critical if model.pseudo_critical else (None, None)
    return make_eos(
        model.eos,
        gas,
        p_range=p_range,
        T_range=t_range,
        specific_gravity=model.specific_gravity,
        p_pc=p_pc,
        T_pc=t_pc,
    )


# ------------------------------------------------------------------ energy balance (thermal)


def _heat_transfer(p: Pipe, st: Settings) -> float:
    """U of one pipe [W/(m² K)]: its own, else from burial data, else the case's."""
    if p.heat_transfer_coefficient is not None:
        return float(p.heat_transfer_coefficient)
    where = f"pipe '{p.name}'"
    depth = _opt(p.burial_depth, _opt(st.burial_depth, np.nan))
    k_soil = _opt(p.soil_conductivity, _opt(st.soil_conductivity, np.nan))
    if np.isfinite(depth) and np.isfinite(k_soil):
        outer = steel_outer_diameter(p)
        if outer is None:
            raise CaseError(
                "U from burial data needs the steel outer diameter",
                element=where,
                key="outer_diameter",
                expected="outer_diameter, or wall_thickness with inner_diameter; or give "
                "heat_transfer_coefficient",
            )
        return float(
            buried_pipe_u(
                p.diameter,
                outer,
                depth,
                k_soil,
                _opt(p.coating_thickness, 0.0),
                _opt(p.coating_conductivity, 1.0),
                _opt(p.insulation_thickness, 0.0),
                _opt(p.insulation_conductivity, 1.0),
            )
        )
    own = "burial_depth" if p.burial_depth is not None else None
    own = "soil_conductivity" if p.soil_conductivity is not None else own
    if own is not None:  # the pipe names burial data: its other half is missing
        missing = "soil_conductivity" if own == "burial_depth" else "burial_depth"
        raise CaseError(
            "burial data incomplete",
            element=where,
            key=missing,
            expected=f"{missing} on the pipe or in [settings], with {own}",
        )
    if st.heat_transfer_coefficient is not None:
        return float(st.heat_transfer_coefficient)
    raise CaseError(
        "no heat-transfer coefficient for the energy balance",
        element=where,
        key="heat_transfer_coefficient",
        expected="heat_transfer_coefficient on the pipe or in [settings], or burial_depth with "
        "soil_conductivity (on the pipe or in [settings])",
    )


def _segment_soil(net: Network, seg_pipe: IntArray, x_mid: FloatArray) -> FloatArray:
    """Surroundings' temperature of each segment [K]: the pipe's ``soil_temperature``, else
    the soil profile along the route, else the case's ``ground_temperature``."""
    st = net.settings
    soil = np.full(seg_pipe.size, float(st.ground_temperature))
    if st.soil_profile:
        inlet = np.full(len(net.pipes), np.nan)
        sign = np.zeros(len(net.pipes))
        for i, (at, direction) in route_positions(net.route, net.pipes).items():
            inlet[i], sign[i] = at, direction
        on = np.isfinite(inlet[seg_pipe])
        distance = inlet[seg_pipe[on]] + sign[seg_pipe[on]] * x_mid[on]
        soil[on] = profile_temperature(distance, st.soil_profile)
    own = np.asarray([_opt(p.soil_temperature, np.nan) for p in net.pipes], dtype=float)[seg_pipe]
    return np.where(np.isfinite(own), own, soil)


def _node_ambient(
    n_nodes: int, ends: tuple[IntArray, IntArray], seg_soil: FloatArray, t_gas: float
) -> FloatArray:
    """Per node [K]: the mean surroundings' temperature of its segments (``t_gas`` if none)."""
    total = np.zeros(n_nodes)
    count = np.zeros(n_nodes)
    for end in ends:
        np.add.at(total, end, seg_soil)
        np.add.at(count, end, 1.0)
    return np.where(count > 0, total / np.maximum(count, 1.0), t_gas)


def _thermal_arrays(
    net: Network, seg_pipe: IntArray, x_mid: FloatArray, ends: tuple[IntArray, IntArray], n: int
) -> dict[str, Any]:
    """Every :class:`ThermalData` field but ``caloric``, from the model (``n``: all nodes)."""
    st = net.settings
    t_gas = float(st.gas_temperature)
    u_pipe = np.asarray([_heat_transfer(p, st) for p in net.pipes], dtype=float)
    seg_soil = _segment_soil(net, seg_pipe, x_mid)
    cs, rs = net.compressors, net.regulators

    def arr(values: list[float | None], absent: float) -> FloatArray:
        return np.asarray([absent if v is None else v for v in values], dtype=float)

    return {
        "seg_u": u_pipe[seg_pipe],
        "seg_soil": seg_soil,
        "supply_temperature": arr([s.temperature for s in net.supplies], t_gas),
        "node_ambient": _node_ambient(n, ends, seg_soil, t_gas),
        "max_discharge": arr([c.max_discharge_temperature for c in cs], np.inf),
        "cooler_outlet": arr([c.cooler_outlet_temperature for c in cs], np.nan),
        "cooler_max_duty": arr([c.cooler_max_duty for c in cs], np.inf),
        "cooler_dp": arr([c.cooler_pressure_drop for c in cs], 0.0),
        "heater_outlet": arr([r.heater_outlet_temperature for r in rs], np.nan),
        "heater_max_duty": arr([r.heater_max_duty for r in rs], np.inf),
        "min_temperature": float(st.min_gas_temperature),
        "suction_temperature": np.full(len(cs), t_gas),
        "head_factor": np.ones(len(cs)),
    }


def _thermal_range(
    th: dict[str, Any], seg_temps: FloatArray, t_gas: float, eos: str
) -> tuple[float, float]:
    """The temperature range [K] the EOS table and the caloric model cover in energy mode
    (:func:`linepack.network.thermal.temperature_range` of the temperatures ``th`` names)."""
    validity = VALIDITY.get(eos)
    named = [
        th["seg_soil"],
        th["supply_temperature"],
        th["cooler_outlet"],
        th["heater_outlet"],
        [t_gas],
        seg_temps,
    ]
    return temperature_range(
        named,
        th["max_discharge"],
        None if validity is None else validity[0],
        stations=len(th["max_discharge"]) > 0,
    )


def _compiled_range(cn: CompiledNetwork, th: ThermalData) -> tuple[float, float]:
    """:func:`_thermal_range` of a compiled network's thermal data."""
    fields = {f.name: getattr(th, f.name) for f in dataclasses.fields(th)}
    return _thermal_range(fields, cn.segments.temperature, cn.gas_temperature, cn.gas_model.eos)


#: Interpolation tolerance of the enthalpy table a compile builds [J/kg]: 2 J/kg is 1e-3 K of
#: temperature, ten times inside the 0.01 K a pressure cut is checked to; entropy to 5e-3
#: J/(kg K) alongside.
CALORIC_H_TOLERANCE = 2.0


def _caloric(
    eos_name: str,
    gas: Gas,
    eos: EquationOfState,
    gas_constant: float,
    p_range: tuple[float, float],
    t_range: tuple[float, float],
) -> Caloric:
    """The case gas's caloric model (:func:`linepack.gas.caloric.make_caloric`)."""
    from linepack.gas.caloric import make_caloric

    caloric: Caloric = make_caloric(
        eos_name,
        gas,
        eos,
        gas_constant=gas_constant,
        p_range=p_range,
        T_range=t_range,
        h_tolerance=CALORIC_H_TOLERANCE,
    )
    return caloric


def _compressors(net: Network, index: dict[str, int]) -> Compressors:
    cs = net.compressors

    def arr(vals: list[float]) -> FloatArray:
        return np.asarray(vals, dtype=float)

    fuel = []
    for c in cs:
        rate = (
            c.heat_rate
            if c.heat_rate
            else (1.0 / c.driver_efficiency if c.driver_efficiency else 0.0)
        )
        fuel.append(rate)
    return Compressors(
        from_node=np.asarray([index[c.from_node] for c in cs], dtype=np.int64),
        to_node=np.asarray([index[c.to_node] for c in cs], dtype=np.int64),
        mode=np.asarray([MODE_CODES[c.mode] for c in cs], dtype=np.int64),
        setpoint=arr([c.setpoint for c in cs]),
        max_ratio=arr([_opt(c.max_ratio, np.inf) for c in cs]),
        max_outlet=arr([_opt(c.max_outlet_pressure, np.inf) for c in cs]),
        min_suction=arr([_opt(c.min_suction_pressure, 0.0) for c in cs]),
        max_power=arr([_opt(c.max_power, np.inf) for c in cs]),
        efficiency=arr([c.efficiency for c in cs]),
        polytropic=np.asarray([c.head == "polytropic" for c in cs], dtype=bool),
        fuel_per_work=arr(fuel),  # divided by LHV in compile_network
        allow_reverse=np.asarray([c.allow_reverse for c in cs], dtype=bool),
    )


def _pairs(elements: list[Any], index: dict[str, int]) -> tuple[IntArray, IntArray]:
    f = np.asarray([index[e.from_node] for e in elements], dtype=np.int64)
    t = np.asarray([index[e.to_node] for e in elements], dtype=np.int64)
    return f, t


def compile_network(net: Network) -> CompiledNetwork:
    """Check a network and compile it into arrays.

    Parameters
    ----------
    net : Network
        The editable model.

    Returns
    -------
    CompiledNetwork
        Arrays in SI, pipes split into segments, EOS and gas constants built. With
        ``thermal = "energy"`` also its :class:`ThermalData` (U and surroundings of each
        segment, see :mod:`linepack.network.thermal`; the caloric model), and a tabulated EOS
        spans the temperatures the energy balance may reach.

    Raises
    ------
    CaseError
        If the network fails validation (see :func:`linepack.network.validate.validate`), or,
        in energy mode, a pipe has no heat-transfer coefficient (nor burial data giving one).
    """
    validate(net)
    st = net.settings
    index = {n.name: i for i, n in enumerate(net.nodes)}
    elevation = [n.elevation for n in net.nodes]
    p_set, inj = _boundaries(net, index)
    cols, new_nodes, seg_names = _split_pipes(net, index, elevation)
    n_extra = len(new_nodes)
    p_set = np.concatenate([p_set, np.full(n_extra, np.nan)])
    inj = np.concatenate([inj, np.zeros(n_extra)])
    p_min = np.asarray([_opt(n.p_min, 0.0) for n in net.nodes] + [0.0] * n_extra)
    p_max = np.asarray([_opt(n.p_max, np.inf) for n in net.nodes] + [np.inf] * n_extra)

    temps = np.asarray(cols["temperature"], dtype=float)
    model = _gas_model(st)
    comp = _compressors(net, index)
    maop = np.asarray([_opt(p.maop, np.nan) for p in net.pipes], dtype=float)
    p_range = (EOS_P_LOW, float(_range_top(_highest(p_set, p_max, comp, maop))))
    th: dict[str, Any] | None = None
    t_range = None
    if st.thermal is Thermal.ENERGY:
        seg_pipe = np.asarray(cols["pipe"], dtype=np.int64)
        x_mid = np.asarray(cols["x_start"], dtype=float) + np.asarray(cols["length"]) / 2
        ends = (np.asarray(cols["from_node"], np.int64), np.asarray(cols["to_node"], np.int64))
        th = _thermal_arrays(net, seg_pipe, x_mid, ends, len(elevation))
        t_range = _thermal_range(th, temps, float(st.gas_temperature), st.eos)
        p_range = (p_range[0], _energy_top(p_range[1], comp, th["cooler_dp"], st.eos))
    eos = _make_eos(model, net.gas, p_range, temps, st.gas_temperature, t_range)
    p_nom = nominal_pressure(p_set)
    gas = _gas_constants(net.gas, st, p_nom)
    thermal = None
    if th is not None and t_range is not None:
        caloric = _caloric(st.eos, net.gas, eos, gas.gas_constant, p_range, t_range)
        thermal = ThermalData(**th, caloric=caloric)

    fvals = np.asarray(cols["friction_value"], dtype=float)
    law_set = set(cols["law"])
    laws = np.asarray(cols["law"]) if len(law_set) > 1 else None
    for law in law_set:
        sel = laws == law if laws is not None else np.ones(fvals.size, dtype=bool)
        friction_mod.friction_factor(
            law,
            np.full(sel.sum(), 1e7),
            np.full(sel.sum(), 1e-5),
            value=fvals[sel] if law == "constant" else None,
            diameter=np.ones(sel.sum()),
        )
    dia = np.asarray(cols["diameter"], dtype=float)
    segments = Segments(
        from_node=np.asarray(cols["from_node"], dtype=np.int64),
        to_node=np.asarray(cols["to_node"], dtype=np.int64),
        pipe=np.asarray(cols["pipe"], dtype=np.int64),
        x_start=np.asarray(cols["x_start"], dtype=float),
        length=np.asarray(cols["length"], dtype=float),
        diameter=dia,
        area=np.pi * dia**2 / 4,
        rel_roughness=np.asarray(cols["rel_roughness"], dtype=float),
        efficiency=np.asarray(cols["efficiency"], dtype=float),
        temperature=temps,
        dh=np.asarray(cols["dh"], dtype=float),
        viscosity=_viscosity(model, net.gas, np.asarray(p_nom), temps, eos),
        law=tuple(cols["law"]),
        friction_value=fvals,
    )
    comp = Compressors(**{**comp.__dict__, "fuel_per_work": comp.fuel_per_work / gas.lhv_mass})
    reg_f, reg_t = _pairs(net.regulators, index)
    val_f, val_t = _pairs(net.valves, index)
    sh_f, sh_t = _pairs(net.short_pipes, index)
    res_f, res_t = _pairs(net.resistors, index)
    rs = net.resistors
    supplies, demands = terminals(net, index)
    return CompiledNetwork(
        n_case_nodes=len(net.nodes),
        elevation=np.asarray(elevation, dtype=float),
        p_set=p_set,
        injection=inj,
        p_min=p_min,
        p_max=p_max,
        segments=segments,
        compressors=comp,
        reg_from=reg_f,
        reg_to=reg_t,
        reg_setpoint=np.asarray([r.setpoint for r in net.regulators], dtype=float),
        reg_max_outlet=np.asarray(
            [_opt(r.max_outlet_pressure, np.inf) for r in net.regulators], dtype=float
        ),
        valve_from=val_f,
        valve_to=val_t,
        valve_open=np.asarray([v.open for v in net.valves], dtype=bool),
        short_from=sh_f,
        short_to=sh_t,
        res_from=res_f,
        res_to=res_t,
        res_zeta=np.asarray([_opt(r.drag_factor, np.nan) for r in rs], dtype=float),
        res_area=np.asarray([np.pi * _opt(r.diameter, np.nan) ** 2 / 4 for r in rs], dtype=float),
        res_dp=np.asarray([_opt(r.pressure_loss, np.nan) for r in rs], dtype=float),
        supplies=supplies,
        demands=demands,
        pipe_length=np.asarray([p.length for p in net.pipes], dtype=float),
        pipe_maop=maop,
        gas_temperature=float(st.gas_temperature),
        atmosphere=float(st.atmosphere),
        control=Control(st.control),
        labels=labels(net, new_nodes, seg_names),
        composition=net.gas,
        gas_model=model,
        settings_key=dataclasses.astuple(st),
        gas=gas,
        eos=eos,
        p_scale=max(p_nom, 1e5),
        # Only tables have a range; closed-form models are evaluated at any positive pressure
        eos_p_range=p_range if isinstance(eos, Tabulated) else (1.0, np.inf),
        thermal=thermal,
    )


def patch_compiled(cn: CompiledNetwork, net: Network) -> CompiledNetwork:
    """The compiled form of ``net``, derived from ``cn`` of a case differing only in
    boundaries, pipe roughness/efficiency and compressor set-points.

    The arrays are computed by the same steps as :func:`compile_network` (set-points and
    injections, the gas constants and viscosities at the new nominal pressure, relative
    roughness, supply temperatures in energy mode), so the result equals a fresh compile; only
    the equation of state (and caloric model) is reused. If the new set-points move the
    pressure range the EOS table must cover, or new supply temperatures its temperature range,
    ``net`` is compiled afresh instead.

    Parameters
    ----------
    cn : CompiledNetwork
        Compiled network of a case with the same structure and physics settings.
    net : Network
        The modified case.

    Returns
    -------
    CompiledNetwork

    Raises
    ------
    CaseError
        ``net`` fails validation (two pressure set-points on one node, ...).
    """
    validate(net)
    index = {n.name: i for i, n in enumerate(net.nodes)}
    n_extra = cn.n_nodes - cn.n_case_nodes
    p_set, inj = _boundaries(net, index)
    p_set = np.concatenate([p_set, np.full(n_extra, np.nan)])
    inj = np.concatenate([inj, np.zeros(n_extra)])
    setpoint = np.asarray([c.setpoint for c in net.compressors], dtype=float)
    top = float(eos_pressure_top(cn, p_set, setpoint))
    if isinstance(cn.eos, Tabulated) and top != cn.eos_p_range[1]:
        return compile_network(net)
    supplies, demands = terminals(net, index)
    changes: dict[str, Any] = {
        "p_set": p_set,
        "injection": inj,
        "supplies": supplies,
        "demands": demands,
    }
    if cn.thermal is not None:
        t_gas = cn.gas_temperature
        supply_t = np.asarray([_opt(s.temperature, t_gas) for s in net.supplies], dtype=float)
        thermal = dataclasses.replace(cn.thermal, supply_temperature=supply_t)
        if _compiled_range(cn, thermal) != _compiled_range(cn, cn.thermal):
            return compile_network(net)  # the tables must cover other temperatures
        changes["thermal"] = thermal
    seg = cn.segments
    pipes = net.pipes
    rough = np.asarray([pipes[i].roughness / pipes[i].diameter for i in seg.pipe], dtype=float)
    eff = np.asarray([pipes[i].efficiency for i in seg.pipe], dtype=float)
    seg_changes: dict[str, Any] = {"rel_roughness": rough, "efficiency": eff}
    p_nom = nominal_pressure(p_set)
    if p_nom != nominal_pressure(cn.p_set):
        kappa, mu = gas_properties(cn, p_nom)
        changes["gas"] = dataclasses.replace(cn.gas, kappa=float(kappa))
        changes["p_scale"] = max(p_nom, 1e5)
        seg_changes["viscosity"] = mu
    changes["segments"] = dataclasses.replace(seg, **seg_changes)
    changes["compressors"] = dataclasses.replace(cn.compressors, setpoint=setpoint)
    return dataclasses.replace(cn, **changes)


def rederive(cn: CompiledNetwork) -> CompiledNetwork:
    """``cn`` with what compilation derives from the set-points derived again for its arrays.

    After the set-points, injections, station modes or valve states of a compiled network
    were replaced (e.g. by a schedule's values at the start of a run), this gives what
    :func:`compile_network` gives for the case with those values: the equation-of-state table
    is built again if the set-points move its pressure range (:func:`eos_pressure_top`), and
    the isentropic exponent, segment viscosities and pressure scale are evaluated at the new
    :func:`nominal_pressure`. In energy mode the caloric model is built again with a new
    table, over the same temperature range.

    Parameters
    ----------
    cn : CompiledNetwork
        A compiled network whose boundary arrays were replaced.

    Returns
    -------
    CompiledNetwork
    """
    changes: dict[str, Any] = {}
    top = float(eos_pressure_top(cn))
    if isinstance(cn.eos, Tabulated) and top != cn.eos_p_range[1]:
        p_range = (EOS_P_LOW, top)
        seg = cn.segments
        th = cn.thermal
        t_range = None if th is None else _compiled_range(cn, th)
        changes["eos"] = _make_eos(
            cn.gas_model, cn.composition, p_range, seg.temperature, cn.gas_temperature, t_range
        )
        changes["eos_p_range"] = p_range
        if th is not None and t_range is not None:
            caloric = _caloric(
                cn.gas_model.eos,
                cn.composition,
                changes["eos"],
                cn.gas.gas_constant,
                p_range,
                t_range,
            )
            changes["thermal"] = dataclasses.replace(th, caloric=caloric)
        cn = dataclasses.replace(cn, **changes)
    p_nom = nominal_pressure(cn.p_set)
    kappa, mu = gas_properties(cn, p_nom)
    return dataclasses.replace(
        cn,
        gas=dataclasses.replace(cn.gas, kappa=float(kappa)),
        p_scale=max(p_nom, 1e5),
        segments=dataclasses.replace(cn.segments, viscosity=mu),
    )


def compile_like(network: Network, base: CompiledNetwork) -> CompiledNetwork:
    """Compile ``network`` reusing the equation-of-state table of ``base``.

    ``network`` must differ from the network ``base`` was compiled from only in geometry,
    elements and set-points, not in gas or settings. The pipes are compiled as usual; the
    (costly) EOS table of ``base`` is reused when it covers the new network's pressures and
    temperatures, and the segment viscosities are evaluated with it as
    :func:`compile_network` does. Otherwise this is a plain :func:`compile_network`.

    A case in energy mode (``thermal = "energy"``) reuses the caloric model of ``base`` with
    its EOS table when both cover the new network's temperature range too.

    Returns
    -------
    CompiledNetwork
        Equal to ``compile_network(network)`` when the pressure range is the same (the table
        is then the same); within the table's interpolation tolerance otherwise.
    """
    if (
        not isinstance(base.eos, Tabulated)
        or network.gas != base.composition
        or dataclasses.astuple(network.settings) != base.settings_key
        or any(p.temperature is not None for p in network.pipes)
        or (network.settings.thermal is Thermal.ENERGY) != (base.thermal is not None)
        or (
            base.thermal is None and bool(np.any(base.segments.temperature != base.gas_temperature))
        )
    ):
        return compile_network(network)
    st = network.settings
    cheap = dataclasses.replace(network, settings=dataclasses.replace(st, eos="ideal"))
    cn = compile_network(cheap)

    def highest(c: CompiledNetwork) -> float:
        n = c.n_case_nodes
        return float(_highest(c.p_set[:n], c.p_max[:n], c.compressors, c.pipe_maop))

    if highest(cn) > highest(base):
        return compile_network(network)
    if base.thermal is not None:
        # the energy balance's tables: the base's when they cover this network's temperatures
        assert cn.thermal is not None
        lo, hi = _thermal_range(
            {f.name: getattr(cn.thermal, f.name) for f in dataclasses.fields(cn.thermal)},
            cn.segments.temperature,
            cn.gas_temperature,
            base.gas_model.eos,
        )
        t_grid = base.eos.T_grid
        if lo < float(t_grid[0]) or hi > float(t_grid[-1]):
            return compile_network(network)
        cn = dataclasses.replace(
            cn, thermal=dataclasses.replace(cn.thermal, caloric=base.thermal.caloric)
        )
    cn = dataclasses.replace(
        cn,
        eos=base.eos,
        eos_p_range=base.eos_p_range,
        gas_model=base.gas_model,
        settings_key=dataclasses.astuple(st),  # the case's settings, not the cheap compile's
    )
    if st.viscosity is None:
        seg = cn.segments
        p_nom = np.asarray(nominal_pressure(cn.p_set))
        mu = _viscosity(cn.gas_model, cn.composition, p_nom, seg.temperature, cn.eos)
        cn = dataclasses.replace(cn, segments=dataclasses.replace(seg, viscosity=mu))
    return cn
