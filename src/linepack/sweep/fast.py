"""The sweep fast path: a whole scenario table of a tree network in one batched march.

:func:`evaluate_fast` turns the sweep's scenario table into arrays (pressure at the reference,
node injections, segment roughness, station set-points and the properties compile derives
from the nominal pressure), runs :func:`linepack.steady.march.march` once for all rows and
returns one row of results per scenario. It returns None when the network cannot be marched
or the table has a parameter it does not handle; rows it cannot vouch for are marked
``"fallback"`` for the general path to redo.

The answers agree with :func:`linepack.steady.solve.solve` on the network compiled from the
modified case (same equation-of-state table) to 1e-11 relative or better when ``solve`` is run
to a scaled residual of 1e-12; at its default 1e-10, station power near a ratio of 1 can differ
by a few 1e-9 (the solver's last digits, not the march's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from linepack.gas.eos import Tabulated
from linepack.network.compile import (
    CompiledNetwork,
    eos_pressure_top,
    gas_properties,
    nominal_pressure,
)
from linepack.network.model import CompressorMode, Network
from linepack.results.steady import MMSCFD_PER_SCF_M3_S
from linepack.steady.march import FALLBACK, OK, can_march, march, segment_mass, segment_speeds

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Columns of the result table, in order.
COLUMNS = (
    "scenario",
    "ok",
    "error",
    "failed_at",
    "delivery_pressure_barg",
    "min_pressure_barg",
    "max_velocity_m_s",
    "power_mw",
    "fuel_mmscfd",
    "linepack_mmscm",
    "throughput_mmscfd",
    "iterations",
)
PASSTHROUGH = ("economics.", "design.")


@dataclass
class _Boundaries:
    """Per-scenario values of the case's boundary elements, set-points and roughness."""

    supply_pressure: dict[int, FloatArray] = field(default_factory=dict)
    demand_flow: dict[int, FloatArray] = field(default_factory=dict)
    roughness: dict[int, FloatArray] = field(default_factory=dict)
    setpoint: dict[int, FloatArray] = field(default_factory=dict)
    invalid: list[BoolArray] = field(default_factory=list)


def _index(items: Sequence[object], name: str) -> int | None:
    names = [getattr(e, "name", None) for e in items]
    return names.index(name) if name in names else None


def _positive(v: FloatArray) -> BoolArray:
    return np.asarray(~(np.isfinite(v) & (v > 0)))


def _special(net: Network, column: str, v: FloatArray, b: _Boundaries) -> bool:
    """``throughput`` and ``inlet_pressure``; False if the case does not support them."""
    if column == "throughput":
        idx = [
            i for i, d in enumerate(net.demands) if d.node == net.delivery and d.flow is not None
        ]
        if net.delivery is None or not idx:
            return False
        flows = [float(net.demands[i].flow or 0.0) for i in idx]
        total = sum(flows)
        shares = [f / total for f in flows] if total else [1.0 / len(flows)] * len(flows)
        for i, share in zip(idx, shares, strict=True):
            b.demand_flow[i] = v * share if len(idx) > 1 else v.copy()
        b.invalid.append(~np.isfinite(v))
        return True
    idx = [i for i, sp in enumerate(net.supplies) if sp.pressure is not None]
    if len(idx) != 1:
        return False
    b.supply_pressure[idx[0]] = v
    b.invalid.append(_positive(v))
    return True


