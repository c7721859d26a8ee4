"""Batched steady states of tree networks by marching from the pressure reference.

For a network that is a tree with exactly one pressure-set node (the *root*) and every other
boundary condition given as a flow, the steady equations decouple:

* the flow of every edge is the net withdrawal of the subtree beyond it (mass balances alone),
  fuel drawn at station suctions included;
* the pressures follow from the root outwards: each pipe segment obeys the pipe law of
  :func:`linepack.steady.kernels.pipe_segment`, ``p1² e^{-s} − p2² − K q|q| G(s) = 0``, which for
  fixed compressibility ``Z`` is *linear* in the squared pressures. A station holding its outlet
  pressure sets the pressure of its discharge node (a new reference for the part beyond it); a
  bypassed station or a short pipe passes the pressure on.

With ``Z`` (taken at each segment's mean pressure, as in the steady solver) frozen, the squared
pressure of every node is therefore a product and a sum along its path from the root, computed
for all nodes and all scenarios at once by cumulative sums over an Euler tour of the tree. ``Z``
(and, with running stations, the fuel and hence the flows) are then updated from the new
pressures until nothing moves: a fixed-point iteration on arrays of shape ``(S, n)`` (``S``
scenarios). Since ``Z`` falls with pressure, the iterates move monotonically and converge in
about ten rounds; the answer satisfies the steady solver's equations to rounding.

Nothing here knows about names beyond the compiled network's, units or pandas; inputs and
outputs are SI arrays with a leading scenario dimension.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linepack.errors import ConvergenceError, InfeasibleError, MarchError, OptionsError
from linepack.network.compile import MODE_CODES, CompiledNetwork
from linepack.network.kinds import EDGES, MARCHED

if TYPE_CHECKING:
    from linepack.steady.solve import Violation
from linepack.network.model import CompressorMode, Control
from linepack.steady import kernels

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

M_OUT = MODE_CODES[CompressorMode.OUTLET_PRESSURE]
M_BYPASS = MODE_CODES[CompressorMode.BYPASS]

#: Scenario status codes of :class:`MarchResult`.
OK, FALLBACK, INFEASIBLE, NOT_CONVERGED = 0, 1, 2, 3
STATUS_NAMES = ("ok", "fallback", "infeasible", "not converged")


# ---------------------------------------------------------------------------------- structure
@dataclass(frozen=True)
class TreePlan:
    """The network as a tree rooted at its pressure-set node (index arrays, built once).

    Attributes
    ----------
    root : int
        The pressure-set node.
    e_from, e_to : ndarray of int
        End nodes of every edge in the compiled numbering (segments, compressors, short pipes).
    child, parent_of_edge : ndarray of int
        Per edge: the node on the side away from the root, and the one towards it.
    forward : ndarray of bool
        Per edge: the edge points away from the root (``from`` is the parent).
    depth : ndarray of int
        Per node: number of edges from the root.
    preorder : ndarray of int
        Nodes in depth-first preorder (root first).
    tin, tout : ndarray of int
        Per node: its subtree occupies preorder positions ``tin <= i < tout``.
    enter, leave : ndarray of int
        Per edge: positions in the Euler tour (length ``2 n_edges``) where the tour goes down and
        comes back up the edge.
    anchors : ndarray of int
        Nodes whose pressure is set: the root, then the discharge node of every station holding
        its outlet pressure (in station order).
    anchor_station : ndarray of int
        Per anchor: the station index, -1 for the root.
    zone_anchor : ndarray of int
        Per node: position in ``anchors`` of the nearest anchor on its path from the root.
    running : ndarray of bool
        Per station: holds its outlet pressure (draws fuel); the others are bypassed.
    """

    root: int
    e_from: IntArray
    e_to: IntArray
    child: IntArray
    parent_of_edge: IntArray
    forward: BoolArray
    depth: IntArray
    preorder: IntArray
    tin: IntArray
    tout: IntArray
    enter: IntArray
    leave: IntArray
    anchors: IntArray
    anchor_station: IntArray
    zone_anchor: IntArray
    running: BoolArray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.depth.size)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return int(self.child.size)


#: Edge kinds by section, in the order of ``CompiledNetwork.edge_ends()``.
_SECTIONS = tuple(k.section for k in EDGES)
#: The marched edge kinds, for messages ("pipes, compressors and short pipes").
_MARCHED_TEXT = " and ".join(", ".join(k.field.replace("_", " ") for k in MARCHED).rsplit(", ", 1))


def _edges(cn: CompiledNetwork) -> tuple[IntArray, IntArray]:
    """End nodes of the marched edges (:data:`~linepack.network.kinds.MARCHED`) in edge order:
    the compiled numbering when no other edge is present."""
    ends = dict(zip(_SECTIONS, cn.edge_ends(), strict=True))
    e_from = np.concatenate([ends[k.section][0] for k in MARCHED]).astype(np.int64)
    e_to = np.concatenate([ends[k.section][1] for k in MARCHED]).astype(np.int64)
    return e_from, e_to


def _all_edges(cn: CompiledNetwork) -> tuple[IntArray, IntArray]:
    ends = cn.edge_ends()
    a = np.concatenate([f for f, _ in ends]).astype(np.int64)
    b = np.concatenate([t for _, t in ends]).astype(np.int64)
    return a, b


def _analyse(cn: CompiledNetwork) -> TreePlan | str:
    """The rooted tree of ``cn``, or why the march cannot solve it (see :func:`can_march`)."""
    if cn.thermal is not None:
        return "temperature is solved (thermal = 'energy'): the march is isothermal"
    n = cn.n_nodes
    s = _all_edges(cn)
    graph = coo_matrix((np.ones(s[0].size), s), shape=(n, n))
    parts, _ = connected_components(graph, directed=False)
    loops = s[0].size - n + parts
    if loops or parts != 1:
        return (
            f"not a tree: {s[0].size} edges joining {n} nodes in {parts} part(s) with "
            f"{loops} independent loop(s)"
        )
    for kind, (ends, _) in zip(EDGES, cn.edge_ends(), strict=True):
        if ends.size and not kind.marched:
            what = kind.field.replace("_", " ")
            return f"{ends.size} {what} present (only {_MARCHED_TEXT} are marched)"
    n_set = int(np.isfinite(cn.p_set).sum())
    if n_set != 1:
        return f"{n_set} pressure-set nodes (the march needs exactly one)"
    modes = list(CompressorMode)
    o = cn.edge_offsets()["compressor"]
    for k, m in enumerate(cn.compressors.mode):
        if m not in (M_OUT, M_BYPASS):
            return (
                f"compressor '{cn.edge_names[o + k]}' in mode '{modes[m].value}' (the march "
                "handles outlet_pressure and bypass)"
            )
    if cn.control is not Control.SETPOINTS:
        return f"control = '{cn.control.value}': the operating policy may move set-points and modes"
    tp = _build_plan(cn)
    for j in np.flatnonzero(tp.running):
        if not tp.forward[o + j]:
            return (
                f"compressor '{cn.edge_names[o + j]}' holds its outlet pressure on the side of "
                "the pressure-set node (two pressure references)"
            )
    return tp


def _build_plan(cn: CompiledNetwork) -> TreePlan:
    """Root the tree at the pressure-set node (assumes a connected tree with one set node)."""
    e_from, e_to = _edges(cn)
    n, ne = cn.n_nodes, e_from.size
    root = int(np.flatnonzero(np.isfinite(cn.p_set))[0])
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for e in range(ne):
        adj[int(e_from[e])].append((int(e_to[e]), e))
        adj[int(e_to[e])].append((int(e_from[e]), e))
    o = cn.edge_offsets()["compressor"]
    nc = len(cn.compressors.mode)
    running = cn.compressors.mode == M_OUT
    station_of_edge = np.full(ne, -1, dtype=np.int64)
    station_of_edge[o : o + nc] = np.arange(nc)
    child = np.full(ne, -1, dtype=np.int64)
    parent_of_edge = np.full(ne, -1, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    tin = np.zeros(n, dtype=np.int64)
    tout = np.zeros(n, dtype=np.int64)
    enter = np.zeros(ne, dtype=np.int64)
    leave = np.zeros(ne, dtype=np.int64)
    zone_node = np.full(n, -1, dtype=np.int64)
    zone_node[root] = root
    preorder: list[int] = []
    tour = 0
    seen = np.zeros(n, dtype=bool)
    # iterative depth-first search: (node, parent edge, next neighbour index)
    stack: list[tuple[int, int, int]] = [(root, -1, 0)]
    seen[root] = True
    tin[root] = 0
    preorder.append(root)
    while stack:
        u, pe, i = stack.pop()
        if i < len(adj[u]):
            stack.append((u, pe, i + 1))
            v, e = adj[u][i]
            if seen[v]:
                continue
            seen[v] = True
            child[e], parent_of_edge[e] = v, u
            depth[v] = depth[u] + 1
            k = station_of_edge[e]
            zone_node[v] = v if (k >= 0 and running[k]) else zone_node[u]
            enter[e] = tour
            tour += 1
            tin[v] = len(preorder)
            preorder.append(v)
            stack.append((v, e, 0))
        else:
            tout[u] = len(preorder)
            if pe >= 0:
                leave[pe] = tour
                tour += 1
    stations = np.flatnonzero(running)
    anchors = np.concatenate([[root], cn.compressors.to_node[stations]]).astype(np.int64)
    position = {int(a): j for j, a in enumerate(anchors)}
    return TreePlan(
        root=root,
        e_from=e_from,
        e_to=e_to,
        child=child,
        parent_of_edge=parent_of_edge,
        forward=e_from == parent_of_edge,
        depth=depth,
        preorder=np.asarray(preorder, dtype=np.int64),
        tin=tin,
        tout=tout,
        enter=enter,
        leave=leave,
        anchors=anchors,
        anchor_station=np.concatenate([[-1], stations]).astype(np.int64),
        zone_anchor=np.asarray([position[int(z)] for z in zone_node], dtype=np.int64),
        running=running,
    )


_PLANS: dict[int, tuple[weakref.ref[CompiledNetwork], TreePlan | str]] = {}


def _analysed(cn: CompiledNetwork) -> TreePlan | str:
    """:func:`_analyse` once per compiled network, kept while it lives."""
    hit = _PLANS.get(id(cn))
    if hit is not None and hit[0]() is cn:
        return hit[1]
    out = _analyse(cn)
    key, cache = id(cn), _PLANS

    def forget(_ref: weakref.ref[CompiledNetwork]) -> None:
        cache.pop(key, None)

    _PLANS[key] = (weakref.ref(cn, forget), out)
    return out


def can_march(cn: CompiledNetwork) -> str | None:
    """Why the march cannot solve ``cn`` (None if it can).

    The march needs a tree (connected, no loops) of the edge kinds it solves (those flagged
    ``marched`` in :mod:`linepack.network.kinds`: pipes, compressors and short pipes; no
    regulators, valves or resistors) with exactly one pressure-set node, every station either
    holding its outlet pressure (with its suction on the side of the pressure-set node) or
    bypassed, and the ``setpoints`` control (no operating policy moving set-points), and an
    isothermal case (the march has no energy balance). The answer is kept with ``cn``
    (compiled networks are not changed in place).

    Parameters
    ----------
    cn : CompiledNetwork

    Returns
    -------
    str or None
        The first reason found, or None.
    """
    out = _analysed(cn)
    return out if isinstance(out, str) else None


def tree_plan(cn: CompiledNetwork) -> TreePlan:
    """The rooted tree of ``cn``, built once and kept while ``cn`` lives.

    Raises
    ------
    MarchError
        If the network cannot be marched (``reason``: the reason from :func:`can_march`).
    """
    out = _analysed(cn)
    if isinstance(out, str):
        raise MarchError(
            f"the network cannot be marched: {out}",
            expected="a tree the march solves (see can_march), or the general solver",
            reason=out,
        )
    return out


# ------------------------------------------------------------------------------ tree sums
def path_sum(tp: TreePlan, x: FloatArray) -> FloatArray:
    """Sum of edge values along the path from the root to every node.

    Parameters
    ----------
    tp : TreePlan
    x : ndarray, shape (S, n_edges)

    Returns
    -------
    ndarray, shape (S, n_nodes)
        Zero at the root.
    """
    s = x.shape[0]
    width = int(tp.enter.max()) + 1 if tp.n_edges else 0
    d = np.zeros((s, width))
    d[:, tp.enter] = x
    inside = tp.leave < width
    d[:, tp.leave[inside]] = -x[:, inside]
    c = np.cumsum(d, axis=1)
    out = np.zeros((s, tp.n_nodes))
    out[:, tp.child] = c[:, tp.enter]
    return out


def edge_flows(tp: TreePlan, withdrawal: FloatArray) -> FloatArray:
    """Edge flows [kg/s] from the mass balances: each carries what its far subtree withdraws.

    Parameters
    ----------
    tp : TreePlan
    withdrawal : ndarray, shape (S, n_nodes)
        Net outflow at every node [kg/s] (demands and fuel minus fixed supplies); the root's
        entry is not used (the root supplies whatever the rest withdraws).

    Returns
    -------
    ndarray, shape (S, n_edges)
        Mass flow positive in the edge's ``from → to`` direction.
    """
    s = withdrawal.shape[0]
    c = np.zeros((s, tp.n_nodes + 1))
    np.cumsum(withdrawal[:, tp.preorder], axis=1, out=c[:, 1:])
    sub = c[:, tp.tout[tp.child]] - c[:, tp.tin[tp.child]]
    return np.where(tp.forward, sub, -sub)


# ---------------------------------------------------------------------------------- physics
def compressibility(cn: CompiledNetwork, p: FloatArray, t: FloatArray | float) -> FloatArray:
    """Z of ``cn.eos`` with pressures clipped to its table, as the steady solver evaluates it."""
    lo, hi = cn.eos_p_range
    return cn.eos.z(np.clip(p, lo, hi), t)


def friction(cn: CompiledNetwork, re: FloatArray, rel_roughness: FloatArray) -> FloatArray:
    """Darcy friction factor of every segment for a batch, by each segment's law
    (:func:`linepack.steady.kernels.friction_by_law`).

    Parameters
    ----------
    cn : CompiledNetwork
    re : ndarray, shape (S, n_segments)
        Reynolds number magnitude [-] (clipped below at 1e-3 as in the steady solver).
    rel_roughness : ndarray, shape (S, n_segments)
        Relative roughness k/D [-].

    Returns
    -------
    ndarray, shape (S, n_segments)
    """
    seg = cn.segments
    return kernels.friction_by_law(
        np.maximum(re, 1e-3),
        kernels.law_groups(seg.law),
        rel_roughness=rel_roughness,
        friction_value=seg.friction_value,
        diameter=seg.diameter,
    )[0]


def segment_mass(cn: CompiledNetwork, pressure: FloatArray) -> FloatArray:
    """Gas mass in every pipe segment [kg], density at the mean pressure (the line pack).

    Parameters
    ----------
    cn : CompiledNetwork
    pressure : ndarray, shape (S, n_nodes)
        Node pressures [Pa].

    Returns
    -------
    ndarray, shape (S, n_segments)
    """
    seg = cn.segments
    pm = kernels.mean_pressure_value(pressure[:, seg.from_node], pressure[:, seg.to_node])
    z = compressibility(cn, pm, seg.temperature)
    return pm / (z * cn.gas.gas_constant * seg.temperature) * seg.area * seg.length


def segment_speeds(cn: CompiledNetwork, pressure: FloatArray, flow: FloatArray) -> FloatArray:
    """Largest gas speed at either end of every segment [m/s], ``|q| / (ρ A)``.

    Returns
    -------
    ndarray, shape (S, n_segments)
    """
    seg = cn.segments
    rs = cn.gas.gas_constant
    q = np.abs(flow[:, : seg.length.size])
    out = np.zeros_like(q)
    for end in (seg.from_node, seg.to_node):
        p = pressure[:, end]
        rho = p / (compressibility(cn, p, seg.temperature) * rs * seg.temperature)
        out = np.maximum(out, q / (rho * seg.area))
    return out


# ------------------------------------------------------------------------------------ march
@dataclass
class MarchResult:
    """Steady states of a batch of scenarios.

    Attributes
    ----------
    pressure : ndarray, shape (S, n_nodes)
        Node pressures [Pa abs]: NaN where pressure runs out or the march did not converge,
        numbers otherwise (also where a station or node limit is passed).
    flow : ndarray, shape (S, n_edges)
        Edge mass flows [kg/s], positive ``from → to``, in the compiled edge order (segments,
        compressors, short pipes; the network has no other edges).
    power : ndarray, shape (S, n_compressors)
        Shaft power [W] (zero for bypassed stations and stations without forward flow).
    fuel : ndarray, shape (S, n_compressors)
        Fuel drawn at each station's suction [kg/s].
    supply : ndarray, shape (S,)
        Inflow at the pressure-set node [kg/s] (negative if gas leaves there).
    status : ndarray of int, shape (S,)
        :data:`OK`, :data:`FALLBACK` (a station limit binds: the steady solver would switch its
        mode, so the general path must solve the scenario), :data:`INFEASIBLE` (pressure runs
        out, or with ``enforce_limits`` a node or supply limit is violated) or
        :data:`NOT_CONVERGED`.
    reason : list of str
        Per scenario: "" when ok, else what happened (element, bound, amount), in the words of
        the steady solver's errors where it has the same diagnosis.
    iterations : ndarray of int, shape (S,)
        Fixed-point rounds until the scenario's pressures stopped moving.
    violations : list of str
        Per scenario: the node pressure and supply flow limits its solution passes, in the
        words of :class:`linepack.steady.solve.Violation` joined by ``"; "`` ("" if none, or
        if the scenario has no solution). Filled whether or not ``enforce_limits`` is set.
    failed_at : list of str
        Per scenario: where ``reason`` (else the first of ``violations``) places the failure,
        the ``element`` of its error (``"node 'kasur'"``), or the error's type where it
        names no element (``"ConvergenceError"``); "" when there is neither.
    """

    pressure: FloatArray
    flow: FloatArray
    power: FloatArray
    fuel: FloatArray
    supply: FloatArray
    status: IntArray
    reason: list[str]
    iterations: IntArray
    violations: list[str] = field(default_factory=list)
    failed_at: list[str] = field(default_factory=list)

    @property
    def ok(self) -> BoolArray:
        """Scenarios solved (status :data:`OK`)."""
        return cast(BoolArray, self.status == OK)


def _batch(value: FloatArray | float | None, default: FloatArray, s: int) -> FloatArray:
    """``value`` (or ``default``) as a float array of shape (S, n)."""
    v = default if value is None else np.asarray(value, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    return np.array(np.broadcast_to(v, (s, default.size)), dtype=np.float64)


@dataclass
class _Inputs:
    p_ref: FloatArray  # (S,)
    withdrawal: FloatArray  # (S, N)
    rel_roughness: FloatArray  # (S, ns)
    viscosity: FloatArray  # (S, ns)
    kappa: FloatArray  # (S, 1)
    setpoint: FloatArray  # (S, C)


def march(
    cn: CompiledNetwork,
    p_ref: FloatArray,
    injection: FloatArray | None = None,
    *,
    rel_roughness: FloatArray | None = None,
    viscosity: FloatArray | None = None,
    kappa: FloatArray | None = None,
    outlet_setpoint: FloatArray | None = None,
    tol: float = 1e-12,
    max_iter: int = 100,
    enforce_limits: bool = True,
) -> MarchResult:
    """Steady states of ``S`` scenarios of a tree network with one pressure reference.

    Parameters
    ----------
    cn : CompiledNetwork
        The network (:func:`can_march` must accept it). Everything not given below is taken
        from it.
    p_ref : array_like, shape (S,)
        Pressure at the pressure-set node [Pa abs], one per scenario.
    injection : array_like, shape (S, n_nodes) or (n_nodes,), optional
        Fixed net injection at every node [kg/s] (supplies minus demands); default
        ``cn.injection``. The pressure-set node's entry adds to what it supplies.
    rel_roughness : array_like, shape (S, n_segments) or (n_segments,), optional
        Relative roughness k/D of every segment [-]; default ``cn.segments.rel_roughness``.
    viscosity : array_like, shape (S, n_segments) or (n_segments,), optional
        Dynamic viscosity per segment [Pa s] (for the Reynolds number); default
        ``cn.segments.viscosity``.
    kappa : array_like, shape (S,), optional
        Isentropic exponent of the compressor head [-]; default ``cn.gas.kappa``.
    outlet_setpoint : array_like, shape (S, n_compressors) or (n_compressors,), optional
        Discharge pressure held by each station in outlet-pressure mode [Pa abs]; default
        ``cn.compressors.setpoint`` (ignored for bypassed stations).
    tol : float
        Stop when no pressure moves by more than ``tol × p_ref`` in a round [-]. The default
        1e-12 is well below the steady solver's scaled residual tolerance (1e-10).
    max_iter : int
        Most fixed-point rounds; scenarios still moving are marked not converged.
    enforce_limits : bool
        Mark scenarios whose nodes leave their pressure limits or whose supply exceeds its
        maximum flow as infeasible, as :func:`linepack.steady.solve.solve` raises for them.

    Returns
    -------
    MarchResult

    Raises
    ------
    MarchError
        If the network cannot be marched (see :func:`can_march`).
    OptionsError
        If ``p_ref`` is not one-dimensional.
    """
    tp = tree_plan(cn)
    p_ref = np.atleast_1d(np.asarray(p_ref, dtype=np.float64))
    if p_ref.ndim != 1:
        raise OptionsError(
            "wrong shape",
            element="march",
            key="p_ref",
            value=p_ref.shape,
            expected="shape (S,): one reference pressure per scenario",
        )
    s = p_ref.size
    seg, comp = cn.segments, cn.compressors
    inj = _batch(injection, cn.injection, s)
    inputs = _Inputs(
        p_ref=p_ref,
        withdrawal=-inj,
        rel_roughness=_batch(rel_roughness, seg.rel_roughness, s),
        viscosity=_batch(viscosity, seg.viscosity, s),
        kappa=_batch(
            None if kappa is None else np.reshape(kappa, (-1, 1)), np.asarray([cn.gas.kappa]), s
        ),
        setpoint=_batch(outlet_setpoint, comp.setpoint, s),
    )
    state = _iterate(cn, tp, inputs, tol, max_iter)
    return _classify(cn, tp, inputs, state, enforce_limits)


@dataclass
class _State:
    p2: FloatArray  # squared pressures of the last round (S, N)
    flow: FloatArray
    power: FloatArray
    raw_power: FloatArray
    fuel: FloatArray
    iterations: IntArray
    converged: BoolArray


def _station_power(
    cn: CompiledNetwork, p: FloatArray, flow: FloatArray, kappa: FloatArray, running: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Raw compression power [W], reported power [W] and fuel [kg/s] per station."""
    c = cn.compressors
    nc = c.setpoint.size
    o = cn.edge_offsets()["compressor"]
    qc = flow[:, o : o + nc]
    ps = np.maximum(p[:, c.from_node], 1.0)
    pd = np.maximum(p[:, c.to_node], 1.0)
    raw = kernels.compression_power(
        qc,
        ps,
        pd,
        z=compressibility(cn, ps, cn.gas_temperature),
        dz_dps=np.zeros_like(ps),  # the march needs no derivatives
        temperature=cn.gas_temperature,
        gas_constant=cn.gas.gas_constant,
        kappa=kappa,
        efficiency=c.efficiency,
        polytropic=c.polytropic,
    )[0]
    power = np.where(running & (qc > 0), np.maximum(raw, 0.0), 0.0)
    return raw, power, c.fuel_per_work * power


