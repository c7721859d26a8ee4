"""Figures of the report (PNG files), drawn with plain matplotlib (Agg; no map tiles, no network).

* :func:`route_map`: the network drawn from its nodes' WGS84 coordinates, nodes coloured by
  pressure;
* :func:`transient_figures`: pressures and line pack over time
  (:func:`linepack.plot.transient.plot_run`);
* :func:`capacity_vs_stations`: largest throughput against the number of compressor stations.

Each function writes its PNG and returns the path (or None when the case has nothing to draw).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from linepack.plot.common import pyplot, save

if TYPE_CHECKING:
    from linepack.network.model import Network
    from linepack.transient.results import TransientResult

#: Kilometres per degree of latitude (mean Earth radius 6371 km), for the map's scale bar.
KM_PER_DEG = math.pi * 6371.0 / 180.0


def _scale_km(span_km: float) -> float:
    """A round scale-bar length, about a fifth of the span [km]."""
    target = max(span_km / 5.0, 1e-3)
    step = 10 ** math.floor(math.log10(target))
    for m in (1, 2, 5, 10):
        if m * step >= target:
            return float(m * step)
    return float(10 * step)  # pragma: no cover - the loop always returns


def route_map(
    net: Network,
    path: Path,
    *,
    pressure_barg: Mapping[str, float] | None = None,
    title: str,
) -> Path | None:
    """Draw the network from its nodes' latitude and longitude.

    Links (pipes, stations, valves, ...) are drawn between nodes that have coordinates; nodes are
    coloured by gauge pressure when given; supplies, deliveries and compressor stations are
    marked; route nodes are labelled. The axes are scaled by cos(latitude) so distances look
    right, with a scale bar in km.

    Parameters
    ----------
    net : Network
    path : Path
        PNG file to write.
    pressure_barg : mapping, optional
        Node name → pressure [barg].
    title : str

    Returns
    -------
    Path or None
        The file written, or None if fewer than two nodes have coordinates.
    """
    xy = {n.name: (n.lon, n.lat) for n in net.nodes if n.lat is not None and n.lon is not None}
    if len(xy) < 2:
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 7.5), dpi=110)
    for link in net.links():
        a, b = xy.get(link.from_node), xy.get(link.to_node)
        if a is not None and b is not None:
            ax.plot([a[0], b[0]], [a[1], b[1]], color="0.35", lw=2.2, zorder=1)
    names = list(xy)
    lon = np.array([xy[n][0] for n in names], dtype=float)
    lat = np.array([xy[n][1] for n in names], dtype=float)
    if pressure_barg:
        p = np.array([pressure_barg.get(n, np.nan) for n in names], dtype=float)
        sc = ax.scatter(lon, lat, c=p, cmap="viridis", s=60, zorder=3, edgecolors="k", lw=0.5)
        fig.colorbar(sc, ax=ax, shrink=0.7, label="node pressure [barg]")
    else:
        ax.scatter(lon, lat, color="C0", s=50, zorder=3, edgecolors="k", lw=0.5)
    marks = (
        ([s.node for s in net.supplies], "^", "C2", "supply"),
        ([d.node for d in net.demands], "s", "C3", "delivery"),
        ([c.from_node for c in net.compressors], "*", "C1", "compressor station"),
    )
    for nodes, marker, color, label in marks:
        pts = [xy[n] for n in dict.fromkeys(nodes) if n in xy]
        if pts:
            ax.scatter(
                [q[0] for q in pts],
                [q[1] for q in pts],
                marker=marker,
                s=170,
                facecolors="none",
                edgecolors=color,
                lw=1.8,
                zorder=4,
                label=label,
            )
    labelled = [n for n in (net.route or names) if n in xy]
    for n in dict.fromkeys(labelled):
        ax.annotate(n, xy[n], xytext=(6, -3), textcoords="offset points", fontsize=7, zorder=5)
    mid = float(np.mean(lat))
    ax.set_aspect(1.0 / max(math.cos(math.radians(mid)), 0.05))
    ax.margins(0.12)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_lon = KM_PER_DEG * math.cos(math.radians(mid))
    bar = _scale_km((x1 - x0) * km_per_lon)
    bx, by = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([bx, bx + bar / km_per_lon], [by, by], color="k", lw=3)
    ax.annotate(f"{bar:g} km", (bx, by), xytext=(0, 5), textcoords="offset points", fontsize=8)
    ax.set_xlabel("longitude [°E]")
    ax.set_ylabel("latitude [°N]")
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return save(fig, path)


def transient_figures(
    result: TransientResult, out: Path, *, events: Sequence[tuple[float, str]] = ()
) -> dict[str, Path]:
    """Pressure over time, boundary flows and line pack, and the distance–time pressure map.

    Parameters
    ----------
    result : TransientResult
    out : Path
        Folder; the files are named ``transient_pressure.png``, ``transient_linepack.png`` and
        ``transient_pressure_map.png``.
    events : sequence of (float, str)
        Scheduled events: time [s] and name, marked on the plots.

    Returns
    -------
    dict
        ``"pressure"``, ``"linepack"`` and (for a route) ``"pressure_map"`` → file.
    """
    from linepack.plot.transient import plot_run

    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for f in plot_run(result, Path(tmp), schedule_events=list(events)):
            dest = out / f"transient_{f.name}"
            dest.write_bytes(f.read_bytes())
            files[f.stem] = dest
    return files


def capacity_vs_stations(
    stations: Sequence[float],
    throughput_mmscfd: Sequence[float],
    path: Path,
    *,
    title: str,
    power_mw: Sequence[float] | None = None,
    demand_mmscfd: Sequence[tuple[float, str]] = (),
) -> Path:
    """Largest throughput against the number of compressor stations (bars), with station power.

    Parameters
    ----------
    stations : sequence of float
        Number of stations.
    throughput_mmscfd : sequence of float
        Largest deliverable throughput [MMSCFD] with that many stations.
    path : Path
        PNG file to write.
    title : str
    power_mw : sequence of float, optional
        Total compressor power at that throughput [MW], on a second axis.
    demand_mmscfd : sequence of (float, str)
        Reference throughputs [MMSCFD] and their labels (e.g. the phase-1 and phase-2
        targets), drawn as horizontal lines.

    Returns
    -------
    Path
    """
    plt = pyplot()
    n = np.asarray(stations, dtype=float)
    q = np.asarray(throughput_mmscfd, dtype=float)
    fig, ax = plt.subplots(figsize=(9, 5), dpi=110)
    bars = ax.bar(n, q, width=0.6, color="C0", label="largest throughput")
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in q], fontsize=8)
    for k, (level, label) in enumerate(demand_mmscfd):
        ax.axhline(level, color=f"C{k + 3}", ls="--", lw=1.2, label=label)
    ax.set_xticks(n, [f"{v:g}" for v in n])
    ax.set_xlabel("number of compressor stations [-]")
    ax.set_ylabel("throughput [MMSCFD]")
    ax.grid(alpha=0.3, axis="y")
    handles, labels = ax.get_legend_handles_labels()
    if power_mw is not None:
        ax2 = ax.twinx()
        ax2.plot(n, np.asarray(power_mw, dtype=float), "o-", color="C1", label="compressor power")
        ax2.set_ylabel("compressor power [MW]")
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="upper left", fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return save(fig, path)
