"""Read a GasTranSim.jl transient case folder: the network and its boundary conditions over time.

A GasTranSim folder (kaarthiksundar/GasTranSim.jl) holds ``network.json`` and ``params.json`` as
GasSteadySim does (read by :func:`linepack.io.gassteadysim.network_from_data`, with the
boundary values at the initial time; no temporary file), and a
``bc.json`` whose entries are time series ``{"time": [...], "value": [...]}``, interpolated
linearly (as GasTranSim's order-1 splines):

* ``boundary_pslack``: node id → pressure [Pa] (a pressure-set supply);
* ``boundary_nonslack_flow``: node id → *withdrawal* [kg/s] (positive leaves the network);
* ``boundary_compressor``: compressor id → ``control_type`` (one code for the whole series:
  0 ratio, 1 discharge pressure, 2 flow) and ``value``.

``params.json`` adds the simulation times (``Initial time``, ``Final time``, ``Discretization
time step``, ``Output dt``). Only SI files (``units`` 0) are read; ``ic.json`` is not needed when
the run starts from the steady state of the boundary values at the initial time (it is so for
the published cases), and ``disruptions.json`` is not read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linepack.errors import CaseError
from linepack.io.gassteadysim import (
    element_names,
    network_file,
    network_from_data,
    read_json,
    read_params,
)
from linepack.network.model import Demand, Network
from linepack.network.schedule import Schedule, Series


@dataclass
class GasTranSimCase:
    """A transient case: the network, its schedule (times from the initial time) and times.

    Attributes
    ----------
    network : Network
    schedule : Schedule
    duration : float
        Final minus initial time [s].
    dt : float
        GasTranSim's time step [s] (its explicit scheme also obeys a CFL condition).
    output_dt : float
        GasTranSim's output interval [s].
    """

    network: Network
    schedule: Schedule
    duration: float
    dt: float
    output_dt: float


def _series(entry: Any, where: str) -> tuple[list[float], list[float]]:
    try:
        times = [float(t) for t in entry["time"]]
        values = [float(v) for v in entry["value"]]
    except (KeyError, TypeError, ValueError):
        raise CaseError(
            "not a time series", file=where, expected='{"time": [...], "value": [...]}'
        ) from None
    return times, values


def _param(params: dict[str, Any], fragment: str, default: float) -> float:
    for k, v in params.items():
        if fragment in k:
            return float(v)
    return default


def load_gastransim(
    folder: str | Path, *, eos: str = "ideal", segment_length: float = 10_000.0
) -> GasTranSimCase:
    """Load a GasTranSim transient case folder.

    Parameters
    ----------
    folder : str or Path
        Folder with ``network.json``, ``params.json`` and ``bc.json``.
    eos : str
        ``"ideal"``, ``"cnga-simple"`` or ``"cnga-full"``.
    segment_length : float
        Longest pipe segment [m] (the spatial step of the transient scheme).

    Returns
    -------
    GasTranSimCase

    Raises
    ------
    CaseError
        Missing files or keys, non-SI units, a compressor whose control type changes in time.
    """
    folder = Path(folder)
    bc_path = folder / "bc.json"
    try:
        bc = json.loads(bc_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CaseError(f"cannot read the boundary conditions: {exc}", file=str(bc_path)) from None
    params = read_params(folder / "params.json")
    if params.units != 0:
        raise CaseError(
            "only SI GasTranSim cases are read", file=str(folder / "params.json"), key="units"
        )
    raw = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    sim = raw.get("simulation_params", raw.get("params", {}))
    t0 = _param(sim, "Initial time", 0.0)
    where = str(bc_path)
    pslack = {k: _series(v, where) for k, v in bc.get("boundary_pslack", {}).items()}
    flows = {k: _series(v, where) for k, v in bc.get("boundary_nonslack_flow", {}).items()}
    comps: dict[str, tuple[int, list[float], list[float]]] = {}
    for k, v in bc.get("boundary_compressor", {}).items():
        times, values = _series(v, where)
        types = set(v.get("control_type", [0]))
        if len(types) != 1:
            raise CaseError(
                "a compressor's control type changes in time (not supported)",
                file=where,
                element=f"compressor {k}",
                key="control_type",
            )
        comps[k] = (int(types.pop()), times, values)

    def at0(tv: tuple[list[float], list[float]]) -> float:
        return Series.linear(*tv).value_at(t0)

    steady_bc = {
        "boundary_pslack": {k: at0(v) for k, v in pslack.items()},
        "boundary_nonslack_flow": {k: at0(v) for k, v in flows.items()},
        "boundary_compressor": {
            k: {"control_type": c, "value": at0((t, v))} for k, (c, t, v) in comps.items()
        },
    }
    net_path = network_file(folder)
    net = network_from_data(
        read_json(net_path),
        steady_bc,
        params,
        net_path=net_path,
        bc_source=f"{where} (values at the initial time)",
        params_source=str(folder / "params.json"),
        eos=eos,
        segment_length=segment_length,
    )
    names = element_names(folder)
    sched = Schedule()

    def shifted(tv: tuple[list[float], list[float]], sign: float = 1.0) -> Series:
        return Series.linear([t - t0 for t in tv[0]], [sign * v for v in tv[1]])

    for k, tv in pslack.items():
        sched.set("supply", f"slack {names['nodes'][int(k)]}", "pressure", shifted(tv))
    supplies = {s.name for s in net.supplies}
    for k, tv in flows.items():
        node = names["nodes"][int(k)]
        if f"injection {node}" in supplies:
            sched.set("supply", f"injection {node}", "flow", shifted(tv, -1.0))
            continue
        name = f"withdrawal {node}"
        if name not in {d.name for d in net.demands}:  # zero at the start: no demand made
            net.demands.append(Demand(name, node, flow=0.0))
        sched.set("demand", name, "flow", shifted(tv))
    for k, (_, t, v) in comps.items():
        sched.set("compressor", names["compressors"][int(k)], "setpoint", shifted((t, v)))
    return GasTranSimCase(
        network=net,
        schedule=sched,
        duration=_param(sim, "Final time", t0) - t0,
        dt=_param(sim, "Discretization time step", 1.0),
        output_dt=_param(sim, "Output dt", 1.0),
    )
