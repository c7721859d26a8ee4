"""Which pressure assumptions reproduce the published PSGP figures.

The 56 in line was announced with "700-800 mmcfd of free gas flow which can go up to 2,000
mmcfd with compressors" (Dawn via devdiscourse, Heads of Terms, 15 Jul 2021). No pressures were
published; :func:`calibrate` tabulates the model's free flow over inlet and minimum
delivery pressures, finds for each inlet pressure the minimum delivery pressures that give the
band exactly, and designs the stations for 2,000 MMSCFD at the design pressures.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from linepack.network.compile import compile_network
from linepack.network.design import DesignBasis
from linepack.network.model import Network
from linepack.studies.capacity import TOLERANCE_MMSCFD, CapacityResult, max_throughput, summary_row
from linepack.studies.limits import Problem, prepare
from linepack.studies.stations import remove_stations
from linepack.units import MMSCFD_PER_SCF_M3_S

#: The published free flow of the 56 in line [MMSCFD] (Dawn, Heads of Terms, Jul 2021).
PUBLISHED_FREE_FLOW_MMSCFD = (700.0, 800.0)
#: The published throughput with compressors [MMSCFD] (same source).
PUBLISHED_COMPRESSED_MMSCFD = 2000.0
#: Default grids of the calibration [barg].
CALIBRATION_INLETS_BARG = (70.0, 75.0, 80.0, 85.0, 90.0, 95.0)
CALIBRATION_DELIVERY_BARG = (40.0, 50.0, 60.0, 70.0)


@dataclass(frozen=True)
class BandRow:
    """For one inlet pressure, the minimum delivery pressures that give the published band.

    Attributes
    ----------
    inlet_pressure : float
        [Pa abs].
    delivery_at_high, delivery_at_low : float or None
        Delivery pressure [Pa abs] when the line carries the band's upper / lower flow
        without compression (None if it cannot): a minimum delivery pressure between the two
        makes the free-flow capacity fall inside the band.
    """

    inlet_pressure: float
    delivery_at_high: float | None
    delivery_at_low: float | None


@dataclass(frozen=True)
class Calibration:
    """Which pressure assumptions reproduce the published figures.

    Attributes
    ----------
    band : (float, float)
        Published free flow [kg/s] (700-800 MMSCFD).
    grid : tuple of CapacityResult
        Free-flow capacity for each (inlet, minimum delivery) pair with inlet above delivery.
    band_rows : tuple of BandRow
    default : CapacityResult
        Free flow at the design basis' pressures.
    target : float
        The published throughput with compressors [kg/s] (2,000 MMSCFD).
    target_design : StationDesign or None
        Fewest stations and their least-power siting for ``target`` at the design pressures.
    statements : tuple of str
        What the model says, in words.
    """

    band: tuple[float, float]
    grid: tuple[CapacityResult, ...]
    band_rows: tuple[BandRow, ...]
    default: CapacityResult
    target: float
    target_design: Any
    statements: tuple[str, ...]
    atmosphere: float
    density_scf: float

    def in_band(self, r: CapacityResult) -> bool:
        """Whether a free-flow capacity lies in the published band."""
        return self.band[0] <= r.max_throughput <= self.band[1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with units in the key names."""
        f = MMSCFD_PER_SCF_M3_S / self.density_scf

        def barg(p: float | None) -> float | None:
            return None if p is None else (p - self.atmosphere) / 1e5

        return {
            "published_free_flow_mmscfd": [self.band[0] * f, self.band[1] * f],
            "grid": [
                {
                    "inlet_pressure_barg": barg(r.inlet_pressure),
                    "min_delivery_pressure_barg": barg(r.min_delivery_pressure),
                    "free_flow_mmscfd": r.max_throughput_mmscfd,
                    "binding": r.binding_text(),
                    "in_published_band": self.in_band(r),
                }
                for r in self.grid
            ],
            "band": [
                {
                    "inlet_pressure_barg": barg(b.inlet_pressure),
                    "min_delivery_from_barg": barg(b.delivery_at_high),
                    "min_delivery_to_barg": barg(b.delivery_at_low),
                }
                for b in self.band_rows
            ],
            "default_free_flow": summary_row(self.default),
            "target_mmscfd": self.target * f,
            "target_design": None if self.target_design is None else self.target_design.to_dict(),
            "statements": list(self.statements),
        }


def _delivery_at(pb: Problem, flow: float) -> float | None:
    t = pb.trial(flow)
    if t.solution is None:
        return None
    return float(t.solution.pressure[pb.delivery])


