"""The capacity pipeline as a library function: what ``linepack capacity`` and the report run.

:func:`capacity_study` runs, on one network and one design basis, the capacity with its
binding limit, the capacity against inlet pressure and against the number of stations, the
calibration against the published PSGP figures, and the capacity with stations at given
chainages; :meth:`CapacityStudy.to_dict` is ``linepack capacity``'s ``summary.json`` (every key
in docs/studies.md, "Capacity"). The CLI parses its options into :class:`CapacityOptions`,
reads the case and its ``[design]`` table once, and prints and writes the result; the report
runs the same function with the options of its capacity section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linepack.network.design import DesignBasis
from linepack.network.model import Network, Thermal
from linepack.studies.calibration import Calibration, calibrate
from linepack.studies.capacity import (
    TOLERANCE_MMSCFD,
    CapacityResult,
    InletCurve,
    StationsCurve,
    capacity_vs_inlet,
    capacity_vs_stations,
    max_throughput,
)
from linepack.studies.stations import insert_stations, remove_stations
from linepack.studies.thermal import ThermalEffect, thermal_effect

__all__ = ["DEFAULT_INLETS_BARG", "CapacityOptions", "CapacityStudy", "capacity_study"]

#: Inlet pressures of the sweep when none are given [barg] (those above the MAOP are skipped).
DEFAULT_INLETS_BARG = (70.0, 75.0, 80.0, 85.0, 90.0, 95.0)


@dataclass(frozen=True)
class CapacityOptions:
    """What :func:`capacity_study` runs.

    Attributes
    ----------
    inlet_pressures : tuple of float, optional
        Inlet pressures of the sweep [Pa abs]; None: :data:`DEFAULT_INLETS_BARG` up to the
        MAOP; empty: no sweep.
    n_stations : int
        The station-count curve runs from 0 to this many stations.
    placement : {"optimal", "even"}
        Station sites of the curve.
    supply_limit : bool
        Whether the supply's ``flow_max`` limits the capacity and the inlet sweep (never the
        station curve: it is the pipeline's own).
    calibrate : bool
        Compare with the published 700-800 / 2,000 MMSCFD figures.
    sites : tuple of float, optional
        Chainages [m] of stations replacing the case's own (NaN: a station the spec places);
        None: not studied.
    """

    inlet_pressures: tuple[float, ...] | None = None
    n_stations: int = 3
    placement: str = "optimal"
    supply_limit: bool = True
    calibrate: bool = True
    sites: tuple[float, ...] | None = None


@dataclass(frozen=True)
class CapacityStudy:
    """Everything ``linepack capacity`` prints and writes (SI inside, :meth:`to_dict` outside).

    Attributes
    ----------
    case : str
        The network's name.
    design : DesignBasis
    options : CapacityOptions
    capacity : CapacityResult
    vs_inlet : InletCurve, optional
        None when ``options.inlet_pressures`` is empty.
    vs_stations : StationsCurve
    calibration : Calibration, optional
    at_sites : CapacityResult, optional
    thermal : ThermalEffect, optional
        For a case with the energy balance: its answers against its isothermal twin
        (:func:`linepack.studies.thermal.thermal_effect`).
    """

    case: str
    design: DesignBasis
    options: CapacityOptions
    capacity: CapacityResult
    vs_inlet: InletCurve | None
    vs_stations: StationsCurve
    calibration: Calibration | None
    at_sites: CapacityResult | None
    thermal: ThermalEffect | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``summary.json`` of ``linepack capacity`` (see docs/studies.md)."""
        cap, opts, cal = self.capacity, self.options, self.calibration
        capd = cap.to_dict()
        assumptions = {
            **self.design.to_dict(),
            "supply_limit_applied": opts.supply_limit,
            "station_curve_supply_limit_applied": False,
            "station_placement": opts.placement,
            "tolerance_mmscfd": TOLERANCE_MMSCFD,
        }
        at_sites = None
        if self.at_sites is not None and opts.sites is not None:
            at_sites = {
                "sites_km": [w / 1e3 for w in opts.sites],
                **self.at_sites.to_dict(),
                "binding": self.at_sites.binding_text(),
            }
        return {
            "case": self.case,
            "max_throughput_mmscfd": capd["max_throughput_mmscfd"],
            "max_throughput_bcm_per_year": capd["max_throughput_bcm_per_year"],
            "binding_constraint": cap.binding_constraint,
            "binding_element": cap.binding_element,
            "binding": cap.binding_text(),
            "tolerance_mmscfd": capd["tolerance_mmscfd"],
            "assumptions": assumptions,
            "capacity": capd,
            "capacity_vs_inlet": self.vs_inlet.to_dict()["rows"] if self.vs_inlet else [],
            "capacity_vs_stations": self.vs_stations.to_dict(),
            "calibration": cal.to_dict() if cal is not None else None,
            "statements": list(cal.statements) if cal is not None else [],
            "capacity_at_sites": at_sites,
            "thermal_effect": self.thermal.to_dict() if self.thermal is not None else None,
        }


def default_inlets(design: DesignBasis) -> tuple[float, ...]:
    """:data:`DEFAULT_INLETS_BARG` up to the MAOP [Pa abs]."""
    atm = design.atmosphere
    return tuple(atm + b * 1e5 for b in DEFAULT_INLETS_BARG if atm + b * 1e5 <= design.maop)


def capacity_study(
    network: Network, design: DesignBasis, options: CapacityOptions | None = None
) -> CapacityStudy:
    """Run the capacity studies of ``linepack capacity`` on a network.

    Parameters
    ----------
    network : Network
        The case.
    design : DesignBasis
        Its design basis (:func:`linepack.io.design_toml.read_design`), read once by the caller.
    options : CapacityOptions, optional
        Defaults: :class:`CapacityOptions` ().

    Returns
    -------
    CapacityStudy

    Raises
    ------
    CaseError
        A case the studies cannot prepare (no delivery node, no single pressure-set supply,
        an inlet above the MAOP, bad sites).
    """
    opts = options if options is not None else CapacityOptions()
    d = design
    inlets = default_inlets(d) if opts.inlet_pressures is None else opts.inlet_pressures
    cap = max_throughput(network, design=d, supply_limit=opts.supply_limit)
    sweep = (
        capacity_vs_inlet(network, list(inlets), design=d, supply_limit=opts.supply_limit)
        if inlets
        else None
    )
    curve = capacity_vs_stations(
        network, opts.n_stations, opts.placement, design=d, supply_limit=False
    )
    cal = calibrate(network, design=d) if opts.calibrate else None
    at_sites = None
    if opts.sites:
        placed = insert_stations(
            remove_stations(network),
            list(opts.sites),
            d.station,
            min_spacing=d.min_station_spacing,
        )
        at_sites = max_throughput(placed, design=d, supply_limit=opts.supply_limit)
    effect = thermal_effect(network, d) if network.settings.thermal is Thermal.ENERGY else None
    return CapacityStudy(network.name, d, opts, cap, sweep, curve, cal, at_sites, effect)
