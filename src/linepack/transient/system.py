"""Time-discrete residual and Jacobian of the isothermal Euler equations on a network.

Staggered finite volumes on the compiled network's segments. Unknowns are those of the steady
system (:class:`~linepack.steady.system.SteadySystem`): node pressures, then edge flows.

Mass, at every node i whose pressure is free (case nodes and interior segment nodes):

    dM_i/dt = Σ inflows − Σ outflows + injection_i(t) − fuel_i,
    M_i(p_i) = Σ_{segments s at i} (A_s L_s / 2) ρ(p_i, T_s),  ρ = p / (Z(p, T) R_s T)

(the node's storage is the half of each adjacent segment, plus any extra volume given for the
node; Z from the compiled EOS, pressure clipped to its table as the steady system does).
Pressure-set nodes keep p_i = p_set(t).

Momentum, per pipe segment:

    (L/A) dq/dt = r(p₁, p₂, q) / (p₁ + p₂)

with r the steady pipe law (``steady/kernels.py``), which carries friction, gravity and the real
gas. For a horizontal pipe r/(p₁+p₂) = p₁ − p₂ − λ L q|q| / (2 D A² ρ̄) with ρ̄ the mean of the
end densities: the momentum balance ∂q/∂t + A ∂p/∂x = −λ q|q| / (2 D A ρ) integrated over the
segment (the convective term ∂(q²/ρA)/∂x is neglected, as is usual for pipelines and as
GasTranSim does). At rest in time this is exactly the steady equation, so a transient with
frozen boundary conditions ends at the steady solver's answer. With ``inertia=False`` the left
side is dropped (quasi-steady flow: storage kept, inertia neglected). Other edges keep their
algebraic steady equations and modes.

A time scheme replaces dy/dt at t_{n+1} by (a₀ y^{n+1} + Σ_k a_k y^{n+1-k}) / h; the history
sums enter through :class:`StepTerms`. Rows are scaled as in the steady system (node rows by
its flow scale, segment rows by its pressure scale) and the storage term adds
a₀ dM/dp / h to the node rows' diagonal.

Cost: :meth:`TransientSystem.evaluate` computes the residual in one pass (:class:`Evaluation`)
and keeps what the Jacobian needs, which :meth:`TransientSystem.linearise` builds only if a
Newton step is taken from that point; the pipe-segment rows are the steady pipe law
(:mod:`linepack.transient.pipelaw`) with Z of the segments and of the storage from one
one-temperature table look-up (:mod:`linepack.transient.eosline`); elements a network does not
have cost nothing; the Jacobian goes straight to the reduced (segment flows eliminated) entry
values, which :class:`linepack.transient.linear.ReducedSolver` solves in band storage when the
network is a pipeline or nearly one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from numpy.typing import NDArray

from linepack.network.compile import CompiledNetwork
from linepack.steady import system as sy
from linepack.transient.eosline import ZAtTemperature
from linepack.transient.pipelaw import SegmentLaw

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class StepTerms:
    """What a time step adds to the steady equations.

    Attributes
    ----------
    h : float
        Step [s].
    a0 : float
        Coefficient of the new value in the time derivative (1 for backward Euler).
    mass_history : ndarray
        Σ_k a_k M^{n+1-k} per node [kg] (the old values' part of the derivative × h).
    flow_history : ndarray
        Σ_k a_k q^{n+1-k} per pipe segment [kg/s].
    injection : ndarray
        Fixed net injection per node at t_{n+1} [kg/s].
    valve_open : ndarray of bool
        Valve states at t_{n+1}.
    free : ndarray of bool
        Nodes whose mass balance is solved at t_{n+1} (the others hold their pressure
        set-point, ``Modes.p_set``). It may differ from the network's: a pressure-set supply
        can be switched to a given flow, a flow-set one to a given pressure.
    """

    h: float
    a0: float
    mass_history: FloatArray
    flow_history: FloatArray
    injection: FloatArray
    valve_open: BoolArray
    free: BoolArray


@dataclass
class Evaluation:
    """The time-discrete system at one point: its residual, and its Jacobian when asked.

    Attributes
    ----------
    x : ndarray
        The unknowns (node pressures [Pa], edge flows [kg/s]).
    f : ndarray
        Scaled residual.
    norm : float
        max |f|.
    free : ndarray of bool
        Nodes whose mass balance is solved.
    mass : ndarray
        Gas stored at each node [kg].
    net : ndarray
        Edge inflow minus outflow minus fuel drawn, per node [kg/s].
    power, fuel : ndarray
        Shaft power [W] and fuel [kg/s] per compressor, as the steady solver counts them.
    seg : tuple of ndarray or None
        Derivatives of the segment rows with respect to p_from, p_to and q
        (:meth:`TransientSystem.linearise` fills it).
    kept : ndarray or None
        Jacobian entries that survive the elimination of the segment flows, in the order of
        the steady reduced pattern (node diagonals, non-pipe incidence, fuel, non-pipe edge
        rows) (:meth:`TransientSystem.linearise` fills it).
    """

    x: FloatArray
    f: FloatArray
    norm: float
    free: BoolArray
    mass: FloatArray
    net: FloatArray
    power: FloatArray
    fuel: FloatArray
    derivatives: Callable[[], tuple[tuple[FloatArray, ...], FloatArray]] = field(repr=False)
    seg: tuple[FloatArray, FloatArray, FloatArray] | None = None
    kept: FloatArray | None = None


class TransientSystem:
    """Residual, Jacobian and Newton step of one time step of a compiled network.

    The steady rows and derivatives come from :class:`SteadySystem` (built once per network);
    this class adds the storage and inertia terms and the scheduled boundary values.

    Parameters
    ----------
    cn : CompiledNetwork
        The network.
    inertia : bool
        Keep the inertia term (L/A) dq/dt of the pipe segments.
    node_volume : ndarray, optional
        Extra storage volume per node [m³] (vessels, station piping), at the case's gas
        temperature; added to the half-segments.
    """

    def __init__(
        self, cn: CompiledNetwork, inertia: bool = True, node_volume: FloatArray | None = None
    ) -> None:
        s = sy.SteadySystem.of(cn)
        self.cn, self.steady = cn, s
        seg = cn.segments
        nn = s.n_nodes
        ns, nc = len(seg.length), len(cn.compressors.setpoint)
        self.nn, self.ns, self.nc = nn, ns, nc
        half = seg.area * seg.length / 2.0
        extra = np.zeros(nn) if node_volume is None else np.asarray(node_volume, dtype=float)
        vessels = np.flatnonzero(extra)
        t_gas = cn.gas_temperature
        # storage pieces: each segment's two halves, then the extra volumes
        self.ends = np.concatenate([seg.from_node, seg.to_node, vessels]).astype(np.int64)
        self.end_volume = np.concatenate([half, half, extra[vessels]])
        self.end_temperature = np.concatenate(
            [seg.temperature, seg.temperature, np.full(vessels.size, t_gas)]
        )
        #: Storage volume of each node [m³]: half of every adjacent segment, plus extra.
        self.volume = np.bincount(self.ends, weights=self.end_volume, minlength=nn)
        self.inertia = inertia
        self.inertance = seg.length / seg.area if inertia else np.zeros(ns)
        self.free = ~s.is_set
        self.valve_edges = s.off["valve"] + np.arange(len(cn.valve_open))
        self._check_layout()
        # compressibility: at segment mean pressures, and at node pressures for the storage
        # (one value per node when every storage piece has the same temperature)
        self.law = SegmentLaw(s)
        self._constants: tuple[StepTerms, tuple[FloatArray, ...]] | None = None
        self._weights: tuple[BoolArray, FloatArray, FloatArray] | None = None
        t_end = self.end_temperature
        self._node_t = bool(t_end.size) and bool(np.all(t_end == t_end[0]))
        t_node = np.full(nn, t_end[0] if t_end.size else t_gas)
        self._z_store = ZAtTemperature(s, t_node if self._node_t else t_end)
        self._zrt_node = cn.gas.gas_constant * t_node
        self._zrt_end = cn.gas.gas_constant * t_end
        # Z of the storage and of the segments from one table look-up: one temperature
        self._fused = (
            self._node_t and self.law.shares_table and bool(np.all(t_node == self.law.temperature))
        )
        #: Number of edges after the compressors (their rows: ``SteadySystem.link_rows``).
        self._links = s.n_edges - ns - nc

    def _check_layout(self) -> None:
        """The steady assembly's full pattern and reduced structure are the expected ones."""
        s, nn, ne, ns, nc = self.steady, self.nn, self.steady.n_edges, self.ns, self.nc
        pat, edge = s.pattern, nn + np.arange(ne)
        e1 = nn + 2 * ne + 3 * nc
        blocks = (e1, e1 + ne, e1 + 2 * ne)
        # kept entries: node diagonals, non-pipe incidence (to, from), fuel, non-pipe edge rows
        kept = np.concatenate(
            [
                np.arange(nn),
                nn + np.arange(ns, ne),
                nn + ne + np.arange(ns, ne),
                nn + 2 * ne + np.arange(3 * nc),
                *(b + np.arange(ns, ne) for b in blocks),
            ]
        )
        ok = (
            np.array_equal(pat.rows[:nn], np.arange(nn))
            and np.array_equal(pat.cols[:nn], np.arange(nn))
            and all(np.array_equal(pat.rows[b : b + ne], edge) for b in blocks)
            and np.array_equal(pat.cols[e1 : e1 + ne], s.e_from)
            and np.array_equal(pat.cols[e1 + ne : e1 + 2 * ne], s.e_to)
            and np.array_equal(pat.cols[e1 + 2 * ne : e1 + 3 * ne], edge)
            and np.array_equal(np.flatnonzero(s.reduced.keep), kept)
        )
        # a programmer's invariant (no input reaches it): guards against a change of the
        # steady layout
        assert ok, "the steady system's Jacobian layout is not the expected one"

    def retempered(self, cn: CompiledNetwork, node_temperature: FloatArray) -> TransientSystem:
        """This system for ``cn`` (a copy of its network with other segment temperatures and
        station thermal data, same structure) with the gas stored at each node at that node's
        temperature ``node_temperature`` [K] (``thermal = "energy"``): patterns, orderings,
        the inertia and the Colebrook roots are kept; the pipe constants and Z tables follow
        the temperatures."""
        new = copy.copy(self)
        new.cn = cn
        new.steady = s = self.steady.retempered(cn)
        law = SegmentLaw(s)
        law._x = self.law._x
        new.law = law
        t_node = np.asarray(node_temperature, dtype=np.float64)
        new.end_temperature = t_node[self.ends]
        new._node_t = True
        new._z_store = ZAtTemperature(s, t_node)
        new._zrt_node = cn.gas.gas_constant * t_node
        new._zrt_end = cn.gas.gas_constant * new.end_temperature
        new._fused = False
        return new

    # -- gas in store -------------------------------------------------------------------------
    def density(self, p: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Density ρ = p/(Z R_s T) [kg/m³] and dρ/dp, Z clipped to the EOS table."""
        z, dz = self.steady.z(p, t)
        zrt = z * self.cn.gas.gas_constant * t
        return p / zrt, (1.0 - p * dz / z) / zrt

    def node_mass(self, p: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Gas mass stored at each node [kg] and its derivative with respect to p_i [kg/Pa]."""
        if self._node_t:  # one temperature: the density of each node once
            z, dz = self._z_store(p)
            zrt = z * self._zrt_node
            return self.volume * (p / zrt), self.volume * ((1.0 - p * dz / z) / zrt)
        pe = p[self.ends]
        z, dz = self._z_store(pe)
        zrt = z * self._zrt_end
        rho, drho = pe / zrt, (1.0 - pe * dz / z) / zrt
        m = np.bincount(self.ends, weights=self.end_volume * rho, minlength=self.nn)
        dm = np.bincount(self.ends, weights=self.end_volume * drho, minlength=self.nn)
        return np.asarray(m, dtype=np.float64), np.asarray(dm, dtype=np.float64)

    def _mass_from_z(
        self, p: FloatArray, z: FloatArray, dz: Callable[[], FloatArray]
    ) -> tuple[FloatArray, Callable[[], FloatArray]]:
        """:meth:`node_mass` from Z at the node pressures (one temperature)."""
        zrt = z * self._zrt_node
        return self.volume * (p / zrt), lambda: self.volume * ((1.0 - p * dz() / z) / zrt)

    def _mass_lazy(self, p: FloatArray) -> tuple[FloatArray, Callable[[], FloatArray]]:
        """:meth:`node_mass` with the derivative computed only when asked."""
        if self._node_t:
            return self._mass_from_z(p, *self._z_store.lazy(p))
        m, dm = self.node_mass(p)
        return m, lambda: dm

    def power_fuel(self, x: FloatArray, modes: sy.Modes) -> tuple[FloatArray, FloatArray]:
        """Shaft power [W] and fuel [kg/s] of every compressor (as the steady solver counts)."""
        if not self.nc:
            return np.zeros(0), np.zeros(0)
        s, nn = self.steady, self.nn
        p, q = x[:nn], x[nn:]
        pw = s.power(p, q)[0]
        o = s.off["compressor"]
        qc = q[o : o + self.nc]
        power = np.where(_active(modes) & (qc > 0), np.maximum(pw, 0.0), 0.0)
        return power, self.cn.compressors.fuel_per_work * power

    def external_inflow(self, x: FloatArray, modes: sy.Modes, terms: StepTerms) -> FloatArray:
        """What enters each node from outside at t_{n+1} [kg/s], fuel not subtracted.

        Free nodes: their fixed injection. Pressure-set nodes: the storage rate minus the net
        inflow through edges plus the fuel drawn there, so that every node's balance holds.
        """
        return self.inflow(self.evaluate(x, modes, terms), terms)

    @staticmethod
    def inflow(ev: Evaluation, terms: StepTerms) -> FloatArray:
        """:meth:`external_inflow` from an evaluation."""
        store = (terms.a0 * ev.mass + terms.mass_history) / terms.h
        return np.where(ev.free, terms.injection, store - ev.net)

    # -- assembly -----------------------------------------------------------------------------
    def _step_constants(self, terms: StepTerms) -> tuple[FloatArray, ...]:
        """What the rows take from a step's terms, computed once per step (per ``terms``)."""
        hit = self._constants
        if hit is not None and hit[0] is terms:
            return hit[1]
        s, h = self.steady, terms.h
        inert = self.inertance / (h * s.p_scale)
        out = (
            inert * terms.a0,  # (L/A) a₀/h, scaled
            inert * terms.flow_history,
            (terms.injection - terms.mass_history / h) / s.q_scale,
            terms.free / s.q_scale,
        )
        self._constants = (terms, out)
        return out

    def evaluate(self, x: FloatArray, modes: sy.Modes, terms: StepTerms) -> Evaluation:
        """Residual of the time step at ``x``; the Jacobian follows by :meth:`linearise`."""
        s, cn, nn, ns = self.steady, self.cn, self.nn, self.ns
        ne = s.n_edges
        p, q = x[:nn], x[nn:]
        qseg = q[:ns]
        free, qs, ps, a0h = terms.free, s.q_scale, s.p_scale, terms.a0 / terms.h
        inert_a0, inert_hist, node_const, w = self._step_constants(terms)
        # segment rows: r / (p1 + p2) − (L/A) dq/dt, scaled by the pressure scale
        law = self.law(p, qseg, p if self._fused else None)
        total = np.maximum(law.p1 + law.p2, 1.0)
        fs = law.r / (ps * total) - (inert_a0 * qseg + inert_hist)
        # other edges: the steady rows in their modes
        net = np.asarray(np.bincount(s.e_to, weights=q, minlength=nn), dtype=np.float64)
        net -= np.bincount(s.e_from, weights=q, minlength=nn)
        power = fuel = np.zeros(0)
        fuel_d: list[FloatArray] = []
        if ne > ns:
            other, power, fuel, fuel_d = self._other_edges(x, modes, terms, w)
            net -= np.bincount(cn.compressors.from_node, weights=fuel, minlength=nn)
        else:
            other = (np.zeros(0),) * 4
        # node rows: mass balance with storage, or the pressure set-point
        if law.z_extra is not None and law.dz_extra is not None:
            m, dm = self._mass_from_z(p, law.z_extra, law.dz_extra)
        else:
            m, dm = self._mass_lazy(p)
        node_r = np.where(free, node_const + (net - a0h * m) / qs, (p - modes.p_set) / ps)
        f = np.concatenate([node_r, fs, other[0]])
        norm = float(np.max(np.abs(f))) if f.size else 0.0

        def derivatives() -> tuple[tuple[FloatArray, ...], FloatArray]:
            dr1, dr2, drq = law.derivatives()
            g = 1.0 / (ps * total)  # the steady row's 1/ps² times ps/(p1 + p2)
            rt = law.r / total
            seg = ((dr1 - rt) * g, (dr2 - rt) * g, drq * g - inert_a0)
            diag = np.where(free, (-a0h / qs) * dm(), 1.0 / ps)
            e_to, e_from = s.e_to, s.e_from
            kept = np.concatenate(
                [diag, w[e_to[ns:]], -w[e_from[ns:]], *fuel_d, other[1], other[2], other[3]]
            )
            return seg, kept

        return Evaluation(x, f, norm, free, m, net, power, fuel, derivatives)

    @staticmethod
    def linearise(ev: Evaluation) -> tuple[tuple[FloatArray, ...], FloatArray]:
        """The Jacobian pieces of an evaluation (computed once): segment-row derivatives
        (p_from, p_to, q) and the entries kept in the reduced system."""
        if ev.seg is None or ev.kept is None:
            (fa, fb, fd), ev.kept = ev.derivatives()
            ev.seg = (fa, fb, fd)
        return ev.seg, ev.kept

    def _other_edges(
        self, x: FloatArray, modes: sy.Modes, terms: StepTerms, w: FloatArray
    ) -> tuple[tuple[FloatArray, ...], FloatArray, FloatArray, list[FloatArray]]:
        """Rows of the edges other than pipe segments: the steady system's, in their modes.

        Returns the rows (residual, d/dp_from, d/dp_to, d/dq), compressor power and fuel as
        counted, and the fuel's Jacobian entries in the node rows (d/dp_s, d/dp_d, d/dq).
        """
        s, cn, nn, ns, nc = self.steady, self.cn, self.nn, self.ns, self.nc
        p, q = x[:nn], x[nn:]
        parts: list[tuple[FloatArray, ...]] = []
        fuel_d: list[FloatArray] = []
        power = fuel = np.zeros(0)
        if nc:
            pw = s.power(p, q)
            parts.append(s.compressor_rows(p, q, modes, pw))
            o = s.off["compressor"]
            c = cn.compressors
            on = _active(modes) & (q[o : o + nc] > 0)
            fuel_k = c.fuel_per_work * on
            power = np.where(on, np.maximum(pw[0], 0.0), 0.0)
            fuel = fuel_k * np.maximum(pw[0], 0.0)
            pos = pw[0] > 0
            wf = w[c.from_node]
            fuel_d = [-fuel_k * pos * d * wf for d in (pw[2], pw[3], pw[1])]
        if self._links:
            parts.append(s.link_rows(p, q, modes))
        rows = [np.concatenate([pt[k] for pt in parts]) for k in range(4)]
        idle = modes.idle[ns:]
        if idle.any():
            # zero-resistance links that close a loop of such links carry no flow
            rows[0][idle] = q[ns:][idle] / s.q_scale
            rows[1][idle] = 0.0
            rows[2][idle] = 0.0
            rows[3][idle] = 1.0 / s.q_scale
        self._valves(x, modes, terms, rows)
        return tuple(rows), power, fuel, fuel_d

    def _valves(
        self, x: FloatArray, modes: sy.Modes, terms: StepTerms, rows: list[FloatArray]
    ) -> None:
        """Rows of valves whose scheduled state differs from the compiled one."""
        cn, nn = self.cn, self.nn
        moved = (terms.valve_open != cn.valve_open) & ~modes.idle[self.valve_edges]
        if not np.any(moved):
            return
        k = np.flatnonzero(moved)
        e = self.valve_edges[k]
        p1, p2, q = x[cn.valve_from[k]], x[cn.valve_to[k]], x[nn + e]
        i = e - self.ns  # position among the non-pipe edges
        for row, value in zip(
            rows, self.steady.valve_law(p1, p2, q, terms.valve_open[k]), strict=True
        ):
            row[i] = value

    def residual(self, x: FloatArray, modes: sy.Modes, terms: StepTerms) -> FloatArray:
        """Scaled residual of the time step."""
        return self.evaluate(x, modes, terms).f

    def reduced_values(self, ev: Evaluation) -> FloatArray:
        """Entry values (steady reduced pattern order) of the Newton matrix at ``ev`` with
        the segment flows eliminated (Schur complement).

        Each segment row involves only its own flow (storage adds to node rows, inertia to the
        segment's own flow), so the steady solver's reduced structure serves unchanged.
        """
        (fa, fb, fd), kept = self.linearise(ev)
        wf, wt = self._segment_weights(ev.free)
        ad, bd = fa / fd, fb / fd
        return np.concatenate([kept, wf * ad, wf * bd, -wt * ad, -wt * bd])

    def _segment_weights(self, free: BoolArray) -> tuple[FloatArray, FloatArray]:
        """Coefficient magnitude of each segment flow in its end nodes' (scaled) mass
        balances: 1/q_scale at free nodes, 0 at pressure-set ones (cached per ``free``)."""
        hit = self._weights
        if hit is not None and hit[0] is free:
            return hit[1], hit[2]
        w = free / self.steady.q_scale
        wf, wt = w[self.law.from_node], w[self.law.to_node]
        self._weights = (free, wf, wt)
        return wf, wt

    def reduced_rhs(self, ev: Evaluation, f: FloatArray) -> FloatArray:
        """Right-hand side of the reduced Newton system for residual ``f``, with the matrix
        at ``ev`` (``f`` may be another point's residual: a chord step)."""
        nn, ns = self.nn, self.ns
        (_, _, fd), _ = self.linearise(ev)
        wf, wt = self._segment_weights(ev.free)
        rd = f[nn : nn + ns] / fd
        rhs = -np.concatenate([f[:nn], f[nn + ns :]])
        rhs[:nn] += np.bincount(self.law.to_node, weights=wt * rd, minlength=nn)
        rhs[:nn] -= np.bincount(self.law.from_node, weights=wf * rd, minlength=nn)
        return rhs

    def expand(self, ev: Evaluation, f: FloatArray, dy: FloatArray) -> FloatArray:
        """The full Newton step from the reduced one: the segment flows back-substituted
        (matrix at ``ev``, residual ``f``)."""
        nn, ns = self.nn, self.ns
        (fa, fb, fd), _ = self.linearise(ev)
        dx = np.empty(f.size)
        dx[:nn] = dy[:nn]
        dx[nn + ns :] = dy[nn:]
        dp = dy[:nn]
        dx[nn : nn + ns] = (
            -(f[nn : nn + ns] + fa * dp.take(self.law.from_node) + fb * dp.take(self.law.to_node))
            / fd
        )
        return dx

    def direction(
        self,
        x: FloatArray,
        modes: sy.Modes,
        terms: StepTerms,
        solver: sy.LinearSolverProtocol,
    ) -> FloatArray:
        """Newton step −J⁻¹F with the segment flows eliminated (Schur complement)."""
        ev = self.evaluate(x, modes, terms)
        values, rhs = self.reduced_values(ev), self.reduced_rhs(ev, ev.f)
        dy = solver.solve(self.steady.reduced.pattern.matrix(values), rhs)
        return self.expand(ev, ev.f, dy)

    def jacobian(self, x: FloatArray, modes: sy.Modes, terms: StepTerms) -> FloatArray:
        """The full Jacobian as a dense array (for tests)."""
        ev = self.evaluate(x, modes, terms)
        s, nn, ns, nc = self.steady, self.nn, self.ns, self.nc
        ne = s.n_edges
        (fa, fb, fd), k = self.linearise(ev)
        w = ev.free / s.q_scale
        inc_to, inc_from = w[s.e_to[:ns]], -w[s.e_from[:ns]]
        no = ne - ns
        o = nn + 2 * no + 3 * nc  # start of the non-pipe edge rows in ``kept``
        vals = np.concatenate(
            [
                k[:nn],
                inc_to,
                k[nn : nn + no],
                inc_from,
                k[nn + no : nn + 2 * no],
                k[nn + 2 * no : o],
                fa,
                k[o : o + no],
                fb,
                k[o + no : o + 2 * no],
                fd,
                k[o + 2 * no :],
            ]
        )
        return np.asarray(s.pattern.matrix(vals).toarray())


def _active(modes: sy.Modes) -> BoolArray:
    """Compressors that compress (neither bypassed nor off)."""
    m = modes.compressor
    return cast(BoolArray, (m != sy.M_BYPASS) & (m != sy.M_OFF))
