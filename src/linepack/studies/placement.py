"""Where compressor stations go to carry the most: the greedy furthest layout.

For a given throughput, station ``k`` is placed where the line pressure (from the inlet, or from
the discharge of station ``k - 1``) falls to the lowest suction at which the station still
carries the flow within its power, ratio, suction and velocity limits. The line pressure comes
from steady states of route sections (:func:`~linepack.studies.stations.route_section`, marched
by :func:`linepack.steady.march.march` where the section is a tree), so a section too long to
carry the flow is shortened rather than solved to failure.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from linepack.errors import ConvergenceError, InfeasibleError
from linepack.network.compile import CompiledNetwork, compile_like
from linepack.network.design import DesignBasis
from linepack.network.model import Network
from linepack.steady.kernels import compression_power
from linepack.steady.march import OK, can_march, march
from linepack.steady.solve import solve
from linepack.studies.limits import OPTIONS
from linepack.studies.stations import (
    route_length,
    route_pipes,
    route_section,
)

#: Length of the probe section that estimates where the line pressure reaches a threshold [m].
PROBE = 100e3


def _route_profile(
    cn: CompiledNetwork, net: Network, p: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Chainage [m] and pressure [Pa] at every segment end along the route of ``net``
    (compiled as ``cn``)."""
    index = {n: i for i, n in enumerate(cn.pipe_names)}
    seg = cn.segments
    xs, ps = [], []
    for rp in route_pipes(net):
        sel = np.flatnonzero(seg.pipe == index[rp.name])
        xs.append(rp.start + seg.x_start[sel])
        ps.append(p[seg.from_node[sel]])
        xs.append(np.asarray([rp.end]))
        ps.append(np.asarray([p[seg.to_node[sel[-1]]]]))
    return np.concatenate(xs), np.concatenate(ps)


