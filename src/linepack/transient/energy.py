"""The energy equation of an implicit transient step (``thermal = "energy"``).

Unknowns and storage
--------------------
Node temperatures ``T_i`` (case nodes and interior segment nodes) join the pressures and flows.
The gas stored at a node (the halves of its adjacent segments and any extra volume, ``V_i``)
is at the node's state: ``M_i = V_i ρ(p_i, T_i)``, ``ρ = p / (Z R T)`` with Z from the
compiled EOS, and ``E_i = M_i u(p_i, T_i) = V_i (ρ h − p)`` with ``h`` from
``cn.thermal.caloric`` (:func:`linepack.steady.thermal.stored_gas`). The pipe law of a segment
uses ``(T_from + T_to)/2``; stations their suction node's temperature and the real-gas head
factor of the energy balance (as the coupled steady solve's ``_retempered``).

Energy balance per node
-----------------------
Discretised in time with the mass balance's scheme and coefficients
(:func:`linepack.transient.integrate.coefficients`, history of E kept like that of M):

    (a₀ E_i^{n+1} + Σ_k a_k E_i^{n+1-k}) / h = Σ_in ṁ_e H_e + ṁ_ext h_ext
                                                − (Σ_out ṁ_e + demands + fuel) h_i − Q_i

with the stream enthalpies ``H_e`` and the heat to the soil ``Q_i = Σ π D U (L/2)(T_i − T_s)``
exactly those of :class:`linepack.steady.thermal.EnergySystem` with ``pipe_model="volume"``
(streams upwind, with potential and kinetic terms; compressors by real-gas compression,
coolers, preheaters, isenthalpic valves and regulators). At rest in time the equations are the
steady ``"volume"`` ones, so a run whose boundary values do not move stays at the steady state
it starts from.

Conservation. Summed over the nodes, each edge's ``ṁ h_up`` leaves one node and ``ṁ H_e``
arrives at the other, so the network's balance is: rate of change of the stored energy =
enthalpy brought by supplies − enthalpy taken by demands and fuel − heat to the soil + shaft
power − cooler + heater duty − Σ_pipes ṁ (g Δz + Δ(v²/2)). The potential term is itself a
discrete time derivative: with the mass balance discretised identically,
``Σ_e ṁ_e g Δz_e = (a₀ Φ^{n+1} + Σ_k a_k Φ^{n+1-k})/h − Σ_i ṁ_ext,i g z_i`` with
``Φ = Σ_i M_i g z_i``, so the total energy ``Σ_i M_i (u_i + g z_i)`` is conserved with the
boundary fluxes ``ṁ (h + g z)``; the kinetic term is not stored (it is the steady scheme's flux,
below 1e-4 of the enthalpy flows in transmission) and is counted as a loss. Each step reports
the defect of this balance relative to the throughput's enthalpy ``ṁ c_p T``
(:attr:`~linepack.transient.integrate.StepReport.energy_defect`); with the coupling converged
it is at round-off.

Coupling per step
-----------------
Block Gauss–Seidel inside each time step (:meth:`linepack.transient.integrate.Integrator._step`):
the hydraulic Newton of the step at the current temperature iterate (storage at node
temperatures, segment and station temperatures), then the energy equations at the new
pressures and flows (Newton on T with a sparse LU, :meth:`EnergyStep.solve`), repeated until no
node temperature moves by more than :data:`T_TOL` between two rounds, with Anderson acceleration
of the temperatures between rounds (they contract by a steady factor, ~0.35 on PSGP); the first
round starts from the previous state extrapolated in time.

The energy Newton solves each node's balance in *mixing* form
(:meth:`~linepack.steady.thermal.EnergySystem.mixing_residual`: the conservative balance minus
``h_i`` times the node's mass balance), which equals the conservative form where the mass
balance holds and, unlike it, does not depend on the reference of the enthalpy. The stored
energy is ``E = M u(p, T)`` with ``M`` the node masses of the step's hydraulic solve (at the
last temperature iterate, within :data:`T_TOL` of the final one), so the storage's derivative is
``−a₀ M ∂u/∂T / h + c_p × mass rate`` and the mass and energy histories telescope exactly: both
identities hold to round-off. A fully coupled Newton on (p, q, T) was not chosen: the reduced
(Schur) system of the hydraulics would double, and the stations' outlet states are only
piecewise smooth in T.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from linepack.errors import ConvergenceError
from linepack.network.compile import CompiledNetwork, ThermalData
from linepack.steady import system as sy
from linepack.steady.thermal import (
    EnergySystem,
    _head_factor,
    _ratio_cap,
    _Streams,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The coupling of a step stops when no node temperature moves by more than this between two
#: rounds [K] (and the hydraulics converged at the last temperatures).
T_TOL = 1e-9
#: Round changes below this [K] that no longer shrink are round-off: the rounds have converged
#: (the hydraulics' Newton tolerance leaves ~1e-9 K of noise in the temperatures of some steps).
ROUND_OFF_T = 1e-7
#: Most rounds of hydraulics and energy in one step.
MAX_ROUNDS = 40
#: The energy Newton of a round stops when its last temperature step is below this [K].
NEWTON_T_TOL = 1e-11
MAX_NEWTON = 30


@dataclass(frozen=True)
class EnergyHistory:
    """What the old time levels add to a step's storage terms.

    Attributes
    ----------
    a0 : float
        Coefficient of the new value in the time derivative.
    h : float
        Step [s].
    mass : ndarray
        Σ_k a_k M^{n+1-k} per node [kg].
    energy : ndarray
        Σ_k a_k E^{n+1-k} per node [J].
    """

    a0: float
    h: float
    mass: FloatArray
    energy: FloatArray


@dataclass
class EnergySolution:
    """The energy equations of one step solved at given pressures and flows.

    Attributes
    ----------
    temperature : ndarray
        Per node [K].
    streams : _Streams
        Stream enthalpies, heat to soil per segment [W], station outlet states, at it.
    system : EnergySystem
        The balance (terminals at the step's boundary values).
    mass, energy : ndarray
        Stored gas per node at it [kg], [J].
    iterations : int
        Newton steps.
    """

    temperature: FloatArray
    streams: _Streams
    system: EnergySystem
    mass: FloatArray
    energy: FloatArray
    iterations: int


class EnergyStep:
    """The energy equations of the steps of one run.

    Parameters
    ----------
    cn : CompiledNetwork
        The network, compiled with ``thermal = "energy"``.
    volume : ndarray
        Storage volume of each node [m³] (the transient system's).
    """

    def __init__(self, cn: CompiledNetwork, volume: FloatArray) -> None:
        if cn.thermal is None:
            raise ConvergenceError("the transient energy balance needs thermal data")
        self.cn = cn
        self.volume = np.asarray(volume, dtype=np.float64)

    def internal_energy(self, p: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Specific internal energy ``u = h − Z R T`` [J/kg] at each node and ``(∂u/∂T)_p``
        [J/(kg K)] (``c_p − R (Z + T ∂Z/∂T)``)."""
        cn = self.cn
        th = cn.thermal
        assert th is not None
        lo, hi = cn.eos_p_range
        pc = np.clip(p, lo, hi)
        z = np.asarray(cn.eos.z(pc, t), dtype=np.float64)
        dz = np.asarray(cn.eos.dz_dT(pc, t), dtype=np.float64)
        r = cn.gas.gas_constant
        cal = th.caloric
        return cal.h(p, t) - z * r * t, cal.cp(p, t) - r * (z + t * dz)

    def stored(self, mass: FloatArray, p: FloatArray, t: FloatArray) -> FloatArray:
        """Internal energy ``E = M u(p, T)`` of the gas stored at each node [J], for node
        masses ``mass`` [kg]."""
        return mass * self.internal_energy(p, t)[0]

    def solve(
        self,
        cn: CompiledNetwork,
        p: FloatArray,
        q: FloatArray,
        fuel: FloatArray,
        running: BoolArray,
        mass: FloatArray,
        hist: EnergyHistory,
        t0: FloatArray,
    ) -> EnergySolution:
        """Node temperatures [K] of the step at pressures ``p`` [Pa] and flows ``q`` [kg/s].

        ``cn`` holds the step's boundary values (supply flows and temperatures, soil
        temperatures, pressure set-points), ``mass`` the node masses of the hydraulics [kg]
        (their storage rate sets what pressure-set terminals exchange, and the stored energy
        is exactly ``M u``).

        Raises
        ------
        ConvergenceError
            If the Newton iteration does not converge.
        """
        rate = (hist.a0 * mass + hist.mass) / hist.h
        es = EnergySystem(
            cn, p, q, fuel, running, "volume", storage=rate, regularised=self.volume <= 0
        )
        cal = es.th.caloric
        t = t0.copy()
        step = np.full(1, np.inf)
        last = np.inf
        for it in range(MAX_NEWTON + 1):
            st = es.streams(t)
            u, du = self.internal_energy(p, t)
            m = mass
            size = float(np.max(np.abs(step), initial=0.0))
            # converged; or stalled at round-off (steps below ROUND_OFF_T no longer shrinking)
            if size < NEWTON_T_TOL or (size < ROUND_OFF_T and size > 0.5 * last):
                return EnergySolution(t, st, es, m, m * u, it)
            last = size
            if it == MAX_NEWTON:
                break
            m_rate = (hist.a0 * m + hist.mass) / hist.h
            r = es.mixing_residual(t, st, (hist.a0 * m * u + hist.energy) / hist.h, m_rate)
            # the storage's derivative at the hydraulics' masses: −a₀ M ∂u/∂T / h + c_p × rate
            diag = cal.cp(p, t) * m_rate - hist.a0 * m * du / hist.h
            jac = es.jacobian(t, st) + sp.diags(diag, format="csc")
            step = np.clip(spla.spsolve(jac, -r), -50.0, 50.0)
            t = t + step
        worst = int(np.argmax(np.abs(step)))
        raise ConvergenceError(
            f"the transient energy balance did not converge in {MAX_NEWTON} steps (last "
            f"temperature step {step[worst]:.3g} K at node '{self.cn.node_names[worst]}')"
        )

    def defect(self, sol: EnergySolution, hist: EnergyHistory) -> float:
        """|Σ_i conservative energy balance| of a solved step relative to the throughput's
        enthalpy measured from 0 K (``ṁ c_p T``, ṁ half the external flows) plus the heat,
        shaft power and duties: the step's energy defect (module docstring)."""
        es, st, t = sol.system, sol.streams, sol.temperature
        rate = (hist.a0 * sol.energy + hist.energy) / hist.h
        total = float(np.sum(es.in_out_residual(t, st, rate)))
        cp = es.th.caloric.cp(es.p, t)
        through = 0.5 * float(np.sum((es.ext_in + es.ext_out) * cp * t))
        scale = through + float(
            np.abs(st.q_soil).sum() + st.shaft.sum() + st.cooler.sum() + st.heater.sum()
        )
        return abs(total) / max(scale, 1e-30)

    def retempered(
        self,
        cn: CompiledNetwork,
        t: FloatArray,
        p: FloatArray,
        q: FloatArray,
        st: _Streams | None,
    ) -> CompiledNetwork:
        """``cn`` with the temperatures of node temperatures ``t`` [K]: segment means,
        station suction temperatures, real-gas head factors (from the streams ``st`` at ``t``,
        if given) and discharge-temperature ratio caps."""
        th = cn.thermal
        assert th is not None
        seg = cn.segments
        c = cn.compressors
        changes: dict[str, object] = {"suction_temperature": t[c.from_node].copy()}
        if st is not None:
            changes["head_factor"] = _head_factor(cn, th, p, q, t, st)
        if np.any(np.isfinite(th.max_discharge)):
            # without the streams' outlet temperatures every limited station gets its cap
            outlet = st.t_outlet if st is not None else np.full(len(c.setpoint), np.inf)
            changes["ratio_cap"] = _ratio_cap(cn, th, p, q, t, outlet)
        th2 = dataclasses.replace(th, **changes)  # type: ignore[arg-type]
        mean = 0.5 * (t[seg.from_node] + t[seg.to_node])
        return dataclasses.replace(
            cn, segments=dataclasses.replace(seg, temperature=mean), thermal=th2
        )


def running_of(modes: sy.Modes) -> BoolArray:
    """Compressors that compress (neither bypassed nor off)."""
    return np.asarray(~np.isin(modes.compressor, (sy.M_BYPASS, sy.M_OFF)), dtype=np.bool_)


def node_ambient(th: ThermalData, cn: CompiledNetwork, seg_soil: FloatArray) -> FloatArray:
    """Per node: the mean surroundings of its pipe segments [K] (the compiled ambient where it
    has none), for scheduled soil temperatures."""
    seg = cn.segments
    total = np.bincount(seg.from_node, weights=seg_soil, minlength=cn.n_nodes)
    total += np.bincount(seg.to_node, weights=seg_soil, minlength=cn.n_nodes)
    count = np.bincount(seg.from_node, minlength=cn.n_nodes) + np.bincount(
        seg.to_node, minlength=cn.n_nodes
    )
    return np.where(count > 0, total / np.maximum(count, 1), th.node_ambient)
