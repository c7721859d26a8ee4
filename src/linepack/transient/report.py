"""Summary and result files of a transient run (``linepack simulate``).

:func:`summary` gives the planner's figures as a JSON-ready dict (every key is documented in
``docs/results.md``); :func:`write_results` writes the time series as CSV files with units in
their headers, and the labelled dataset as NetCDF when a NetCDF engine is importable;
:func:`route_pressure` gives the pressure along the case's route over time (for the
distance–time map).
"""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray

from linepack.errors import CaseError
from linepack.network.compile import CompiledNetwork
from linepack.network.schedule import Schedule
from linepack.results.steady import MMSCFD_PER_SCF_M3_S, route_path
from linepack.transient.results import TransientResult

FloatArray = NDArray[np.float64]

#: NetCDF engines xarray can write with, in order of preference (engine, module to import).
#: NetCDF-4 engines only: scipy's NetCDF-3 writer cannot hold the dataset's string labels.
NETCDF_ENGINES = (("netcdf4", "netCDF4"), ("h5netcdf", "h5netcdf"))


def delivery_nodes(cn: CompiledNetwork) -> list[str]:
    """Nodes whose pressure the summary watches.

    Demand nodes with a minimum pressure (those the survival time is about); without any, the
    case's ``delivery`` node, or else every demand node.
    """
    demand_nodes = list(dict.fromkeys(cn.labels.demand_nodes))
    with_min = [n for n in demand_nodes if cn.p_min[cn.node_names.index(n)] > 0]
    if with_min:
        return with_min
    if cn.labels.delivery:
        return [cn.labels.delivery]
    return demand_nodes


def boundary_flows(result: TransientResult) -> tuple[FloatArray, FloatArray]:
    """Total supply into and delivery out of the network over time [kg/s] (fuel not counted).

    Each case node counts with its net external inflow: positive as supply, negative as
    delivery.
    """
    nn = result.compiled.n_case_nodes
    q = result.inflow[:, :nn]
    return np.maximum(q, 0.0).sum(axis=1), np.maximum(-q, 0.0).sum(axis=1)


def _interp(t: float, time: FloatArray, values: FloatArray) -> float:
    return float(np.interp(t, time, values))


def _stats(time_h: FloatArray, v: FloatArray) -> dict[str, float]:
    return {
        "start": float(v[0]),
        "min": float(v.min()),
        "min_time_h": float(time_h[int(np.argmin(v))]),
        "max": float(v.max()),
        "max_time_h": float(time_h[int(np.argmax(v))]),
        "end": float(v[-1]),
    }


def events(result: TransientResult, schedule: Schedule | None) -> list[tuple[float, str]]:
    """Scheduled events (by their names) and control-mode changes, with their times [s]."""
    out = [(e.time, e.label) for e in (schedule.events if schedule else [])]
    t0, t1 = float(result.time[0]), float(result.time[-1])
    out = [(t, text) for t, text in out if t0 <= t <= t1]
    changes = [(t, str(c)) for t, c in result.events]
    return sorted([*out, *changes], key=lambda e: e[0])