def _section_profile(
    cn: CompiledNetwork, net: Network, p_start: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Route profile of a compiled route section (None if it has no steady state).

    Solved by the tree march (:func:`linepack.steady.march.march`, the same equations as the
    steady solver, ~1 ms) when the section is a tree with its inlet as the one pressure
    reference, else by :func:`linepack.steady.solve.solve`.
    """
    if can_march(cn) is None:
        r = march(cn, np.asarray([p_start]), enforce_limits=False)
        if r.status[0] != OK:
            return None
        return _route_profile(cn, net, r.pressure[0])
    try:
        sol = solve(cn, OPTIONS)
    except (InfeasibleError, ConvergenceError):
        return None
    return _route_profile(sol.compiled, net, sol.pressure)


def suction_threshold(cn: CompiledNetwork, design: DesignBasis, flow: float, vmax: float) -> float:
    """Lowest suction [Pa abs] at which a design station carries ``flow`` [kg/s].

    The largest of: discharge / max ratio, the minimum suction, the suction at which the
    station's power reaches its maximum, and the pressure at which the gas speed in the pipe
    reaches ``vmax``.
    """
    s = design.station
    pd = s.outlet_pressure
    t = cn.gas_temperature
    tt = np.asarray([t])

    def z(p: float) -> float:
        lo, hi = cn.eos_p_range
        return float(cn.eos.z(np.asarray([min(max(p, lo), hi)]), tt)[0])

    def power(ps: float) -> float:
        w, *_ = compression_power(
            np.asarray([flow]),
            np.asarray([ps]),
            np.asarray([pd]),
            z=np.asarray([z(ps)]),
            dz_dps=np.zeros(1),
            temperature=t,
            gas_constant=cn.gas.gas_constant,
            kappa=cn.gas.kappa,
            efficiency=np.asarray([s.efficiency]),
            polytropic=np.asarray([True]),
        )
        return float(w[0])

    cands = [pd / s.max_ratio, s.min_suction_pressure]
    if power(pd * (1 - 1e-9)) < s.max_power < power(1e5):
        cands.append(brentq(lambda x: power(x) - s.max_power, 1e5, pd * (1 - 1e-9), xtol=10.0))
    elif power(1e5) <= s.max_power:
        pass
    else:
        cands.append(pd)
    area = float(np.min(cn.segments.area))
    rs = cn.gas.gas_constant
    pv = flow * rs * t / (area * vmax)
    for _ in range(3):
        pv = flow * z(pv) * rs * t / (area * vmax)
    cands.append(pv)
    return max(cands)


def _crossing(
    bare: Network,
    start: float,
    p_start: float,
    flow: float,
    p_thr: float,
    like: CompiledNetwork,
    counter: list[int],
) -> float | None:
    """First chainage [m] after ``start`` where the line pressure falls below ``p_thr``.

    The route from ``start`` is solved as a line of its own (inlet pressure ``p_start``,
    ``flow`` withdrawn at its end). If the whole rest of the route has no solution (the
    pressure would reach zero), a shorter section is solved (bisection on its length) until one
    ends below ``p_thr``. None if the pressure stays above ``p_thr`` to the end of the route.
    """
    if p_start < p_thr:
        return start
    rest = route_length(bare) - start

    def attempt(length: float) -> tuple[np.ndarray, np.ndarray] | None:
        sec = route_section(bare, start, start + length, p_start, flow)
        counter[0] += 1
        return _section_profile(compile_like(sec, like), sec, p_start)

    def cross(x: np.ndarray, p: np.ndarray) -> float | None:
        below = np.flatnonzero(p < p_thr)
        if not below.size:
            return None
        j = int(below[0])
        if j == 0:
            return start
        x0, x1, p0, p1 = x[j - 1], x[j], p[j - 1], p[j]
        return start + float(x0 + (x1 - x0) * (p0 - p_thr) / (p0 - p1))

    # a short probe gives the slope of p^2 (isothermal law), hence a first guess of the length
    lo, hi, length = 0.0, rest, rest
    probe = min(PROBE, rest)
    for _ in range(8):
        prof = attempt(probe)
        if prof is not None:
            c = cross(*prof)
            if c is not None:
                return c
            lo = probe
            slope = (p_start**2 - prof[1][-1] ** 2) / probe
            if slope > 0:
                length = min(rest, 1.1 * (p_start**2 - p_thr**2) / slope + 5e3)
            break
        hi = probe
        probe *= 0.5
    for _ in range(40):
        if length <= lo:
            return None if lo >= rest - 1.0 else start + lo
        prof = attempt(length)
        if prof is None:
            hi = length
            length = 0.5 * (lo + hi)
            continue
        c = cross(*prof)
        if c is not None:
            return c
        if length >= rest - 1.0:
            return None
        lo = length
        length = min(0.5 * (lo + hi), lo + 0.2 * rest) if hi > lo else rest
    return None  # pragma: no cover - the bisection narrows to metres long before this


def furthest_layout(
    bare: Network,
    flow: float,
    n: int,
    design: DesignBasis,
    like: CompiledNetwork,
    counter: list[int] | None = None,
) -> tuple[float, ...] | None:
    """Up to ``n`` stations, each as far downstream as its suction allows at ``flow``.

    Station ``k`` goes where the line pressure, from the inlet (or the discharge of station
    ``k - 1`` at its set-point), falls to the larger of :func:`suction_threshold` and the
    minimum delivery pressure. With the power, ratio, suction and velocity limits this is the
    furthest site (a station further down would pass a limit), so the layout carries ``flow``
    if any layout of ``n`` such stations does, except where the threshold is below the minimum
    delivery pressure (the station could then sit further down: the layout is conservative).
    The flow of each section includes the fuel of the stations after it, taken at their
    maximum power (exact for stations at their power limit, conservative otherwise).

    Parameters
    ----------
    bare : Network
        The line without stations.
    flow : float
        Delivered flow [kg/s].
    n : int
        Most stations.
    design : DesignBasis
        Inlet pressure, limits and station spec.
    like : CompiledNetwork
        Compiled ``bare`` (EOS table reused).
    counter : list of int, optional
        ``counter[0]`` is increased by the number of steady solves.

    Returns
    -------
    tuple of float or None
        Chainages [m]; fewer than ``n`` when fewer reach the end of the route above the
        minimum delivery pressure; None when a station would have to sit closer than the
        minimum spacing to the one before.
    """
    spec = design.station
    fuel_max = spec.max_power / (spec.driver_efficiency * like.gas.lhv_mass)
    count = counter if counter is not None else [0]
    layout: list[float] = []
    start, p_start = 0.0, design.inlet_pressure
    for k in range(n):
        through = flow + (n - k) * fuel_max  # this section also carries station k's fuel
        p_star = suction_threshold(like, design, through - fuel_max, design.max_velocity)
        p_thr = max(p_star, design.min_delivery_pressure)
        c = _crossing(bare, start, p_start, through, p_thr, like, count)
        if c is None:
            return tuple(layout)
        if layout and c < start + design.min_station_spacing:
            return None
        if c >= route_length(bare) - 1.0:
            return tuple(layout)
        layout.append(c)
        start, p_start = c, spec.outlet_pressure
    return tuple(layout)
