"""Assembly of the steady nonlinear system F(x) = 0 and its sparse Jacobian.

Unknowns ``x = [p (all nodes), q (all edges)]`` in Pa and kg/s. One equation per node (pressure
set-point, or mass balance with fuel drawn at compressor suctions) and one per edge (pipe
segment law, or the algebraic constraint of the element in its current mode). Rows are scaled to
be dimensionless: pressures by ``p_scale``, squared pressures by ``p_scale²``, flows by
``q_scale`` and powers by ``q_scale × 1 MJ/kg``.

The sparsity pattern does not depend on the element modes, so it is built once
(:class:`Pattern`) and each evaluation only fills values.

Edge rows come in the order of the element-kind table (:data:`linepack.network.kinds.EDGES`):
pipe segments (eliminated from the Newton matrix), compressors (with the fuel they draw), then
every other kind's algebraic rows from :data:`ROWS`, looked up by section. A new algebraic edge
kind adds its rows there (the transient system reuses them as they are); :data:`TIED` says which
elements of a kind whose ends are tied by its state have equal end pressures under the modes.
"""

from __future__ import annotations

import copy
import functools
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from linepack.network.compile import MODE_CODES, CompiledNetwork
from linepack.network.kinds import EDGES, ElementKind
from linepack.network.model import CompressorMode
from linepack.steady import kernels
from linepack.steady.changes import OWN, Held

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

M_OUT = MODE_CODES[CompressorMode.OUTLET_PRESSURE]
M_RATIO = MODE_CODES[CompressorMode.RATIO]
M_FLOW = MODE_CODES[CompressorMode.FLOW]
M_SUCTION = MODE_CODES[CompressorMode.SUCTION_PRESSURE]
M_POWER = MODE_CODES[CompressorMode.POWER]
M_BYPASS = MODE_CODES[CompressorMode.BYPASS]
M_OFF = MODE_CODES[CompressorMode.OFF]

#: Regulator states.
REG_ACTIVE, REG_OPEN, REG_CLOSED = 0, 1, 2
POWER_SCALE_PER_FLOW = 1e6  # J/kg


@dataclass
class Modes:
    """The operating state of the active elements (changed by the outer active-set loop).

    Attributes
    ----------
    compressor : ndarray of int
        Mode code per compressor (see :data:`linepack.network.compile.MODE_CODES`).
    value : ndarray
        Value held in that mode (Pa, ratio, kg/s or W).
    limit : list of Held
        Per station what it holds: its own set-point or the reason for its mode (a named
        limit, the policy, a leader it follows, ...); ``Held.label`` is the text shown.
    regulator : ndarray of int
        ``REG_ACTIVE``, ``REG_OPEN`` or ``REG_CLOSED``.
    reg_value : ndarray
        Outlet pressure set-point of each regulator [Pa].
    idle : ndarray of bool
        Per edge: a zero-resistance link closing a loop of such links, held at zero flow
        (any split of flow around such a loop is a solution; this picks one).
    p_set : ndarray
        Pressure set-point of each node [Pa] (NaN where free); which nodes are set is fixed by
        the network, their values may be moved by the operating policy.
    """

    compressor: IntArray
    value: FloatArray
    limit: list[Held]
    regulator: IntArray
    reg_value: FloatArray
    p_set: FloatArray
    idle: NDArray[np.bool_]

    def labels(self) -> list[str]:
        """What each station holds, in words ("" for its own set-point)."""
        return [h.label for h in self.limit]

    @classmethod
    def initial(cls, cn: CompiledNetwork) -> Modes:
        """Each station in its own control mode, regulators active, the case's set-points."""
        c = cn.compressors
        return cls(
            c.mode.copy(),
            c.setpoint.copy(),
            [OWN] * len(c.mode),
            np.zeros(len(cn.reg_setpoint), dtype=np.int64),
            cn.reg_setpoint.copy(),
            cn.p_set.copy(),
            np.zeros(cn.n_edges, dtype=bool),
        )