def _iterate(cn: CompiledNetwork, tp: TreePlan, inp: _Inputs, tol: float, max_iter: int) -> _State:
    """Fixed point on Z (and fuel) of the squared-pressure recursion along the tree."""
    seg, comp = cn.segments, cn.compressors
    s, ns, nc = inp.p_ref.size, seg.length.size, comp.setpoint.size
    t = seg.temperature
    law = kernels.PipeConstants.of(
        length=seg.length,
        diameter=seg.diameter,
        area=seg.area,
        efficiency=seg.efficiency,
        temperature=t,
        dh=seg.dh,
        viscosity=seg.viscosity,
        gas_constant=cn.gas.gas_constant,
    )
    fwd = tp.forward[:ns]
    running = tp.running
    fuelled = bool(np.any(running & (comp.fuel_per_work > 0)))
    anchor_p2 = np.empty((s, tp.anchors.size))
    anchor_p2[:, 0] = inp.p_ref**2
    st = tp.anchor_station[1:]
    anchor_p2[:, 1:] = inp.setpoint[:, st] ** 2
    za = tp.zone_anchor
    anchor_node = tp.anchors[za]  # (N,) the anchor node of every node's zone

    fuel = np.zeros((s, nc))
    at_suction = np.zeros((nc, tp.n_nodes))  # fuel is drawn at the suction node
    at_suction[np.arange(nc), comp.from_node] = 1.0
    flow = edge_flows(tp, inp.withdrawal)
    q = flow[:, :ns]
    lam = friction(cn, np.abs(q) * seg.diameter / (seg.area * inp.viscosity), inp.rel_roughness)
    z = compressibility(cn, np.sqrt(anchor_p2[:, za[seg.from_node]]), t)
    p = np.zeros((s, tp.n_nodes))
    p2 = p
    iterations = np.zeros(s, dtype=np.int64)
    converged = np.zeros(s, dtype=bool)
    raw = power = np.zeros((s, nc))
    loga = np.zeros((s, tp.n_edges))
    b = np.zeros((s, tp.n_edges))
    for it in range(1, max_iter + 1):
        # the pipe law r = p₁² e^{-s} − p₂² − KφG (kernels) at the frozen Z, λ and flows
        co = kernels.pipe_coefficients(q, z, lam, law)
        kphig = co.kphig
        e = co.e
        # forward: p_child² = e^{-s} p_parent² − KφG; backward: p_child² = e^{s}(p_parent² + KφG)
        if co.neg_s is not None:
            loga[:, :ns] = np.where(fwd, co.neg_s, -co.neg_s)
        c_node = path_sum(tp, loga)
        b[:, :ns] = np.where(fwd, kphig, -kphig / e)
        w = path_sum(tp, b * np.exp(-c_node[:, tp.child]))
        c_anchor, w_anchor = c_node[:, anchor_node], w[:, anchor_node]
        p2 = np.exp(c_node - c_anchor) * anchor_p2[:, za] - np.exp(c_node) * (w - w_anchor)
        p_new = np.sqrt(np.maximum(p2, 1.0))
        live = np.all(p2 > 0.0, axis=1) & np.all(np.isfinite(p2), axis=1)
        moved = np.max(np.abs(p_new - p), axis=1)
        p = p_new
        done = live & (moved <= tol * inp.p_ref) & ~converged
        iterations[done] = it
        converged |= done
        iterations[~converged] = it
        if it > 1 and np.all(converged | ~live):
            break
        pm = kernels.mean_pressure_value(p[:, seg.from_node], p[:, seg.to_node])
        z = compressibility(cn, pm, t)
        if fuelled:
            # where pressure has run out the power means nothing: keep the last sane fuel
            raw, power, fuel_new = _station_power(cn, p, flow, inp.kappa, running)
            fuel = np.where(live[:, None], fuel_new, fuel)
            flow = edge_flows(tp, inp.withdrawal + fuel @ at_suction)
            q = flow[:, :ns]
            re = np.abs(q) * seg.diameter / (seg.area * inp.viscosity)
            lam = friction(cn, re, inp.rel_roughness)
    if nc:
        raw, power, fuel = _station_power(cn, p, flow, inp.kappa, running)
    return _State(p2, flow, power, raw, fuel, iterations, converged)


