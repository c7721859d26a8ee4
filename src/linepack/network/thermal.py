"""What compile derives for the energy balance (``thermal = "energy"``): U and soil temperatures.

Pure functions of SI values. :func:`buried_pipe_u` is the overall heat-transfer coefficient of a
buried pipe from its burial data; :func:`route_positions` and :func:`profile_temperature` place
pipes along the case's route and read a soil temperature profile there; :func:`temperature_range`
is the temperature range an equation-of-state table and the caloric model must cover when
temperature is solved. :mod:`linepack.network.compile` assembles them into
:class:`~linepack.network.compile.ThermalData`.

Examples
--------
A 56" line (OD 1.4224 m, wall 21.4 mm) 1.2 m deep in soil of 1.2 W/(m K), without coating:

>>> round(float(buried_pipe_u(1.4224 - 2 * 0.0214, 1.4224, 1.2, 1.2)), 4)
1.5617
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

from linepack.network.model import Pipe

FloatArray = NDArray[np.float64]

__all__ = [
    "COLD_FLOOR",
    "COLD_MARGIN",
    "HOT_MARGIN",
    "HOT_MARGIN_NO_STATIONS",
    "buried_pipe_u",
    "profile_temperature",
    "route_positions",
    "temperature_range",
]

#: Margin [K] below the coldest temperature a case names (soil, supply, gas, set-points) that the
#: tables cover: Joule-Thomson cooling at pressure cuts and along long lines.
COLD_MARGIN = 60.0
#: Margin [K] above the warmest temperature a case names, station discharge limits included
#: (compression heat, and overshoot while the solver iterates).
HOT_MARGIN = 120.0
#: The same without compressor stations: nothing heats the gas above what the case names but
#: gravity on a descent and the solver's overshoot.
HOT_MARGIN_NO_STATIONS = 30.0
#: Lowest temperature [K] a table goes down to, whatever the margin: colder, natural gas nears
#: its two-phase region (the case checks keep named temperatures at 200 K and above).
COLD_FLOOR = 175.0


def buried_pipe_u(
    inner_diameter: npt.ArrayLike,
    outer_diameter: npt.ArrayLike,
    depth: npt.ArrayLike,
    soil_conductivity: npt.ArrayLike,
    coating_thickness: npt.ArrayLike = 0.0,
    coating_conductivity: npt.ArrayLike = 1.0,
    insulation_thickness: npt.ArrayLike = 0.0,
    insulation_conductivity: npt.ArrayLike = 1.0,
) -> FloatArray:
    """Overall heat-transfer coefficient of a buried pipe, referred to its inner diameter.

    The thermal resistances per metre of pipe [K m/W] of the coating, the insulation and the
    soil act in series::

        R'_coating    = ln(D_c / D_o) / (2 pi k_c),      D_c = D_o + 2 t_c
        R'_insulation = ln(D_s / D_c) / (2 pi k_i),      D_s = D_c + 2 t_i
        R'_soil       = arccosh(2 H / D_s) / (2 pi k_s)
        U             = 1 / (pi D_inner (R'_coating + R'_insulation + R'_soil))

    The soil term is the conduction shape factor of a cylinder of diameter ``D_s`` (the
    outermost surface) with its centre at depth ``H`` below an isothermal ground surface. The
    steel wall and the gas-side film are left out: for a buried line their resistance is well
    under 1 % of the soil's (steel ≈ 45 W/(m K); gas film ≥ 100 W/(m² K)).

    Parameters
    ----------
    inner_diameter : array_like
        Inner (bore) diameter [m], the area U refers to.
    outer_diameter : array_like
        Outer diameter of the steel D_o [m].
    depth : array_like
        Depth of the pipe centre below ground H [m], greater than ``D_s / 2``.
    soil_conductivity : array_like
        Soil thermal conductivity k_s [W/(m K)].
    coating_thickness, coating_conductivity : array_like, optional
        External coating t_c [m] and k_c [W/(m K)] (thickness 0: none).
    insulation_thickness, insulation_conductivity : array_like, optional
        Insulation over the coating t_i [m] and k_i [W/(m K)] (thickness 0: none).

    Returns
    -------
    ndarray
        U [W/(m² K)].

    Examples
    --------
    With a 3.5 mm 3LPE coating of 0.35 W/(m K) the soil still dominates:

    >>> d_o = 1.4224
    >>> round(float(buried_pipe_u(d_o - 0.0428, d_o, 1.2, 1.2, 0.0035, 0.35)), 4)
    1.5468
    """
    d_in = np.asarray(inner_diameter, dtype=float)
    d_o = np.asarray(outer_diameter, dtype=float)
    t_c = np.asarray(coating_thickness, dtype=float)
    t_i = np.asarray(insulation_thickness, dtype=float)
    d_c = d_o + 2 * t_c
    d_s = d_c + 2 * t_i
    r_coating = np.log(d_c / d_o) / (2 * np.pi * np.asarray(coating_conductivity, dtype=float))
    r_insulation = np.log(d_s / d_c) / (
        2 * np.pi * np.asarray(insulation_conductivity, dtype=float)
    )
    r_soil = np.arccosh(2 * np.asarray(depth, dtype=float) / d_s) / (
        2 * np.pi * np.asarray(soil_conductivity, dtype=float)
    )
    return np.asarray(1.0 / (np.pi * d_in * (r_coating + r_insulation + r_soil)), dtype=float)


def route_positions(route: Sequence[str], pipes: Sequence[Pipe]) -> dict[int, tuple[float, float]]:
    """Where the pipes on a route lie along it.

    A pipe is on the route when its two ends are consecutive route nodes. A route node's
    distance is the sum of the lengths of the route's pipes before it (the first pipe found
    between two consecutive nodes; 0 where they are joined by anything else, such as a
    compressor station).

    Parameters
    ----------
    route : sequence of str
        Node names along the route, upstream first.
    pipes : sequence of Pipe
        The network's pipes.

    Returns
    -------
    dict
        Pipe index → (distance of its inlet (``from_node``) from the route's first node [m],
        direction: +1 if it runs downstream along the route, -1 if upstream).

    Examples
    --------
    >>> ps = [Pipe("P1", "a", "b", 1e3, 0.5), Pipe("P2", "c", "b", 2e3, 0.5)]
    >>> route_positions(["a", "b", "c"], ps)
    {0: (0.0, 1.0), 1: (3000.0, -1.0)}
    """
    by_pair: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(pipes):
        by_pair.setdefault((p.from_node, p.to_node), []).append(i)
    out: dict[int, tuple[float, float]] = {}
    distance = 0.0
    for a, b in itertools.pairwise(route):
        down, up = by_pair.get((a, b), []), by_pair.get((b, a), [])
        length = 0.0
        for i in down:
            out[i] = (distance, 1.0)
        if down or up:
            length = float(pipes[(down or up)[0]].length)
        for i in up:
            out[i] = (distance + length, -1.0)
        distance += length
    return out


def profile_temperature(
    distance: npt.ArrayLike, profile: Sequence[tuple[float, float]]
) -> FloatArray:
    """Soil temperature [K] at distances along the route [m] from a profile.

    Linear between the profile's points, constant beyond its ends.

    Parameters
    ----------
    distance : array_like
        Distances from the route's first node [m].
    profile : sequence of (float, float)
        (distance [m], temperature [K]) pairs, distances increasing; at least one.

    Returns
    -------
    ndarray
        Temperatures [K], shaped as ``distance``.

    Examples
    --------
    >>> profile_temperature([0.0, 275e3, 2e6], [(0.0, 305.15), (550e3, 303.15)]).round(2)
    array([305.15, 304.15, 303.15])
    """
    xs = np.asarray([x for x, _ in profile], dtype=float)
    ts = np.asarray([t for _, t in profile], dtype=float)
    return np.asarray(np.interp(np.asarray(distance, dtype=float), xs, ts), dtype=float)


def temperature_range(
    named: Sequence[npt.ArrayLike],
    max_discharge: npt.ArrayLike,
    validity: tuple[float, float] | None = None,
    *,
    stations: bool = True,
) -> tuple[float, float]:
    """The temperature range [K] tables must cover when temperature is solved.

    ``[max(min(named) - COLD_MARGIN, COLD_FLOOR), max(named, finite max_discharge) +
    HOT_MARGIN]``, clipped to
    the model's ``validity``; :data:`HOT_MARGIN_NO_STATIONS` above instead when the network
    has no compressor station (``stations=False``).

    Parameters
    ----------
    named : sequence of array_like
        Temperatures the case names [K] (soil, supply, gas, cooler and heater set-points);
        NaN and inf are ignored.
    max_discharge : array_like
        Stations' discharge limits [K] (inf: none).
    validity : (float, float), optional
        The equation of state's temperature range of validity [K].
    stations : bool, optional
        Whether the network has compressor stations.

    Returns
    -------
    (float, float)
        Lowest and highest temperature [K].

    Examples
    --------
    >>> temperature_range([[288.15, 303.15]], [333.15, np.inf])
    (228.14999999999998, 453.15)
    """
    values = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in named])
    values = values[np.isfinite(values)]
    limits = np.ravel(np.asarray(max_discharge, dtype=float))
    limits = limits[np.isfinite(limits)]
    low = max(float(values.min()) - COLD_MARGIN, COLD_FLOOR)
    high = float(np.concatenate([values, limits]).max()) + (
        HOT_MARGIN if stations else HOT_MARGIN_NO_STATIONS
    )
    if validity is not None:
        low, high = max(low, validity[0]), min(high, validity[1])
    return low, high
