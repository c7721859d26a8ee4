"""How much the energy balance moves a case's answers against isothermal flow.

:func:`thermal_effect` takes a case solved with ``thermal = "energy"`` and its isothermal twin
(the same case with ``thermal = "isothermal"``: every pipe at the case's ``gas_temperature``, as
linepack computed before the energy balance existed) and compares what a planner reads: the
delivery pressure and temperature at the case's own nomination, station power, fuel and cooler
duty, and the free-flow capacity (:func:`linepack.studies.capacity.max_throughput`, the
pipeline without its stations) with its binding limit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from linepack.errors import CaseError
from linepack.network.design import DesignBasis
from linepack.network.model import Network, Thermal
from linepack.steady.solve import SteadyOptions, SteadySolution, solve
from linepack.studies.capacity import max_throughput
from linepack.studies.stations import remove_stations

MMSCFD_PER_SCF_M3_S = 86_400 / 0.3048**3 / 1e6


@dataclass(frozen=True)
class ThermalFigures:
    """One model's answers (SI)."""

    delivery_pressure: float  # [Pa abs]
    delivery_temperature: float  # [K]
    power: float  # [W] all stations
    fuel: float  # [kg/s]
    cooler_duty: float  # [W]
    free_flow_capacity: float  # [kg/s]
    free_flow_binding: str

    def to_dict(self, atmosphere: float, rho_scf: float) -> dict[str, Any]:
        """Planner's units (barg, degC, MW, MMSCFD)."""
        return {
            "delivery_pressure_barg": (self.delivery_pressure - atmosphere) / 1e5,
            "delivery_temperature_c": self.delivery_temperature - 273.15,
            "compressor_power_mw": self.power / 1e6,
            "fuel_mmscfd": self.fuel / rho_scf * MMSCFD_PER_SCF_M3_S,
            "cooler_duty_mw": self.cooler_duty / 1e6,
            "free_flow_capacity_mmscfd": self.free_flow_capacity / rho_scf * MMSCFD_PER_SCF_M3_S,
            "free_flow_binding": self.free_flow_binding,
        }


@dataclass(frozen=True)
class ThermalEffect:
    """The energy-balance answers of a case, its isothermal twin's, and the differences."""

    case: str
    energy: ThermalFigures
    isothermal: ThermalFigures
    atmosphere: float
    rho_scf: float

    def to_dict(self) -> dict[str, Any]:
        """``energy``, ``isothermal`` and ``change`` (energy − isothermal; capacity also in %)."""
        e = self.energy.to_dict(self.atmosphere, self.rho_scf)
        i = self.isothermal.to_dict(self.atmosphere, self.rho_scf)
        change = {k: e[k] - i[k] for k in e if isinstance(e[k], float) and isinstance(i[k], float)}
        cap_i = i["free_flow_capacity_mmscfd"]
        change["free_flow_capacity_percent"] = (
            100.0 * change["free_flow_capacity_mmscfd"] / cap_i if cap_i else 0.0
        )
        return {"case": self.case, "energy": e, "isothermal": i, "change": change}


def isothermal_twin(network: Network) -> Network:
    """The case with ``thermal = "isothermal"`` (everything else as it is)."""
    return dataclasses.replace(
        network,
        settings=dataclasses.replace(network.settings, thermal=Thermal.ISOTHERMAL),
    )


def _figures(network: Network, sol: SteadySolution, design: DesignBasis) -> ThermalFigures:
    cn = sol.compiled
    delivery = cn.labels.delivery
    if delivery is None:
        raise CaseError(
            "the thermal comparison needs a delivery node",
            element=f"case '{cn.labels.case}'",
            key="delivery",
            expected="the case's delivery node",
        )
    d = cn.node_names.index(delivery)
    th = sol.thermal
    t_d = float(th.temperature[d]) if th is not None else cn.gas_temperature
    cooler = float(th.cooler_duty.sum()) if th is not None else 0.0
    cap = max_throughput(remove_stations(network), design=design)
    return ThermalFigures(
        delivery_pressure=float(sol.pressure[d]),
        delivery_temperature=t_d,
        power=float(np.sum(sol.power)),
        fuel=float(np.sum(sol.fuel)),
        cooler_duty=cooler,
        free_flow_capacity=float(cap.max_throughput),
        free_flow_binding=cap.binding_text(),
    )


def thermal_effect(
    network: Network, design: DesignBasis, options: SteadyOptions | None = None
) -> ThermalEffect:
    """Compare a ``thermal = "energy"`` case with its isothermal twin.

    Parameters
    ----------
    network : Network
        A case with ``settings.thermal = "energy"``.
    design : DesignBasis
        Its design basis (limits of the free-flow capacity search).
    options : SteadyOptions, optional
        Options of the two steady solves at the case's nomination.

    Returns
    -------
    ThermalEffect

    Raises
    ------
    CaseError
        If the case is isothermal or has no delivery node.
    """
    if network.settings.thermal is not Thermal.ENERGY:
        raise CaseError(
            "the thermal comparison needs a case with the energy balance",
            element=f"case '{network.name}'",
            key="thermal",
            value=str(network.settings.thermal),
            expected="thermal = 'energy'",
        )
    twin = isothermal_twin(network)
    sol = solve(network, options)
    energy = _figures(network, sol, design)
    iso = _figures(twin, solve(twin, options), design)
    rho_scf = sol.compiled.gas.density_scf
    return ThermalEffect(network.name, energy, iso, network.settings.atmosphere, rho_scf)
