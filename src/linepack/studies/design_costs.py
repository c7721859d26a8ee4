"""What each design of the 42"/56" comparison costs: capex and levelised tariff per target.

The diameter argument over PSGP was about money as much as hydraulics (a 42" line "saves up to
$500 m", FACTS sec. 2). :func:`design_costs` prices every row of a
:class:`~linepack.studies.design.DiameterComparison` with the case's ``[economics]`` inputs: the
pipe steel and construction of that diameter and wall over the route, the installed compressor
power (spares included) of that design, and, for the tariff, its shaft power and fuel at the
target throughput taken as the design throughput.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from linepack.network.economics import Economics
from linepack.network.model import Network
from linepack.studies.design import DesignOption, DiameterComparison, StationDesign
from linepack.studies.economics import PipelineFacts, levelised_tariff

_MUSD = 1e6


def facts_of(option: DesignOption, row: StationDesign, gcv: float) -> PipelineFacts:
    """Pipeline facts of one design row (one section of the design diameter and wall).

    Parameters
    ----------
    option : DesignOption
        The diameter.
    row : StationDesign
        The stations for one target throughput.
    gcv : float
        Gross calorific value of the gas [J/kg].
    """
    return PipelineFacts(
        length_m=option.route_length,
        outer_diameter_m=option.outer_diameter,
        wall_thickness_m=option.wall,
        design_throughput_kg_s=row.target,
        installed_power_w=row.installed_power,
        shaft_power_w=row.total_power,
        fuel_kg_s=row.fuel,
        gcv_j_per_kg=gcv,
    )


def design_costs(
    comparison: DiameterComparison, network: Network, economics: Economics
) -> list[dict[str, Any]]:
    """Capex and levelised tariff of every diameter and target of a comparison.

    Parameters
    ----------
    comparison : DiameterComparison
        From :func:`linepack.studies.design.compare_diameters`.
    network : Network
        The case (its gas gives the calorific value unless ``economics.gcv`` is set).
    economics : Economics
        Cost and finance inputs (:func:`linepack.io.economics_toml.read_economics`).

    Returns
    -------
    list of dict
        One row per diameter and target: ``diameter``, ``target_mmscfd``, ``feasible``,
        ``n_stations``, ``capex_musd`` and its parts (``steel_musd``, ``construction_musd``,
        ``compressors_musd``), ``tariff_usd_per_mmbtu``, ``fuel_share_of_tariff``; the cost
        figures are None for a target the diameter cannot carry.
    """
    gcv = network.gas.gross_heating_value_mass(network.settings.scf)
    econ = dataclasses.replace(economics, installed_power=None)  # each design has its own
    rows = []
    for option in comparison.options:
        for row in option.targets:
            out: dict[str, Any] = {
                "diameter": option.label,
                "target_mmscfd": row.to_dict()["target_mmscfd"],
                "feasible": row.feasible,
                "n_stations": row.n_stations,
            }
            if row.feasible:
                t = levelised_tariff(econ, facts_of(option, row, gcv))
                out |= {
                    "capex_musd": t.capex.total / _MUSD,
                    "steel_musd": t.capex.steel / _MUSD,
                    "construction_musd": t.capex.construction / _MUSD,
                    "compressors_musd": t.capex.compressors / _MUSD,
                    "tariff_usd_per_mmbtu": t.tariff,
                    "fuel_share_of_tariff": t.fuel / t.tariff if t.tariff > 0 else 0.0,
                }
            else:
                out |= dict.fromkeys(
                    (
                        "capex_musd",
                        "steel_musd",
                        "construction_musd",
                        "compressors_musd",
                        "tariff_usd_per_mmbtu",
                        "fuel_share_of_tariff",
                    )
                )
            rows.append(out)
    return rows