def _barg(cn: CompiledNetwork, p: float) -> str:
    return f"{(p - cn.atmosphere) / 1e5:.2f} barg"


def _runs_out(
    cn: CompiledNetwork, tp: TreePlan, p2: FloatArray, flow: FloatArray
) -> InfeasibleError:
    """Why pressure runs out in one scenario: the first node (from the root) without one."""
    bad = np.flatnonzero(~(p2 > 0.0))
    i = int(bad[np.lexsort((tp.tin[bad], tp.depth[bad]))[0]])
    e = int(np.flatnonzero(tp.child == i)[0])
    u = int(tp.parent_of_edge[e])
    err = InfeasibleError(
        f"pressure runs out: no real solution of the pipe law from '{cn.node_names[u]}' "
        f"({_barg(cn, float(np.sqrt(max(p2[u], 0.0))))}) carrying {abs(flow[e]):.6g} kg/s in "
        f"'{cn.edge_names[e]}': the demand cannot be carried with the given supply pressures",
        element=f"node '{cn.node_names[i]}'",
        bound="pressure > 0",
        amount=float(np.sign(p2[i]) * np.sqrt(np.abs(p2[i]))),  # signed root of p² [Pa]
    )
    return err


def _station_limit(
    cn: CompiledNetwork, tp: TreePlan, p: FloatArray, flow: FloatArray, raw: FloatArray
) -> str:
    """The first station limit that binds in one scenario ("" if none), as the solver checks."""
    c = cn.compressors
    o = cn.edge_offsets()["compressor"]
    for k in np.flatnonzero(tp.running):
        ps, pd, qk, pw = p[c.from_node[k]], p[c.to_node[k]], flow[o + k], raw[k]
        checks = [
            (qk < -1e-6 and not c.allow_reverse[k], "reverse flow blocked", f"flow {qk:.4g} kg/s"),
            (
                pd / ps > c.max_ratio[k] * (1 + 1e-9),
                "max_ratio",
                f"ratio {pd / ps:.4g} > {c.max_ratio[k]:.4g}",
            ),
            (
                pd > c.max_outlet[k] * (1 + 1e-9),
                "max_outlet_pressure",
                f"discharge {pd / 1e5:.3f} bar > {c.max_outlet[k] / 1e5:.3f} bar abs",
            ),
            (
                ps < c.min_suction[k] * (1 - 1e-9),
                "min_suction_pressure",
                f"suction {ps / 1e5:.3f} bar < {c.min_suction[k] / 1e5:.3f} bar abs",
            ),
            (
                pw > c.max_power[k] * (1 + 1e-9),
                "max_power",
                f"power {pw / 1e6:.3f} MW > {c.max_power[k] / 1e6:.3f} MW",
            ),
            (
                pd < ps * (1 - 1e-9),
                "bypass (inlet above outlet set-point)",
                f"suction {ps / 1e5:.3f} bar > discharge {pd / 1e5:.3f} bar abs",
            ),
        ]
        for hit, label, text in checks:
            if hit:
                return f"compressor '{cn.edge_names[o + k]}': {label} ({text})"
    return ""


