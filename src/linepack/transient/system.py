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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from linepack.network.compile import CompiledNetwork
from linepack.steady import system as sy

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
        nn, ne = s.n_nodes, s.n_edges
        ns, nc = len(seg.length), len(cn.compressors.setpoint)
        self.nn, self.ns = nn, ns
        half = seg.area * seg.length / 2.0
        extra = np.zeros(nn) if node_volume is None else np.asarray(node_volume, dtype=float)
        vessels = np.flatnonzero(extra)
        t_gas = cn.network.settings.gas_temperature
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
        # where the steady assembly puts node diagonals and edge derivatives (checked)
        e1 = nn + 2 * ne + 3 * nc
        self._blocks = (e1, e1 + ne, e1 + 2 * ne)
        pat, edge = s.pattern, nn + np.arange(ne)
        ok = (
            np.array_equal(pat.rows[:nn], np.arange(nn))
            and np.array_equal(pat.cols[:nn], np.arange(nn))
            and all(np.array_equal(pat.rows[b : b + ne], edge) for b in self._blocks)
            and np.array_equal(pat.cols[e1 : e1 + ne], s.e_from)
            and np.array_equal(pat.cols[e1 + ne : e1 + 2 * ne], s.e_to)
            and np.array_equal(pat.cols[e1 + 2 * ne : e1 + 3 * ne], edge)
        )
        if not ok:  # pragma: no cover - guards against a change of the steady layout
            raise RuntimeError("the steady system's Jacobian layout is not the expected one")
        self.valve_edges = s.off["valve"] + np.arange(len(cn.valve_open))

    # -- gas in store -------------------------------------------------------------------------
    def density(self, p: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Density ρ = p/(Z R_s T) [kg/m³] and dρ/dp, Z clipped to the EOS table."""
        z, dz = self.steady.z(p, t)
        zrt = z * self.cn.gas.gas_constant * t
        return p / zrt, (1.0 - p * dz / z) / zrt

    def node_mass(self, p: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Gas mass stored at each node [kg] and its derivative with respect to p_i [kg/Pa]."""
        rho, drho = self.density(p[self.ends], self.end_temperature)
        m = np.bincount(self.ends, weights=self.end_volume * rho, minlength=self.nn)
        dm = np.bincount(self.ends, weights=self.end_volume * drho, minlength=self.nn)
        return m.astype(float), dm.astype(float)

    def power_fuel(self, x: FloatArray, modes: sy.Modes) -> tuple[FloatArray, FloatArray]:
        """Shaft power [W] and fuel [kg/s] of every compressor (as the steady solver counts)."""
        s, nn = self.steady, self.nn
        p, q = x[:nn], x[nn:]
        pw = s.power(p, q)[0]
        o = s.off["compressor"]
        qc = q[o : o + len(modes.compressor)]
        active = ~np.isin(modes.compressor, (sy.M_BYPASS, sy.M_OFF))
        power = np.where(active & (qc > 0), np.maximum(pw, 0.0), 0.0)
        return power, self.cn.compressors.fuel_per_work * power

    def external_inflow(self, x: FloatArray, modes: sy.Modes, terms: StepTerms) -> FloatArray:
        """What enters each node from outside at t_{n+1} [kg/s], fuel not subtracted.

        Free nodes: their fixed injection. Pressure-set nodes: the storage rate minus the net
        inflow through edges plus the fuel drawn there, so that every node's balance holds.
        """
        s, nn = self.steady, self.nn
        q = x[nn:]
        _, fuel = self.power_fuel(x, modes)
        net = np.zeros(nn)
        np.add.at(net, s.e_to, q)
        np.subtract.at(net, s.e_from, q)
        np.subtract.at(net, self.cn.compressors.from_node, fuel)
        m, _ = self.node_mass(x[:nn])
        rate = (terms.a0 * m + terms.mass_history) / terms.h
        return np.where(terms.free, terms.injection, rate - net)

    # -- assembly -----------------------------------------------------------------------------
    def assemble(
        self, x: FloatArray, modes: sy.Modes, terms: StepTerms, jacobian: bool
    ) -> tuple[FloatArray, FloatArray | None, tuple[FloatArray, ...]]:
        """Residual, Jacobian values (steady pattern order) and segment-row derivatives."""
        s, nn, ns = self.steady, self.nn, self.ns
        f, vals, seg = s._assemble(x, modes, jacobian)
        p, q = x[:nn], x[nn:]
        free, qs, ps = terms.free, s.q_scale, s.p_scale
        m, dm = self.node_mass(p)
        store = (terms.a0 * m + terms.mass_history) / terms.h
        if np.array_equal(free, self.free):
            f[:nn] += np.where(free, (terms.injection - s.cn.injection - store) / qs, 0.0)
        else:
            self._switched_nodes(x, modes, terms, store, f, vals)
        # segment rows: r / (p1 + p2) − (L/A) dq/dt, scaled by the pressure scale
        r, a, b, c = seg
        p1, p2 = p[self.cn.segments.from_node], p[self.cn.segments.to_node]
        total = np.maximum(p1 + p2, 1.0)
        g = ps / total
        inert = self.inertance / (terms.h * ps)
        fs = r * g - inert * (terms.a0 * q[:ns] + terms.flow_history)
        fa, fb = (a - r / total) * g, (b - r / total) * g
        fd = c * g - inert * terms.a0
        f[nn : nn + ns] = fs
        self._valves(x, modes, terms, f, vals)
        if vals is not None:
            vals[:nn] -= np.where(free, terms.a0 * dm / (terms.h * qs), 0.0)
            e1, e2, e3 = self._blocks
            vals[e1 : e1 + ns], vals[e2 : e2 + ns], vals[e3 : e3 + ns] = fa, fb, fd
        return f, vals, (fs, fa, fb, fd)

    def _switched_nodes(
        self,
        x: FloatArray,
        modes: sy.Modes,
        terms: StepTerms,
        store: FloatArray,
        f: FloatArray,
        vals: FloatArray | None,
    ) -> None:
        """Node rows when the set of pressure-set nodes differs from the network's.

        All node rows are rebuilt (mass balance or set-point), and the Jacobian entries the
        steady assembly masked by the network's set nodes: incidence and fuel derivatives.
        """
        s, nn, cn = self.steady, self.nn, self.cn
        p, q = x[:nn], x[nn:]
        free, qs, ps = terms.free, s.q_scale, s.p_scale
        c = cn.compressors
        pw = s.power(p, q)
        o = s.off["compressor"]
        qc = q[o : o + len(c.setpoint)]
        active = ~np.isin(modes.compressor, (sy.M_BYPASS, sy.M_OFF))
        fuel_k = c.fuel_per_work * active * (qc > 0)
        bal = terms.injection.copy()
        np.add.at(bal, s.e_to, q)
        np.subtract.at(bal, s.e_from, q)
        np.subtract.at(bal, c.from_node, fuel_k * np.maximum(pw[0], 0.0))
        f[:nn] = np.where(free, (bal - store) / qs, (p - np.nan_to_num(modes.p_set)) / ps)
        if vals is None:
            return
        ne, nc = s.n_edges, len(c.setpoint)
        w = free / qs
        vals[:nn] = np.where(free, 0.0, 1.0 / ps)
        vals[nn : nn + ne] = w[s.e_to]
        vals[nn + ne : nn + 2 * ne] = -w[s.e_from]
        pos = pw[0] > 0
        b = nn + 2 * ne
        for k, d in enumerate((pw[2], pw[3], pw[1])):
            vals[b + k * nc : b + (k + 1) * nc] = -fuel_k * pos * d * w[c.from_node]

    def _valves(
        self,
        x: FloatArray,
        modes: sy.Modes,
        terms: StepTerms,
        f: FloatArray,
        vals: FloatArray | None,
    ) -> None:
        """Rows of valves whose scheduled state differs from the compiled one."""
        cn, s, nn = self.cn, self.steady, self.nn
        moved = (terms.valve_open != cn.valve_open) & ~modes.idle[self.valve_edges]
        if not np.any(moved):
            return
        k = np.flatnonzero(moved)
        e = self.valve_edges[k]
        op = terms.valve_open[k]
        p1, p2, q = x[cn.valve_from[k]], x[cn.valve_to[k]], x[nn + e]
        ps, qs = s.p_scale, s.q_scale
        f[nn + e] = np.where(op, (p1 - p2) / ps, q / qs)
        if vals is not None:
            e1, e2, e3 = self._blocks
            vals[e1 + e] = np.where(op, 1.0 / ps, 0.0)
            vals[e2 + e] = np.where(op, -1.0 / ps, 0.0)
            vals[e3 + e] = np.where(op, 0.0, 1.0 / qs)

    def residual(self, x: FloatArray, modes: sy.Modes, terms: StepTerms) -> FloatArray:
        """Scaled residual of the time step."""
        return self.assemble(x, modes, terms, False)[0]

    def direction(
        self,
        x: FloatArray,
        modes: sy.Modes,
        terms: StepTerms,
        solver: sy.LinearSolverProtocol,
    ) -> FloatArray:
        """Newton step −J⁻¹F with the segment flows eliminated (Schur complement).

        Each segment row involves only its own flow (storage adds to node rows, inertia to the
        segment's own flow), so the steady solver's reduced structure serves unchanged.
        """
        f, vals, seg = self.assemble(x, modes, terms, True)
        assert vals is not None
        s = self.steady
        red = s.reduced
        r, a, b, d = seg
        sf, st = red.seg_from, red.seg_to
        cf, ct = red.coef_from, red.coef_to
        if not np.array_equal(terms.free, self.free):
            w = terms.free / s.q_scale
            cf, ct = -w[sf], w[st]
        rhs = -f[red.kept_rows]
        rd = r / d
        np.add.at(rhs, sf, cf * rd)
        np.add.at(rhs, st, ct * rd)
        ad, bd = a / d, b / d
        values = np.concatenate([vals[red.keep], -cf * ad, -cf * bd, -ct * ad, -ct * bd])
        dy = solver.solve(red.pattern.matrix(values), rhs)
        dx = np.empty_like(x)
        dx[red.kept_unknowns] = dy
        dp = dx[: self.nn]
        dx[self.nn + red.seg_edges] = -(r + a * dp[sf] + b * dp[st]) / d
        return dx

    def jacobian(self, x: FloatArray, modes: sy.Modes, terms: StepTerms) -> FloatArray:
        """The full Jacobian as a dense array (for tests)."""
        _, vals, _ = self.assemble(x, modes, terms, True)
        assert vals is not None
        return np.asarray(self.steady.pattern.matrix(vals).toarray())