def summary(
    result: TransientResult, *, wall_time: float, schedule: Schedule | None = None
) -> dict[str, Any]:
    """The planner's summary of a transient run (``summary.json``).

    Parameters
    ----------
    result : TransientResult
    wall_time : float
        Wall-clock time of the run [s].
    schedule : Schedule, optional
        The schedule run, to list its named events.

    Returns
    -------
    dict
        JSON-ready; every key is documented in ``docs/results.md``.
    """
    cn = result.compiled
    atm = cn.atmosphere
    th = (result.time - result.time[0]) / 3600.0
    lp = result.linepack_std / 1e6
    lp_stats = _stats(th, lp)
    mmscfd = MMSCFD_PER_SCF_M3_S / cn.gas.density_scf
    supply, delivery = boundary_flows(result)
    deliveries: dict[str, Any] = {}
    lowest: tuple[float, str, float] | None = None
    for name in delivery_nodes(cn):
        i = cn.node_names.index(name)
        p = (result.pressure[:, i] - atm) / 1e5
        st = _stats(th, p)
        pmin = float(cn.p_min[i])
        deliveries[name] = {
            "p_min_barg": (pmin - atm) / 1e5 if pmin > 0 else None,
            "start_barg": st["start"],
            "min_barg": st["min"],
            "min_time_h": st["min_time_h"],
            "end_barg": st["end"],
        }
        if lowest is None or st["min"] < lowest[0]:
            lowest = (st["min"], name, st["min_time_h"])
    survival = result.survival_time
    lp_survival = None if survival is None else _interp(survival, result.time, lp)
    defects = [s.mass_defect for s in result.steps]
    return {
        "case": cn.labels.case,
        "scheme": result.scheme,
        "inertia": result.inertia,
        "hours": float(th[-1]),
        "dt_s": float(result.dt),
        "output_every_s": float(np.median(np.diff(result.time))) if len(result.time) > 1 else 0.0,
        "steps": len(result.steps),
        "newton_iterations": int(sum(s.iterations for s in result.steps)),
        "wall_time_s": float(wall_time),
        "linepack_start_mmscm": lp_stats["start"],
        "linepack_end_mmscm": lp_stats["end"],
        "linepack_min_mmscm": lp_stats["min"],
        "linepack_min_time_h": lp_stats["min_time_h"],
        "linepack_max_mmscm": lp_stats["max"],
        "linepack_max_time_h": lp_stats["max_time_h"],
        "linepack_drawn_mmscm": lp_stats["start"] - lp_stats["min"],
        "supply_mmscfd": _stats(th, supply * mmscfd),
        "delivery_mmscfd": _stats(th, delivery * mmscfd),
        "deliveries": deliveries,
        "min_delivery_pressure_barg": None if lowest is None else lowest[0],
        "min_delivery_pressure_node": None if lowest is None else lowest[1],
        "min_delivery_pressure_time_h": None if lowest is None else lowest[2],
        "survival_time_h": None if survival is None else (survival - result.time[0]) / 3600.0,
        "survival_node": result.survival_node,
        "linepack_at_survival_mmscm": lp_survival,
        "linepack_drawn_at_survival_mmscm": None
        if lp_survival is None
        else lp_stats["start"] - lp_survival,
        "max_mass_balance_error_rel": float(max(defects)) if defects else 0.0,
        **_thermal_summary(result),
        "events": [
            {"time_h": (t - result.time[0]) / 3600.0, "event": text}
            for t, text in events(result, schedule)
        ],
        "failure": result.failure,
    }


def _thermal_summary(result: TransientResult) -> dict[str, Any]:
    """The summary's temperature keys (null values when isothermal; see docs/results.md)."""
    cn = result.compiled
    t, heat = result.temperature, result.heat_to_soil
    keys = (
        "delivery_temperature_c",
        "min_temperature_c",
        "min_temperature_at",
        "min_temperature_time_h",
        "max_temperature_c",
        "max_temperature_at",
        "max_temperature_time_h",
        "heat_to_soil_mw",
        "max_energy_balance_error_rel",
    )
    if t is None or heat is None:
        return {"thermal": "isothermal", **dict.fromkeys(keys)}
    c0 = 273.15
    hours = (result.time - result.time[0]) / 3600.0
    delivery = cn.labels.delivery or (delivery_nodes(cn) or [cn.node_names[0]])[0]
    lo = np.unravel_index(int(np.argmin(t)), t.shape)
    hi = np.unravel_index(int(np.argmax(t)), t.shape)
    q = heat.sum(axis=1) / 1e6
    energy = [s.energy_defect for s in result.steps]
    return {
        "thermal": "energy",
        "delivery_temperature_c": float(t[-1, cn.node_names.index(delivery)] - c0),
        "min_temperature_c": float(t[lo] - c0),
        "min_temperature_at": cn.node_names[int(lo[1])],
        "min_temperature_time_h": float(hours[int(lo[0])]),
        "max_temperature_c": float(t[hi] - c0),
        "max_temperature_at": cn.node_names[int(hi[1])],
        "max_temperature_time_h": float(hours[int(hi[0])]),
        "heat_to_soil_mw": _stats(hours, q),
        "max_energy_balance_error_rel": float(max(energy)) if energy else 0.0,
    }


def route_pressure(
    result: TransientResult, ds: xr.Dataset | None = None
) -> tuple[FloatArray, FloatArray, list[tuple[str, float]]]:
    """Pressure along the case's route over time.

    Returns
    -------
    chainage : ndarray
        [m] along the route (pipes joining consecutive route nodes; a node where two pipes
        meet appears twice at the same chainage).
    pressure : ndarray
        (time, chainage) [Pa abs].
    nodes : list of (str, float)
        The route's nodes and their chainage [m] (:func:`linepack.results.steady.route_path`).
    """
    return _route(result, "point_pressure", ds)


