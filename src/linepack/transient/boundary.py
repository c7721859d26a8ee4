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
from linepack.network.kinds import BOUNDARIES, SCHEDULED, Role
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
    supply_flow, demand_flow : ndarray, optional
        Fixed flow of each supply and demand [kg/s], NaN where its pressure is controlled
        (what the energy balance's terminals read; None: the compiled network's).
    supply_temperature : ndarray, optional
        Temperature of the gas each supply delivers [K] (``thermal = "energy"``).
    soil_temperature : ndarray, optional
        Surroundings' temperature of each pipe segment [K] (``thermal = "energy"``).
    """

    t: float
    injection: FloatArray
    p_set: FloatArray
    comp_mode: NDArray[np.int64]
    comp_value: FloatArray
    comp_on: BoolArray
    reg_value: FloatArray
    valve_open: BoolArray
    supply_flow: FloatArray | None = None
    demand_flow: FloatArray | None = None
    supply_temperature: FloatArray | None = None
    soil_temperature: FloatArray | None = None


def _quantity_of(cn: CompiledNetwork) -> dict[tuple[str, str], str]:
    """The quantity a case fixes for each supply and demand."""
    out: dict[tuple[str, str], str] = {}
    for k in BOUNDARIES:
        pressure = np.isfinite(getattr(cn, k.field).pressure).tolist()
        for name, p in zip(getattr(cn.labels, k.field), pressure, strict=True):
            out[(k.section, name)] = "pressure" if p else "flow"
    return out


def _names(cn: CompiledNetwork) -> dict[str, set[str]]:
    """Names of the elements a schedule may name, by kind."""
    return {s: set(getattr(cn.labels, k.field)) for s, k in SCHEDULED.items()}


def resolve(schedule: Schedule, cn: CompiledNetwork) -> Schedule:
    """The schedule with every event's quantity named, checked against the network.

    Raises
    ------
    CaseError
        A target that names no element.
    """
    fixed = _quantity_of(cn)

    def quantity_of(kind: str, name: str) -> str:
        if (kind, name) not in fixed:
            raise CaseError("no such element", element=f"{kind} '{name}'", key="schedule")
        return fixed[(kind, name)]

    out = schedule.resolve(quantity_of)
    names = _names(cn)
    for kind, name, _ in sorted(out.targets()):
        if name not in names[kind]:
            raise CaseError("no such element", element=f"{kind} '{name}'", key="schedule")
    return out


def compiled_at(cn: CompiledNetwork, schedule: Schedule, t: float) -> CompiledNetwork:
    """``cn`` with the scheduled values at time ``t`` (for the initial steady state).

    Pressure set-points or fixed flows of supplies and demands (the quantity the case gives
    each), station and regulator set-points, stations scheduled off, valve states, and (with
    ``thermal = "energy"``) supply and soil temperatures are replaced; the equation of state,
    gas constants and viscosities stay those of ``cn``
    (:func:`linepack.network.compile.rederive` derives them again for the new values, as a
    compile of the changed case would). Returns ``cn`` itself when nothing moves at ``t``.
    This is the one place a schedule's values are put into a compiled network.
    """
    sched = resolve(schedule, cn)
    lb = cn.labels

    def val(key: Key, base: float) -> float:
        return sched.value_at(key, t, base)

    terms = {}
    for kind, names, old in (
        ("supply", lb.supplies, cn.supplies),
        ("demand", lb.demands, cn.demands),
    ):
        pressure, flow = old.pressure.copy(), old.flow.copy()
        for k, name in enumerate(names):
            if np.isfinite(pressure[k]):
                pressure[k] = val((kind, name, "pressure"), float(pressure[k]))
            else:
                flow[k] = val((kind, name, "flow"), float(flow[k]))
        terms[kind] = replace(old, pressure=pressure, flow=flow)
    p_set = np.full(cn.n_nodes, np.nan)
    inj = np.zeros(cn.n_nodes)
    for tm, sign in ((terms["supply"], 1.0), (terms["demand"], -1.0)):
        for i, pressure, flow in zip(tm.node.tolist(), tm.pressure, tm.flow, strict=True):
            if np.isfinite(pressure):
                p_set[i] = pressure
            elif sign > 0:
                inj[i] += flow
            else:
                inj[i] -= flow
    c = cn.compressors
    setpoint, mode = c.setpoint.copy(), c.mode.copy()
    for k, name in enumerate(lb.compressors):
        on = val(("compressor", name, "on"), 0.0 if mode[k] == sy.M_OFF else 1.0)
        setpoint[k] = val(("compressor", name, "setpoint"), float(setpoint[k]))
        if on < 0.5:
            mode[k] = sy.M_OFF
    reg = np.asarray(
        [
            val(("regulator", n, "setpoint"), float(v))
            for n, v in zip(lb.regulators, cn.reg_setpoint, strict=True)
        ],
        dtype=float,
    ).reshape(cn.reg_setpoint.shape)
    valve = np.asarray(
        [
            val(("valve", n, "open"), float(v)) > 0.5
            for n, v in zip(lb.valves, cn.valve_open, strict=True)
        ],
        dtype=bool,
    ).reshape(cn.valve_open.shape)
    thermal = cn.thermal
    if thermal is not None:  # scheduled supply and soil temperatures (thermal = "energy")
        sup_t, soil = BoundaryMap(cn, sched)._temperatures(t)
        assert sup_t is not None
        assert soil is not None
        if not (
            np.array_equal(sup_t, thermal.supply_temperature)
            and np.array_equal(soil, thermal.seg_soil)
        ):
            from linepack.transient.energy import node_ambient

            thermal = replace(
                thermal,
                supply_temperature=sup_t,
                seg_soil=soil,
                node_ambient=node_ambient(thermal, cn, soil),
            )
    same = (
        thermal is cn.thermal
        and np.array_equal(p_set, cn.p_set, equal_nan=True)
        and np.array_equal(inj, cn.injection)
        and np.array_equal(setpoint, c.setpoint)
        and np.array_equal(mode, c.mode)
        and np.array_equal(reg, cn.reg_setpoint)
        and np.array_equal(valve, cn.valve_open)
    )
    if same:
        return cn
    return replace(
        cn,
        p_set=p_set,
        injection=inj,
        supplies=terms["supply"],
        demands=terms["demand"],
        compressors=replace(c, setpoint=setpoint, mode=mode),
        reg_setpoint=reg,
        valve_open=valve,
        thermal=thermal,
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
        lb = cn.labels
        self.cn = cn
        self.schedule = resolve(schedule, cn)
        self.targets = self.schedule.targets()
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
        # the element of each of those: (is a supply, position among its kind)
        self._flow_of: list[tuple[bool, int]] = []
        self._pressure_of: list[tuple[bool, int]] = []
        for kind, names, terms, sign in (
            ("supply", lb.supplies, cn.supplies, 1.0),
            ("demand", lb.demands, cn.demands, -1.0),
        ):
            for k, (name, i, pressure, flow) in enumerate(
                zip(names, terms.node.tolist(), terms.pressure, terms.flow, strict=True)
            ):
                n_flows, n_pressures = len(self._flows), len(self._pressures)
                fkey, pkey = (kind, name, "flow"), (kind, name, "pressure")
                if np.isnan(pressure):  # flow-set: its flow moves; a pressure takes over
                    if fkey in self.targets:
                        self._flows.append((fkey, i, sign, float(flow), -np.inf))
                    if pkey in self.targets:
                        self._pressures.append((pkey, i, float(p0[i]), self._start(pkey)))
                else:  # pressure-set: its pressure moves; a flow takes over
                    if pkey in self.targets:
                        self._pressures.append((pkey, i, self.base_p_set[i], -np.inf))
                    if fkey in self.targets:
                        base_flow = sign * float(q0[i] - cn.injection[i])
                        self._flows.append((fkey, i, sign, base_flow, self._start(fkey)))
                self._flow_of += [(sign > 0, k)] * (len(self._flows) - n_flows)
                self._pressure_of += [(sign > 0, k)] * (len(self._pressures) - n_pressures)
        self._thermal(cn)
        self._index = {  # the edges a schedule moves: position of each by name
            s: {name: i for i, name in enumerate(getattr(lb, k.field))}
            for s, k in SCHEDULED.items()
            if k.role is Role.EDGE
        }

    def _thermal(self, cn: CompiledNetwork) -> None:
        """The scheduled temperatures (``thermal = "energy"``): supplies' gas temperature and
        pipes' soil temperature (each segment of a pipe moves by the scheduled value's change
        from the pipe's compiled mean, so a soil profile along the pipe keeps its shape)."""
        th = cn.thermal
        self._supply_t: list[tuple[Key, int]] = []
        self._soil: list[tuple[Key, NDArray[np.intp], float]] = []
        if th is None:
            return
        for k, name in enumerate(cn.labels.supplies):
            if ("supply", name, "temperature") in self.targets:
                self._supply_t.append((("supply", name, "temperature"), k))
        pipe_of = cn.segments.pipe
        for k, name in enumerate(cn.labels.pipes):
            key = ("pipe", name, "soil_temperature")
            if key in self.targets:
                segs = np.flatnonzero(pipe_of == k)
                self._soil.append((key, segs, float(np.mean(th.seg_soil[segs]))))

    def _temperatures(self, t: float) -> tuple[FloatArray | None, FloatArray | None]:
        """Supply and segment soil temperatures at time ``t`` [K] (None without thermal)."""
        th, s = self.cn.thermal, self.schedule
        if th is None:
            return None, None
        sup = th.supply_temperature.copy()
        for key, k in self._supply_t:
            sup[k] = s.value_at(key, t, float(th.supply_temperature[k]))
        soil = th.seg_soil.copy()
        for key, segs, base in self._soil:
            soil[segs] += s.value_at(key, t, base) - base
        return sup, soil

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
        flows = (cn.demands.flow.copy(), cn.supplies.flow.copy())
        for (key, i, base_p, start), (supply, k) in zip(
            self._pressures, self._pressure_of, strict=True
        ):
            if t >= start:
                p_set[i] = s.value_at(key, t, base_p)
                flows[supply][k] = np.nan
        for (key, i, sign, base, start), (supply, k) in zip(
            self._flows, self._flow_of, strict=True
        ):
            if t < start:
                continue
            value = s.value_at(key, t, base)
            flows[supply][k] = value
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
        sup_t, soil = self._temperatures(t)
        return Boundary(
            t, inj, p_set, self.nominal_mode, comp, on, reg, valve, flows[1], flows[0], sup_t, soil
        )
