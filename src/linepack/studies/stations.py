"""Compressor stations along the route: chainage, insertion, removal, even spacing.

A station is inserted at a chainage (distance from the first route node along the route
pipes [m]). Inside a pipe the pipe is split into two pipes whose lengths add up to the
original length exactly, and two nodes are added (suction and discharge, with elevation,
coordinates and pressure limit interpolated linearly in chainage); at an existing node the
node becomes the suction side and a discharge node is added. The station is a
:class:`~linepack.network.model.Compressor` in outlet-pressure mode with the limits of a
:class:`~linepack.network.design.StationSpec`.

:func:`~linepack.network.compile.compile_like` compiles such a variant of a network reusing the
equation-of-state table of an already compiled network (building a GERG-2008 table is ~95 % of
compile time).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from linepack.errors import CaseError
from linepack.network.design import StationSpec
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Supply,
)

#: Key of :attr:`Network.extras` where inserted stations are recorded (for removal).
INSERTED = "inserted_stations"
#: A chainage this close to a node [m] is taken to be at the node.
SNAP = 1e-3


@dataclass(frozen=True)
class RoutePipe:
    """A pipe on the route with its chainage.

    Attributes
    ----------
    name, from_node, to_node : str
        The pipe and its end nodes (flow runs downstream, from ``from_node``).
    start, end : float
        Chainage of its inlet and outlet [m].
    upstream : str
        The route node before it: ``from_node``, or the suction node of a station (or other
        link) whose discharge is ``from_node``.
    """

    name: str
    from_node: str
    to_node: str
    start: float
    end: float
    upstream: str


def route_pipes(network: Network) -> list[RoutePipe]:
    """The pipes along the case's route, upstream first, with their chainage.

    Consecutive route nodes are joined by a pipe, or by a station (or valve, short pipe,
    regulator, resistor) and then a pipe.

    Raises
    ------
    CaseError
        No route, or two consecutive route nodes not joined that way.
    """
    route = network.route
    if len(route) < 2:
        raise CaseError(
            "the study needs a route",
            file=network.source,
            element="[case]",
            key="route",
            value=route,
            expected="at least two node names, upstream first",
        )
    pipes = {(p.from_node, p.to_node): p for p in network.pipes}
    links = [x for x in network.links() if not isinstance(x, Pipe)]
    out: list[RoutePipe] = []
    ch = 0.0
    for a, b in itertools.pairwise(route):
        start = a
        if (a, b) not in pipes:
            mids = [x.to_node for x in links if x.from_node == a and (x.to_node, b) in pipes]
            if not mids:
                raise CaseError(
                    "consecutive route nodes are not joined by a pipe running downstream",
                    file=network.source,
                    element="[case]",
                    key="route",
                    value=f"{a} -> {b}",
                    expected="a pipe from the first to the second (or a station and a pipe)",
                )
            a = mids[0]
        p = pipes[(a, b)]
        out.append(RoutePipe(p.name, a, b, ch, ch + p.length, start))
        ch += p.length
    return out


def route_length(network: Network) -> float:
    """Length of the route [m]."""
    return route_pipes(network)[-1].end


def route_chainage(network: Network) -> dict[str, float]:
    """Chainage [m] of every node on the route (station discharge nodes included)."""
    out: dict[str, float] = {}
    for rp in route_pipes(network):
        out.setdefault(rp.upstream, rp.start)
        out.setdefault(rp.from_node, rp.start)
        out[rp.to_node] = rp.end
    return out


def station_chainages(network: Network) -> dict[str, float]:
    """Chainage [m] of each compressor station on the route, by name."""
    where = route_chainage(network)
    return {
        c.name: where[c.from_node]
        for c in network.compressors
        if c.from_node in where and c.to_node in where
    }


def evenly_spaced(n: int, route_length: float) -> tuple[float, ...]:
    """Chainages [m] of ``n`` stations splitting the route into ``n + 1`` equal sections."""
    if n < 0:
        raise CaseError("negative number of stations", key="stations", value=n, expected=">= 0")
    return tuple(route_length * k / (n + 1) for k in range(1, n + 1))


def _unique(name: str, taken: set[str]) -> str:
    out, k = name, 2
    while out in taken:
        out, k = f"{name}-{k}", k + 1
    taken.add(out)
    return out


def _split_lengths(length: float, x: float) -> tuple[float, float]:
    """Two lengths ``(x, y)`` with ``x + y == length`` exactly in floating point."""
    y = length - x
    for _ in range(4):
        s = x + y
        if s == length:
            break
        y = float(np.nextafter(y, y + (length - s)))
    return x, y


def _check_chainages(network: Network, chainages: Sequence[float], min_spacing: float) -> None:
    total = route_length(network)
    existing = sorted(station_chainages(network).values())
    for c in chainages:
        if not (math.isfinite(c) and -SNAP <= c < total - SNAP):
            raise CaseError(
                "station outside the route",
                file=network.source,
                element="stations",
                key="chainage",
                value=f"{c / 1e3:.3f} km",
                expected=f"0 <= chainage < {total / 1e3:.3f} km (the route length)",
            )
    every = sorted([*chainages, *existing])
    for a, b in itertools.pairwise(every):
        if b - a < min_spacing:
            raise CaseError(
                "two stations too close",
                file=network.source,
                element="stations",
                key="chainage",
                value=f"{a / 1e3:.3f} km and {b / 1e3:.3f} km",
                expected=f"at least {min_spacing / 1e3:.3f} km apart",
            )


def _lerp(a: float | None, b: float | None, f: float) -> float | None:
    if a is None or b is None:
        return None
    return a + (b - a) * f


def _lowest(*values: float | None) -> float | None:
    given = [v for v in values if v is not None]
    return min(given) if given else None


def _station(name: str, suction: str, discharge: str, spec: StationSpec) -> Compressor:
    return Compressor(
        name=name,
        from_node=suction,
        to_node=discharge,
        mode=CompressorMode.OUTLET_PRESSURE,
        setpoint=spec.outlet_pressure,
        max_ratio=spec.max_ratio,
        max_outlet_pressure=spec.max_outlet_pressure,
        min_suction_pressure=spec.min_suction_pressure,
        max_power=spec.max_power,
        efficiency=spec.efficiency,
        head="polytropic",
        driver_efficiency=spec.driver_efficiency,
    )


def _insert_one(net: Network, c: float, name: str, spec: StationSpec, taken: set[str]) -> None:
    """Insert one station at chainage ``c`` into ``net`` (in place)."""
    rps = route_pipes(net)
    rp = next((r for r in rps if r.start - SNAP <= c < r.end - SNAP), rps[-1])
    record: dict[str, Any] = {"station": name, "chainage": c}
    if abs(c - rp.start) <= SNAP:
        # at an existing node: it becomes the suction side, a discharge node is added
        node = net.node(rp.from_node)
        dname = _unique(f"{name}-discharge", taken)
        discharge = dataclasses.replace(node, name=dname, p_min=None)
        net.nodes.insert(net.nodes.index(node) + 1, discharge)
        pipe = next(p for p in net.pipes if p.name == rp.name)
        pipe.from_node = dname
        net.compressors.append(_station(name, node.name, dname, spec))
        record.update(suction=node.name, discharge=dname, split=None)
    else:
        pipe = next(p for p in net.pipes if p.name == rp.name)
        a, b = net.node(pipe.from_node), net.node(pipe.to_node)
        x, y = _split_lengths(pipe.length, c - rp.start)
        f = x / pipe.length
        pmax = pipe.maop if pipe.maop is not None else _lowest(a.p_max, b.p_max)
        sname = _unique(f"{name}-suction", taken)
        dname = _unique(f"{name}-discharge", taken)
        z = a.elevation + (b.elevation - a.elevation) * f
        lat, lon = _lerp(a.lat, b.lat, f), _lerp(a.lon, b.lon, f)
        at = net.nodes.index(a) + 1
        net.nodes[at:at] = [
            Node(sname, elevation=z, lat=lat, lon=lon, p_max=pmax),
            Node(dname, elevation=z, lat=lat, lon=lon, p_max=pmax),
        ]
        up = dataclasses.replace(pipe, name=_unique(f"{pipe.name}-a", taken), to_node=sname)
        down = dataclasses.replace(pipe, name=_unique(f"{pipe.name}-b", taken), from_node=dname)
        up.length, down.length = x, y
        i = net.pipes.index(pipe)
        net.pipes[i : i + 1] = [up, down]
        if pipe.to_node in net.route:
            net.route.insert(net.route.index(pipe.to_node), sname)
        net.compressors.append(_station(name, sname, dname, spec))
        record.update(suction=sname, discharge=dname, split=dataclasses.asdict(pipe))
        record["pieces"] = (up.name, down.name)
    net.extras.setdefault(INSERTED, []).append(record)


def insert_stations(
    network: Network,
    chainages: Sequence[float],
    spec: StationSpec,
    *,
    min_spacing: float = 10e3,
    prefix: str = "CS",
) -> Network:
    """A copy of ``network`` with compressor stations at the given chainages.

    Parameters
    ----------
    network : Network
        The case (not changed).
    chainages : sequence of float
        Where the stations go [m from the first route node], any order.
    spec : StationSpec
        Set-point and limits of every inserted station (outlet-pressure mode).
    min_spacing : float, optional
        Closest two stations may be [m], existing stations included.
    prefix : str, optional
        Stations are named ``<prefix>-1``, ``<prefix>-2``... upstream first (skipping names
        in use).

    Returns
    -------
    Network
        The copy. Pipes split by a station are named ``<pipe>-a`` (upstream) and ``<pipe>-b``;
        new nodes ``<station>-suction`` and ``<station>-discharge``. The insertion is recorded
        in ``extras["inserted_stations"]`` so :func:`remove_stations` can undo it.

    Raises
    ------
    CaseError
        A chainage outside ``[0, route length)``, or two stations closer than ``min_spacing``.
    """
    _check_chainages(network, chainages, min_spacing)
    net = copy.deepcopy(network)
    taken = {n.name for n in net.nodes} | {x.name for x in net.links()}
    names: list[str] = []
    k = 1
    for _ in chainages:
        while f"{prefix}-{k}" in taken:
            k += 1
        names.append(f"{prefix}-{k}")
        taken.add(names[-1])
    order = sorted(range(len(chainages)), key=lambda i: chainages[i])
    for name, i in zip(names, order, strict=True):
        _insert_one(net, float(chainages[i]), name, spec, taken)
    return net


def _node_at(net: Network, c: float, taken: set[str]) -> str:
    """The route node at chainage ``c``; a pipe there is split (lengths add up exactly)."""
    rps = route_pipes(net)
    for rp in rps:
        if abs(c - rp.start) <= SNAP:
            return rp.from_node
        if abs(c - rp.end) <= SNAP:
            return rp.to_node
    rp = next(r for r in rps if r.start < c < r.end)
    pipe = next(p for p in net.pipes if p.name == rp.name)
    a, b = net.node(pipe.from_node), net.node(pipe.to_node)
    x, y = _split_lengths(pipe.length, c - rp.start)
    f = x / pipe.length
    name = _unique(f"km-{c / 1e3:.3f}", taken)
    node = Node(
        name,
        elevation=a.elevation + (b.elevation - a.elevation) * f,
        lat=_lerp(a.lat, b.lat, f),
        lon=_lerp(a.lon, b.lon, f),
        p_max=pipe.maop if pipe.maop is not None else _lowest(a.p_max, b.p_max),
    )
    net.nodes.insert(net.nodes.index(a) + 1, node)
    up = dataclasses.replace(pipe, name=_unique(f"{pipe.name}-a", taken), to_node=name)
    down = dataclasses.replace(pipe, name=_unique(f"{pipe.name}-b", taken), from_node=name)
    up.length, down.length = x, y
    i = net.pipes.index(pipe)
    net.pipes[i : i + 1] = [up, down]
    if pipe.to_node in net.route:
        net.route.insert(net.route.index(pipe.to_node), name)
    return name


def route_section(
    network: Network, start: float, end: float, pressure: float, flow: float
) -> Network:
    """The route between two chainages as a line of its own.

    Parameters
    ----------
    network : Network
        The case (not changed); no compressor stations between ``start`` and ``end``.
    start, end : float
        Chainages [m], ``0 <= start < end <= route length``; pipes are split there.
    pressure : float
        Pressure set at the section's inlet [Pa abs] (one supply).
    flow : float
        Withdrawn at its outlet [kg/s] (one demand); offtakes at nodes inside are kept.

    Returns
    -------
    Network
        Route pipes and nodes inside the section; ``delivery`` is the outlet node.
    """
    net = copy.deepcopy(network)
    taken = {n.name for n in net.nodes} | {x.name for x in net.links()}
    a = _node_at(net, start, taken)
    b = _node_at(net, end, taken)
    keep = [rp for rp in route_pipes(net) if rp.start >= start - SNAP and rp.end <= end + SNAP]
    names = {rp.name for rp in keep}
    nodes = {rp.from_node for rp in keep} | {rp.to_node for rp in keep}
    net.pipes = [p for p in net.pipes if p.name in names]
    for kind in ("compressors", "regulators", "valves", "short_pipes", "resistors"):
        items = [x for x in getattr(net, kind) if x.from_node in nodes and x.to_node in nodes]
        setattr(net, kind, items)
    net.nodes = [dataclasses.replace(n, p_min=None) for n in net.nodes if n.name in nodes]
    net.supplies = [Supply("section-inlet", a, pressure=pressure)]
    net.demands = [d for d in net.demands if d.node in nodes and d.node != b and d.flow]
    net.demands.append(Demand("section-outlet", b, flow=flow))
    net.route = [r for r in net.route if r in nodes]
    net.delivery = b
    net.extras.pop(INSERTED, None)
    return net


def _rename_node(net: Network, old: str, new: str) -> None:
    for x in net.links():
        if x.from_node == old:
            x.from_node = new
        if x.to_node == old:
            x.to_node = new
    for s in net.supplies:
        if s.node == old:
            s.node = new
    for d in net.demands:
        if d.node == old:
            d.node = new
    net.nodes = [n for n in net.nodes if n.name != old]
    if old in net.route:
        if new in net.route:
            net.route.remove(old)
        else:
            net.route[net.route.index(old)] = new
    if net.delivery == old:
        net.delivery = new


def remove_stations(network: Network) -> Network:
    """A copy of ``network`` without compressor stations.

    Stations inserted by :func:`insert_stations` are undone exactly (split pipes are joined
    again under their old name and the added nodes removed). Any other station is replaced by
    a plain connection: its discharge node is merged into its suction node.
    """
    net = copy.deepcopy(network)
    records: list[dict[str, Any]] = net.extras.pop(INSERTED, [])
    for rec in reversed(records):  # the last inserted first: a later one may split a piece
        station = next((c for c in net.compressors if c.name == rec["station"]), None)
        if station is None:
            continue
        net.compressors.remove(station)
        if rec.get("split") is None:
            _rename_node(net, station.to_node, station.from_node)
            continue
        up_name, down_name = rec["pieces"]
        up = next(p for p in net.pipes if p.name == up_name)
        i = net.pipes.index(up)
        net.pipes[i : i + 1] = [Pipe(**rec["split"])]
        net.pipes = [p for p in net.pipes if p.name != down_name]
        for n in (rec["suction"], rec["discharge"]):
            net.nodes = [x for x in net.nodes if x.name != n]
            if n in net.route:
                net.route.remove(n)
    for c in list(net.compressors):
        net.compressors.remove(c)
        _rename_node(net, c.to_node, c.from_node)
    return net
