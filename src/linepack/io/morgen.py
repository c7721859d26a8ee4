"""Read morgen networks (``.net`` edge lists) and scenarios (``.ini``) into a :class:`Network`.

morgen (Model Order Reduction for Gas and Energy Networks, mpimd-csc/morgen, BSD-2) describes
a network as CSV lines ``type, from, to, length [m], diameter [m], height difference [m],
roughness [m]`` after a ``#`` header; node identifiers are positive integers. The conventions
below are those of morgen 1.2 (``utils/format/format_network.m``, ``format_scenario.m``,
``models/ode_mid.m``):

Edge types
    ``P`` pipe, ``S`` short pipe, ``V`` valve, ``C`` compressor (morgen's only types; the
    fields after ``to`` are ``NaN`` or missing for the non-pipes). Short pipes become
    :class:`ShortPipe`, valves open :class:`Valve`, compressors :class:`Compressor` holding
    their outlet pressure. Any other type raises :class:`CaseError` naming it.
Supplies and demands
    A *supply node* appears exactly once as ``from`` and never as ``to``; a *demand node*
    exactly once as ``to`` and never as ``from``. Both are numbered by increasing identifier.
Elevation
    The height difference of an edge is ``h(to) - h(from)``. Elevations are integrated along a
    spanning tree from the smallest identifier of each connected part (at 0 m); an edge closing
    a loop whose height difference disagrees (by more than 1 mm) raises :class:`CaseError`
    naming it. Non-pipe edges have no height difference.
Scenario
    ``T0`` ambient (gas) temperature [°C], ``Rs`` specific gas constant [J/(kg K)], ``tH``
    horizon [s], ``up`` supply pressures [bar, absolute], ``uq`` demand mass flows [kg/s],
    ``cp`` compressor outlet pressures [bar] (one per ``C`` edge in file order), ``ut`` change
    times [s]. Values of one time are separated by ``;``, times by ``|``. linepack builds the
    steady case of the first time (morgen's steady state is that of the initial inputs).
Gas
    morgen knows only ``Rs``: ``Settings.gas_constant = Rs``, a methane / hydrogen (or ethane)
    stand-in composition of molar mass ``R / Rs`` (:func:`linepack.io.gaslib.stand_in_gas`)
    and morgen's default compressibility, AGA-88 with its default pseudo-critical point
    (45.988 bar, -82.595 °C).

The GasLib conversions shipped with morgen number the GasLib junctions ``1..N`` and add one
port node per entry and exit, joined by a short pipe (so GasLib4197.net has 4,197 junctions
and 1,020 ports: 5,217 nodes).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from linepack.errors import CaseError
from linepack.io.gaslib import stand_in_gas
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Settings,
    ShortPipe,
    Supply,
    Valve,
)
from linepack.network.validate import validate

__all__ = [
    "EDGE_TYPES",
    "MorgenEdge",
    "MorgenScenario",
    "elevations",
    "load_morgen",
    "read_edges",
    "read_scenario",
]

#: morgen's edge types.
EDGE_TYPES = {"P": "pipe", "S": "short pipe", "V": "valve", "C": "compressor"}
#: morgen's default pseudo-critical point (morgen.ini ``steady_pc``, ``steady_Tc``).
PSEUDO_CRITICAL = (45.988e5, -82.595 + 273.15)
_HEIGHT_TOLERANCE = 1e-3  # [m]


@dataclass(frozen=True)
class MorgenEdge:
    """One line of a morgen network file.

    Attributes
    ----------
    line : int
        Line number in the file (1-based), for messages.
    kind : str
        ``P``, ``S``, ``V`` or ``C``.
    from_node, to_node : str
        Node identifiers.
    length, diameter, height, roughness : float
        [m]; NaN where not given.
    """

    line: int
    kind: str
    from_node: str
    to_node: str
    length: float
    diameter: float
    height: float
    roughness: float

    @property
    def name(self) -> str:
        """The linepack name: type letter and line number, e.g. ``P12``."""
        return f"{self.kind}{self.line}"


@dataclass(frozen=True)
class MorgenScenario:
    """A morgen scenario (first time only for the steady case; all times kept).

    Attributes
    ----------
    temperature : float
        ``T0`` [K].
    gas_constant : float
        ``Rs`` [J/(kg K)].
    horizon : float
        ``tH`` [s].
    supply_pressure : tuple of tuple of float
        ``up`` [Pa abs], per time, per supply (one time if constant).
    demand_flow : tuple of tuple of float
        ``uq`` [kg/s], per time, per demand (one time if constant).
    compressor_pressure : tuple of float
        ``cp`` [Pa abs], per compressor.
    times : tuple of float
        ``ut`` [s].
    """

    temperature: float
    gas_constant: float
    horizon: float
    supply_pressure: tuple[tuple[float, ...], ...]
    demand_flow: tuple[tuple[float, ...], ...]
    compressor_pressure: tuple[float, ...]
    times: tuple[float, ...]


def _float(text: str, key: str, file: str, line: int) -> float:
    try:
        return float(text) if text.strip() else math.nan
    except ValueError:
        raise CaseError(
            "not a number",
            file=file,
            element=f"line {line}",
            key=key,
            value=text,
            expected="a number or NaN",
        ) from None


def _node_id(text: str, key: str, file: str, line: int) -> str:
    value = text.strip()
    if not value.isdigit() or int(value) <= 0:
        raise CaseError(
            "not a node identifier",
            file=file,
            element=f"line {line}",
            key=key,
            value=text,
            expected="a positive integer",
        )
    return str(int(value))


def read_edges(path: str | Path) -> list[MorgenEdge]:
    """Read a morgen network file.

    Parameters
    ----------
    path : str or Path
        The ``.net`` CSV file.

    Returns
    -------
    list of MorgenEdge
        In file order.

    Raises
    ------
    CaseError
        A missing file, an unknown edge type (named with its line), a bad identifier or number,
        a pipe without positive length and diameter or with a missing roughness.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseError(f"cannot read the file: {exc.strerror}", file=file) from None
    edges = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        cols = [c.strip() for c in line.split(",")]
        kind = cols[0].upper()
        if kind not in EDGE_TYPES or len(cols) < 3:
            raise CaseError(
                f"unknown edge type '{cols[0]}': linepack cannot model it"
                if kind not in EDGE_TYPES
                else "too few fields",
                file=file,
                element=f"line {number}",
                key="type",
                value=raw.strip(),
                expected="P (pipe), S (short pipe), V (valve) or C (compressor), from, to, ...",
            )
        nums = [_float(c, k, file, number) for c, k in zip(cols[3:7], _FIELDS, strict=False)]
        nums += [math.nan] * (4 - len(nums))
        edge = MorgenEdge(
            number,
            kind,
            _node_id(cols[1], "from", file, number),
            _node_id(cols[2], "to", file, number),
            *nums,
        )
        _check_edge(edge, file)
        edges.append(edge)
    if not edges:
        raise CaseError("no edges", file=file, expected="lines 'type, from, to, ...'")
    return edges