def route_temperature(
    result: TransientResult, ds: xr.Dataset | None = None
) -> tuple[FloatArray, FloatArray, list[tuple[str, float]]]:
    """Gas temperature along the case's route over time (``thermal = "energy"``).

    Returns
    -------
    chainage : ndarray
        [m] along the route, as :func:`route_pressure`'s.
    temperature : ndarray
        (time, chainage) [K].
    nodes : list of (str, float)
        The route's nodes and their chainage [m].

    Raises
    ------
    CaseError
        If the run is isothermal.
    """
    if result.temperature is None:
        raise CaseError(
            "the run has no temperatures: it is isothermal",
            element=f"case '{result.compiled.labels.case}'",
            key="thermal",
            expected="thermal = 'energy'",
        )
    return _route(result, "point_temperature", ds)


def _route(
    result: TransientResult, variable: str, ds: xr.Dataset | None
) -> tuple[FloatArray, FloatArray, list[tuple[str, float]]]:
    """A point variable of the dataset along the case's route over time."""
    cn = result.compiled
    ds = result.to_dataset() if ds is None else ds
    lb = cn.labels
    pipes = {(a, b): k for k, (a, b) in enumerate(zip(lb.pipe_from, lb.pipe_to, strict=True))}
    names = np.asarray(ds["point_pipe"].values)
    x = np.asarray(ds["point_x"].values)
    pressure = np.asarray(ds[variable].values)
    path = route_path(cn)
    chain, cols = [], []
    for (a, start), (b, _) in itertools.pairwise(path):
        pipe = pipes.get((a, b))
        if pipe is None:
            continue
        sel = names == lb.pipes[pipe]
        chain.append(start + x[sel])
        cols.append(pressure[:, sel])
    if not chain:
        return np.zeros(0), np.zeros((len(result.time), 0)), []
    return np.concatenate(chain), np.concatenate(cols, axis=1), path


def netcdf_engine() -> str | None:
    """The first NetCDF engine xarray can write with here, or None."""
    for engine, module in NETCDF_ENGINES:
        try:
            if importlib.util.find_spec(module) is not None:
                return engine
        except ModuleNotFoundError:  # a parent package is missing
            continue
    return None


def write_results(result: TransientResult, out: Path, ds: xr.Dataset | None = None) -> list[str]:
    """Write the time series to ``out``.

    * ``timeseries.csv``: one row per output time; time [s] and [h], line pack, total supply
      and delivery, fuel and the mass-balance defect;
    * one CSV per time-dependent variable of the dataset (``pressure.csv``, ``inflow.csv``,
      ``pipe_flow_in.csv``, ``pipe_flow_out.csv``, ``linepack_pipe.csv``, and for stations
      ``compressor_flow.csv``, ``power.csv``, ``fuel.csv``): a row per output time, a column per
      element, headed ``name [unit]``;
    * ``results.nc``: the whole labelled dataset (:meth:`TransientResult.to_dataset`) if a
      NetCDF engine is importable.

    Returns
    -------
    list of str
        Notes for the user (a file that could not be written, and why).
    """
    out.mkdir(parents=True, exist_ok=True)
    ds = result.to_dataset() if ds is None else ds
    notes: list[str] = []
    supply, delivery = boundary_flows(result)
    series = ds[["linepack", "linepack_std", "mass_balance_error"]].to_dataframe()
    series.index.name = "time [s]"
    series.insert(0, "time", ds["time"].values / 3600.0)
    series["supply"] = supply
    series["delivery"] = delivery
    series["fuel"] = result.fuel.sum(axis=1)
    units = {"time": "h", "supply": "kg/s", "delivery": "kg/s", "fuel": "kg/s"}
    series.columns = [
        f"{c} [{units.get(c) or ds[c].attrs.get('units') or '-'}]" for c in series.columns
    ]
    series.to_csv(out / "timeseries.csv")
    for var in (
        "pressure",
        "inflow",
        "pipe_flow_in",
        "pipe_flow_out",
        "linepack_pipe",
        "compressor_flow",
        "power",
        "fuel",
    ):
        da = ds[var]
        if da.shape[1] == 0:
            continue
        unit = da.attrs.get("units") or "-"
        df = da.to_pandas()
        assert isinstance(df, pd.DataFrame)
        df.columns = [f"{c} [{unit}]" for c in df.columns]
        df.index.name = "time [s]"
        df.to_csv(out / f"{var}.csv")
    engine = netcdf_engine()
    if engine is None:
        notes.append(
            "results.nc not written: no NetCDF-4 engine (install netCDF4 or h5netcdf, "
            "e.g. the 'netcdf' extra)"
        )
    else:
        ds.to_netcdf(out / "results.nc", engine=engine)  # type: ignore[call-overload]
    return notes