def _element(
    net: Network, section: str, name: str, key: str, v: FloatArray, b: _Boundaries
) -> bool:
    """``SECTION.NAME.KEY`` columns the fast path handles; False for any other."""
    if (section, key) == ("pipe", "roughness"):
        one = _index(net.pipes, name)
        pipes = list(range(len(net.pipes))) if name == "*" else [] if one is None else [one]
        for k in pipes:
            b.roughness[k] = v
        b.invalid.append(np.asarray(~(np.isfinite(v) & (v >= 0))))
        return bool(pipes)
    items: dict[str, Sequence[object]] = {
        "demand": net.demands,
        "supply": net.supplies,
        "compressor": net.compressors,
    }
    found = _index(items[section], name) if section in items else None
    if found is None:
        return False
    i = found
    if (section, key) == ("demand", "flow") and net.demands[i].flow is not None:
        b.demand_flow[i] = v
        b.invalid.append(~np.isfinite(v))
        return True
    if (section, key) == ("supply", "pressure") and net.supplies[i].pressure is not None:
        b.supply_pressure[i] = v
        b.invalid.append(_positive(v))
        return True
    mode = net.compressors[i].mode if section == "compressor" else None
    if key == "setpoint" and mode is CompressorMode.OUTLET_PRESSURE:
        b.setpoint[i] = v
        b.invalid.append(_positive(v))
        return True
    return False


def _apply(net: Network, column: str, v: FloatArray, b: _Boundaries) -> bool:
    """Record one parameter column; False if the fast path does not handle it."""
    if column in ("throughput", "inlet_pressure"):
        return _special(net, column, v, b)
    section, _, rest = column.partition(".")
    name, _, key = rest.rpartition(".")
    return bool(name) and _element(net, section, name, key, v, b)


@dataclass
class _Batch:
    """Inputs of the march for all rows, and rows the general path must do."""

    p_ref: FloatArray
    injection: FloatArray
    rel_roughness: FloatArray | None
    setpoint: FloatArray | None
    viscosity: FloatArray | None
    kappa: FloatArray | None
    fallback: BoolArray


def _injection(net: Network, cn: CompiledNetwork, b: _Boundaries, s: int) -> FloatArray:
    """Net injections per node, summed in the order of ``compile._boundaries``."""
    index = {n.name: i for i, n in enumerate(net.nodes)}
    inj = np.zeros((s, cn.n_nodes))
    for sp in net.supplies:
        if sp.pressure is None:
            inj[:, index[sp.node]] += float(sp.flow or 0.0)
    for k, d in enumerate(net.demands):
        if d.pressure is None:
            flow = b.demand_flow.get(k)
            inj[:, index[d.node]] -= float(d.flow or 0.0) if flow is None else flow
    return inj


def _p_ref(net: Network, cn: CompiledNetwork, b: _Boundaries, s: int) -> FloatArray:
    root = int(np.flatnonzero(np.isfinite(cn.p_set))[0])
    p_ref = np.full(s, cn.p_set[root])
    index = {n.name: i for i, n in enumerate(net.nodes)}
    for k, v in b.supply_pressure.items():
        if index[net.supplies[k].node] == root:
            p_ref = v.copy()
    return p_ref


def _p_set(cn: CompiledNetwork, p_ref: FloatArray) -> FloatArray:
    """Rows of node pressure set-points: the compiled network's, the reference at ``p_ref``."""
    root = int(np.flatnonzero(np.isfinite(cn.p_set))[0])
    p_set = np.array(np.broadcast_to(cn.p_set, (p_ref.size, cn.n_nodes)))
    p_set[:, root] = p_ref
    return p_set


def _range_moves(cn: CompiledNetwork, p_ref: FloatArray, sp: FloatArray) -> BoolArray:
    """Rows whose set-points move the EOS table's pressure range (compile builds a new table)."""
    if not isinstance(cn.eos, Tabulated):
        return np.zeros(p_ref.size, dtype=bool)
    return np.asarray(eos_pressure_top(cn, _p_set(cn, p_ref), sp) != cn.eos_p_range[1])


