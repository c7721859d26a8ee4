"""How control modes couple node pressures: rigid clusters, control zones and anchors.

* A **rigid cluster** is a set of nodes whose pressures are equal by construction: joined by
  short pipes, open valves, bypassed stations or wide-open regulators.
* A **control zone** is a set of nodes joined by anything but an active station or regulator
  (pipes and resistors included): its pressures move together when its set-points move.
* An **anchor** fixes the pressure of one rigid cluster: a pressure-set node, the discharge of
  a station holding its outlet pressure, the suction of one holding its suction pressure, or
  the outlet of an active regulator. Stations in ratio mode tie two clusters together.

Two anchors on one cluster (or on clusters tied by ratios) over-determine its pressure and
leave a flow split undetermined: the Jacobian is singular. :func:`resolve_conflicts` finds
such conflicts before solving and either names them (a typed error) or, under the operating
policy, makes the later anchors followers (see its docstring).

Which edges tie pressures is read from the element-kind table
(:class:`linepack.network.kinds.Ties`): a kind tied ``ALWAYS`` is a rigid link, one tied
``WHEN_OPEN`` or ``BY_MODE`` is one where :data:`linepack.steady.system.TIED` says so, and one
joined through a ``LOSS`` joins control zones only. Anchors (stations and regulators holding a
pressure) are control laws of their own kinds and are named here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from linepack.errors import InfeasibleError
from linepack.network.compile import CompiledNetwork
from linepack.network.kinds import EDGES, ElementKind, Ties
from linepack.steady import system as sy
from linepack.steady.changes import ChangeKind, Held, Hold, ModeChange

IntArray = NDArray[np.int64]

#: Edge kinds that may be rigid links, in the order they are taken (loops of rigid links are
#: broken at the links taken last): always tied, then tied when open, then tied by mode.
_RIGID = tuple(
    k for ties in (Ties.ALWAYS, Ties.WHEN_OPEN, Ties.BY_MODE) for k in EDGES if k.ties is ties
)
#: Edge kinds by section, in the order of ``CompiledNetwork.edge_ends()``.
_SECTIONS = tuple(k.section for k in EDGES)
#: Edge kinds joined through a pressure loss (control zones only).
_LOSS = tuple(k for k in EDGES if k.ties is Ties.LOSS)


def _components(n: int, a: IntArray, b: IntArray) -> IntArray:
    graph = sp.coo_matrix((np.ones(a.size), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def _tied(
    cn: CompiledNetwork, modes: sy.Modes
) -> list[tuple[ElementKind, int, IntArray, IntArray, IntArray]]:
    """Per rigid-link kind (:data:`_RIGID` order): the kind, its first edge index, and the
    positions and end nodes of its elements that are rigid links under ``modes``."""
    ends = dict(zip(_SECTIONS, cn.edge_ends(), strict=True))
    first = dict(zip(_SECTIONS, cn.edge_offsets().values(), strict=True))
    out = []
    for kind in _RIGID:
        a, b = ends[kind.section]
        k = (
            np.arange(a.size)
            if kind.ties is Ties.ALWAYS
            else np.flatnonzero(sy.TIED[kind.section](cn, modes))
        )
        out.append((kind, first[kind.section], k, a[k], b[k]))
    return out


def _links(cn: CompiledNetwork, modes: sy.Modes, *, pipes: bool) -> tuple[IntArray, IntArray]:
    tied = _tied(cn, modes)
    parts_a = [a for *_, a, _ in tied]
    parts_b = [b for *_, b in tied]
    if pipes:
        ends = dict(zip(_SECTIONS, cn.edge_ends(), strict=True))
        parts_a += [ends[kind.section][0] for kind in _LOSS]
        parts_b += [ends[kind.section][1] for kind in _LOSS]
    return (np.concatenate(parts_a).astype(np.int64), np.concatenate(parts_b).astype(np.int64))


def rigid_clusters(cn: CompiledNetwork, modes: sy.Modes) -> IntArray:
    """Label of the rigid cluster of every node (equal pressures by construction)."""
    a, b = _links(cn, modes, pipes=False)
    return _components(cn.n_nodes, a, b)


def control_zones(cn: CompiledNetwork, modes: sy.Modes) -> IntArray:
    """Label of the control zone of every node (joined by all but active controllers)."""
    a, b = _links(cn, modes, pipes=True)
    return _components(cn.n_nodes, a, b)


@dataclass(frozen=True)
class Anchor:
    """Something that fixes the pressure of a rigid cluster.

    Attributes
    ----------
    kind : str
        ``"node"``, ``"compressor"`` or ``"regulator"``.
    index : int
        Node, compressor or regulator index.
    node : int
        The node whose pressure it fixes.
    element : str
        The element, e.g. ``"compressor 'CS1'"``.
    role : str
        What it holds, e.g. ``"outlet pressure"``.
    """

    kind: str
    index: int
    node: int
    element: str
    role: str

    @property
    def label(self) -> str:
        """For messages, e.g. ``"compressor 'CS1' (outlet pressure)"``."""
        return f"{self.element} ({self.role})"


def anchors(cn: CompiledNetwork, modes: sy.Modes) -> list[Anchor]:
    """All anchors under the current modes: pressure-set nodes first, then stations, then
    regulators (the order is the priority when conflicts are resolved)."""
    names = cn.edge_names
    off = cn.edge_offsets()
    out = [
        Anchor("node", int(i), int(i), f"node '{cn.node_names[i]}'", "pressure set-point")
        for i in np.flatnonzero(np.isfinite(modes.p_set))
    ]
    c = cn.compressors
    for k, m in enumerate(modes.compressor):
        name = names[off["compressor"] + k]
        if m == sy.M_OUT:
            out.append(
                Anchor(
                    "compressor", k, int(c.to_node[k]), f"compressor '{name}'", "outlet pressure"
                )
            )
        elif m == sy.M_SUCTION:
            out.append(
                Anchor(
                    "compressor", k, int(c.from_node[k]), f"compressor '{name}'", "suction pressure"
                )
            )
    for k, st in enumerate(modes.regulator):
        if st == sy.REG_ACTIVE:
            out.append(
                Anchor(
                    "regulator",
                    k,
                    int(cn.reg_to[k]),
                    f"regulator '{names[off['regulator'] + k]}'",
                    "outlet pressure",
                )
            )
    return out


class _Groups:
    """Union-find over rigid clusters, remembering each group's anchor."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.anchor: dict[int, Anchor] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            if rb in self.anchor:
                self.anchor.setdefault(ra, self.anchor.pop(rb))