@dataclass(frozen=True)
class Pattern:
    """Fixed sparsity pattern of the Jacobian and the map from entries to CSC storage."""

    n: int
    rows: IntArray
    cols: IntArray
    slot: IntArray  # position of each entry in the CSC data array
    indices: IntArray
    indptr: IntArray
    nnz: int

    @classmethod
    def build(cls, rows: IntArray, cols: IntArray, n: int) -> Pattern:
        """Sort the (row, col) entries into CSC order, summing duplicates."""
        key = cols.astype(np.int64) * n + rows
        uniq, slot = np.unique(key, return_inverse=True)
        u_cols = uniq // n
        indices = (uniq % n).astype(np.int64)
        indptr = np.searchsorted(u_cols, np.arange(n + 1)).astype(np.int64)
        return cls(n, rows, cols, slot.astype(np.int64), indices, indptr, len(uniq))

    def matrix(self, values: FloatArray) -> sp.csc_matrix:
        """Build the CSC matrix from entry values in pattern order."""
        data = np.bincount(self.slot, weights=values, minlength=self.nnz)
        return sp.csc_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))


class LinearSolverProtocol(Protocol):
    """Anything that solves a sparse system (see :class:`linepack.steady.newton.LinearSolver`)."""

    def solve(self, jac: sp.csc_matrix, rhs: FloatArray) -> FloatArray:
        """Solve ``jac @ x = rhs``."""
        ...


@dataclass(frozen=True)
class Reduced:
    """Index maps from the full system to the reduced one (segment flows eliminated).

    Attributes
    ----------
    pattern : Pattern
        Sparsity of the reduced matrix: the full entries that touch neither a segment row nor
        a segment flow column (``keep``), then four Schur entries per segment.
    keep : ndarray of bool
        Which full-pattern entries survive.
    kept_rows, kept_unknowns : ndarray of int
        Full indices of the reduced rows / unknowns (the same set: nodes and non-pipe edges).
    seg_edges : ndarray of int
        Edge index of each segment (0..n_segments-1).
    seg_from, seg_to : ndarray of int
        Segment end nodes.
    coef_from, coef_to : ndarray
        Mass-balance coefficient of the segment flow in its end nodes' rows (0 at set nodes).
    """

    pattern: Pattern
    keep: NDArray[np.bool_]
    kept_rows: IntArray
    kept_unknowns: IntArray
    seg_edges: IntArray
    seg_from: IntArray
    seg_to: IntArray
    coef_from: FloatArray
    coef_to: FloatArray

    @classmethod
    def build(cls, system: SteadySystem) -> Reduced:
        """Derive the reduced structure from a system's full pattern."""
        nn = system.n_nodes
        ns = len(system.cn.segments.length)
        n_full = system.n
        removed = np.zeros(n_full, dtype=bool)
        removed[nn : nn + ns] = True  # segment rows and segment flow columns share indices
        index = np.full(n_full, -1, dtype=np.int64)
        kept = np.flatnonzero(~removed)
        index[kept] = np.arange(kept.size)
        full_rows, full_cols = system.entries
        keep = ~removed[full_rows] & ~removed[full_cols]
        sf = system.cn.segments.from_node
        st = system.cn.segments.to_node
        rows = np.concatenate([index[full_rows[keep]], sf, sf, st, st])
        cols = np.concatenate([index[full_cols[keep]], sf, st, sf, st])
        free = (~system.is_set).astype(float) / system.q_scale
        return cls(
            pattern=Pattern.build(rows, cols, kept.size),
            keep=keep,
            kept_rows=kept,
            kept_unknowns=kept,
            seg_edges=np.arange(ns, dtype=np.int64),
            seg_from=sf,
            seg_to=st,
            coef_from=-free[sf],
            coef_to=free[st],
        )


_CACHE: dict[int, tuple[weakref.ref[CompiledNetwork], SteadySystem]] = {}


