"""Pressure and ground elevation along a pipeline route (PNG).

:func:`plot_route` draws a steady solution's route (``linepack run``'s ``profile.png`` and the
report's profile figure); :func:`plot_profile` draws any profile dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import xarray as xr

    from linepack.steady.solve import SteadySolution

FloatArray = NDArray[np.float64]


def plot_route(
    sol: SteadySolution,
    ds: xr.Dataset,
    summary: Mapping[str, Any],
    path: Path,
    *,
    title: str | None = None,
) -> Path | None:
    """Pressure and ground elevation along a steady solution's route, with its stations.

    Parameters
    ----------
    sol : SteadySolution
    ds : xarray.Dataset
        :func:`linepack.results.steady.to_dataset` of ``sol``.
    summary : mapping
        :func:`linepack.results.steady.summary` of ``sol`` (its ``delivery_node`` gives the
        minimum delivery pressure drawn).
    path : Path
        PNG file to write.
    title : str, optional
        Figure title; default ``"<case>: pressure along the route"``.

    Returns
    -------
    Path or None
        The file, or None (nothing written) if the case has no route of pipes.
    """
    from linepack.results.steady import route_path, route_profile, route_stations

    cn = sol.compiled
    prof = route_profile(sol, ds)
    if not prof["chainage"].size:
        return None
    p_min = float(cn.p_min[cn.node_names.index(summary["delivery_node"])])
    where = dict(route_path(cn))
    return plot_profile(
        prof,
        path,
        title=title if title is not None else f"{cn.labels.case}: pressure along the route",
        atmosphere=cn.atmosphere,
        min_delivery=p_min if p_min > 0 else None,
        stations=route_stations(cn, where),
        temperature=sol.thermal is not None,
    )


def plot_profile(
    profile: dict[str, FloatArray],
    path: Path,
    *,
    title: str,
    atmosphere: float,
    min_delivery: float | None,
    stations: list[tuple[float, str]] | None = None,
    temperature: bool = False,
) -> Path:
    """Draw gauge pressure and elevation against chainage, with MAOP and minimum delivery.

    With ``temperature`` (a solution with the energy balance) a second panel shows the gas
    temperature along the route.

    Parameters
    ----------
    profile : dict
        From :func:`linepack.results.steady.route_profile`: ``chainage`` [m], ``pressure``
        [Pa abs], ``elevation`` [m], ``maop`` [Pa abs].
    path : Path
        PNG file to write.
    title : str
        Figure title.
    atmosphere : float
        [Pa], to show gauge pressures.
    min_delivery : float, optional
        Minimum delivery pressure [Pa abs].
    stations : list of (chainage [m], name), optional
        Compressor stations to mark.
    temperature : bool, optional
        Add the gas temperature panel (``profile["temperature"]`` [K]).

    Returns
    -------
    Path
        The file written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    km = profile["chainage"] / 1e3
    if temperature:
        fig, (ax, axt) = plt.subplots(
            2, 1, figsize=(10, 7.5), dpi=110, sharex=True, height_ratios=(2, 1)
        )
    else:
        fig, ax = plt.subplots(figsize=(10, 5), dpi=110)
    ax.plot(km, (profile["pressure"] - atmosphere) / 1e5, color="C0", lw=2, label="pressure")
    if np.any(np.isfinite(profile["maop"])):
        ax.plot(km, (profile["maop"] - atmosphere) / 1e5, color="C3", ls="--", label="MAOP")
    if min_delivery:
        ax.axhline(
            (min_delivery - atmosphere) / 1e5, color="C1", ls=":", label="minimum delivery pressure"
        )
    for x, name in stations or []:
        ax.axvline(x / 1e3, color="0.5", lw=0.8)
        ax.annotate(
            name,
            (x / 1e3, ax.get_ylim()[0]),
            rotation=90,
            fontsize=8,
            va="bottom",
            ha="right",
            color="0.4",
        )
    if not temperature:
        ax.set_xlabel("chainage [km]")
    ax.set_ylabel("pressure [barg]")
    ax.grid(alpha=0.3)
    ax2 = ax.twinx()
    ax2.fill_between(km, profile["elevation"], color="C2", alpha=0.2, label="ground elevation")
    ax2.set_ylabel("elevation [m]")
    ax2.set_ylim(0, max(1.0, float(np.max(profile["elevation"]))) * 4)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4, fontsize=8)
    ax.set_title(title)
    if temperature:
        axt.plot(km, profile["temperature"] - 273.15, color="C1", lw=2)
        axt.set_ylabel("gas temperature [degC]")
        axt.set_xlabel("chainage [km]")
        axt.grid(alpha=0.3)
        for x, _name in stations or []:
            axt.axvline(x / 1e3, color="0.5", lw=0.8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