def resolve_conflicts(cn: CompiledNetwork, modes: sy.Modes, *, automatic: bool) -> list[ModeChange]:
    """Make sure no rigid cluster has two pressure anchors.

    With ``automatic`` False (the case's set-points are to be held) a conflict is an error
    naming both anchors and the nodes they fight over. With ``automatic`` True (the operating
    policy) every later anchor on an already anchored cluster becomes a follower: a station
    or regulator whose own inlet side is not anchored and is not the leader's inlet is
    bypassed / opened (its inlet then follows the cluster's pressure); otherwise it is shut
    (station off, regulator closed): parallel stations thus run one at a time.

    Returns
    -------
    list of ModeChange
        The changes made, for the convergence report.

    Raises
    ------
    InfeasibleError
        A conflict while ``automatic`` is False, or between two pressure-set nodes.
    """
    changes: list[ModeChange] = []
    for _ in range(len(modes.compressor) + len(modes.regulator) + 1):
        clusters = rigid_clusters(cn, modes)
        groups = _Groups(int(clusters.max()) + 1 if clusters.size else 0)
        for k, m in enumerate(modes.compressor):
            if m == sy.M_RATIO:
                groups.union(
                    int(clusters[cn.compressors.from_node[k]]),
                    int(clusters[cn.compressors.to_node[k]]),
                )
        conflict = _first_conflict(cn, modes, clusters, groups)
        if conflict is None:
            return changes
        new, old = conflict
        if not automatic or new.kind == "node":
            nodes = np.flatnonzero(clusters == clusters[new.node])
            shown = ", ".join(cn.node_names[i] for i in nodes[:8])
            raise InfeasibleError(
                f"{new.label} and {old.label} both fix the pressure of the same nodes "
                f"({shown}{', ...' if nodes.size > 8 else ''}); the flow split between them is "
                'undetermined. Give one of them another mode, or use control = "bounds"',
                element=new.element,
                bound=f"one pressure set-point per node group, also held by {old.label}",
            )
        changes.append(_make_follower(cn, modes, clusters, groups, new, old))
    raise InfeasibleError("could not resolve competing pressure set-points")