def _nominal(
    cn: CompiledNetwork, p_ref: FloatArray, usable: BoolArray
) -> tuple[FloatArray | None, FloatArray | None]:
    """Segment viscosities and the isentropic exponent at each row's nominal pressure.

    compile takes both at the nominal pressure (:func:`~linepack.network.compile.nominal_pressure`
    of the set-points); rows at the compiled network's own keep its values.
    """
    p0 = nominal_pressure(cn.p_set)
    p_nom = np.asarray([nominal_pressure(row) for row in _p_set(cn, p_ref)])
    moved = usable & (p_nom != p0)
    if not moved.any():
        return None, None
    uniq, inv = np.unique(np.where(moved, p_nom, p0), return_inverse=True)
    kappa_u, mu_u = gas_properties(cn, uniq)
    mu = np.where(moved[:, None], mu_u[inv], cn.segments.viscosity)
    kappa = np.where(moved, kappa_u[inv], cn.gas.kappa)
    return mu, kappa


def _batch(net: Network, cn: CompiledNetwork, table: pd.DataFrame) -> _Batch | None:
    s = len(table)
    b = _Boundaries()
    for column in table.columns:
        if column == "scenario" or str(column).startswith(PASSTHROUGH):
            continue
        if not _apply(net, str(column), table[column].to_numpy(dtype=float), b):
            return None
    seg = cn.segments
    rel = None
    if b.roughness:
        rel = np.array(np.broadcast_to(seg.rel_roughness, (s, seg.length.size)))
        for i, v in b.roughness.items():
            cols = np.flatnonzero(seg.pipe == i)
            rel[:, cols] = v[:, None] / net.pipes[i].diameter
    setpoint = np.array(np.broadcast_to(cn.compressors.setpoint, (s, cn.compressors.mode.size)))
    for k, v in b.setpoint.items():
        setpoint[:, k] = v
    p_ref = _p_ref(net, cn, b, s)
    bad = np.zeros(s, dtype=bool)
    for mask in b.invalid:
        bad |= mask
    bad |= _range_moves(cn, p_ref, setpoint)
    p_ref = np.where(bad, cn.p_set[np.isfinite(cn.p_set)][0], p_ref)
    mu, kappa = _nominal(cn, p_ref, ~bad)
    injection = _injection(net, cn, b, s)
    injection[bad] = cn.injection
    if rel is not None:
        rel[bad] = seg.rel_roughness
    setpoint[bad] = cn.compressors.setpoint
    return _Batch(
        p_ref=p_ref,
        injection=injection,
        rel_roughness=rel,
        setpoint=setpoint if b.setpoint else None,
        viscosity=mu,
        kappa=kappa,
        fallback=bad,
    )


