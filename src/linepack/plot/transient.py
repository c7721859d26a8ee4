"""Plots of a transient run (PNG): pressures over time, line pack, distance–time pressure map.

The functions take plain arrays (time in hours, pressures in barg, flows in MMSCFD, line pack in
MMSm³) so they do not depend on the result classes; :func:`plot_run` draws all three from a
:class:`~linepack.transient.results.TransientResult`. matplotlib (Agg) is imported only when a
plot is drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from linepack.plot.common import pyplot, save

if TYPE_CHECKING:
    from linepack.transient.results import TransientResult

FloatArray = NDArray[np.float64]
#: Most route nodes drawn in the pressure plot (the delivery nodes are added to them).
MAX_ROUTE_NODES = 6


def _mark(ax: Any, survival_h: float | None, events: list[tuple[float, str]]) -> None:
    for t, text in events:
        ax.axvline(t, color="0.6", lw=0.8, ls="--")
        ax.annotate(
            text,
            (t, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            fontsize=7,
            va="top",
            ha="right",
            color="0.4",
        )
    if survival_h is not None:
        ax.axvline(survival_h, color="C3", lw=1.2, label=f"survival time {survival_h:.2f} h")


def plot_pressures(
    time_h: FloatArray,
    series: dict[str, FloatArray],
    path: Path,
    *,
    title: str,
    p_min_barg: float | None = None,
    survival_h: float | None = None,
    events: list[tuple[float, str]] | None = None,
) -> Path:
    """Gauge pressure of some nodes against time.

    Parameters
    ----------
    time_h : ndarray
        Output times [h].
    series : dict
        Node name → pressure [barg] at those times.
    path : Path
        PNG file to write.
    title : str
    p_min_barg : float, optional
        Minimum delivery pressure, drawn as a line.
    survival_h : float, optional
        Survival time, drawn as a line.
    events : list of (float, str), optional
        Times [h] and names of scheduled events.

    Returns
    -------
    Path
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 5), dpi=110)
    for k, (name, p) in enumerate(series.items()):
        ax.plot(time_h, p, lw=1.6, color=f"C{k % 10}", label=name)
    if p_min_barg is not None:
        ax.axhline(p_min_barg, color="C3", ls=":", label="minimum delivery pressure")
    _mark(ax, survival_h, events or [])
    ax.set_xlabel("time [h]")
    ax.set_ylabel("pressure [barg]")
    ax.set_xlim(float(time_h[0]), float(time_h[-1]))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4, fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return save(fig, path)


def plot_linepack(
    time_h: FloatArray,
    linepack_mmscm: FloatArray,
    flows: dict[str, FloatArray],
    path: Path,
    *,
    title: str,
    survival_h: float | None = None,
    events: list[tuple[float, str]] | None = None,
) -> Path:
    """Boundary flows (top) and line pack (bottom) against time.

    Parameters
    ----------
    time_h : ndarray
        Output times [h].
    linepack_mmscm : ndarray
        Line pack [10⁶ Sm³].
    flows : dict
        Label → flow [MMSCFD] (e.g. total supply and delivery).
    path : Path
        PNG file to write.
    title : str
    survival_h : float, optional
        Survival time, drawn as a line.
    events : list of (float, str), optional
        Times [h] and names of scheduled events.

    Returns
    -------
    Path
    """
    plt = pyplot()
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(10, 6.5), dpi=110, sharex=True, height_ratios=(1, 1.4)
    )
    for k, (label, q) in enumerate(flows.items()):
        top.plot(time_h, q, lw=1.6, color=f"C{k}", label=label)
    top.set_ylabel("flow [MMSCFD]")
    top.grid(alpha=0.3)
    top.legend(fontsize=8, loc="best")
    top.set_title(title)
    bottom.plot(time_h, linepack_mmscm, lw=2, color="C2", label="line pack")
    _mark(bottom, survival_h, events or [])
    bottom.set_xlabel("time [h]")
    bottom.set_ylabel("line pack [MMSm³]")
    bottom.set_xlim(float(time_h[0]), float(time_h[-1]))
    bottom.grid(alpha=0.3)
    bottom.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return save(fig, path)


