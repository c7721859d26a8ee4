"""Results of a transient run: time series, line pack, survival time and an xarray Dataset.

Line pack is the gas the scheme stores: each node holds half of every adjacent segment at the
node's density, M_i = Σ (A L / 2) ρ(p_i), so its change over a step equals the boundary inflow
(see :mod:`linepack.transient.integrate`). Per pipe it is Σ over its segments of
(A L / 2)(ρ(p_in) + ρ(p_out)); the steady results' line pack (segment mean density) differs from
it by O(Δx²).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from linepack.network.compile import CompiledNetwork
from linepack.steady.changes import ModeChange
from linepack.transient.integrate import StepReport
from linepack.transient.state import TransientState
from linepack.transient.system import TransientSystem

FloatArray = NDArray[np.float64]


def _var(dims: tuple[str, ...], data: Any, units: str, long_name: str) -> xr.Variable:
    return xr.Variable(dims, np.asarray(data), {"units": units, "long_name": long_name})


@dataclass
class TransientResult:
    """Time series of a transient run at its output times (all SI).

    Attributes
    ----------
    compiled : CompiledNetwork
        The network (node and edge order of the arrays below).
    time : ndarray
        Output times [s], shape (nt,).
    pressure : ndarray
        (nt, nodes) [Pa], interior segment nodes included.
    flow : ndarray
        (nt, edges) [kg/s]; a segment's flow sits at its middle.
    inflow : ndarray
        (nt, nodes) external inflow [kg/s]: fixed injections, and at pressure-set nodes the
        supply (or delivery, negative) that holds the pressure; fuel not subtracted.
    node_mass : ndarray
        (nt, nodes) gas stored at each node [kg].
    power, fuel : ndarray
        (nt, compressors) shaft power [W] and fuel [kg/s].
    mass_error : ndarray
        (nt,) largest relative mass-balance defect of the steps since the previous output.
    steps : list of StepReport
        Every time step.
    survival_time : float or None
        First time a delivery node (a node with a demand and a p_min) falls below its p_min
        [s], interpolated within the step; None if never.
    survival_node : str or None
        That node.
    final_state : TransientState
        State at the end (save it with :meth:`save_state` to restart).
    scheme : str
    inertia : bool
    dt : float
        The step asked for [s].
    events : list of (float, ModeChange)
        Control-mode switches and scheduled changes, with their times [s], typed (element,
        kind, text); :func:`linepack.transient.report.events` gives them as text.
    failure : str or None
        Why the run stopped early (``simulate(..., on_failure="stop")``), else None.
    temperature : ndarray or None
        (nt, nodes) gas temperature [K] (``thermal = "energy"``; None when isothermal).
    heat_to_soil : ndarray or None
        (nt, segments) heat from the gas to the surroundings [W] (negative: the gas gains).
    energy_error : ndarray or None
        (nt,) largest relative energy-balance defect of the steps since the previous output.
    """

    compiled: CompiledNetwork
    time: FloatArray
    pressure: FloatArray
    flow: FloatArray
    inflow: FloatArray
    node_mass: FloatArray
    power: FloatArray
    fuel: FloatArray
    mass_error: FloatArray
    steps: list[StepReport]
    survival_time: float | None
    survival_node: str | None
    final_state: TransientState
    scheme: str
    inertia: bool
    dt: float
    events: list[tuple[float, ModeChange]] = field(default_factory=list)
    failure: str | None = None
    temperature: FloatArray | None = None
    heat_to_soil: FloatArray | None = None
    energy_error: FloatArray | None = None

    @property
    def linepack(self) -> FloatArray:
        """Total gas stored [kg] over time (pipes, and any extra node volumes)."""
        return np.asarray(self.node_mass.sum(axis=1))

    @property
    def linepack_std(self) -> FloatArray:
        """Total line pack as standard volume [Sm³] (the case's reference conditions)."""
        return self.linepack / self.compiled.gas.density_sm3

    def pipe_linepack(self) -> FloatArray:
        """Gas stored in each pipe [kg], shape (nt, pipes)."""
        cn = self.compiled
        seg = cn.segments
        system = TransientSystem(cn, inertia=False)
        shape = (len(self.time), seg.temperature.size)
        if self.temperature is None:
            t1 = t2 = np.broadcast_to(seg.temperature, shape)
        else:  # each half segment at its node's temperature, as the scheme stores it
            t1, t2 = self.temperature[:, seg.from_node], self.temperature[:, seg.to_node]
        r1, _ = system.density(self.pressure[:, seg.from_node], t1)
        r2, _ = system.density(self.pressure[:, seg.to_node], t2)
        m = (r1 + r2) * (seg.area * seg.length / 2.0)
        out = np.zeros((len(cn.pipe_names), len(self.time)))
        np.add.at(out, seg.pipe, m.T)
        return out.T

    def node(self, name: str) -> FloatArray:
        """Pressure [Pa] of one node over time."""
        return np.asarray(self.pressure[:, self.compiled.node_names.index(name)])

    def edge(self, name: str) -> FloatArray:
        """Flow [kg/s] of one edge (segment, compressor, ...) over time."""
        return np.asarray(self.flow[:, self.compiled.edge_names.index(name)])

    def save_state(self, path: str | Path) -> None:
        """Write the final state for a restart (``simulate(..., initial=path)``)."""
        self.final_state.save(path, self.compiled)

    def to_dataset(self) -> xr.Dataset:
        """Labelled results: dims time, node (case nodes), pipe, segment, point, compressor,
        link (non-pipe edges); every variable has ``units`` and ``long_name``."""
        cn = self.compiled
        seg = cn.segments
        nn, ns = cn.n_case_nodes, len(seg.length)
        npipe = len(cn.pipe_names)
        first = np.array([np.flatnonzero(seg.pipe == k)[0] for k in range(npipe)], dtype=int)
        last = np.array([np.flatnonzero(seg.pipe == k)[-1] for k in range(npipe)], dtype=int)
        # points: segment ends ordered by pipe and distance
        pipe = np.concatenate([seg.pipe, seg.pipe[last]])
        x = np.concatenate([seg.x_start, seg.x_start[last] + seg.length[last]])
        pnode = np.concatenate([seg.from_node, seg.to_node[last]])
        order = np.lexsort((x, pipe))
        names = np.asarray(cn.pipe_names, dtype=object)
        off = cn.edge_offsets()
        nc = len(cn.compressors.setpoint)
        lp = self.pipe_linepack()
        rho_sm3 = cn.gas.density_sm3
        T, N, P, S = ("time",), ("time", "node"), ("time", "pipe"), ("time", "segment")
        data = {
            "pressure": _var(N, self.pressure[:, :nn], "Pa", "pressure (absolute)"),
            "inflow": _var(
                N, self.inflow[:, :nn], "kg/s", "external inflow (supply +, delivery -)"
            ),
            "pipe_flow_in": _var(
                P, self.flow[:, first], "kg/s", "flow of the pipe's first segment (at dx/2)"
            ),
            "pipe_flow_out": _var(
                P, self.flow[:, last], "kg/s", "flow of the pipe's last segment (at L - dx/2)"
            ),
            "linepack_pipe": _var(P, lp, "kg", "gas stored in the pipe"),
            "linepack_pipe_std": _var(P, lp / rho_sm3, "m3", "line pack as standard volume"),
            "linepack": _var(T, self.linepack, "kg", "total line pack"),
            "linepack_std": _var(T, self.linepack_std, "m3", "total line pack (Sm3)"),
            "segment_flow": _var(S, self.flow[:, :ns], "kg/s", "mass flow at segment middle"),
            "point_pressure": _var(
                ("time", "point"), self.pressure[:, pnode[order]], "Pa", "pressure along pipes"
            ),
            "compressor_flow": _var(
                ("time", "compressor"),
                self.flow[:, off["compressor"] : off["compressor"] + nc],
                "kg/s",
                "mass flow through the station",
            ),
            "power": _var(("time", "compressor"), self.power, "W", "shaft power"),
            "fuel": _var(("time", "compressor"), self.fuel, "kg/s", "fuel gas drawn at suction"),
            "link_flow": _var(("time", "link"), self.flow[:, ns:], "kg/s", "mass flow"),
            "mass_balance_error": _var(
                T, self.mass_error, "1", "largest relative mass-balance defect of the steps"
            ),
        }
        if self.temperature is not None and self.heat_to_soil is not None:
            heat_pipe = np.zeros((len(self.time), npipe))
            np.add.at(heat_pipe.T, seg.pipe, self.heat_to_soil.T)
            data["temperature"] = _var(N, self.temperature[:, :nn], "K", "gas temperature")
            data["point_temperature"] = _var(
                ("time", "point"),
                self.temperature[:, pnode[order]],
                "K",
                "gas temperature along pipes",
            )
            data["heat_to_soil_pipe"] = _var(
                P, heat_pipe, "W", "heat from the gas to the surroundings (negative: gained)"
            )
            data["heat_to_soil"] = _var(
                T, heat_pipe.sum(axis=1), "W", "heat from the gas to the surroundings, all pipes"
            )
            if self.energy_error is not None:
                data["energy_balance_error"] = _var(
                    T,
                    self.energy_error,
                    "1",
                    "largest relative energy-balance defect of the steps",
                )
        coords = {
            "time": _var(("time",), self.time, "s", "time from the start"),
            "node": list(cn.node_names[:nn]),
            "pipe": list(cn.pipe_names),
            "segment": list(cn.edge_names[:ns]),
            "segment_pipe": _var(("segment",), names[seg.pipe], "", "pipe of the segment"),
            "segment_x": _var(
                ("segment",), seg.x_start + seg.length / 2, "m", "segment middle from pipe inlet"
            ),
            "point_pipe": _var(("point",), names[pipe[order]], "", "pipe of the point"),
            "point_x": _var(("point",), x[order], "m", "distance from the pipe inlet"),
            "compressor": list(cn.edge_names[off["compressor"] : off["compressor"] + nc]),
            "link": list(cn.edge_names[ns:]),
        }
        attrs = {
            "case": cn.labels.case,
            "scheme": self.scheme,
            "inertia": int(self.inertia),
            "dt": self.dt,
            "survival_time": np.nan if self.survival_time is None else self.survival_time,
            "survival_node": self.survival_node or "",
            "thermal": "isothermal" if self.temperature is None else "energy",
        }
        return xr.Dataset(data, coords=coords, attrs=attrs)