def _first_conflict(
    cn: CompiledNetwork, modes: sy.Modes, clusters: IntArray, groups: _Groups
) -> tuple[Anchor, Anchor] | None:
    for a in anchors(cn, modes):
        g = groups.find(int(clusters[a.node]))
        if g in groups.anchor:
            return a, groups.anchor[g]
        groups.anchor[g] = a
    return None


def _inlet(cn: CompiledNetwork, a: Anchor) -> int:
    if a.kind == "compressor":
        return int(cn.compressors.from_node[a.index])
    if a.kind == "regulator":
        return int(cn.reg_from[a.index])
    return a.node


def _make_follower(
    cn: CompiledNetwork,
    modes: sy.Modes,
    clusters: IntArray,
    groups: _Groups,
    new: Anchor,
    old: Anchor,
) -> ModeChange:
    inlet = groups.find(int(clusters[_inlet(cn, new)]))
    leader_inlet = groups.find(int(clusters[_inlet(cn, old)]))
    follow = inlet not in groups.anchor and inlet != leader_inlet
    held = Held(Hold.FOLLOWER, old.element)
    why = held.label
    if new.kind == "compressor":
        k = new.index
        modes.compressor[k] = sy.M_BYPASS if follow else sy.M_OFF
        modes.value[k] = 0.0
        modes.limit[k] = held
        text = f"{new.element}: {'bypass' if follow else 'off'} ({why})"
    else:
        modes.regulator[new.index] = sy.REG_OPEN if follow else sy.REG_CLOSED
        text = f"{new.element}: {'open' if follow else 'closed'} ({why})"
    return ModeChange(new.element, ChangeKind.FOLLOWER, text)


def _rigid_edges(cn: CompiledNetwork, modes: sy.Modes) -> list[tuple[ElementKind, int, int, int]]:
    """(kind, edge index, from node, to node) of every zero-resistance link under ``modes``."""
    return [
        (kind, first + int(k), int(a), int(b))
        for kind, first, ks, froms, tos in _tied(cn, modes)
        for k, a, b in zip(ks.tolist(), froms.tolist(), tos.tolist(), strict=True)
    ]


def mark_idle_loops(cn: CompiledNetwork, modes: sy.Modes) -> list[ModeChange]:
    """Hold at zero flow every zero-resistance link that closes a loop of such links.

    Around a loop of short pipes, open valves, bypassed stations and open regulators any
    circulating flow satisfies every equation, so the Jacobian is singular. Keeping a spanning
    forest of those links and idling the rest picks the solution without circulation.

    Returns
    -------
    list of ModeChange
        One per idled link.
    """
    modes.idle[:] = False
    groups = _Groups(cn.n_nodes)
    out = []
    for kind, e, a, b in _rigid_edges(cn, modes):
        if groups.find(a) == groups.find(b):
            modes.idle[e] = True
            name = cn.edge_names[e]
            out.append(
                ModeChange(
                    f"{kind.section.replace('_', ' ')} '{name}'",
                    ChangeKind.IDLE,
                    f"'{name}': no flow (closes a loop of zero-resistance links)",
                )
            )
        else:
            groups.union(a, b)
    return out


