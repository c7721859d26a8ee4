"""Bind a :class:`~linepack.network.schedule.Schedule` to a compiled network.

:class:`BoundaryMap` resolves element names to indices once and gives, for any time, the
boundary values as arrays the transient system reads (:class:`Boundary`).

A supply or demand is controlled by the quantity the case gives it (pressure or flow) until
the schedule gives the *other* quantity: from the first time of that series (or its earliest
event) on, the other quantity controls. So a pressure-set LNG terminal can fall to 20 % of its
flow ("switch to flow control"), or a flow-set delivery can be held at a pressure. The initial
steady state always uses the case's quantity. A fraction in an event on the switched quantity
is relative to its value in the initial state (the supply's inflow, the node's pressure).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from linepack.errors import CaseError
from linepack.network.compile import CompiledNetwork
from linepack.network.model import CompressorMode, Network
from linepack.network.schedule import Key, Schedule
from linepack.steady import system as sy

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Boundary:
    """Boundary values at one time (arrays over the compiled network).

    Attributes
    ----------
    t : float
        [s].
    injection : ndarray
        Fixed net injection per node [kg/s] (supplies minus demands with fixed flow).
    p_set : ndarray
        Pressure set-point per node [Pa] (NaN where free).
    comp_mode : ndarray of int
        Each compressor's own (the case's) control mode code.
    comp_value : ndarray
        Set-point of each compressor in that mode.
    comp_on : ndarray of bool
        Whether each station runs (False: scheduled off).
    reg_value : ndarray
        Outlet set-point of each regulator [Pa].
    valve_open : ndarray of bool
        Valve states.
    """

    t: float
    injection: FloatArray
    p_set: FloatArray
    comp_mode: NDArray[np.int64]
    comp_value: FloatArray
    comp_on: BoolArray
    reg_value: FloatArray
    valve_open: BoolArray


def _quantity_of(net: Network) -> dict[tuple[str, str], str]:
    """The quantity a case fixes for each supply and demand."""
    out: dict[tuple[str, str], str] = {}
    for s in net.supplies:
        out[("supply", s.name)] = "pressure" if s.pressure is not None else "flow"
    for d in net.demands:
        out[("demand", d.name)] = "pressure" if d.pressure is not None else "flow"
    return out


def resolve(schedule: Schedule, net: Network) -> Schedule:
    """The schedule with every event's quantity named, checked against the network.

    Raises
    ------
    CaseError
        A target that names no element.
    """
    fixed = _quantity_of(net)

    def quantity_of(kind: str, name: str) -> str:
        if (kind, name) not in fixed:
            raise CaseError("no such element", element=f"{kind} '{name}'", key="schedule")
        return fixed[(kind, name)]

    out = schedule.resolve(quantity_of)
    names = {
        "supply": {s.name for s in net.supplies},
        "demand": {d.name for d in net.demands},
        "compressor": {c.name for c in net.compressors},
        "regulator": {r.name for r in net.regulators},
        "valve": {v.name for v in net.valves},
    }
    for kind, name, _ in sorted(out.targets()):
        if name not in names[kind]:
            raise CaseError("no such element", element=f"{kind} '{name}'", key="schedule")
    return out


def network_at(net: Network, schedule: Schedule, t: float) -> Network:
    """A copy of ``net`` with the scheduled values at time ``t`` (for the initial steady state)."""
    sched = resolve(schedule, net)

    def val(key: Key, base: float) -> float:
        return sched.value_at(key, t, base)

    supplies = [
        replace(s, pressure=val(("supply", s.name, "pressure"), s.pressure))
        if s.pressure is not None
        else replace(s, flow=val(("supply", s.name, "flow"), s.flow or 0.0))
        for s in net.supplies
    ]
    demands = [
        replace(d, pressure=val(("demand", d.name, "pressure"), d.pressure))
        if d.pressure is not None
        else replace(d, flow=val(("demand", d.name, "flow"), d.flow or 0.0))
        for d in net.demands
    ]
    comps = []
    for c in net.compressors:
        on = val(("compressor", c.name, "on"), 0.0 if c.mode is CompressorMode.OFF else 1.0)
        c2 = replace(c, setpoint=val(("compressor", c.name, "setpoint"), c.setpoint))
        comps.append(replace(c2, mode=CompressorMode.OFF) if on < 0.5 else c2)
    regs = [
        replace(r, setpoint=val(("regulator", r.name, "setpoint"), r.setpoint))
        for r in net.regulators
    ]
    valves = [
        replace(v, open=val(("valve", v.name, "open"), float(v.open)) > 0.5) for v in net.valves
    ]
    return replace(
        net, supplies=supplies, demands=demands, compressors=comps, regulators=regs, valves=valves
    )


class BoundaryMap:
    """Boundary values of a compiled network over time.

    Parameters
    ----------
    cn : CompiledNetwork
        The network.
    schedule : Schedule
        Boundary conditions over time.
    base : Modes, optional
        Operating state whose set-points are the base values (default: the case's).
    nominal_mode : ndarray of int, optional
        Each station's own control mode (default: the compiled network's). Give the original
        case's modes when ``cn`` was compiled with stations scheduled off at the start.
    base_pressure, base_inflow : ndarray, optional
        Node pressures [Pa] and external inflows [kg/s] of the initial state: the base of
        fractions on a switched quantity (default: set-points and fixed injections).
    """

    def __init__(
        self,
        cn: CompiledNetwork,
        schedule: Schedule,
        base: sy.Modes | None = None,
        nominal_mode: NDArray[np.int64] | None = None,
        base_pressure: FloatArray | None = None,
        base_inflow: FloatArray | None = None,
    ) -> None:
        net = cn.network
        self.cn = cn
        self.schedule = resolve(schedule, net)
        self.targets = self.schedule.targets()
        node = {n: i for i, n in enumerate(cn.node_names)}
        base = base or sy.Modes.initial(cn)
        self.base_p_set = base.p_set.copy()
        self.base_reg = base.reg_value.copy()
        self.base_comp = cn.compressors.setpoint.copy()
        mode = cn.compressors.mode if nominal_mode is None else nominal_mode
        self.nominal_mode = np.asarray(mode, dtype=np.int64).copy()
        self.base_on = self.nominal_mode != sy.M_OFF
        p0 = np.nan_to_num(self.base_p_set) if base_pressure is None else base_pressure
        q0 = cn.injection if base_inflow is None else base_inflow
        # (key, node, sign of the flow in the node's injection, base, start of control)
        self._flows: list[tuple[Key, int, float, float, float]] = []
        self._pressures: list[tuple[Key, int, float, float]] = []
        for kind, elems, sign in (("supply", net.supplies, 1.0), ("demand", net.demands, -1.0)):
            for e in elems:
                i = node[e.node]
                fkey, pkey = (kind, e.name, "flow"), (kind, e.name, "pressure")
                if e.pressure is None:  # flow-set: its flow moves; a pressure takes over
                    if fkey in self.targets:
                        self._flows.append((fkey, i, sign, e.flow or 0.0, -np.inf))
                    if pkey in self.targets:
                        self._pressures.append((pkey, i, float(p0[i]), self._start(pkey)))
                else:  # pressure-set: its pressure moves; a flow takes over
                    if pkey in self.targets:
                        self._pressures.append((pkey, i, self.base_p_set[i], -np.inf))
                    if fkey in self.targets:
                        base_flow = sign * float(q0[i] - cn.injection[i])
                        self._flows.append((fkey, i, sign, base_flow, self._start(fkey)))
        self._index = {
            "compressor": {e.name: k for k, e in enumerate(net.compressors)},
            "regulator": {e.name: k for k, e in enumerate(net.regulators)},
            "valve": {e.name: k for k, e in enumerate(net.valves)},
        }

    def _start(self, key: Key) -> float:
        """When a switched quantity takes control: its first breakpoint or event."""
        times = [e.time for e in self.schedule.events if (e.kind, e.name, e.quantity) == key]
        if key in self.schedule.series:
            times.append(self.schedule.series[key].times[0])
        return min(times)

    def _elements(self, kind: str, quantity: str) -> list[tuple[Key, int]]:
        return [
            ((kind, name, quantity), k)
            for name, k in self._index[kind].items()
            if (kind, name, quantity) in self.targets
        ]

    def at(self, t: float) -> Boundary:
        """Boundary values at time ``t`` [s]."""
        cn, s = self.cn, self.schedule
        inj = cn.injection.copy()
        p_set = self.base_p_set.copy()
        for key, i, base_p, start in self._pressures:
            if t >= start:
                p_set[i] = s.value_at(key, t, base_p)
        for key, i, sign, base, start in self._flows:
            if t < start:
                continue
            value = s.value_at(key, t, base)
            if start == -np.inf:  # the case's own flow: move the fixed injection
                inj[i] += sign * (value - base)
            else:  # switched from pressure control: the node's balance is now solved
                inj[i] += sign * value
                p_set[i] = np.nan
        comp = self.base_comp.copy()
        for key, k in self._elements("compressor", "setpoint"):
            comp[k] = s.value_at(key, t, self.base_comp[k])
        on = self.base_on.copy()
        for key, k in self._elements("compressor", "on"):
            on[k] = s.value_at(key, t, float(self.base_on[k])) > 0.5
        reg = self.base_reg.copy()
        for key, k in self._elements("regulator", "setpoint"):
            reg[k] = s.value_at(key, t, self.base_reg[k])
        valve = cn.valve_open.copy()
        for key, k in self._elements("valve", "open"):
            valve[k] = s.value_at(key, t, float(cn.valve_open[k])) > 0.5
        return Boundary(t, inj, p_set, self.nominal_mode, comp, on, reg, valve)
