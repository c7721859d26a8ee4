"""Labelled results of a steady solve: an xarray Dataset with units, and a summary dict.

Every variable carries ``units`` and ``long_name`` attributes; files written from the dataset
(NetCDF, CSV) state them. Dimensions: ``node`` (case nodes), ``pipe``, ``compressor``,
``segment`` and ``point`` (pressure along pipes: segment ends).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from linepack.network.compile import CompiledNetwork
from linepack.network.model import CompressorMode
from linepack.steady.changes import ChangeKind
from linepack.steady.kernels import mean_pressure
from linepack.steady.solve import SteadySolution
from linepack.steady.thermal import cold_spots

FloatArray = NDArray[np.float64]
MMSCFD_PER_SCF_M3_S = 86_400 / 0.3048**3 / 1e6
SECONDS_PER_YEAR = 365.25 * 86_400


def _var(dim: str, data: Any, units: str, long_name: str) -> xr.Variable:
    return xr.Variable(dim, np.asarray(data), {"units": units, "long_name": long_name})


def segment_state(sol: SteadySolution) -> dict[str, FloatArray]:
    """Per-segment mean pressure, Z, density, line pack, velocities, Re and friction factor."""
    cn, sy = sol.compiled, sol.system
    seg = cn.segments
    p1, p2 = sol.pressure[seg.from_node], sol.pressure[seg.to_node]
    pm, _, _ = mean_pressure(p1, p2)
    z, _ = sy.z(pm, seg.temperature)
    rs = cn.gas.gas_constant
    rho_m = pm / (z * rs * seg.temperature)
    rho1 = p1 / (sy.z(p1, seg.temperature)[0] * rs * seg.temperature)
    rho2 = p2 / (sy.z(p2, seg.temperature)[0] * rs * seg.temperature)
    q = sol.flow[: len(seg.length)]
    re = np.abs(q) * seg.diameter / (seg.area * seg.viscosity)
    lam, _ = sy.friction(np.maximum(re, 1e-3))
    return {
        "p_mean": pm,
        "z": z,
        "rho_mean": rho_m,
        "mass": rho_m * seg.area * seg.length,
        "v_in": q / (rho1 * seg.area),
        "v_out": q / (rho2 * seg.area),
        "re": re,
        "lam": lam,
        "flow": q,
    }


def _pipes(sol: SteadySolution, st: dict[str, FloatArray]) -> dict[str, xr.Variable]:
    cn = sol.compiled
    seg = cn.segments
    npipe = len(cn.pipe_names)
    first = np.array([np.flatnonzero(seg.pipe == i)[0] for i in range(npipe)], dtype=int)
    last = np.array([np.flatnonzero(seg.pipe == i)[-1] for i in range(npipe)], dtype=int)
    mass = np.bincount(seg.pipe, weights=st["mass"], minlength=npipe)
    lengths = np.bincount(seg.pipe, weights=seg.length, minlength=npipe)
    lam_mean = np.bincount(seg.pipe, weights=st["lam"] * seg.length, minlength=npipe) / lengths
    vmax = (
        np.maximum.reduceat(np.maximum(np.abs(st["v_in"]), np.abs(st["v_out"])), first)
        if npipe
        else np.zeros(0)
    )
    q = st["flow"][first]
    d = "pipe"
    return {
        "pipe_from": _var(d, list(cn.labels.pipe_from), "", "inlet node"),
        "pipe_to": _var(d, list(cn.labels.pipe_to), "", "outlet node"),
        "length": _var(d, lengths, "m", "length"),
        "diameter": _var(d, seg.diameter[first], "m", "inner diameter"),
        "p_in": _var(d, sol.pressure[seg.from_node[first]], "Pa", "inlet pressure (absolute)"),
        "p_out": _var(d, sol.pressure[seg.to_node[last]], "Pa", "outlet pressure (absolute)"),
        "mass_flow": _var(d, q, "kg/s", "mass flow (positive from inlet to outlet)"),
        "std_flow": _var(
            d,
            q / cn.gas.density_sm3,
            "m3/s",
            "standard volume flow (Sm3 at the case's reference conditions)",
        ),
        "velocity_in": _var(d, st["v_in"][first], "m/s", "gas velocity at inlet"),
        "velocity_out": _var(d, st["v_out"][last], "m/s", "gas velocity at outlet"),
        "velocity_max": _var(d, vmax, "m/s", "largest gas speed along the pipe"),
        "reynolds": _var(d, st["re"][first], "1", "Reynolds number"),
        "friction_factor": _var(d, lam_mean, "1", "Darcy friction factor (length-weighted)"),
        "linepack_mass": _var(d, mass, "kg", "line pack (gas mass in the pipe)"),
        "linepack_std": _var(
            d, mass / cn.gas.density_sm3, "m3", "line pack as standard volume (Sm3)"
        ),
    }


def _compressors(sol: SteadySolution) -> dict[str, xr.Variable]:
    cn = sol.compiled
    c = cn.compressors
    o = sol.system.off["compressor"]
    n = len(c.setpoint)
    ps, pd = sol.pressure[c.from_node], sol.pressure[c.to_node]
    modes = list(CompressorMode)
    d = "compressor"
    return {
        "suction_pressure": _var(d, ps, "Pa", "suction pressure (absolute)"),
        "discharge_pressure": _var(d, pd, "Pa", "discharge pressure (absolute)"),
        "ratio": _var(d, pd / ps if n else np.zeros(0), "1", "pressure ratio"),
        "compressor_flow": _var(d, sol.flow[o : o + n], "kg/s", "mass flow through the station"),
        "power": _var(d, sol.power, "W", "shaft power"),
        "fuel": _var(d, sol.fuel, "kg/s", "fuel gas drawn at suction"),
        "mode": _var(
            d,
            np.array([modes[m].value for m in sol.modes.compressor], dtype=object),
            "",
            "control mode at the solution",
        ),
        "limit": _var(
            d,
            np.array(sol.modes.labels(), dtype=object),
            "",
            "limit that set the mode ('' = own set-point)",
        ),
    }


def _points(sol: SteadySolution) -> dict[str, xr.Variable]:
    """Pressure and elevation at every segment end, ordered by pipe and distance."""
    cn = sol.compiled
    seg = cn.segments
    npipe = len(cn.pipe_names)
    last = np.array([np.flatnonzero(seg.pipe == i)[-1] for i in range(npipe)], dtype=np.int64)
    pipe = np.concatenate([seg.pipe, seg.pipe[last]])
    x = np.concatenate([seg.x_start, seg.x_start[last] + seg.length[last]])
    node = np.concatenate([seg.from_node, seg.to_node[last]])
    order = np.lexsort((x, pipe))
    names = np.asarray(cn.pipe_names, dtype=object)
    return {
        "point_pipe": _var("point", names[pipe[order]], "", "pipe of the point"),
        "point_x": _var("point", x[order], "m", "distance from the pipe inlet"),
        "point_pressure": _var(
            "point", sol.pressure[node[order]], "Pa", "pressure along the pipe (absolute)"
        ),
        "point_elevation": _var("point", cn.elevation[node[order]], "m", "elevation"),
        "point_temperature": _var(
            "point", _node_temperature(sol)[node[order]], "K", "gas temperature along the pipe"
        ),
    }


def _regulators(sol: SteadySolution) -> dict[str, xr.Variable]:
    cn = sol.compiled
    o = sol.system.off["regulator"]
    n = len(cn.reg_setpoint)
    states = np.array(["active", "open", "closed"], dtype=object)
    d = "regulator"
    return {
        "regulator_inlet_pressure": _var(d, sol.pressure[cn.reg_from], "Pa", "inlet pressure"),
        "regulator_outlet_pressure": _var(d, sol.pressure[cn.reg_to], "Pa", "outlet pressure"),
        "regulator_setpoint": _var(d, sol.modes.reg_value, "Pa", "outlet set-point"),
        "regulator_flow": _var(d, sol.flow[o : o + n], "kg/s", "mass flow"),
        "regulator_state": _var(
            d,
            states[sol.modes.regulator] if n else np.zeros(0, object),
            "",
            "state at the solution (active, open, closed)",
        ),
    }


def to_dataset(sol: SteadySolution) -> xr.Dataset:
    """Labelled results of a steady solution.

    Parameters
    ----------
    sol : SteadySolution

    Returns
    -------
    xarray.Dataset
        Node, pipe, compressor and along-pipe variables with ``units`` attributes, and global
        attributes with the case name, convergence and totals.
    """
    cn = sol.compiled
    atm = cn.atmosphere
    st = segment_state(sol)
    nn = cn.n_case_nodes
    p = sol.pressure[:nn]
    bal = sol.node_balance[:nn]
    inj = np.where(np.isfinite(cn.p_set[:nn]), -bal, cn.injection[:nn])
    data: dict[str, xr.Variable] = {
        "pressure": _var("node", p, "Pa", "pressure (absolute)"),
        "pressure_gauge": _var("node", p - atm, "Pa", "pressure (gauge)"),
        "elevation": _var("node", cn.elevation[:nn], "m", "elevation"),
        "temperature": _var("node", _node_temperature(sol)[:nn], "K", "gas temperature"),
        "injection": _var("node", inj, "kg/s", "net injection (supply positive, demand negative)"),
        "p_min": _var("node", cn.p_min[:nn], "Pa", "minimum pressure (absolute)"),
        "p_max": _var("node", cn.p_max[:nn], "Pa", "maximum pressure (absolute)"),
        **_pipes(sol, st),
        **_compressors(sol),
        **_regulators(sol),
        **_points(sol),
        **_thermal(sol),
    }
    coords = {
        "node": list(cn.node_names[:nn]),
        "pipe": list(cn.pipe_names),
        "compressor": list(cn.labels.compressors),
        "regulator": list(cn.labels.regulators),
    }
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(
        {
            "case": cn.labels.case,
            "converged": int(sol.report.converged),
            "iterations": sol.report.iterations,
            "linepack_mass_kg": float(st["mass"].sum()),
            "linepack_std_m3": float(st["mass"].sum() / cn.gas.density_sm3),
            "max_mass_balance_error_kg_s": mass_balance_error(sol),
            "atmosphere_Pa": atm,
            "standard_conditions": "Sm3 at 15 degC, 101325 Pa unless the case says otherwise",
            "thermal": "isothermal" if sol.thermal is None else "energy",
        }
    )
    if sol.thermal is not None:
        b = sol.thermal.balance
        ds.attrs["energy_balance_W"] = b.residual
        ds.attrs["energy_balance_relative"] = abs(b.residual) / b.scale if b.scale else 0.0
    return ds


def _node_temperature(sol: SteadySolution) -> FloatArray:
    """Gas temperature per node [K]: solved, or the case's gas temperature (isothermal)."""
    if sol.thermal is not None:
        return sol.thermal.temperature
    return np.full(sol.compiled.n_nodes, sol.compiled.gas_temperature)