def _violations(cn: CompiledNetwork, p: FloatArray, supply: float) -> list[Violation]:
    """Node pressure and supply flow limits passed, as the steady solver lists them."""
    from linepack.steady.solve import Violation, pressure_violations

    out = pressure_violations(cn, p)
    sup = cn.supplies
    for k in np.flatnonzero(np.isfinite(sup.pressure) & np.isfinite(sup.flow_max)).tolist():
        flow_max = float(sup.flow_max[k])
        if supply > flow_max * (1 + 1e-9):
            out.append(
                Violation(
                    f"supply '{cn.labels.supplies[k]}'",
                    f"flow_max = {flow_max:.4g} kg/s",
                    supply - flow_max,
                    "kg/s",
                    f"inflow {supply:.4g} kg/s above",
                )
            )
    return out


def _node_limits(cn: CompiledNetwork, p: FloatArray, supply: float) -> InfeasibleError | None:
    """The steady solver's error for the first node or supply limit violated (None if none)."""
    out = _violations(cn, p, supply)
    if not out:
        return None
    v = out[0]
    more = len(out) - 1
    extra = (
        f" (and {more} more violation{'s' if more > 1 else ''}; --allow-violations lists them)"
        if more
        else ""
    )
    err = InfeasibleError(
        f"{v.text} {v.bound} by {v.amount:.4g} {v.unit}{extra}",
        element=v.element,
        bound=v.bound,
        amount=v.si_amount,
    )
    return err