def calibrate(
    network: Network,
    *,
    design: DesignBasis,
    inlet_pressures: Sequence[float] | None = None,
    min_delivery_pressures: Sequence[float] | None = None,
    band_mmscfd: tuple[float, float] = PUBLISHED_FREE_FLOW_MMSCFD,
    target_mmscfd: float | None = PUBLISHED_COMPRESSED_MMSCFD,
    tolerance_mmscfd: float = TOLERANCE_MMSCFD,
) -> Calibration:
    """Free-flow capacity over a grid of (inlet, minimum delivery) pressures, and the target.

    The case's stations are removed and the supplies' ``flow_max`` is not applied: this is the
    pipe's own free flow, compared with the published 700-800 MMSCFD. For each inlet pressure
    the delivery pressures at the band's two ends give the minimum delivery pressures that
    reproduce the band exactly. With ``target_mmscfd`` (default 2,000) the fewest stations
    and their least-power siting at the design pressures are added
    (:func:`linepack.studies.design.station_design`).

    Parameters
    ----------
    network : Network
    design : DesignBasis, optional
    inlet_pressures, min_delivery_pressures : sequence of float, optional
        [Pa abs]; defaults :data:`CALIBRATION_INLETS_BARG` (those at most the MAOP) and
        :data:`CALIBRATION_DELIVERY_BARG`.
    band_mmscfd : (float, float)
        The published free flow.
    target_mmscfd : float or None
        The published throughput with compressors (None: skip).
    tolerance_mmscfd : float

    Returns
    -------
    Calibration
    """
    d = design
    atm = d.atmosphere
    inlets = (
        [atm + b * 1e5 for b in CALIBRATION_INLETS_BARG if atm + b * 1e5 <= d.maop]
        if inlet_pressures is None
        else list(inlet_pressures)
    )
    deliveries = (
        [atm + b * 1e5 for b in CALIBRATION_DELIVERY_BARG]
        if min_delivery_pressures is None
        else list(min_delivery_pressures)
    )
    bare = remove_stations(network)
    like = compile_network(bare)

    def free_flow(p_in: float | None = None, p_min: float | None = None) -> CapacityResult:
        return max_throughput(
            bare,
            design=d,
            inlet_pressure=p_in,
            min_delivery_pressure=p_min,
            like=like,
            supply_limit=False,
            tolerance_mmscfd=tolerance_mmscfd,
        )

    grid = tuple(free_flow(pi, pm) for pi in inlets for pm in deliveries if pm < pi)
    band = (d.kg_s(band_mmscfd[0]), d.kg_s(band_mmscfd[1]))
    rows = []
    for pi in inlets:
        pb = prepare(bare, design=d, inlet_pressure=pi, like=like, supply_limit=False)
        rows.append(BandRow(pi, _delivery_at(pb, band[1]), _delivery_at(pb, band[0])))
    default = free_flow()
    target = d.kg_s(target_mmscfd) if target_mmscfd else math.nan
    target_design = None
    if target_mmscfd:
        from linepack.studies.design import station_design

        target_design = station_design(bare, target, design=d, like=like)
    cal = Calibration(
        band, grid, tuple(rows), default, target, target_design, (), atm, d.density_scf
    )
    return dataclasses.replace(cal, statements=tuple(_statements(cal, d)))


def _statements(cal: Calibration, d: DesignBasis) -> list[str]:
    lo, hi = (d.mmscfd(q) for q in cal.band)
    r = cal.default
    out = [
        f"At the design pressures (inlet {d.barg(r.inlet_pressure):.1f} barg, minimum delivery "
        f"{d.barg(r.min_delivery_pressure):.1f} barg) the line carries "
        f"{r.max_throughput_mmscfd:,.0f} MMSCFD without compression (binding: "
        f"{r.binding_text()}), {r.max_throughput_mmscfd / (0.5 * (lo + hi)):.2f} x the "
        f"published {lo:,.0f}-{hi:,.0f} MMSCFD free flow."
    ]
    parts = []
    for b in cal.band_rows:
        if b.delivery_at_high is None and b.delivery_at_low is None:
            continue
        a = f"{d.barg(b.delivery_at_high):.1f}" if b.delivery_at_high is not None else "?"
        z = f"{d.barg(b.delivery_at_low):.1f}" if b.delivery_at_low is not None else "?"
        parts.append(
            f"inlet {d.barg(b.inlet_pressure):.1f} barg with minimum delivery {a}-{z} barg"
        )
    if parts:
        out.append(
            f"The published {lo:,.0f}-{hi:,.0f} MMSCFD free flow is reproduced by: "
            + "; ".join(parts)
            + "."
        )
    pairs = [
        f"{d.barg(g.inlet_pressure):.0f}->{d.barg(g.min_delivery_pressure):.0f} barg "
        f"({g.max_throughput_mmscfd:,.0f})"
        for g in cal.grid
        if cal.in_band(g)
    ]
    out.append("Grid pairs inside the band: " + (", ".join(pairs) if pairs else "none") + ".")
    td = cal.target_design
    if td is not None:
        tq = d.mmscfd(cal.target)
        if td.feasible:
            sites = ", ".join(f"km {c / 1e3:,.0f}" for c in td.chainages)
            out.append(
                f"{tq:,.0f} MMSCFD at the design pressures needs {td.n_stations} compressor "
                f"station{'s' if td.n_stations != 1 else ''} (fewest; terminal send-out not "
                f"limiting): {td.total_power / 1e6:.1f} MW shaft in total"
                + (f" at {sites}" if sites else "")
                + f", installed {td.installed_power / 1e6:.0f} MW with "
                f"{d.station.spare_units} spare unit(s) per station, fuel "
                f"{d.mmscfd(td.fuel):.1f} MMSCFD."
            )
        else:
            out.append(f"{tq:,.0f} MMSCFD at the design pressures: {td.note}.")
    return out