_FIELDS = ("length", "diameter", "height difference", "roughness")


def _check_edge(e: MorgenEdge, file: str) -> None:
    where = f"line {e.line}"
    if e.from_node == e.to_node:
        raise CaseError(
            "edge from a node to itself", file=file, element=where, key="to", value=e.to_node
        )
    if e.kind != "P":
        return
    for key, value in zip(_FIELDS, (e.length, e.diameter, e.height, e.roughness), strict=True):
        bad = not math.isfinite(value) or (key in ("length", "diameter") and value <= 0)
        bad = bad or (key == "roughness" and value < 0)
        if bad:
            raise CaseError(
                "bad pipe value",
                file=file,
                element=f"{where} (pipe {e.name})",
                key=key,
                value=value,
                expected="a finite number (length, diameter > 0; roughness >= 0)",
            )


# ---------------------------------------------------------------------------------- scenario


def _ini(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=" not in line:
            raise CaseError(
                "not 'key = value'", file=str(path), element=f"line {number}", value=raw.strip()
            )
        key, value = (s.strip() for s in line.split("=", 1))
        out[key] = value
    return out


def _series(text: str, key: str, file: str) -> tuple[tuple[float, ...], ...]:
    """``a;b|c;d`` → ((a, b), (c, d)): per time, per port."""
    out = []
    for chunk in text.split("|"):
        try:
            out.append(tuple(float(v) for v in chunk.split(";") if v.strip()))
        except ValueError:
            raise CaseError(
                "not a list of numbers",
                file=file,
                key=key,
                value=chunk,
                expected="numbers separated by ';' (ports) and '|' (times)",
            ) from None
    return tuple(out)


def read_scenario(path: str | Path) -> MorgenScenario:
    """Read a morgen scenario ``.ini`` file.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    MorgenScenario
        In SI (pressures converted from bar, temperature from °C).

    Raises
    ------
    CaseError
        A missing file or key, a value that is not a number, times that do not match.
    """
    p = Path(path)
    file = str(p)
    ini = _ini(p)
    for key in ("T0", "Rs", "up", "uq"):
        if key not in ini:
            raise CaseError("missing key", file=file, key=key, expected=f"'{key} = ...'")
    scalars = {k: _series(ini.get(k, "0"), k, file)[0] for k in ("T0", "Rs", "tH")}
    for k, v in scalars.items():
        if len(v) != 1:
            raise CaseError("not one number", file=file, key=k, value=ini.get(k))
    up = _series(ini["up"], "up", file)
    uq = _series(ini["uq"], "uq", file)
    times = _series(ini.get("ut", "0").replace("|", ";"), "ut", file)[0]
    for key, series in (("up", up), ("uq", uq)):
        if len(series) not in (1, len(times)):
            raise CaseError(
                f"{len(series)} times in '{key}' but {len(times)} in 'ut'",
                file=file,
                key=key,
                value=len(series),
                expected=f"1 (constant) or {len(times)} columns",
            )
    cp = _series(ini["cp"], "cp", file)[0] if "cp" in ini else ()
    return MorgenScenario(
        temperature=scalars["T0"][0] + 273.15,
        gas_constant=scalars["Rs"][0],
        horizon=scalars["tH"][0],
        supply_pressure=tuple(tuple(v * 1e5 for v in col) for col in up),
        demand_flow=uq,
        compressor_pressure=tuple(v * 1e5 for v in cp),
        times=times,
    )


# ----------------------------------------------------------------------------------- network


def _ports(edges: list[MorgenEdge]) -> tuple[list[str], list[str]]:
    """morgen's supply and demand nodes, by increasing identifier."""
    out_deg: dict[str, int] = defaultdict(int)
    in_deg: dict[str, int] = defaultdict(int)
    for e in edges:
        out_deg[e.from_node] += 1
        in_deg[e.to_node] += 1
    nodes = sorted(set(out_deg) | set(in_deg), key=int)
    supplies = [n for n in nodes if out_deg[n] == 1 and in_deg[n] == 0]
    demands = [n for n in nodes if in_deg[n] == 1 and out_deg[n] == 0]
    return supplies, demands


def elevations(edges: list[MorgenEdge], file: str) -> dict[str, float]:
    """Node elevations [m] integrated from the edges' height differences.

    Parameters
    ----------
    edges : list of MorgenEdge
    file : str
        For messages.

    Returns
    -------
    dict
        Node identifier → elevation, 0 at the smallest identifier of each connected part.

    Raises
    ------
    CaseError
        An edge closing a loop with a height difference that disagrees with the others.
    """
    adjacent: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for e in edges:
        dh = e.height if e.kind == "P" else 0.0
        adjacent[e.from_node].append((e.to_node, dh))
        adjacent[e.to_node].append((e.from_node, -dh))
    height: dict[str, float] = {}
    for root in sorted(adjacent, key=int):
        if root in height:
            continue
        height[root] = 0.0
        stack = [root]
        while stack:
            u = stack.pop()
            for v, dh in adjacent[u]:
                if v not in height:
                    height[v] = height[u] + dh
                    stack.append(v)
    for e in edges:
        dh = e.height if e.kind == "P" else 0.0
        miss = height[e.to_node] - height[e.from_node] - dh
        if abs(miss) > _HEIGHT_TOLERANCE:
            raise CaseError(
                f"height differences around a loop do not add up (off by {miss:.4g} m)",
                file=file,
                element=f"line {e.line} ({EDGE_TYPES[e.kind]} {e.name})",
                key="height difference",
                value=e.height if e.kind == "P" else 0.0,
                expected=f"{dh + miss:.6g} m from the other edges of the loop",
            )
    return height


def _links(edges: list[MorgenEdge], cp: tuple[float, ...] | None, net: Network) -> None:
    k = 0
    for e in edges:
        if e.kind == "P":
            net.pipes.append(
                Pipe(
                    e.name,
                    e.from_node,
                    e.to_node,
                    length=e.length,
                    diameter=e.diameter,
                    roughness=e.roughness,
                )
            )
        elif e.kind == "S":
            net.short_pipes.append(ShortPipe(e.name, e.from_node, e.to_node))
        elif e.kind == "V":
            net.valves.append(Valve(e.name, e.from_node, e.to_node, open=True))
        else:
            if cp is None:
                compressor = Compressor(e.name, e.from_node, e.to_node, mode=CompressorMode.BYPASS)
            else:
                compressor = Compressor(
                    e.name,
                    e.from_node,
                    e.to_node,
                    mode=CompressorMode.OUTLET_PRESSURE,
                    setpoint=cp[k],
                )
            net.compressors.append(compressor)
            k += 1


def _check_counts(scn: MorgenScenario, n_sup: int, n_dem: int, n_comp: int, file: str) -> None:
    checks = (
        ("up", len(scn.supply_pressure[0]), n_sup, "supply nodes"),
        ("uq", len(scn.demand_flow[0]), n_dem, "demand nodes"),
        ("cp", len(scn.compressor_pressure), n_comp, "compressors"),
    )
    for key, got, need, what in checks:
        if got != need:
            raise CaseError(
                f"network/scenario mismatch: {got} values for {need} {what}",
                file=file,
                key=key,
                value=got,
                expected=f"{need} values (one per {what[:-1]})",
            )


def load_morgen(net_path: str | Path, scenario: str | Path | None = None) -> Network:
    """Load a morgen network, with the initial values of a scenario as a steady case.

    Parameters
    ----------
    net_path : str or Path
        The ``.net`` edge list.
    scenario : str or Path, optional
        The scenario ``.ini``. Without one the network has no supplies or demands, compressors
        are in bypass, the gas is morgen's default (R_s = 518.3 J/(kg K), 15 °C), and the
        network is not validated for pressure references.

    Returns
    -------
    Network
        In SI, ``source`` the network file.

    Raises
    ------
    CaseError
        Bad files (see :func:`read_edges`, :func:`read_scenario`), a scenario whose numbers of
        supply pressures, demand flows or compressor pressures do not match the network, or
        inconsistent height differences.
    """
    file = str(net_path)
    edges = read_edges(net_path)
    height = elevations(edges, file)
    supplies, demands = _ports(edges)
    scn = read_scenario(scenario) if scenario is not None else None
    rs = scn.gas_constant if scn else 518.3
    temperature = scn.temperature if scn else 288.15
    settings = Settings(
        gas_temperature=temperature, eos="aga88", gas_constant=rs, pseudo_critical=PSEUDO_CRITICAL
    )
    stem = Path(net_path).stem
    net = Network(
        name=stem,
        gas=stand_in_gas(8.314462618 / rs, where=file),
        settings=settings,
        nodes=[Node(n, elevation=h) for n, h in sorted(height.items(), key=lambda t: int(t[0]))],
        source=file,
        description=f"morgen network '{stem}'",
    )
    n_comp = sum(e.kind == "C" for e in edges)
    if scn is not None:
        _check_counts(scn, len(supplies), len(demands), n_comp, str(scenario))
        p0, q0 = scn.supply_pressure[0], scn.demand_flow[0]
        net.supplies = [
            Supply(f"supply{n}", n, pressure=p) for n, p in zip(supplies, p0, strict=True)
        ]
        net.demands = [Demand(f"demand{n}", n, flow=q) for n, q in zip(demands, q0, strict=True)]
        net.description += (
            f" with scenario '{Path(scenario).stem}' at t = {scn.times[0]:g} s"  # type: ignore[arg-type]
            f" (T0 = {temperature - 273.15:g} °C, Rs = {rs:g} J/(kg K))"
        )
    _links(edges, scn.compressor_pressure if scn else None, net)
    net.extras["morgen"] = {"scenario": scn, "supply_nodes": supplies, "demand_nodes": demands}
    if scn is not None:
        validate(net)
    return net