def plot_pressure_map(
    time_h: FloatArray,
    chainage_km: FloatArray,
    pressure_barg: FloatArray,
    path: Path,
    *,
    title: str,
    nodes: list[tuple[str, float]] | None = None,
) -> Path:
    """Pressure over distance along the route (x) and time (y), as colours.

    Parameters
    ----------
    time_h : ndarray
        Output times [h], shape (nt,).
    chainage_km : ndarray
        Points along the route [km], non-decreasing, shape (nx,).
    pressure_barg : ndarray
        (nt, nx) pressure [barg].
    path : Path
        PNG file to write.
    title : str
    nodes : list of (str, float), optional
        Route nodes and their chainage [km], labelled on the top axis.

    Returns
    -------
    Path
    """
    plt = pyplot()
    # on an even grid (a node where two pipes meet is a repeated chainage: np.interp takes it)
    grid = np.linspace(float(chainage_km[0]), float(chainage_km[-1]), 400)
    field = np.array([np.interp(grid, chainage_km, row) for row in pressure_barg])
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    mesh = ax.pcolormesh(grid, time_h, field, shading="auto", cmap="viridis")
    levels = _levels(field)
    if levels.size:
        lines = ax.contour(grid, time_h, field, levels=levels, colors="w", linewidths=0.6)
        ax.clabel(lines, fontsize=7, fmt="%.0f")
    fig.colorbar(mesh, ax=ax, label="pressure [barg]")
    ax.set_xlabel("chainage [km]")
    ax.set_ylabel("time [h]")
    if nodes:
        top = ax.secondary_xaxis("top")
        top.set_xticks([km for _, km in nodes], [n for n, _ in nodes], rotation=60, fontsize=7)
    ax.set_title(title, pad=40 if nodes else 6)
    fig.tight_layout()
    return save(fig, path)


def _levels(field: FloatArray) -> FloatArray:
    """Contour levels at round pressures (none for a flat field)."""
    lo, hi = float(np.nanmin(field)), float(np.nanmax(field))
    if not hi - lo > 1e-6:
        return np.zeros(0)
    step = float(10 ** np.floor(np.log10((hi - lo) / 4)))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (m * step) <= 10:
            step *= m
            break
    return np.arange(np.ceil(lo / step) * step, hi, step)


def _pick(names: list[str], n: int) -> list[str]:
    if len(names) <= n:
        return names
    idx = np.unique(np.round(np.linspace(0, len(names) - 1, n)).astype(int))
    return [names[i] for i in idx]


def plot_run(
    result: TransientResult,
    out: Path,
    *,
    schedule_events: list[tuple[float, str]] | None = None,
) -> list[Path]:
    """Draw ``pressure.png``, ``linepack.png`` and (for a case with a route) ``pressure_map.png``.

    Parameters
    ----------
    result : TransientResult
    out : Path
        Folder.
    schedule_events : list of (float, str), optional
        Times [s] and names of the scheduled events to mark.

    Returns
    -------
    list of Path
        Files written.
    """
    from linepack.results.steady import MMSCFD_PER_SCF_M3_S, route_path
    from linepack.transient.report import boundary_flows, delivery_nodes, route_pressure

    cn = result.compiled
    lb = cn.labels
    atm = cn.atmosphere
    t0 = float(result.time[0])
    th = (result.time - t0) / 3600.0
    marks = [((t - t0) / 3600.0, text) for t, text in schedule_events or []]
    survival = None if result.survival_time is None else (result.survival_time - t0) / 3600.0
    deliveries = delivery_nodes(cn)
    route_nodes = [n for n, _ in route_path(cn)] if lb.route else []
    route_nodes = [n for n in dict.fromkeys(route_nodes) if n in lb.route]
    chosen = _pick(route_nodes, MAX_ROUTE_NODES) if route_nodes else []
    if not chosen:
        chosen = list(dict.fromkeys(lb.supply_nodes))
    chosen += [n for n in deliveries if n not in chosen]
    series = {n: (result.node(n) - atm) / 1e5 for n in chosen}
    pmins = [cn.p_min[cn.node_names.index(n)] for n in deliveries]
    pmin = (max(pmins) - atm) / 1e5 if pmins and max(pmins) > 0 else None
    name = lb.case
    files = [
        plot_pressures(
            th,
            series,
            out / "pressure.png",
            title=f"{name}: pressure over time",
            p_min_barg=pmin,
            survival_h=survival,
            events=marks,
        )
    ]
    mmscfd = MMSCFD_PER_SCF_M3_S / cn.gas.density_scf
    supply, delivery = boundary_flows(result)
    files.append(
        plot_linepack(
            th,
            result.linepack_std / 1e6,
            {"supply": supply * mmscfd, "delivery": delivery * mmscfd},
            out / "linepack.png",
            title=f"{name}: boundary flows and line pack",
            survival_h=survival,
            events=marks,
        )
    )
    chain, pressure, path = route_pressure(result)
    route = set(lb.route or cn.node_names[: cn.n_case_nodes])
    if chain.size and len(th) > 1 and chain[-1] > chain[0]:
        files.append(
            plot_pressure_map(
                th,
                chain / 1e3,
                (pressure - atm) / 1e5,
                out / "pressure_map.png",
                title=f"{name}: pressure along the route",
                nodes=[(n, km / 1e3) for n, km in path if n in route],
            )
        )
    return files