@dataclass(frozen=True)
class _Evaluation:
    """All rows of the system at one iterate (scaled residuals and derivatives).

    Attributes
    ----------
    f : ndarray
        Residual: node rows, then edge rows.
    seg : tuple of ndarray
        Pipe-segment rows: residual, d/dp_from, d/dp_to, d/dq.
    other : tuple of ndarray
        Non-pipe edge rows: d/dp_from, d/dp_to, d/dq.
    fuel_d : tuple of ndarray
        Derivatives of the fuel drawn at each station's suction node (scaled as the node row)
        with respect to p_suction, p_discharge and the station flow.
    """

    f: FloatArray
    seg: tuple[FloatArray, ...]
    other: tuple[FloatArray, FloatArray, FloatArray]
    fuel_d: tuple[FloatArray, ...]


class SteadySystem:
    """Residual and Jacobian of the steady equations of one compiled network.

    The index structure (sparsity patterns, Schur-complement maps) depends only on the
    network, so :meth:`of` keeps one system per compiled network for repeated solves.

    Parameters
    ----------
    cn : CompiledNetwork
        The network.
    """

    @classmethod
    def of(cls, cn: CompiledNetwork) -> SteadySystem:
        """The system of ``cn``, built once and kept while ``cn`` lives."""
        hit = _CACHE.get(id(cn))
        if hit is not None and hit[0]() is cn:
            return hit[1]
        system = cls(cn)
        key = id(cn)
        cache = _CACHE  # bound now: the module global may be gone when the callback runs

        def forget(_ref: weakref.ref[CompiledNetwork]) -> None:
            cache.pop(key, None)

        _CACHE[key] = (weakref.ref(cn, forget), system)
        return system

    def __init__(self, cn: CompiledNetwork) -> None:
        self.cn = cn
        off = cn.edge_offsets()
        self.off = off
        self.n_nodes = cn.n_nodes
        self.n_edges = cn.n_edges
        self.n = self.n_nodes + self.n_edges
        seg = cn.segments
        ends = cn.edge_ends()
        self.e_from = np.concatenate([f for f, _ in ends]).astype(np.int64)
        self.e_to = np.concatenate([t for _, t in ends]).astype(np.int64)
        self.is_set = np.isfinite(cn.p_set)
        inj = np.abs(cn.injection).sum()
        self.q_scale = max(float(inj) / 2.0, 1.0)
        self.p_scale = cn.p_scale
        self.laws = kernels.law_groups(self.cn.segments.law)
        #: (rows, cols) of the full Jacobian's entries, in the order of its values.
        self.entries = self._entries()
        self.n_segments = len(seg.length)
        #: Mass-balance coefficient of a flow in a node row: 1/q_scale at free nodes, 0 at set.
        self._free_w = (~self.is_set).astype(np.float64) / self.q_scale
        self._node_diag = self.is_set / self.p_scale
        self._flat = not np.any(seg.dh)
        self._seg_cache: tuple[FloatArray, FloatArray, object, tuple[FloatArray, ...]] | None = None

    def retempered(self, cn: CompiledNetwork) -> SteadySystem:
        """This system for ``cn``, a copy of its network with other temperatures or thermal
        data (same structure): the patterns and orderings are shared, the temperature-dependent
        pipe constants are rebuilt."""
        new = copy.copy(self)
        new.cn = cn
        new.__dict__.pop("pipe_constants", None)
        new.__dict__.pop("_linear_slope", None)
        new._seg_cache = None
        key = id(cn)
        cache = _CACHE

        def forget(_ref: weakref.ref[CompiledNetwork]) -> None:
            cache.pop(key, None)

        _CACHE[key] = (weakref.ref(cn, forget), new)
        return new

    @functools.cached_property
    def pattern(self) -> Pattern:
        """Sparsity of the full Jacobian (built when first asked for: the steady Newton steps
        use only the reduced one, :attr:`reduced`)."""
        return Pattern.build(*self.entries, self.n)

    def _entries(self) -> tuple[IntArray, IntArray]:
        nn, ne = self.n_nodes, self.n_edges
        node = np.arange(nn)
        edge = np.arange(ne)
        c0 = self.off["compressor"]
        nc = len(self.cn.compressors.setpoint)
        cf = self.cn.compressors.from_node
        cq = nn + c0 + np.arange(nc)
        rows = np.concatenate(
            [
                node,
                self.e_to,
                self.e_from,  # node rows: p_i, inflows, outflows
                cf,
                cf,
                cf,  # fuel at the suction node
                nn + edge,
                nn + edge,
                nn + edge,  # edge rows: p_from, p_to, q
            ]
        )
        cols = np.concatenate(
            [
                node,
                nn + edge,
                nn + edge,
                cf,
                self.cn.compressors.to_node,
                cq,
                self.e_from,
                self.e_to,
                nn + edge,
            ]
        )
        return rows.astype(np.int64), cols.astype(np.int64)

    # -- physics -------------------------------------------------------------------------
    def z(self, p: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Compressibility and dZ/dp, with pressures clipped to the EOS table."""
        lo, hi = self.cn.eos_p_range
        pc = np.clip(p, lo, hi)
        inside = (p >= lo) & (p <= hi)
        eos = self.cn.eos
        return eos.z(pc, t), np.where(inside, eos.dz_dp(pc, t), 0.0)

    def friction(self, re: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Darcy friction factor of every segment and its derivative with respect to Re
        (:func:`linepack.steady.kernels.friction_by_law`)."""
        seg = self.cn.segments
        return kernels.friction_by_law(
            re,
            self.laws,
            rel_roughness=seg.rel_roughness,
            friction_value=seg.friction_value,
            diameter=seg.diameter,
        )

    @functools.cached_property
    def pipe_constants(self) -> kernels.PipeConstants:
        """The pipe law's per-segment constants (:class:`~.kernels.PipeConstants`)."""
        seg = self.cn.segments
        return kernels.PipeConstants.of(
            length=seg.length,
            diameter=seg.diameter,
            area=seg.area,
            efficiency=seg.efficiency,
            temperature=seg.temperature,
            dh=seg.dh,
            viscosity=seg.viscosity,
            gas_constant=self.cn.gas.gas_constant,
        )

    def segment_rows(self, p: FloatArray, q: FloatArray) -> tuple[FloatArray, ...]:
        """Residuals (scaled) and derivatives of all pipe-segment equations.

        The last evaluation is kept: the Newton iteration asks for the rows at the point its
        line search has just evaluated, and gets them without recomputing the friction factor
        and Z. The returned arrays are shared with that cache: do not modify them.
        """
        seg = self.cn.segments
        n = len(seg.length)
        qs = q[:n]
        hit = self._seg_cache
        if (
            hit is not None
            and hit[2] is kernels.friction_factor
            and np.array_equal(hit[0], p)
            and np.array_equal(hit[1], qs)
        ):
            return hit[3]
        p1, p2 = p[seg.from_node], p[seg.to_node]
        pm, d1, d2 = kernels.mean_pressure(np.maximum(p1, 1.0), np.maximum(p2, 1.0))
        z, dz = self.z(pm, seg.temperature)
        c = self.pipe_constants
        lam, dlam = self.friction(np.maximum(np.abs(qs) * c.re_per_flow, 1e-3))
        co = kernels.pipe_coefficients(qs, z, lam, c)
        r = kernels.pipe_residual(p1, p2, co)
        a, b, d = kernels.pipe_derivatives(
            p1, p2, qs, co, z=z, dz_dpm=dz, dpm_dp1=d1, dpm_dp2=d2, lam=lam, dlam_dre=dlam, c=c
        )
        s2 = self.p_scale**2
        rows = (r / s2, a / s2, b / s2, d / s2)
        self._seg_cache = (p.copy(), qs.copy(), kernels.friction_factor, rows)
        return rows

    def power(self, p: FloatArray, q: FloatArray) -> tuple[FloatArray, ...]:
        """Shaft power [W] of every compressor and its derivatives (q, ps, pd)."""
        c = self.cn.compressors
        qc = q[self.off["compressor"] : self.off["compressor"] + len(c.setpoint)]
        ps, pd = np.maximum(p[c.from_node], 1.0), np.maximum(p[c.to_node], 1.0)
        th = self.cn.thermal
        if th is not None:
            # energy balance solved: each station at its suction temperature, its head scaled
            # to the real-gas enthalpy rise the energy balance found (steady/thermal.py)
            z, dz = self.z(ps, th.suction_temperature)
            out = kernels.compression_power(
                qc,
                ps,
                pd,
                z=z,
                dz_dps=dz,
                temperature=th.suction_temperature,
                gas_constant=self.cn.gas.gas_constant,
                kappa=self.cn.gas.kappa,
                efficiency=c.efficiency,
                polytropic=c.polytropic,
            )
            return tuple(v * th.head_factor for v in out)
        t = np.full(ps.shape, self.cn.gas_temperature)
        z, dz = self.z(ps, t)
        return kernels.compression_power(
            qc,
            ps,
            pd,
            z=z,
            dz_dps=dz,
            temperature=float(t[0]) if t.size else 288.15,
            gas_constant=self.cn.gas.gas_constant,
            kappa=self.cn.gas.kappa,
            efficiency=c.efficiency,
            polytropic=c.polytropic,
        )

    def compressor_rows(
        self, p: FloatArray, q: FloatArray, modes: Modes, pw: tuple[FloatArray, ...]
    ) -> tuple[FloatArray, ...]:
        """Residuals (scaled) of the compressor equations in their current modes."""
        c = self.cn.compressors
        qc = q[self.off["compressor"] : self.off["compressor"] + len(c.setpoint)]
        ps, pd = p[c.from_node], p[c.to_node]
        m, v = modes.compressor, modes.value
        ps_ = self.p_scale
        zero, one = np.zeros_like(ps), np.ones_like(ps)
        pws = self.q_scale * POWER_SCALE_PER_FLOW
        power, dq_, dps_, dpd_ = pw
        table = {
            M_OUT: ((pd - v) / ps_, zero, one / ps_, zero),
            M_RATIO: ((pd - v * ps) / ps_, -v / ps_, one / ps_, zero),
            M_FLOW: ((qc - v) / self.q_scale, zero, zero, one / self.q_scale),
            M_SUCTION: ((ps - v) / ps_, one / ps_, zero, zero),
            M_POWER: ((power - v) / pws, dps_ / pws, dpd_ / pws, dq_ / pws),
            M_BYPASS: ((ps - pd) / ps_, one / ps_, -one / ps_, zero),
            M_OFF: (qc / self.q_scale, zero, zero, one / self.q_scale),
        }
        out = [np.zeros_like(ps) for _ in range(4)]
        for code, vals in table.items():
            sel = m == code
            for k in range(4):
                out[k][sel] = vals[k][sel]
        return tuple(out)

    def link_rows(self, p: FloatArray, q: FloatArray, modes: Modes) -> tuple[FloatArray, ...]:
        """Residuals (scaled) and derivatives (p_from, p_to, q) of the edges after the
        compressors (:data:`LINK_KINDS`: regulators, valves, short pipes, resistors), each
        kind's rows from :data:`ROWS`, in edge order."""
        parts = [ROWS[kind.section](self, p, q, modes) for kind in LINK_KINDS]
        return tuple(np.concatenate([pt[k] for pt in parts]) for k in range(4))

    def regulator_rows(self, p: FloatArray, q: FloatArray, modes: Modes) -> tuple[FloatArray, ...]:
        """Regulators: outlet pressure held (active), p_from = p_to (open) or no flow (closed)."""
        cn, ps_, qs_ = self.cn, self.p_scale, self.q_scale
        o = self.off["regulator"]
        qr = q[o : o + len(cn.reg_setpoint)]
        p1, p2 = p[cn.reg_from], p[cn.reg_to]
        st = modes.regulator
        one, zero = np.ones_like(p1), np.zeros_like(p1)
        r = np.where(
            st == REG_ACTIVE,
            (p2 - modes.reg_value) / ps_,
            np.where(st == REG_OPEN, (p1 - p2) / ps_, qr / qs_),
        )
        return (
            r,
            np.where(st == REG_OPEN, one / ps_, zero),
            np.where(st == REG_ACTIVE, one / ps_, np.where(st == REG_OPEN, -one / ps_, zero)),
            np.where(st == REG_CLOSED, one / qs_, zero),
        )

    def valve_rows(self, p: FloatArray, q: FloatArray, modes: Modes) -> tuple[FloatArray, ...]:
        """Valves in their compiled states (:meth:`valve_law`)."""
        cn = self.cn
        o = self.off["valve"]
        qv = q[o : o + len(cn.valve_open)]
        return self.valve_law(p[cn.valve_from], p[cn.valve_to], qv, cn.valve_open)

    def valve_law(
        self, p1: FloatArray, p2: FloatArray, q: FloatArray, is_open: BoolArray
    ) -> tuple[FloatArray, ...]:
        """Valve rows: p_from = p_to when open, no flow when closed (the transient system
        calls it with scheduled states)."""
        ps_, qs_ = self.p_scale, self.q_scale
        return (
            np.where(is_open, (p1 - p2) / ps_, q / qs_),
            np.where(is_open, 1.0 / ps_, 0.0),
            np.where(is_open, -1.0 / ps_, 0.0),
            np.where(is_open, 0.0, 1.0 / qs_),
        )

    def short_pipe_rows(self, p: FloatArray, q: FloatArray, modes: Modes) -> tuple[FloatArray, ...]:
        """Short pipes: p_from = p_to."""
        cn, ps_ = self.cn, self.p_scale
        p1, p2 = p[cn.short_from], p[cn.short_to]
        return (p1 - p2) / ps_, np.ones_like(p1) / ps_, -np.ones_like(p1) / ps_, np.zeros_like(p1)

    def resistor_rows(self, p: FloatArray, q: FloatArray) -> tuple[FloatArray, ...]:
        """Residuals (scaled) of resistors, drag-factor or fixed-loss form."""
        cn = self.cn
        o = self.off["resistor"]
        qr = q[o : o + len(cn.res_zeta)]
        p1, p2 = np.maximum(p[cn.res_from], 1.0), p[cn.res_to]
        t = cn.gas_temperature
        z, dz = self.z(p1, np.full(p1.shape, t))
        drag = np.isfinite(cn.res_zeta)
        zeta = np.where(drag, cn.res_zeta, 0.0)
        area = np.where(drag, cn.res_area, 1.0)
        rd = kernels.resistor_drag(
            p1,
            p2,
            qr,
            zeta=zeta,
            area=area,
            z=z,
            dz_dp1=dz,
            temperature=t,
            gas_constant=cn.gas.gas_constant,
        )
        loss = np.where(drag, 0.0, np.nan_to_num(cn.res_dp))
        rf = kernels.resistor_fixed(p1, p2, qr, loss=loss)
        return tuple(np.where(drag, a, b) / self.p_scale for a, b in zip(rd, rf, strict=True))

    # -- assembly ------------------------------------------------------------------------
    def _evaluate_at(self, x: FloatArray, modes: Modes) -> _Evaluation:
        """Every row's residual and derivatives at ``x`` (the segment rows cached by iterate)."""
        nn, ns = self.n_nodes, self.n_segments
        p, q = x[:nn], x[nn:]
        cn = self.cn
        seg = self.segment_rows(p, q)
        nc = len(modes.compressor)
        if nc:
            pw = self.power(p, q)
            active = ~np.isin(modes.compressor, (M_BYPASS, M_OFF))
            o = self.off["compressor"]
            fuel_k = cn.compressors.fuel_per_work * active * (q[o : o + nc] > 0)
            fuel = fuel_k * np.maximum(pw[0], 0.0)
            comp = self.compressor_rows(p, q, modes, pw)
            pos = pw[0] > 0
            free_cf = self._free_w[cn.compressors.from_node]
            fuel_d = tuple(-fuel_k * pos * d * free_cf for d in (pw[2], pw[3], pw[1]))
        else:
            fuel = np.zeros(0)
            comp = (fuel,) * 4
            fuel_d = (fuel,) * 3
        links = self.link_rows(p, q, modes)
        other = [np.concatenate([comp[k], links[k]]) for k in range(4)]
        if np.any(modes.idle):
            # zero-resistance links that close a loop of such links carry no flow
            seg = tuple(v.copy() for v in seg)
            for rows, lo in ((seg, 0), (other, ns)):
                idle = modes.idle[lo : lo + rows[0].size]
                if np.any(idle):
                    rows[0][idle] = q[lo : lo + rows[0].size][idle] / self.q_scale
                    rows[1][idle] = 0.0
                    rows[2][idle] = 0.0
                    rows[3][idle] = 1.0 / self.q_scale
        bal = cn.injection.copy()
        bal += np.bincount(self.e_to, weights=q, minlength=nn)
        bal -= np.bincount(self.e_from, weights=q, minlength=nn)
        if nc:
            bal -= np.bincount(cn.compressors.from_node, weights=fuel, minlength=nn)
        node_r = np.where(
            self.is_set, (p - np.nan_to_num(modes.p_set)) / self.p_scale, bal / self.q_scale
        )
        f = np.concatenate([node_r, seg[0], other[0]])
        return _Evaluation(f, seg, (other[1], other[2], other[3]), fuel_d)

    def _full_values(self, ev: _Evaluation) -> FloatArray:
        """Jacobian entries in the order of :attr:`pattern`."""
        return np.concatenate(
            [
                self._node_diag,
                self._free_w[self.e_to],
                -self._free_w[self.e_from],
                *ev.fuel_d,
                *(np.concatenate([ev.seg[k + 1], ev.other[k]]) for k in range(3)),
            ]
        )

    def evaluate(
        self, x: FloatArray, modes: Modes, jacobian: bool = True
    ) -> tuple[FloatArray, sp.csc_matrix | None]:
        """Residual vector (dimensionless) and, if asked, the full sparse Jacobian.

        Parameters
        ----------
        x : ndarray
            Unknowns: node pressures [Pa] then edge flows [kg/s].
        modes : Modes
            Operating state of compressors and regulators.
        jacobian : bool
            Whether to build the Jacobian.

        Returns
        -------
        tuple
            F(x) and dF/dx (CSC) or None.
        """
        ev = self._evaluate_at(x, modes)
        return ev.f, self.pattern.matrix(self._full_values(ev)) if jacobian else None

    def residual(self, x: FloatArray, modes: Modes) -> FloatArray:
        """F(x) only."""
        return self._evaluate_at(x, modes).f

    def newton_direction(
        self, x: FloatArray, modes: Modes, solver: LinearSolverProtocol, linear: bool = False
    ) -> FloatArray:
        """The Newton step −J⁻¹F at ``x``, with the pipe-segment flows eliminated.

        Each segment's equation involves only its own flow, so its flow correction is solved
        for and substituted into the mass balances (a Schur complement): the linear system
        that is factorised has one unknown per node and per non-pipe element only. Its entries
        go to the solver in the order of ``reduced.pattern``; a solver with a
        ``solve_entries(pattern, values, rhs)`` method (:class:`~linepack.steady.newton.
        LinearSolver`) takes them as they are, any other gets the CSC matrix.

        Parameters
        ----------
        x : ndarray
            Current unknowns.
        modes : Modes
            Control modes.
        solver : LinearSolverProtocol
            Factorises and solves the reduced system.
        linear : bool
            Instead of the Newton step, the flows of the same network with *linear* pipe
            resistances (slope K = λ₀ R_s T L / (D A²) with λ₀ = 0.01) driven by the mass
            imbalances alone: the start of :func:`linepack.steady.solve.solve`. It uses the
            same matrix structure, so its factorisation fixes the ordering the Newton steps
            reuse.

        Returns
        -------
        ndarray
            The full Newton step (pressures and all flows).
        """
        ev = self._evaluate_at(x, modes)
        red = self.reduced
        nn = self.n_nodes
        r, a, b, d = ev.seg
        f = ev.f
        if linear:
            d = self._linear_slope
            r = np.zeros_like(r)
            f = np.concatenate([np.where(self.is_set, 0.0, f[:nn]), np.zeros(self.n_edges)])
        sf, st = red.seg_from, red.seg_to
        cf, ct = red.coef_from, red.coef_to
        rhs = -f[red.kept_rows]
        rd = r / d
        nk = rhs.size
        rhs[:nn] += np.bincount(sf, weights=cf * rd, minlength=nn)
        rhs[:nn] += np.bincount(st, weights=ct * rd, minlength=nn)
        ad, bd = a / d, b / d
        kept = np.concatenate([self._node_diag, self._kept_incidence, *ev.fuel_d, *ev.other])
        values = np.concatenate([kept, -cf * ad, -cf * bd, -ct * ad, -ct * bd])
        solve_entries = getattr(solver, "solve_entries", None)
        if solve_entries is not None:
            dy = solve_entries(red.pattern, values, rhs)
        else:
            dy = solver.solve(red.pattern.matrix(values), rhs)
        assert dy.size == nk
        dx = np.empty_like(x)
        dx[red.kept_unknowns] = dy
        dp = dx[:nn]
        dx[nn + red.seg_edges] = -(r + a * dp[sf] + b * dp[st]) / d
        return np.asarray(dx, dtype=np.float64)

    @functools.cached_property
    def _linear_slope(self) -> FloatArray:
        """Scaled slope of the linear-resistance start, −K/p_scale² per segment."""
        sg = self.cn.segments
        k = (
            0.01
            * self.cn.gas.gas_constant
            * sg.temperature
            * sg.length
            / (sg.diameter * sg.area**2)
        )
        return np.asarray(-k / self.p_scale**2, dtype=np.float64)

    @functools.cached_property
    def _kept_incidence(self) -> FloatArray:
        """Mass-balance coefficients of the non-pipe flows (to, then from): fixed."""
        ns = self.n_segments
        return np.concatenate([self._free_w[self.e_to[ns:]], -self._free_w[self.e_from[ns:]]])

    @functools.cached_property
    def reduced(self) -> Reduced:
        """Structure of the reduced (segment flows eliminated) system, built once."""
        return Reduced.build(self)


#: Rows (residual, d/dp_from, d/dp_to, d/dq; scaled) of one algebraic edge kind.
Rows = Callable[[SteadySystem, FloatArray, FloatArray, Modes], tuple[FloatArray, ...]]

#: The edge kinds after pipes (segment rows, eliminated) and compressors (rows and fuel),
#: whose rows :meth:`SteadySystem.link_rows` assembles in edge order.
LINK_KINDS: tuple[ElementKind, ...] = EDGES[2:]

#: Each edge kind's algebraic rows, by section (every kind of :data:`LINK_KINDS` has one).
ROWS: Mapping[str, Rows] = {
    "regulator": SteadySystem.regulator_rows,
    "valve": SteadySystem.valve_rows,
    "short_pipe": SteadySystem.short_pipe_rows,
    "resistor": lambda system, p, q, modes: system.resistor_rows(p, q),
}

#: For each edge kind that ties its end pressures by its state (``Ties.WHEN_OPEN``,
#: ``Ties.BY_MODE`` in :mod:`linepack.network.kinds`): which of its elements have the row
#: p_from = p_to under ``modes`` (read by :mod:`linepack.steady.zones`).
TIED: Mapping[str, Callable[[CompiledNetwork, Modes], BoolArray]] = {
    "compressor": lambda cn, modes: modes.compressor == M_BYPASS,
    "regulator": lambda cn, modes: modes.regulator == REG_OPEN,
    "valve": lambda cn, modes: cn.valve_open,
}
