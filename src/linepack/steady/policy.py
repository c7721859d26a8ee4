"""Operating policy: choose set-points and modes that keep node pressures within bounds.

A nomination fixes entry and exit flows, not how stations and control valves run. Under
``control = "bounds"`` linepack runs this policy around the steady solve. It is **simulation
with a control heuristic**, not nomination validation by optimisation: it may fail to find an
operating point that exists, and then says so with the remaining violations.

Each round, after a converged solve:

1. Split the nodes into control zones (nodes joined by pipes, short pipes, open valves,
   resistors, bypassed stations and open regulators; see :mod:`linepack.steady.zones`).
2. In each zone find the smallest uniform pressure shift δ that brings every node within its
   bounds: δ = max(p_min − p) if that is positive, else min(p_max − p) if that is negative
   (the midpoint of the two when the zone's spread exceeds its band).
3. Apply δ to the zone's anchors: pressure-set supplies (clamped to their node's bounds),
   stations discharging into the zone (outlet set-point, clamped to their maximum outlet
   pressure; a set-point at or below the suction pressure bypasses the station, a bypassed
   station whose zone must rise is started), regulators feeding the zone (set-point clamped
   to their maximum outlet pressure; one that cannot drop pressure opens wide, an open one
   whose zone must fall becomes active).
4. Solve again; stop when no zone needs a shift or nothing more can be moved.

Within a zone, flows hardly depend on a uniform shift, so the rounds converge in a few steps.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from linepack.errors import SolverError
from linepack.network.compile import CompiledNetwork
from linepack.steady import system as sy
from linepack.steady.changes import OWN, ChangeKind, Held, Hold, ModeChange
from linepack.steady.zones import control_zones, fix_structure

FloatArray = NDArray[np.float64]
#: Shifts smaller than this [Pa] are not applied (below the solver's pressure accuracy).
MIN_SHIFT = 1.0
#: Margin [Pa] kept inside a bound when moving towards it.
MARGIN = 100.0


def zone_shifts(
    p: FloatArray, p_min: FloatArray, p_max: FloatArray, zones: NDArray[np.int64]
) -> FloatArray:
    """The pressure shift [Pa] each control zone needs to bring its nodes within bounds.

    Parameters
    ----------
    p, p_min, p_max : ndarray
        Node pressures and bounds [Pa].
    zones : ndarray of int
        Zone label per node.

    Returns
    -------
    ndarray
        δ per zone: positive to raise, negative to lower, 0 when all nodes are within bounds,
        NaN when its nodes need more pressure spread than a uniform shift can give.
    """
    nz = int(zones.max()) + 1 if zones.size else 0
    need = np.full(nz, -np.inf)
    room = np.full(nz, np.inf)
    np.maximum.at(need, zones, p_min - p)
    np.minimum.at(room, zones, p_max - p)
    delta = np.zeros(nz)
    low = need > 0
    high = room < 0
    delta[low] = need[low] + MARGIN
    delta[high & ~low] = room[high & ~low] - MARGIN
    delta[np.abs(delta) < MIN_SHIFT] = 0.0
    both = low & (need > room)
    delta[both] = np.nan  # nodes need more spread than one shift gives: split the zone first
    return delta


def effective_bounds(cn: CompiledNetwork, modes: sy.Modes) -> tuple[FloatArray, FloatArray]:
    """Node pressure bounds tightened by the limits of running stations.

    A station's maximum outlet pressure caps its discharge node, its minimum suction pressure
    floors its suction node, while it runs (not bypassed or off).
    """
    c = cn.compressors
    p_min, p_max = cn.p_min.copy(), cn.p_max.copy()
    run = ~np.isin(modes.compressor, (sy.M_BYPASS, sy.M_OFF))
    np.minimum.at(p_max, c.to_node[run], c.max_outlet[run])
    np.maximum.at(p_min, c.from_node[run], c.min_suction[run])
    return p_min, p_max


def apply_shifts(
    cn: CompiledNetwork,
    modes: sy.Modes,
    x: FloatArray,
    delta: FloatArray,
    zones: NDArray[np.int64],
    p_min: FloatArray,
    p_max: FloatArray,
) -> list[ModeChange]:
    """Move the anchors of each zone by its shift (or start a station, or make a regulator
    active to split a zone whose nodes need different pressure levels); return the changes."""
    p = x[: cn.n_nodes]
    split = np.isnan(delta)
    if np.any(split) or np.any(np.nan_to_num(delta) < 0):
        # a pressure regulator upstream of the excess first: lowering the whole zone would
        # also lower the nodes that need the pressure
        made = _activate_one(cn, modes, x, p_max)
        if made:
            return made
    delta = np.nan_to_num(delta, nan=0.0)
    changes = _shift_supplies(cn, modes, delta, zones)
    changes += _shift_compressors(cn, modes, p, delta, zones)
    changes += _shift_regulators(cn, modes, p, delta, zones)
    if not changes:
        changes += _start_one(cn, modes, x, zones, p_min)
    if not changes:
        changes += _activate_one(cn, modes, x, p_max)
    return changes


def _activate_one(
    cn: CompiledNetwork, modes: sy.Modes, x: FloatArray, p_max: FloatArray
) -> list[ModeChange]:
    """Make the open regulator just upstream of the worst high-pressure node active.

    As :func:`_start_one`, for regulators: the open regulator with forward flow whose
    would-be outlet zone holds the largest excess over p_max becomes active, its outlet set to
    the present outlet pressure minus that excess.
    """
    nn = cn.n_nodes
    p, q = x[:nn], x[nn:]
    excess = p - p_max
    if not np.any(excess > 0):
        return []
    off = cn.edge_offsets()["regulator"]
    best: tuple[float, int] | None = None
    for k in np.flatnonzero(
        (modes.regulator == sy.REG_OPEN) & ~modes.idle[off : off + len(modes.regulator)]
    ):
        if q[off + k] <= 0:
            continue
        trial = sy.Modes(**{**modes.__dict__, "regulator": modes.regulator.copy()})
        trial.regulator[k] = sy.REG_ACTIVE
        z = control_zones(cn, trial)
        if z[cn.reg_from[k]] == z[cn.reg_to[k]]:
            continue
        worst = float(excess[z == z[cn.reg_to[k]]].max())
        if worst > 0 and (best is None or worst > best[0]):
            best = (worst, int(k))
    if best is None:
        return []
    worst, kr = best
    target = p[cn.reg_to[kr]] - worst - MARGIN
    modes.regulator[kr], modes.reg_value[kr] = sy.REG_ACTIVE, max(target, 1e5)
    el = f"regulator '{cn.edge_names[off + kr]}'"
    return [
        _policy(
            el,
            f"{el}: active, outlet {modes.reg_value[kr] / 1e5:.3f} "
            f"bar (nodes downstream {worst / 1e5:.3f} bar above their maximum)",
        )
    ]


def _start_one(
    cn: CompiledNetwork,
    modes: sy.Modes,
    x: FloatArray,
    zones: NDArray[np.int64],
    p_min: FloatArray,
) -> list[ModeChange]:
    """Start the bypassed station just upstream of the worst low-pressure node.

    For each bypassed station with forward flow, the nodes it would feed if it ran are the
    control zone of its outlet with the station active. The station whose would-be outlet
    zone holds the largest pressure deficit is started, with its outlet raised by that deficit
    (capped at its maximum outlet pressure). One station per round keeps the effect readable.
    """
    nn = cn.n_nodes
    p, q = x[:nn], x[nn:]
    deficit = p_min - p
    if not np.any(deficit > 0):
        return []
    c = cn.compressors
    off = cn.edge_offsets()["compressor"]
    best: tuple[float, int] | None = None
    for k in np.flatnonzero(modes.compressor == sy.M_BYPASS):
        if q[off + k] <= 0 or modes.limit[k].hold is Hold.FOLLOWER:
            continue
        trial = sy.Modes(**{**modes.__dict__, "compressor": modes.compressor.copy()})
        trial.compressor[k] = sy.M_OUT
        z = control_zones(cn, trial)
        if z[c.from_node[k]] == z[c.to_node[k]]:
            continue  # pipes join its sides: starting it would only circulate gas
        need = float(deficit[z == z[c.to_node[k]]].max())
        if need > 0 and (best is None or need > best[0]):
            best = (need, int(k))
    if best is None:
        return []
    need, ks = best
    pd = p[c.to_node[ks]]
    target = min(pd + need + MARGIN, c.max_outlet[ks])
    if target <= pd + MIN_SHIFT:
        return []
    modes.compressor[ks], modes.value[ks], modes.limit[ks] = sy.M_OUT, target, OWN
    el = f"compressor '{cn.edge_names[off + ks]}'"
    return [
        _policy(
            el,
            f"{el}: started, outlet {target / 1e5:.3f} bar "
            f"(nodes downstream {need / 1e5:.3f} bar below their minimum)",
        )
    ]


def _shift_supplies(
    cn: CompiledNetwork, modes: sy.Modes, delta: FloatArray, zones: NDArray[np.int64]
) -> list[ModeChange]:
    out = []
    for i in np.flatnonzero(np.isfinite(modes.p_set)):
        d = delta[zones[i]]
        if d == 0.0:
            continue
        new = float(np.clip(modes.p_set[i] + d, max(cn.p_min[i], 1e5), cn.p_max[i]))
        if abs(new - modes.p_set[i]) >= MIN_SHIFT:
            el = f"node '{cn.node_names[i]}'"
            out.append(
                _policy(
                    el,
                    f"{el}: pressure set-point {modes.p_set[i] / 1e5:.3f} -> {new / 1e5:.3f} bar",
                )
            )
            modes.p_set[i] = new
    return out


def _shift_compressors(
    cn: CompiledNetwork,
    modes: sy.Modes,
    p: FloatArray,
    delta: FloatArray,
    zones: NDArray[np.int64],
) -> list[ModeChange]:
    c = cn.compressors
    off = cn.edge_offsets()["compressor"]
    out = []
    for k in range(len(modes.compressor)):
        d = delta[zones[c.to_node[k]]]
        m = modes.compressor[k]
        name = f"compressor '{cn.edge_names[off + k]}'"
        ps = p[c.from_node[k]]
        if m == sy.M_SUCTION:
            ds = delta[zones[c.from_node[k]]]
            i = c.from_node[k]
            target = float(
                np.clip(modes.value[k] + ds, max(c.min_suction[k], cn.p_min[i]), cn.p_max[i])
            )
            if ds != 0.0 and abs(target - modes.value[k]) >= MIN_SHIFT:
                out.append(
                    _policy(
                        name,
                        f"{name}: suction {modes.value[k] / 1e5:.3f} -> {target / 1e5:.3f} bar",
                    )
                )
                modes.value[k] = target
            continue
        if d == 0.0 or m not in (sy.M_OUT, sy.M_BYPASS):
            continue
        if m != sy.M_OUT:
            continue
        target = min(modes.value[k] + d, c.max_outlet[k])
        if target <= ps:
            modes.compressor[k], modes.value[k], modes.limit[k] = (
                sy.M_BYPASS,
                0.0,
                Held(Hold.POLICY),
            )
            out.append(
                _policy(
                    name,
                    f"{name}: bypassed (zone needs {target / 1e5:.3f} bar, suction "
                    f"{ps / 1e5:.3f} bar)",
                )
            )
        elif abs(target - modes.value[k]) >= MIN_SHIFT:
            out.append(
                _policy(
                    name, f"{name}: outlet {modes.value[k] / 1e5:.3f} -> {target / 1e5:.3f} bar"
                )
            )
            modes.value[k] = target
    return out


def _shift_regulators(
    cn: CompiledNetwork,
    modes: sy.Modes,
    p: FloatArray,
    delta: FloatArray,
    zones: NDArray[np.int64],
) -> list[ModeChange]:
    off = cn.edge_offsets()["regulator"]
    limits = cn.reg_max_outlet
    out = []
    for k in range(len(modes.regulator)):
        d = delta[zones[cn.reg_to[k]]]
        st = modes.regulator[k]
        if d == 0.0 or st == sy.REG_CLOSED:
            continue
        name = f"regulator '{cn.edge_names[off + k]}'"
        p_in, p_out = p[cn.reg_from[k]], p[cn.reg_to[k]]
        cap = float(limits[k])
        target = min((modes.reg_value[k] if st == sy.REG_ACTIVE else p_out) + d, cap)
        if st == sy.REG_OPEN:
            continue  # made active one at a time by _activate_one
        if target >= p_in:
            modes.regulator[k] = sy.REG_OPEN
            out.append(
                _policy(
                    name,
                    f"{name}: opened wide (zone needs {target / 1e5:.3f} bar, inlet "
                    f"{p_in / 1e5:.3f} bar)",
                )
            )
        elif abs(target - modes.reg_value[k]) >= MIN_SHIFT:
            out.append(
                _policy(
                    name,
                    f"{name}: outlet {modes.reg_value[k] / 1e5:.3f} -> {target / 1e5:.3f} bar",
                )
            )
            modes.reg_value[k] = target
    return out


def keep_within_bounds(
    cn: CompiledNetwork,
    modes: sy.Modes,
    x: FloatArray,
    settle: Callable[[FloatArray, Sequence[ModeChange]], FloatArray],
    changes: list[ModeChange],
    max_rounds: int = 15,
) -> FloatArray:
    """Run the policy rounds from a converged solution ``x``; return the final solution.

    Parameters
    ----------
    cn : CompiledNetwork
    modes : Modes
        Changed in place.
    x : ndarray
        Converged unknowns under ``modes``.
    settle : callable
        ``settle(x, pending)`` re-solves (Newton and station limits) from a start, returning
        converged unknowns; ``pending`` are the step's changes, named if it fails.
    changes : list of ModeChange
        Appended with every change made.
    max_rounds : int
        Most policy rounds.
    """
    nn = cn.n_nodes
    for _ in range(max_rounds):
        p = x[:nn]
        zones = control_zones(cn, modes)
        p_min, p_max = effective_bounds(cn, modes)
        delta = zone_shifts(p, p_min, p_max, zones)
        if not np.any(np.nan_to_num(delta, nan=1.0)):
            break
        before = copy.deepcopy(modes)
        made = apply_shifts(cn, modes, x, delta, zones, p_min, p_max)
        if not made:
            break
        try:
            made += fix_structure(cn, modes, automatic=True)
            x = settle(x, made)
        except SolverError as exc:
            # undo the step and keep the last converged operating point
            _restore(modes, before)
            tried = "; ".join(str(c) for c in made[:3])
            changes.append(
                ModeChange(
                    made[0].element,
                    ChangeKind.UNDONE,
                    f"tried {tried}{' ...' if len(made) > 3 else ''}: "
                    f"no solution ({exc.message[:160]}); undone",
                )
            )
            break
        changes += made
    return x


def _policy(element: str, text: str) -> ModeChange:
    return ModeChange(element, ChangeKind.POLICY, text)


def _restore(modes: sy.Modes, saved: sy.Modes) -> None:
    for name, value in saved.__dict__.items():
        setattr(modes, name, value)