def _anchored_zones(cn: CompiledNetwork, modes: sy.Modes, zones: IntArray) -> NDArray[np.bool_]:
    """Which control zones have their pressure level set (directly or through couplings)."""
    c = cn.compressors
    nz = int(zones.max()) + 1 if zones.size else 0
    groups = _Groups(nz)
    couple = np.isin(modes.compressor, (sy.M_RATIO, sy.M_POWER))
    for k in np.flatnonzero(couple):
        groups.union(int(zones[c.from_node[k]]), int(zones[c.to_node[k]]))
    anchored_nodes = np.concatenate(
        [
            np.flatnonzero(np.isfinite(modes.p_set)),
            cn.reg_to[modes.regulator == sy.REG_ACTIVE],
            c.to_node[modes.compressor == sy.M_OUT],
            c.from_node[modes.compressor == sy.M_SUCTION],
        ]
    ).astype(np.int64)
    roots = {groups.find(int(z)) for z in zones[anchored_nodes]}
    return np.array([groups.find(z) in roots for z in range(nz)], dtype=bool)


def _release_looped(cn: CompiledNetwork, modes: sy.Modes, zones: IntArray) -> list[ModeChange]:
    """Bypass stations / open regulators whose inlet and outlet are joined by pipes in a zone
    without a pressure-set node.

    Gas could then circulate through the element and back through the pipes in any amount:
    the element's flow is undetermined. Opening its bypass makes the case well posed.
    """
    c = cn.compressors
    off = cn.edge_offsets()
    holders = [
        ("compressor", k, int(c.from_node[k]), int(c.to_node[k]))
        for k in np.flatnonzero(modes.compressor == sy.M_OUT)
    ]
    holders += [
        ("regulator", k, int(cn.reg_from[k]), int(cn.reg_to[k]))
        for k in np.flatnonzero(modes.regulator == sy.REG_ACTIVE)
    ]
    set_zones = set(zones[np.flatnonzero(np.isfinite(modes.p_set))].tolist())
    for kind, k, a, b in holders:
        z = int(zones[b])
        if zones[a] != z or z in set_zones:
            continue
        name = cn.edge_names[off[kind] + k]
        if kind == "compressor":
            modes.compressor[k], modes.value[k], modes.limit[k] = (
                sy.M_BYPASS,
                0.0,
                Held(Hold.POLICY),
            )
        else:
            modes.regulator[k] = sy.REG_OPEN
        return [
            ModeChange(
                f"{kind} '{name}'",
                ChangeKind.LOOPED,
                f"{kind} '{name}': {'bypass' if kind == 'compressor' else 'open'} (pipes join "
                "its inlet and outlet and nothing else holds their pressure)",
            )
        ]
    return []