def _thermal(sol: SteadySolution) -> dict[str, xr.Variable]:
    """Temperatures and heat flows of pipes, stations, regulators and along pipes (energy)."""
    th = sol.thermal
    if th is None:
        return {}
    cn = sol.compiled
    seg = cn.segments
    npipe = len(cn.pipe_names)
    first = np.array([np.flatnonzero(seg.pipe == i)[0] for i in range(npipe)], dtype=int)
    last = np.array([np.flatnonzero(seg.pipe == i)[-1] for i in range(npipe)], dtype=int)
    t = th.temperature
    lengths = np.bincount(seg.pipe, weights=seg.length, minlength=npipe)
    t_mean = np.bincount(seg.pipe, weights=th.segment_temperature * seg.length, minlength=npipe)
    c = cn.compressors
    return {
        "temperature_in": _var("pipe", t[seg.from_node[first]], "K", "gas temperature at inlet"),
        "temperature_out": _var("pipe", t[seg.to_node[last]], "K", "gas temperature at outlet"),
        "temperature_mean": _var(
            "pipe", t_mean / np.maximum(lengths, 1e-300), "K", "length-mean gas temperature"
        ),
        "heat_to_soil": _var(
            "pipe",
            np.bincount(seg.pipe, weights=th.heat_to_soil, minlength=npipe),
            "W",
            "heat from the gas to the surroundings",
        ),
        "suction_temperature": _var("compressor", t[c.from_node], "K", "suction temperature"),
        "discharge_temperature": _var(
            "compressor",
            th.compressor_discharge,
            "K",
            "temperature leaving the compressor, before the cooler (NaN: not running)",
        ),
        "outlet_temperature": _var(
            "compressor",
            th.station_outlet,
            "K",
            "temperature leaving the station, after the cooler (NaN: not running)",
        ),
        "cooler_duty": _var("compressor", th.cooler_duty, "W", "heat removed by the after-cooler"),
        "regulator_inlet_temperature": _var("regulator", t[cn.reg_from], "K", "inlet temperature"),
        "regulator_outlet_temperature": _var("regulator", t[cn.reg_to], "K", "outlet temperature"),
        "heater_duty": _var("regulator", th.heater_duty, "W", "heat added by the preheater"),
    }


