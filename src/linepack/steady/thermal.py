"""Steady energy balance: node temperatures for given pressures and flows.

With ``thermal = "energy"`` the steady solve (:func:`linepack.steady.solve.solve`) alternates
between the hydraulics (pressures and flows at given segment temperatures, station suction
temperatures and real-gas heads) and this energy balance (temperatures at given pressures and
flows) until neither moves; the fixed point satisfies both sets of equations to the solver's
tolerance (see :func:`linepack.steady.solve.solve`).

The unknowns here are the temperatures ``T`` of all nodes (case nodes and interior segment
nodes). Each node mixes what flows into it, enthalpy-balanced:

.. math:: \\sum_{in} \\dot m_k H_k = \\Big(\\sum_{in} \\dot m_k\\Big)\\, h(p_n, T_n)

where ``H_k`` is the specific enthalpy a stream brings, by flow direction (reverse flow is
upwinded like forward flow):

* a pipe segment (length L, inner diameter D, overall heat-transfer coefficient U referred to
  D, surroundings at T_s): ``H = h_u - g Δz - Δ(v²/2) - Q/ṁ``, the heat to the soil Q from the
  exponential temperature profile of constant c_p, μ_JT and pressure gradient
  (``../notes/thermal.md``): with ``x = π D U L / (ṁ c_p)``, ``J = μ_JT Δp / L - g Δz /
  (c_p L)``, ``φ(x) = (1 - e^{-x}) / x``: ``Q/ṁ = c_p [J L (1 - φ) + (T_u - T_s)(1 - e^{-x})]``.
  The coefficients are taken at the segment's mean pressure and mean temperature (a
  predictor at the inlet state, two corrections), which makes the scheme second order in the
  segment length and exact when they are constant. As ṁ → 0, x → ∞ and the gas arrives at
  the soil temperature (corrected for Joule-Thomson); with U = 0 no heat is exchanged.
* a compressor: real-gas compression with the station's efficiency (isentropic or polytropic,
  :func:`linepack.gas.caloric.compression_outlet`) to the outlet pressure plus the cooler's
  pressure drop; then the after-cooler brings the gas down to its set-point, within its duty.
* a regulator: isenthalpic (``H = h_u``), plus a preheater holding the lowest outlet
  temperature within its duty; valves, short pipes, resistors and bypassed stations:
  isenthalpic.

Supplies bring gas at their temperature; everything leaving a node (demands, fuel, pipes)
leaves at the node's state. A node nothing flows into takes the temperature of its
surroundings (``ThermalData.node_ambient``; a vanishing regularising inflow, 1e-12 of the
throughput, gives it).

Energy is conserved by construction: the enthalpy carried into the network by supplies, minus
that carried out by demands and fuel, minus the heat to the soil, minus cooler duty, plus
heater duty and shaft work, minus the gain of potential and kinetic energy along the pipes, is
zero to the round-off of the mass balance (:attr:`EnergyBalance.residual`).

The equations are solved by Newton's method on ``T`` with a sparse Jacobian (the derivative of
a pipe's stream enthalpy with respect to its inlet temperature is taken as
``c_p e^{-x}``, with the coefficients held: the iteration converges linearly fast, and the
residual is exact).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from linepack.errors import ConvergenceError, PropertyRangeError
from linepack.network.compile import CompiledNetwork, ThermalData
from linepack.steady import kernels

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

G = 9.80665  # standard gravity [m/s²]
#: Regularising inflow at every node, relative to the throughput [-]: a node nothing flows
#: into takes its surroundings' temperature.
EPS_INFLOW = 1e-12
#: Newton on the temperatures stops when the largest step is below this [K].
T_TOL = 1e-10
#: Steps below this [K] that no longer shrink are round-off: the iteration has converged.
ROUND_OFF = 1e-8
MAX_ITER = 50
#: RK4 steps of a polytropic compression path: 4 steps are within 2e-6 K of 64 on PSGP
#: stations (ratios up to 1.9), far inside the 0.05 K the outlet temperature is checked to.
COMPRESSION_STEPS = 4
#: Stations whose outlet is further than this below their ``max_discharge_temperature`` [K]
#: get no ratio cap in a round (:func:`_ratio_cap`).
CAP_WINDOW = 10.0
#: Heat-exchange models of pipe segments (:class:`EnergySystem`).
PIPE_MODELS = ("exponential", "volume")


@dataclass(frozen=True)
class EnergyBalance:
    """The steady energy balance of the whole network [W].

    Attributes
    ----------
    enthalpy_in : float
        Enthalpy flow brought by supplies (and any inflow at a pressure-set node).
    enthalpy_out : float
        Enthalpy flow taken by demands, outflows at pressure-set nodes and station fuel.
    heat_to_soil : float
        Heat from the gas to the surroundings, all pipes.
    cooler_duty, heater_duty : float
        Heat removed by after-coolers, added by preheaters.
    shaft_power : float
        Work of compression, ``Σ ṁ (h_out - h_in)`` over running stations.
    potential, kinetic : float
        Gain of potential and kinetic energy of the gas along the pipes.
    """

    enthalpy_in: float
    enthalpy_out: float
    heat_to_soil: float
    cooler_duty: float
    heater_duty: float
    shaft_power: float
    potential: float
    kinetic: float

    @property
    def residual(self) -> float:
        """In − out − heat to soil − cooler + heater + shaft − potential − kinetic [W]."""
        return (
            self.enthalpy_in
            - self.enthalpy_out
            - self.heat_to_soil
            - self.cooler_duty
            + self.heater_duty
            + self.shaft_power
            - self.potential
            - self.kinetic
        )

    @property
    def scale(self) -> float:
        """Sum of the magnitudes of the terms other than the enthalpy flows, plus the
        enthalpy flows measured from the gas at the inlet state: what ``residual`` is relative
        to [W]."""
        return (
            abs(self.heat_to_soil)
            + abs(self.cooler_duty)
            + abs(self.heater_duty)
            + abs(self.shaft_power)
            + abs(self.potential)
            + abs(self.kinetic)
            + abs(self.enthalpy_in)
            + abs(self.enthalpy_out)
        )


@dataclass(frozen=True)
class ThermalState:
    """Temperatures and heat flows of a steady solution (``thermal = "energy"``).

    Attributes
    ----------
    temperature : ndarray
        Per node [K] (case nodes, then interior segment nodes).
    enthalpy : ndarray
        Per node [J/kg].
    segment_temperature : ndarray
        Mean gas temperature of each segment [K] (what its pipe law uses).
    heat_to_soil : ndarray
        Heat from the gas to the surroundings per segment [W] (negative: the gas gains heat).
    compressor_discharge : ndarray
        Per compressor: temperature leaving the compressor, before its cooler [K] (NaN where
        it does not run).
    station_outlet : ndarray
        Per compressor: temperature leaving the station, after its cooler [K] (NaN where it
        does not run).
    shaft_power : ndarray
        Per compressor: ``ṁ (h_out - h_in)`` [W].
    cooler_duty : ndarray
        Per compressor [W].
    heater_duty : ndarray
        Per regulator [W].
    head_factor : ndarray
        Per compressor: real-gas head over the hydraulic head formula's at this state.
    ratio_cap : ndarray
        Per compressor: the largest ratio that keeps the station outlet at or below its
        ``max_discharge_temperature`` at this suction state (inf without that limit).
    balance : EnergyBalance
    iterations : int
        Newton steps of the last energy solve.
    """

    temperature: FloatArray
    enthalpy: FloatArray
    segment_temperature: FloatArray
    heat_to_soil: FloatArray
    compressor_discharge: FloatArray
    station_outlet: FloatArray
    shaft_power: FloatArray
    cooler_duty: FloatArray
    heater_duty: FloatArray
    head_factor: FloatArray
    ratio_cap: FloatArray
    balance: EnergyBalance
    iterations: int


@dataclass
class _Streams:
    """What each edge carries into its downstream node, at the current temperatures."""

    H: FloatArray  # specific enthalpy arriving [J/kg]
    dH: FloatArray  # dH / dT_upstream [J/(kg K)]
    q_soil: FloatArray  # per segment [W]
    t_mean: FloatArray  # per segment [K]
    potential: FloatArray  # per segment ṁ g Δz [W]
    kinetic: FloatArray  # per segment ṁ Δ(v²/2) [W]
    t_discharge: FloatArray
    t_outlet: FloatArray
    shaft: FloatArray
    cooler: FloatArray
    heater: FloatArray


def _phi(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``φ = (1 - e^{-x})/x`` and ``(1 - φ)/x`` for ``x >= 0`` (x may be inf), without
    cancellation at small x."""
    small = x < 1e-4
    xs = np.where(small | ~np.isfinite(x), 1.0, x)
    x0 = np.where(small, x, 0.0)  # the series only where it is used (x may be inf elsewhere)
    phi = np.where(small, 1.0 - x0 / 2.0 + x0 * x0 / 6.0, -np.expm1(-xs) / xs)
    rest = np.where(small, 0.5 - x0 / 6.0 + x0 * x0 / 24.0, (1.0 - phi) / xs)
    inf = ~np.isfinite(x)
    return np.where(inf, 0.0, phi), np.where(inf, 0.0, rest)