def fix_floating(cn: CompiledNetwork, modes: sy.Modes, *, automatic: bool) -> list[ModeChange]:
    """Give a pressure level to zones nothing sets (e.g. the suction side of a station holding
    its outlet pressure, fed only by entries with fixed flows: its flows are known but its
    pressure level is free).

    Under the policy the station draining such a zone holds its suction pressure instead (at
    the middle of the suction node's pressure band): its flow is set by what feeds the zone, so
    it could not hold an outlet pressure anyway. A regulator draining it opens wide.
    Otherwise, or if neither exists, the zone's nodes are named in an error.

    Returns
    -------
    list of ModeChange
        The changes made.

    Raises
    ------
    InfeasibleError
        A zone without pressure level that cannot be fixed (any, when ``automatic`` is False).
    """
    out: list[ModeChange] = []
    c = cn.compressors
    off = cn.edge_offsets()
    for _ in range(len(modes.compressor) + len(modes.regulator) + 1):
        zones = control_zones(cn, modes)
        if automatic:
            looped = _release_looped(cn, modes, zones)
            if looped:
                out += looped
                continue
        ok = _anchored_zones(cn, modes, zones)
        if ok.all():
            return out
        z = int(np.flatnonzero(~ok)[0])
        nodes = np.flatnonzero(zones == z)
        cands = np.flatnonzero((modes.compressor == sy.M_OUT) & np.isin(c.from_node, nodes))
        regs = np.flatnonzero((modes.regulator == sy.REG_ACTIVE) & np.isin(cn.reg_from, nodes))
        if automatic and cands.size:
            k = int(cands[0])
            i = int(c.from_node[k])
            band = (max(cn.p_min[i], c.min_suction[k], 1e5), cn.p_max[i])
            target = sum(band) / 2 if np.isfinite(band[1]) else modes.value[k] / 1.2
            modes.compressor[k], modes.value[k], modes.limit[k] = (
                sy.M_SUCTION,
                target,
                Held(Hold.POLICY),
            )
            el = f"compressor '{cn.edge_names[off['compressor'] + k]}'"
            out.append(
                ModeChange(
                    el,
                    ChangeKind.FLOATING,
                    f"{el}: holds suction {target / 1e5:.3f} bar (nothing else sets the "
                    "pressure there; its flow is fixed by what feeds it)",
                )
            )
        elif automatic and regs.size:
            k = int(regs[0])
            modes.regulator[k] = sy.REG_OPEN
            el = f"regulator '{cn.edge_names[off['regulator'] + k]}'"
            out.append(
                ModeChange(
                    el, ChangeKind.FLOATING, f"{el}: open (nothing else sets its inlet pressure)"
                )
            )
        else:
            shown = ", ".join(cn.node_names[i] for i in nodes[:8])
            raise InfeasibleError(
                f"nothing sets the pressure level of nodes {shown}"
                f"{', ...' if nodes.size > 8 else ''}: no pressure set-point, station or "
                "regulator holds a pressure there or ties them to a part that has one",
                element=f"node '{cn.node_names[nodes[0]]}'",
                bound="a pressure reference",
            )
    raise InfeasibleError("could not give every zone a pressure reference")


def release_shorted(cn: CompiledNetwork, modes: sy.Modes) -> list[ModeChange]:
    """Bypass stations / open regulators whose inlet and outlet are the same rigid cluster.

    Zero-resistance links (short pipes, open valves) already join its two sides, so it can
    neither raise nor drop pressure, and gas could circulate through it in any amount.
    """
    clusters = rigid_clusters(cn, modes)
    c = cn.compressors
    off = cn.edge_offsets()
    out = []
    for k in np.flatnonzero(~np.isin(modes.compressor, (sy.M_BYPASS, sy.M_OFF))):
        if clusters[c.from_node[k]] == clusters[c.to_node[k]]:
            modes.compressor[k], modes.value[k], modes.limit[k] = (
                sy.M_BYPASS,
                0.0,
                Held(Hold.SHORTED),
            )
            el = f"compressor '{cn.edge_names[off['compressor'] + k]}'"
            out.append(
                ModeChange(
                    el,
                    ChangeKind.SHORTED,
                    f"{el}: bypass (short pipes or open valves join its inlet and outlet)",
                )
            )
    for k in np.flatnonzero(modes.regulator == sy.REG_ACTIVE):
        if clusters[cn.reg_from[k]] == clusters[cn.reg_to[k]]:
            modes.regulator[k] = sy.REG_OPEN
            el = f"regulator '{cn.edge_names[off['regulator'] + k]}'"
            out.append(
                ModeChange(
                    el,
                    ChangeKind.SHORTED,
                    f"{el}: open (short pipes or open valves join its inlet and outlet)",
                )
            )
    return out


def fix_structure(cn: CompiledNetwork, modes: sy.Modes, *, automatic: bool) -> list[ModeChange]:
    """Resolve competing anchors, idle zero-resistance loops and fix floating clusters.

    Returns
    -------
    list of ModeChange
        All changes made (for the convergence report).
    """
    changes = release_shorted(cn, modes)
    changes += resolve_conflicts(cn, modes, automatic=automatic)
    changes += fix_floating(cn, modes, automatic=automatic)
    changes += resolve_conflicts(cn, modes, automatic=automatic)
    changes += mark_idle_loops(cn, modes)
    return changes