def mass_balance_error(sol: SteadySolution) -> float:
    """Largest mass imbalance [kg/s] over free-pressure nodes."""
    free = ~np.isfinite(sol.compiled.p_set)
    bal = sol.node_balance
    return float(np.max(np.abs(bal[free]))) if np.any(free) else 0.0


def _route_pipes(cn: CompiledNetwork) -> dict[tuple[str, str], int]:
    """Index of the (last) pipe joining each (inlet, outlet) pair of case nodes."""
    lb = cn.labels
    return {(a, b): k for k, (a, b) in enumerate(zip(lb.pipe_from, lb.pipe_to, strict=True))}


def route_path(cn: CompiledNetwork) -> list[tuple[str, float]]:
    """Nodes along the case's route with their chainage [m], station discharge nodes included.

    The route is the case's ``route`` list (or all case nodes in order); consecutive route
    nodes are joined by a pipe, or by a station/valve/short pipe and then a pipe.
    """
    names = cn.node_names
    route = list(cn.labels.route) or list(names[: cn.n_case_nodes])
    pipes = _route_pipes(cn)
    ends = cn.edge_ends()[1:]  # every edge kind but pipes
    links = {(names[a], names[b]) for f, t in ends for a, b in zip(f, t, strict=True)}
    path = [(route[0], 0.0)]
    for b in route[1:]:
        a, ch = path[-1]
        if (a, b) not in pipes:
            mids = [m for (x, m) in links if x == a and (m, b) in pipes]
            if mids:
                path.append((mids[0], ch))
                a = mids[0]
        pipe = pipes.get((a, b))
        path.append((b, ch + (float(cn.pipe_length[pipe]) if pipe is not None else 0.0)))
    return path