def _classify(
    cn: CompiledNetwork, tp: TreePlan, inp: _Inputs, st: _State, enforce_limits: bool
) -> MarchResult:
    """Status and reason of every scenario; NaN pressures where there is no solution."""
    s = inp.p_ref.size
    p2 = st.p2
    live = np.all(p2 > 0.0, axis=1) & np.all(np.isfinite(p2), axis=1)
    p = np.sqrt(np.where(p2 > 0.0, p2, np.nan))
    supply = inp.withdrawal.sum(axis=1) + st.fuel.sum(axis=1)
    status = np.full(s, OK, dtype=np.int64)
    reason = [""] * s
    failed_at = [""] * s
    for i in np.flatnonzero(~live):
        status[i] = INFEASIBLE
        err = _runs_out(cn, tp, p2[i], st.flow[i])
        reason[i], failed_at[i] = str(err), err.element or type(err).__name__
    for i in np.flatnonzero(live & ~st.converged):
        status[i] = NOT_CONVERGED
        reason[i] = str(
            ConvergenceError(f"the march did not converge in {int(st.iterations[i])} rounds")
        )
        failed_at[i] = ConvergenceError.__name__
    if tp.running.any():
        for i in np.flatnonzero(status == OK):
            text = _station_limit(cn, tp, p[i], st.flow[i], st.raw_power[i])
            if text:
                status[i] = FALLBACK
                reason[i] = text
    nn = cn.n_case_nodes
    lo = p[:, :nn] < cn.p_min[:nn] * (1 - 1e-9)
    hi = p[:, :nn] > cn.p_max[:nn] * (1 + 1e-9)
    limited = np.isfinite(cn.supplies.pressure) & np.isfinite(cn.supplies.flow_max)
    maxflow = float(cn.supplies.flow_max[limited].min()) if limited.any() else np.inf
    over = supply > maxflow * (1 + 1e-9)
    passed = live & (lo.any(axis=1) | hi.any(axis=1) | over)
    violations = [""] * s
    for i in np.flatnonzero(passed):
        passed_i = _violations(cn, p[i], float(supply[i]))
        violations[i] = "; ".join(str(v) for v in passed_i)
        if passed_i and status[i] == OK:
            failed_at[i] = passed_i[0].element
    if enforce_limits:
        for i in np.flatnonzero((status == OK) & passed):
            limit = _node_limits(cn, p[i], float(supply[i]))
            status[i] = INFEASIBLE
            reason[i] = str(limit) if limit is not None else ""
            failed_at[i] = (limit.element or "") if limit is not None else ""
    p[(status == INFEASIBLE) & ~live] = np.nan
    p[status == NOT_CONVERGED] = np.nan
    return MarchResult(
        pressure=p,
        flow=st.flow,
        power=st.power,
        fuel=st.fuel,
        supply=supply,
        status=status,
        reason=reason,
        iterations=st.iterations,
        violations=violations,
        failed_at=failed_at,
    )