def evaluate_fast(
    base: Network, compiled: CompiledNetwork, table: pd.DataFrame
) -> pd.DataFrame | None:
    """Evaluate every scenario of a sweep table by one batched march.

    Parameters
    ----------
    base : Network
        The base case (``compiled`` is its compiled form).
    compiled : CompiledNetwork
        The base case compiled; its equation-of-state table is used for all rows.
    table : pandas.DataFrame
        A ``scenario`` column and one column per parameter, SI values: ``throughput`` [kg/s]
        (shared by the fixed-flow demands at the delivery node in proportion to their base
        flows), ``inlet_pressure`` [Pa abs] (the single pressure-set supply),
        ``demand.NAME.flow`` [kg/s], ``supply.NAME.pressure`` [Pa abs],
        ``pipe.NAME.roughness`` and ``pipe.*.roughness`` [m], ``compressor.NAME.setpoint``
        [Pa abs] (stations in outlet-pressure mode). Columns are applied in order (a later one
        wins); ``economics.*`` and ``design.*`` columns are ignored.

    Returns
    -------
    pandas.DataFrame or None
        None if the network cannot be marched (:func:`linepack.steady.march.can_march`) or a
        column is none of the above. Otherwise one row per scenario, in order: ``scenario``,
        ``ok``, ``error`` ("" when ok; ``"fallback"`` where the general path must solve the
        row: a station limit binds so the solver would switch its mode, a value out of range,
        or set-points that move the equation-of-state table; the node pressure and supply flow
        limits a solved row passes, as the steady solver lists them; else the diagnosis naming
        node or element, bound and amount), ``failed_at`` (the element of that diagnosis or of
        the first limit passed, "ConvergenceError" for a march that did not settle, "" when
        ok or ``"fallback"``), ``delivery_pressure_barg``,
        ``min_pressure_barg`` (lowest pressure anywhere along the pipes), ``max_velocity_m_s``,
        ``power_mw``, ``fuel_mmscfd``, ``linepack_mmscm``, ``throughput_mmscfd`` (withdrawn at
        the delivery node), ``iterations`` (rounds of the march). Figures are NaN where the
        row has no solution (a row that only passes a limit keeps its figures, ``ok`` False).
    """
    if can_march(compiled) is not None:
        return None
    batch = _batch(base, compiled, table)
    if batch is None:
        return None
    if len(table) == 0:
        return pd.DataFrame({c: [] for c in COLUMNS})
    res = march(
        compiled,
        batch.p_ref,
        batch.injection,
        rel_roughness=batch.rel_roughness,
        viscosity=batch.viscosity,
        kappa=batch.kappa,
        outlet_setpoint=batch.setpoint,
        enforce_limits=False,
    )
    status = np.where(batch.fallback, FALLBACK, res.status)
    solved = status == OK
    error = [
        "fallback" if st == FALLBACK else (v if st == OK else r)
        for st, r, v in zip(status, res.reason, res.violations, strict=True)
    ]
    where = ["" if st == FALLBACK else w for st, w in zip(status, res.failed_at, strict=True)]
    figures = _figures(
        base, compiled, res.pressure, res.flow, res.power, res.fuel, batch.injection, res.supply
    )
    out = {
        "scenario": table["scenario"].to_numpy() if "scenario" in table else np.arange(len(table)),
        "ok": solved & np.array([not e for e in error]),
        "error": error,
        "failed_at": where,
    }
    for k, v in figures.items():
        out[k] = np.where(solved, v, np.nan)
    out["iterations"] = res.iterations
    return pd.DataFrame(out, columns=list(COLUMNS), index=table.index)


def _figures(
    net: Network,
    cn: CompiledNetwork,
    p: FloatArray,
    q: FloatArray,
    power: FloatArray,
    fuel: FloatArray,
    injection: FloatArray,
    supply: FloatArray,
) -> dict[str, FloatArray]:
    """The summary figures of every row (as ``linepack run``'s summary defines them)."""
    atm = net.settings.atmosphere
    s = p.shape[0]
    nn = cn.n_case_nodes
    inj = injection[:, :nn].copy()
    root = int(np.flatnonzero(np.isfinite(cn.p_set))[0])
    inj[:, root] = supply  # a pressure-set node injects what the network takes
    if net.delivery is not None:
        d = np.full(s, cn.node_names.index(net.delivery))
    else:
        d = np.argmin(inj, axis=1)
    rows = np.arange(s)
    withdrawn = -inj[rows, d]
    rho_scf = cn.gas.density_scf
    p = np.where(np.isfinite(p), p, cn.p_scale)  # rows without a solution: masked later
    speed = segment_speeds(cn, p, q)
    mass = segment_mass(cn, p)
    return {
        "delivery_pressure_barg": (p[rows, d] - atm) / 1e5,
        "min_pressure_barg": (p.min(axis=1) - atm) / 1e5,
        "max_velocity_m_s": speed.max(axis=1) if speed.shape[1] else np.zeros(s),
        "power_mw": power.sum(axis=1) / 1e6,
        "fuel_mmscfd": fuel.sum(axis=1) / rho_scf * MMSCFD_PER_SCF_M3_S,
        "linepack_mmscm": mass.sum(axis=1) / cn.gas.density_sm3 / 1e6,
        "throughput_mmscfd": withdrawn / rho_scf * MMSCFD_PER_SCF_M3_S,
    }