def route_stations(cn: CompiledNetwork, where: dict[str, float]) -> list[tuple[float, str]]:
    """(chainage [m], name) of each compressor whose discharge node is in ``where``
    (node name → chainage, e.g. ``dict(route_path(cn))``), in the case's order."""
    c, names = cn.compressors, cn.node_names
    out = []
    for name, k in zip(cn.labels.compressors, c.to_node.tolist(), strict=True):
        if names[k] in where:
            out.append((where[names[k]], name))
    return out


def route_profile(sol: SteadySolution, ds: xr.Dataset) -> dict[str, FloatArray]:
    """Chainage, pressure and elevation along the case's route (pipes joining route nodes).

    Returns
    -------
    dict
        ``chainage`` [m], ``pressure`` [Pa abs], ``elevation`` [m], ``maop`` [Pa abs] and
        ``temperature`` [K] per point.
    """
    cn = sol.compiled
    pipes = _route_pipes(cn)
    names = np.asarray(ds["point_pipe"].values)
    parts: dict[str, list[FloatArray]] = {
        k: [] for k in ("chainage", "pressure", "elevation", "maop", "temperature")
    }
    for (a, start), (b, _) in itertools.pairwise(route_path(cn)):
        pipe = pipes.get((a, b))
        if pipe is None:
            continue
        sel = names == cn.pipe_names[pipe]
        maop = float(cn.pipe_maop[pipe])
        parts["chainage"].append(start + ds["point_x"].values[sel])
        parts["pressure"].append(ds["point_pressure"].values[sel])
        parts["elevation"].append(ds["point_elevation"].values[sel])
        parts["temperature"].append(ds["point_temperature"].values[sel])
        parts["maop"].append(np.full(int(sel.sum()), maop if maop else np.nan))
    return {k: np.concatenate(v) if v else np.zeros(0) for k, v in parts.items()}