def _sum_at(index: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """``weights`` summed per ``index`` into an array of ``n`` [their unit]."""
    return np.asarray(np.bincount(index, weights=weights, minlength=n), dtype=np.float64)


def _eos_z(cn: CompiledNetwork, p: FloatArray, t: FloatArray) -> FloatArray:
    lo, hi = cn.eos_p_range
    return np.asarray(cn.eos.z(np.clip(p, lo, hi), t), dtype=np.float64)


class EnergySystem:
    """The energy balance of one compiled network at given pressures and flows.

    Parameters
    ----------
    cn : CompiledNetwork
        A network compiled with ``thermal = "energy"``.
    p : ndarray
        Pressure per node [Pa].
    q : ndarray
        Mass flow per edge [kg/s].
    fuel : ndarray
        Fuel drawn at each compressor's suction [kg/s].
    running : ndarray of bool
        Per compressor: compressing (not bypassed, not off).
    pipe_model : {"exponential", "volume"}
        How pipe segments exchange heat: ``"exponential"`` (the steady scheme: each stream
        loses the heat of the exponential profile from its inlet temperature, exact for
        constant coefficients); ``"volume"`` (the transient scheme's, :data:`PIPE_MODELS`):
        the gas stored at each node exchanges ``π D U (L/2) (T_node - T_s)`` per adjacent half
        segment, and streams carry enthalpy upwind (first order in the segment length); it
        keeps exchanging heat when the gas is at rest. A transient starts from the steady
        state of its own scheme.
    """

    def __init__(
        self,
        cn: CompiledNetwork,
        p: FloatArray,
        q: FloatArray,
        fuel: FloatArray,
        running: BoolArray,
        pipe_model: str = "exponential",
        storage: FloatArray | None = None,
        regularised: BoolArray | None = None,
    ) -> None:
        th = cn.thermal
        if th is None:
            raise ConvergenceError("the energy balance needs a case compiled with thermal data")
        if pipe_model not in PIPE_MODELS:
            raise ConvergenceError(
                f"unknown pipe heat model {pipe_model!r}; expected one of {PIPE_MODELS}"
            )
        self.pipe_model = pipe_model
        self.cn, self.th = cn, th
        self.p, self.q = p, q
        self.fuel = fuel
        ends = cn.edge_ends()
        e_from = np.concatenate([f for f, _ in ends]).astype(np.int64)
        e_to = np.concatenate([t for _, t in ends]).astype(np.int64)
        fwd = q >= 0.0
        self.up = np.where(fwd, e_from, e_to)
        self.dn = np.where(fwd, e_to, e_from)
        self.m = np.abs(q)
        self.off = cn.edge_offsets()
        self.n_seg = len(cn.segments.length)
        self.n = cn.n_nodes
        nc = len(cn.compressors.setpoint)
        o = self.off["compressor"]
        self.running = running & (q[o : o + nc] > 0.0)
        self._check_pressures()
        #: Regularising inflow per node [kg/s] (:data:`EPS_INFLOW` of the throughput).
        self.eps: float | FloatArray = 0.0
        self._terminals(fuel, storage)
        if regularised is not None:
            self.eps = np.where(regularised, self.eps, 0.0)

    def _check_pressures(self) -> None:
        """Name the node (and the station delivering to it) whose pressure is outside the
        caloric model's range, before an anonymous table error would."""
        box = getattr(self.th.caloric, "p_range", None)
        if box is None:
            return
        lo, hi = box
        bad = np.flatnonzero((self.p < lo * (1 - 1e-9)) | (self.p > hi * (1 + 1e-9)))
        if not bad.size:
            return
        i = int(bad[np.argmax(np.abs(np.log(self.p[bad] / np.sqrt(lo * hi))))])
        c = self.cn.compressors
        o = self.off["compressor"]
        feeds = [
            f"compressor '{self.cn.edge_names[o + k]}'" for k in np.flatnonzero(c.to_node == i)
        ]
        where = f"node '{self.cn.node_names[i]}'"
        raise PropertyRangeError(
            f"{where}"
            + (f" (outlet of {', '.join(feeds)})" if feeds else "")
            + f": pressure {self.p[i] / 1e5:.6g} bar abs is outside the property tables' range "
            f"{lo / 1e5:g}-{hi / 1e5:g} bar (the equation of state's range of validity); check "
            "the set-points and station ratios",
            element=feeds[0] if feeds else where,
            model=getattr(self.th.caloric, "name", ""),
            quantity="pressure",
            value=float(self.p[i]),
            low=float(lo),
            high=float(hi),
        )

    def _terminals(self, fuel: FloatArray, storage: FloatArray | None = None) -> None:
        """External inflow per node and the specific enthalpy it brings: the inflows of one
        node (supplies at their temperatures, the pressure-set terminal) mix by enthalpy."""
        cn, th, n = self.cn, self.th, self.n
        p = self.p
        cal = th.caloric
        # each inflow as (node, mass flow, temperature); outflows as mass flow per node
        nodes: list[int] = []
        flows: list[float] = []
        temps: list[float] = []
        out = np.zeros(n)
        s = cn.supplies
        for k in np.flatnonzero(np.isfinite(s.flow)):
            i, f = int(s.node[k]), float(s.flow[k])
            if f >= 0:
                nodes.append(i)
                flows.append(f)
                temps.append(float(th.supply_temperature[k]))
            else:
                out[i] -= f
        d = cn.demands
        for k in np.flatnonzero(np.isfinite(d.flow)):
            i, f = int(d.node[k]), float(d.flow[k])
            if f >= 0:
                out[i] += f
            else:
                nodes.append(i)
                flows.append(-f)
                temps.append(float(th.node_ambient[i]))
        # what pressure-set terminals exchange: the rest of each set node's balance
        bal = cn.injection.copy()
        np.add.at(bal, self.dn, self.m)
        np.subtract.at(bal, self.up, self.m)
        np.subtract.at(bal, cn.compressors.from_node, fuel)
        if storage is not None:
            bal -= storage
        is_set = np.isfinite(cn.p_set)
        give = np.where(is_set, -bal, 0.0)  # > 0: the terminal feeds the node
        set_t = th.node_ambient.copy()
        with_p = np.isfinite(s.pressure)
        set_t[s.node[with_p]] = th.supply_temperature[with_p]
        for j in np.flatnonzero(give > 0).tolist():
            nodes.append(j)
            flows.append(float(give[j]))
            temps.append(float(set_t[j]))
        out[(give <= 0) & is_set] -= give[(give <= 0) & is_set]
        out += np.bincount(cn.compressors.from_node, weights=fuel, minlength=n)
        at = np.asarray(nodes, dtype=np.int64)
        f_in = np.asarray(flows, dtype=np.float64)
        h_in = cal.h(p[at], np.asarray(temps, dtype=np.float64)) if at.size else np.zeros(0)
        ext_in: FloatArray = np.bincount(at, weights=f_in, minlength=n).astype(np.float64)
        ext_h = np.bincount(at, weights=f_in * h_in, minlength=n)
        self.ext_in = ext_in
        #: specific enthalpy of each node's external inflow, mixed [J/kg] (0 where none)
        self.h_ext = np.where(ext_in > 0, ext_h / np.where(ext_in > 0, ext_in, 1.0), 0.0)
        self.ext_out = out
        throughput = max(float(ext_in.sum()), float(np.abs(self.q).max(initial=0.0)), 1e-9)
        self.eps = EPS_INFLOW * throughput
        self.h_amb = cal.h(p, th.node_ambient)

    # ------------------------------------------------------------------------------ streams

    def streams(self, t: FloatArray) -> _Streams:
        """Enthalpy each edge brings to its downstream node, at node temperatures ``t``."""
        cn, th, cal = self.cn, self.th, self.th.caloric
        p, up, dn, m = self.p, self.up, self.dn, self.m
        h_node = cal.h(p, t)
        H = h_node[up].copy()
        dH = cal.cp(p[up], t[up])
        ns = self.n_seg
        seg = cn.segments
        # ---- pipe segments
        su, sd, ms = up[:ns], dn[:ns], m[:ns]
        pu, pd, tu = p[su], p[sd], t[su]
        length = seg.length
        dz = cn.elevation[sd] - cn.elevation[su]
        ts = th.seg_soil
        ua = math.pi * seg.diameter * th.seg_u  # [W/(m K)]
        if self.pipe_model == "volume":
            # heat leaves from the node volumes (residual), the streams carry h upwind
            cp = dH[:ns].copy()
            q_per_m = np.zeros(ns)
            decay = np.ones(ns)
            t_mean = 0.5 * (t[seg.from_node] + t[seg.to_node])
        else:
            cp, q_per_m, decay, t_mean = self._exponential(pu, pd, tu, dz, ms)
        # kinetic energy: velocities at the segment's ends, each end at its node's state
        r = cn.gas.gas_constant
        area = seg.area
        v_u = ms * _eos_z(cn, pu, tu) * r * tu / (pu * area)
        v_d = ms * _eos_z(cn, pd, t[sd]) * r * t[sd] / (pd * area)
        dke = 0.5 * (v_d**2 - v_u**2)
        H[:ns] = h_node[su] - G * dz - dke - q_per_m
        dH[:ns] = cp * decay
        q_soil = ms * q_per_m
        if self.pipe_model == "volume":
            half = 0.5 * ua * length
            q_soil = half * (t[seg.from_node] - ts) + half * (t[seg.to_node] - ts)
        # ---- compressors
        c = cn.compressors
        nc = len(c.setpoint)
        o = self.off["compressor"]
        t_dis = np.full(nc, np.nan)
        t_out = np.full(nc, np.nan)
        shaft = np.zeros(nc)
        cooler = np.zeros(nc)
        run = self.running
        if np.any(run):
            from linepack.gas.caloric import compression_outlet

            k = np.flatnonzero(run)
            try:
                ps, ts_, pd_ = p[c.from_node[k]], t[c.from_node[k]], p[c.to_node[k]]
                pc = pd_ + th.cooler_dp[k]
                h_s = h_node[c.from_node[k]]
                h_c, t_c = compression_outlet(
                    cal,
                    ps,
                    ts_,
                    pc,
                    c.efficiency[k],
                    c.polytropic[k],
                    eos=cn.eos,
                    gas_constant=r,
                    steps=COMPRESSION_STEPS,
                )
                mk = m[o + k]
                shaft[k] = mk * (h_c - h_s)
                t_dis[k] = t_c
                h_after = h_c.copy()
                has_cooler = np.isfinite(th.cooler_outlet[k])
                if np.any(has_cooler):
                    h_set = cal.h(pd_, np.where(has_cooler, th.cooler_outlet[k], t_c))
                    want = np.where(has_cooler, np.maximum(h_c - h_set, 0.0), 0.0)
                    cap = np.where(mk > 0, th.cooler_max_duty[k] / np.where(mk > 0, mk, 1.0), 0.0)
                    take = np.minimum(want, cap)
                    h_after = h_c - take
                    cooler[k] = mk * take
                H[o + k] = h_after
                t_out[k] = cal.temperature_ph(pd_, h_after, t_c)
                # d(h_after)/dT_s: the compression heats in proportion to the suction temperature;
                # a cooler holding its set-point passes nothing on
                held = has_cooler & (h_after < h_c) & (cooler[k] < th.cooler_max_duty[k])
                dH[o + k] = np.where(held, 0.0, cal.cp(pd_, t_out[k]) * t_c / ts_)
            except PropertyRangeError as exc:
                names = ", ".join(f"'{cn.edge_names[o + i]}'" for i in k)
                raise PropertyRangeError(
                    f"compressor station(s) {names}: the compressed gas leaves the property "
                    f"tables ({exc.message}); check the stations' ratio, efficiency and cooler "
                    "pressure drop",
                    element=f"compressor {names}",
                    model=exc.model,
                    quantity=exc.quantity,
                    value=exc.value,
                    low=exc.low,
                    high=exc.high,
                ) from None
        # ---- regulators: isenthalpic, with a preheater holding the lowest outlet temperature
        nr = len(cn.reg_setpoint)
        heater = np.zeros(nr)
        if nr and np.any(np.isfinite(th.heater_outlet)):
            o = self.off["regulator"]
            k = np.flatnonzero(np.isfinite(th.heater_outlet))
            e = o + k
            h_min = cal.h(p[dn[e]], th.heater_outlet[k])
            me = m[e]
            want = np.maximum(h_min - H[e], 0.0)
            cap = np.where(me > 0, th.heater_max_duty[k] / np.where(me > 0, me, 1.0), 0.0)
            add = np.minimum(want, cap)
            heater[k] = me * add
            dH[e] = np.where((add > 0) & (add < cap), 0.0, dH[e])
            H[e] = H[e] + add
        return _Streams(
            H, dH, q_soil, t_mean, ms * G * dz, ms * dke, t_dis, t_out, shaft, cooler, heater
        )

    def _exponential(
        self,
        pu: FloatArray,
        pd: FloatArray,
        tu: FloatArray,
        dz: FloatArray,
        ms: FloatArray,
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """The exponential profile of each segment: c_p, heat per unit mass [J/kg], the
        decay ``e^{-x}`` and the mean temperature [K] (module docstring).

        The coefficients c_p and μ_JT are taken at the inlet state (predictor), then twice at
        the segment's mean pressure and the mean temperature of the profile they give."""
        cal, th, seg = self.th.caloric, self.th, self.cn.segments
        ts = th.seg_soil
        ua = math.pi * seg.diameter * th.seg_u  # [W/(m K)]
        p_mean = 0.5 * (pu + pd)

        def profile(cp: FloatArray, mu: FloatArray) -> tuple[FloatArray, ...]:
            with np.errstate(divide="ignore"):
                x = np.where(ms > 0, ua * seg.length / np.where(ms > 0, ms, 1.0) / cp, np.inf)
            jl = mu * (pd - pu) - G * dz / cp  # J L [K]
            phi, rest = _phi(x)
            return x, jl, phi, ts + (tu - ts) * phi + jl * rest

        cp = cal.cp(pu, tu)
        mu = -cal.dh_dp(pu, tu) / cp
        for _ in range(2):
            t_mean = profile(cp, mu)[3]
            cp = cal.cp(p_mean, t_mean)
            mu = -cal.dh_dp(p_mean, t_mean) / cp
        x, jl, phi, t_mean = profile(cp, mu)
        decay = np.where(np.isfinite(x), np.exp(-np.where(np.isfinite(x), x, 0.0)), 0.0)
        q_per_m = cp * (jl * (1.0 - phi) + (tu - ts) * (1.0 - decay))
        return cp, q_per_m, decay, t_mean

    # ------------------------------------------------------------------------------ solve

    def residual(self, t: FloatArray, st: _Streams, h_node: FloatArray | None = None) -> FloatArray:
        """Enthalpy balance of every node [W]: inflows' enthalpy minus the mixed state's
        (``h_node``: the enthalpy at ``t``, if already known)."""
        if h_node is None:
            h_node = self.th.caloric.h(self.p, t)
        m_in = np.bincount(self.dn, weights=self.m, minlength=self.n) + self.ext_in
        inflow = _sum_at(self.dn, self.m * st.H, self.n)
        inflow += self.ext_in * self.h_ext + self.eps * self.h_amb
        return inflow - (m_in + self.eps) * h_node - self.node_heat(t)

    def node_heat(self, t: FloatArray) -> FloatArray:
        """Heat from the gas stored at each node to the soil [W] (``"volume"`` model; zeros
        for the exponential model, whose streams carry the heat)."""
        if self.pipe_model != "volume":
            return np.zeros(self.n)
        seg, th = self.cn.segments, self.th
        half = 0.5 * math.pi * seg.diameter * th.seg_u * seg.length
        out = _sum_at(seg.from_node, half * (t[seg.from_node] - th.seg_soil), self.n)
        out += _sum_at(seg.to_node, half * (t[seg.to_node] - th.seg_soil), self.n)
        return out

    def mixing_residual(
        self, t: FloatArray, st: _Streams, energy_rate: FloatArray, mass_rate: FloatArray
    ) -> FloatArray:
        """Energy balance of every node with storage, each inflow measured from the node's
        enthalpy [W]: :meth:`residual` minus ``energy_rate − h mass_rate``.

        ``energy_rate`` and ``mass_rate`` are a transient step's ``(a₀ E + history)/h`` [W]
        and ``(a₀ M + history)/h`` [kg/s] at the node's state. Where the node's mass balance
        holds this equals :meth:`in_out_residual`; unlike it, it does not depend on the
        reference of the enthalpy, and its derivative with respect to the node's temperature
        is the steady one plus ``c_p × history_M / h`` (see :mod:`linepack.transient.energy`).
        """
        h_node = self.th.caloric.h(self.p, t)
        return self.residual(t, st, h_node) - (energy_rate - h_node * mass_rate)

    def in_out_residual(self, t: FloatArray, st: _Streams, energy_rate: FloatArray) -> FloatArray:
        """Energy balance of every node in conservative form [W]: enthalpy carried in (edges,
        supplies) minus enthalpy carried out at the node's state (edges, demands, fuel,
        pressure-set terminals) minus heat to the soil minus ``energy_rate``, the storage's
        ``(a₀ E + history)/h`` [W]. Summed over the nodes the edge terms cancel but for the
        potential and kinetic energy the pipes give the gas, the shaft power and the cooler and
        heater duties: the sum is the network's energy defect."""
        h_node = self.th.caloric.h(self.p, t)
        into = _sum_at(self.dn, self.m * st.H, self.n)
        into += self.ext_in * self.h_ext
        out = np.bincount(self.up, weights=self.m, minlength=self.n) + self.ext_out
        return into - out * h_node - self.node_heat(t) - energy_rate

    def node_conductance(self) -> FloatArray:
        """d(node_heat)/dT per node [W/K]."""
        if self.pipe_model != "volume":
            return np.zeros(self.n)
        seg, th = self.cn.segments, self.th
        half = 0.5 * math.pi * seg.diameter * th.seg_u * seg.length
        return _sum_at(seg.from_node, half, self.n) + _sum_at(seg.to_node, half, self.n)

    def jacobian(self, t: FloatArray, st: _Streams) -> sp.csc_matrix:
        """``dR/dT`` [W/K] (the stream enthalpies' dependence on their inlet temperature held
        as described in the module docstring)."""
        cal = self.th.caloric
        m_in = np.bincount(self.dn, weights=self.m, minlength=self.n) + self.ext_in
        diag = -(m_in + self.eps) * cal.cp(self.p, t) - self.node_conductance()
        rows = np.concatenate([np.arange(self.n), self.dn])
        cols = np.concatenate([np.arange(self.n), self.up])
        vals = np.concatenate([diag, self.m * st.dH])
        return sp.csc_matrix((vals, (rows, cols)), shape=(self.n, self.n))

    def solve(self, t0: FloatArray, tol: float = T_TOL) -> tuple[FloatArray, _Streams, int]:
        """Node temperatures [K] from the start ``t0`` to a last step below ``tol`` [K]; the
        streams at them; Newton steps."""
        t = t0.copy()
        last = np.inf
        for it in range(1, MAX_ITER + 1):
            st = self.streams(t)
            r = self.residual(t, st)
            dt = spla.spsolve(self.jacobian(t, st), -r)
            dt = np.clip(dt, -50.0, 50.0)
            t = t + dt
            size = float(np.max(np.abs(dt), initial=0.0))
            # converged; or stalled at round-off (steps no longer shrinking, below ROUND_OFF)
            if size < tol or (size < ROUND_OFF and size > 0.5 * last):
                # the streams at the last point: the step was below the tolerance, so these
                # are the streams of the solution to it
                return t, st, it
            last = size
        worst = int(np.argmax(np.abs(dt)))
        raise ConvergenceError(
            f"the energy balance did not converge in {MAX_ITER} steps (last temperature step "
            f"{dt[worst]:.3g} K at node '{self.cn.node_names[worst]}')"
        )


def energy_state(
    cn: CompiledNetwork,
    p: FloatArray,
    q: FloatArray,
    fuel: FloatArray,
    running: BoolArray,
    t0: FloatArray | None = None,
    *,
    solve: bool = True,
    tol: float = T_TOL,
    pipe_model: str = "exponential",
) -> ThermalState:
    """Solve the steady energy balance at given pressures and flows.

    Parameters
    ----------
    cn : CompiledNetwork
        A network compiled with ``thermal = "energy"`` (``cn.thermal`` set).
    p : ndarray
        Pressure per node [Pa abs].
    q : ndarray
        Mass flow per edge [kg/s].
    fuel : ndarray
        Fuel drawn at each compressor's suction [kg/s].
    running : ndarray of bool
        Per compressor: whether it compresses (bypassed and stopped stations pass gas
        isenthalpically).
    t0 : ndarray, optional
        Starting node temperatures [K] (default: each node's surroundings).
    solve : bool, optional
        If False, evaluate everything at the temperatures ``t0`` without solving (the coupled
        solve's extrapolated rounds).
    tol : float, optional
        Newton stops when its last temperature step is below this [K] (default
        :data:`T_TOL`; the coupled solve loosens it in its early rounds).
    pipe_model : {"exponential", "volume"}
        Heat exchange of pipe segments (see :class:`EnergySystem`).

    Returns
    -------
    ThermalState
    """
    system = EnergySystem(cn, p, q, fuel, running, pipe_model)
    th = system.th
    start = th.node_ambient.copy() if t0 is None else t0
    if solve:
        t, st, iterations = system.solve(start, tol)
    else:
        t, st, iterations = start, system.streams(start), 0
    h = th.caloric.h(p, t)
    return ThermalState(
        temperature=t,
        enthalpy=h,
        segment_temperature=st.t_mean,
        heat_to_soil=st.q_soil,
        compressor_discharge=st.t_discharge,
        station_outlet=st.t_outlet,
        shaft_power=st.shaft,
        cooler_duty=st.cooler,
        heater_duty=st.heater,
        head_factor=_head_factor(cn, th, p, q, t, st),
        ratio_cap=_ratio_cap(cn, th, p, q, t, st.t_outlet),
        balance=_balance(system, h, st),
        iterations=iterations,
    )


def _balance(system: EnergySystem, h: FloatArray, st: _Streams) -> EnergyBalance:
    h_in = float(np.sum(system.ext_in * system.h_ext))
    h_out = float(np.sum(system.ext_out * h))
    return EnergyBalance(
        enthalpy_in=h_in,
        enthalpy_out=h_out,
        heat_to_soil=float(st.q_soil.sum()),
        cooler_duty=float(st.cooler.sum()),
        heater_duty=float(st.heater.sum()),
        shaft_power=float(st.shaft.sum()),
        potential=float(st.potential.sum()),
        kinetic=float(st.kinetic.sum()),
    )


def _head_factor(
    cn: CompiledNetwork,
    th: ThermalData,
    p: FloatArray,
    q: FloatArray,
    t: FloatArray,
    st: _Streams,
) -> FloatArray:
    """Real-gas shaft power over the hydraulic power formula's, per running station."""
    c = cn.compressors
    o = cn.edge_offsets()["compressor"]
    nc = len(c.setpoint)
    qc = q[o : o + nc]
    factor = th.head_factor.copy()
    run = np.isfinite(st.t_discharge) & (qc > 0)
    if not np.any(run):
        return factor
    k = np.flatnonzero(run)
    ps, pd = p[c.from_node[k]], p[c.to_node[k]]
    ts = t[c.from_node[k]]
    z = _eos_z(cn, ps, ts)
    power = kernels.compression_power(
        qc[k],
        ps,
        pd,
        z=z,
        dz_dps=np.zeros_like(z),
        temperature=ts,
        gas_constant=cn.gas.gas_constant,
        kappa=cn.gas.kappa,
        efficiency=c.efficiency[k],
        polytropic=c.polytropic[k],
    )[0]
    ok = power > 0
    factor[k[ok]] = st.shaft[k[ok]] / power[ok]
    return factor


def _ratio_cap(
    cn: CompiledNetwork,
    th: ThermalData,
    p: FloatArray,
    q: FloatArray,
    t: FloatArray,
    t_outlet: FloatArray,
) -> FloatArray:
    """Per station: the largest ratio keeping the outlet (after the cooler, within its duty at
    the present flow) at or below its ``max_discharge_temperature`` at the present suction
    state (inf without the limit or when no ratio up to the EOS range reaches it).

    Only stations whose outlet ``t_outlet`` is within :data:`CAP_WINDOW` of their limit (or
    above it, or holding it) get a finite cap: far from it the cap cannot bind in the next
    round (a round moves the outlet by much less), and the search costs a root-find of the
    compression path.
    """
    c = cn.compressors
    nc = len(c.setpoint)
    o = cn.edge_offsets()["compressor"]
    cap = np.full(nc, np.inf)
    if not np.any(np.isfinite(th.max_discharge)):
        return cap
    from scipy.optimize import brentq

    from linepack.gas.caloric import compression_outlet

    cal = th.caloric
    hi_p = cn.eos_p_range[1]
    near = np.isfinite(th.max_discharge) & ~(t_outlet < th.max_discharge - CAP_WINDOW)
    held = th.ratio_cap is not None and np.isfinite(th.ratio_cap)
    for k in map(int, np.flatnonzero(near | held)):
        ps, ts = float(p[c.from_node[k]]), float(t[c.from_node[k]])
        mk = max(float(q[o + k]), 0.0)
        t_max = float(th.max_discharge[k])

        def excess(
            ratio: float,
            k: int = int(k),
            ps: float = ps,
            ts: float = ts,
            mk: float = mk,
            t_max: float = t_max,
        ) -> float:
            pd = np.array([ratio * ps])
            h_c, t_c = compression_outlet(
                cal,
                np.array([ps]),
                np.array([ts]),
                pd + th.cooler_dp[k],
                c.efficiency[k : k + 1],
                c.polytropic[k : k + 1],
                eos=cn.eos,
                gas_constant=cn.gas.gas_constant,
                steps=COMPRESSION_STEPS,
            )
            if not np.isfinite(th.cooler_outlet[k]):
                return float(t_c[0]) - t_max
            h_set = float(cal.h(pd, np.array([th.cooler_outlet[k]]))[0])
            take = max(float(h_c[0]) - h_set, 0.0)
            if mk > 0:
                take = min(take, float(th.cooler_max_duty[k]) / mk)
            h_after = np.array([float(h_c[0]) - take])
            return float(cal.temperature_ph(pd, h_after, t_c)[0]) - t_max

        top = max(1.0 + 1e-6, (hi_p - float(th.cooler_dp[k])) / ps)
        if excess(1.0) >= 0:
            cap[k] = 1.0
        elif excess(top) <= 0:
            cap[k] = np.inf
        else:
            cap[k] = float(brentq(excess, 1.0, top, xtol=1e-13, rtol=1e-13))
    return cap


def anderson(
    history: list[tuple[FloatArray, FloatArray]], t: FloatArray, g: FloatArray, depth: int = 3
) -> FloatArray:
    """Next iterate of the fixed point ``t = g(t)`` by Anderson acceleration (type II) over
    the last ``depth`` rounds; ``history`` keeps (t, g(t) - t) pairs and is extended.

    The transient's coupling rounds use it (each round cuts the error only to ~0.35 there: a
    heated node's pressure rises and feeds back); the steady rounds contract 60-300-fold and
    gain nothing from it.
    """
    f = g - t
    history.append((t.copy(), f.copy()))
    del history[: -(depth + 1)]
    if len(history) < 2:
        return g
    dt = np.stack([history[i + 1][0] - history[i][0] for i in range(len(history) - 1)], axis=1)
    df = np.stack([history[i + 1][1] - history[i][1] for i in range(len(history) - 1)], axis=1)
    gamma, *_ = np.linalg.lstsq(df, f, rcond=None)
    out = g - (dt + df) @ gamma
    # a wild extrapolation (far outside what the rounds saw) is not taken
    if not np.all(np.isfinite(out)) or np.max(np.abs(out - g)) > 10.0 * max(
        float(np.max(np.abs(f))), 1e-6
    ):
        history.clear()
        history.append((t.copy(), f.copy()))
        return g
    return np.asarray(out, dtype=np.float64)


def cold_spots(cn: CompiledNetwork, t: FloatArray) -> list[str]:
    """Where gas falls below the case's ``min_gas_temperature``: one line per pipe (its coldest
    point) or regulator outlet, coldest first (the hydrate and freezing guard).

    Parameters
    ----------
    cn : CompiledNetwork
        A network with thermal data (empty list otherwise).
    t : ndarray
        Temperature per node [K].

    Returns
    -------
    list of str
    """
    if cn.thermal is None:
        return []
    t_min = cn.thermal.min_temperature
    found: list[tuple[float, str]] = []
    seg = cn.segments
    cold = np.minimum(t[seg.from_node], t[seg.to_node])
    worst = np.full(len(cn.pipe_names), np.inf)
    np.minimum.at(worst, seg.pipe, cold)
    for i in np.flatnonzero(worst < t_min):
        found.append((float(worst[i]), f"pipe '{cn.pipe_names[i]}'"))
    for k, name in enumerate(cn.labels.regulators):
        tk = float(t[cn.reg_to[k]])
        if tk < t_min:
            found.append((tk, f"regulator '{name}' outlet"))
    found.sort()
    return [
        f"{where}: gas at {tk - 273.15:.2f} degC, below min_gas_temperature "
        f"{t_min - 273.15:.2f} degC"
        for tk, where in found
    ]


def stored_gas(
    cn: CompiledNetwork, volume: FloatArray, p: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Mass and internal energy of the gas stored in given volumes.

    Parameters
    ----------
    cn : CompiledNetwork
        A network compiled with ``thermal = "energy"`` (its EOS and caloric model).
    volume : ndarray
        Volume of each store [m³].
    p, t : ndarray
        Pressure [Pa abs] and temperature [K] of the gas in each store.

    Returns
    -------
    mass : ndarray
        ``M = V ρ`` [kg], ``ρ = p / (Z R T)`` with Z from ``cn.eos`` (pressure clipped to its
        table as the hydraulics clip it).
    energy : ndarray
        ``E = M u = V (ρ h − p)`` [J], ``h`` from ``cn.thermal.caloric`` (the same EOS, so a
        state that does not change stores constant energy).
    """
    th = cn.thermal
    if th is None:
        raise ConvergenceError("stored energy needs a case compiled with thermal data")
    rho = p / (_eos_z(cn, p, t) * cn.gas.gas_constant * t)
    return volume * rho, volume * (rho * th.caloric.h(p, t) - p)