def _node_summary(ds: xr.Dataset, atm: float, chainage: dict[str, float]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, n in enumerate(ds["node"].values):
        entry: dict[str, Any] = {
            "pressure_barg": float((ds["pressure"].values[i] - atm) / 1e5),
            "elevation_m": float(ds["elevation"].values[i]),
        }
        if str(n) in chainage:
            entry["chainage_km"] = chainage[str(n)] / 1e3
        out[str(n)] = entry
    return out


def _thermal_summary(sol: SteadySolution, ds: xr.Dataset, d: int) -> dict[str, Any]:
    """Temperature keys of the summary (documented in docs/results.md)."""
    c0 = 273.15
    t_all = _node_temperature(sol)
    names = sol.compiled.node_names
    lo, hi = int(np.argmin(t_all)), int(np.argmax(t_all))
    out: dict[str, Any] = {
        "thermal": str(ds.attrs["thermal"]),
        "delivery_temperature_c": float(ds["temperature"].values[d] - c0),
        "min_temperature_c": float(t_all[lo] - c0),
        "min_temperature_at": names[lo],
        "max_temperature_c": float(t_all[hi] - c0),
        "max_temperature_at": names[hi],
    }
    th = sol.thermal
    if th is None:
        out.update(
            heat_to_soil_mw=None, cooler_duty_mw=None, heater_duty_mw=None, energy_balance=None
        )
        return out
    out.update(
        heat_to_soil_mw=float(th.heat_to_soil.sum() / 1e6),
        cooler_duty_mw=float(th.cooler_duty.sum() / 1e6),
        heater_duty_mw=float(th.heater_duty.sum() / 1e6),
        energy_balance=float(ds.attrs["energy_balance_relative"]),
        max_discharge_temperature_c=float(np.nanmax(th.station_outlet) - c0)
        if np.any(np.isfinite(th.station_outlet))
        else None,
        low_temperature=low_temperatures(sol),
    )
    return out


def low_temperatures(sol: SteadySolution) -> list[str]:
    """Where gas falls below the case's ``min_gas_temperature`` (hydrate/freezing guard): one
    line per pipe or regulator outlet, coldest first (empty for isothermal flow); see
    :func:`linepack.steady.thermal.cold_spots`."""
    if sol.thermal is None:
        return []
    return cold_spots(sol.compiled, sol.thermal.temperature)


def summary(sol: SteadySolution, ds: xr.Dataset) -> dict[str, Any]:
    """The planner's summary (``summary.json``); every key is documented in docs/results.md."""
    cn = sol.compiled
    atm = cn.atmosphere
    delivery = cn.labels.delivery or cn.node_names[int(np.argmin(ds["injection"].values))]
    d = list(ds["node"].values).index(delivery)
    withdrawn = -float(ds["injection"].values[d])
    rho_scf = cn.gas.density_scf
    mmscfd = withdrawn / rho_scf * MMSCFD_PER_SCF_M3_S
    vmax = float(np.abs(ds["velocity_max"].values).max()) if ds.sizes["pipe"] else 0.0
    maops = [m for m in cn.pipe_maop.tolist() if m and np.isfinite(m)]
    maop = min(maops) if maops else np.nan
    pmax_route = float(ds["pressure"].values.max())
    fuel = float(ds["fuel"].values.sum()) if ds.sizes["compressor"] else 0.0
    pmin = float(ds["p_min"].values[d])
    inj = ds["injection"].values
    exits = inj < 0
    total_out = -float(inj[exits].sum())
    pressure = ds["pressure"].values
    low = int(np.argmin(pressure))
    return {
        "case": cn.labels.case,
        "converged": bool(sol.report.converged),
        "iterations": int(sol.report.iterations),
        "delivery_node": delivery,
        "delivery_pressure_barg": float((ds["pressure"].values[d] - atm) / 1e5),
        "throughput_mmscfd": mmscfd,
        "throughput_bcm_per_year": withdrawn / cn.gas.density_sm3 * SECONDS_PER_YEAR / 1e9,
        "throughput_kg_s": withdrawn,
        "exits": int(exits.sum()),
        "total_withdrawal_mmscfd": total_out / rho_scf * MMSCFD_PER_SCF_M3_S,
        "total_withdrawal_kg_s": total_out,
        "lowest_pressure_node": str(ds["node"].values[low]),
        "lowest_pressure_barg": float((pressure[low] - atm) / 1e5),
        "nodes": _node_summary(ds, atm, dict(route_path(cn))),
        "linepack_mmscm": float(ds.attrs["linepack_std_m3"] / 1e6),
        "linepack_tonnes": float(ds.attrs["linepack_mass_kg"] / 1e3),
        "compressor_power_mw": float(ds["power"].values.sum() / 1e6)
        if ds.sizes["compressor"]
        else 0.0,
        "fuel_mmscfd": fuel / rho_scf * MMSCFD_PER_SCF_M3_S,
        "compressors": {
            str(c): {
                "suction_barg": float((ds["suction_pressure"].values[i] - atm) / 1e5),
                "discharge_barg": float((ds["discharge_pressure"].values[i] - atm) / 1e5),
                "power_mw": float(ds["power"].values[i] / 1e6),
                **(
                    {
                        "discharge_temperature_c": float(
                            ds["discharge_temperature"].values[i] - 273.15
                        ),
                        "outlet_temperature_c": float(ds["outlet_temperature"].values[i] - 273.15),
                        "cooler_duty_mw": float(ds["cooler_duty"].values[i] / 1e6),
                    }
                    if "cooler_duty" in ds
                    else {}
                ),
                "mode": str(ds["mode"].values[i]),
                "limit": str(ds["limit"].values[i]),
            }
            for i, c in enumerate(ds["compressor"].values)
        },
        "regulators": {
            str(r): {
                "inlet_barg": float((ds["regulator_inlet_pressure"].values[i] - atm) / 1e5),
                "outlet_barg": float((ds["regulator_outlet_pressure"].values[i] - atm) / 1e5),
                "state": str(ds["regulator_state"].values[i]),
            }
            for i, r in enumerate(ds["regulator"].values)
        },
        "control_changes": [
            str(c) for c in sol.report.mode_changes if c.kind is not ChangeKind.IDLE
        ],
        "max_velocity_m_s": vmax,
        "max_pressure_barg": (pmax_route - atm) / 1e5,
        "margin_to_maop_bar": float((maop - pmax_route) / 1e5) if np.isfinite(maop) else None,
        "delivery_p_min_barg": (pmin - atm) / 1e5 if pmin > 0 else None,
        "margin_to_min_delivery_bar": float((ds["pressure"].values[d] - pmin) / 1e5)
        if pmin > 0
        else None,
        "mass_balance_error_kg_s": float(ds.attrs["max_mass_balance_error_kg_s"]),
        **_thermal_summary(sol, ds, d),
        "violations": [str(v) for v in sol.violations],
        "residual_norms": [float(r) for r in sol.report.residual_norms],
    }
