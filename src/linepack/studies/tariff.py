"""The tariff study of a solved case: capex, levelised tariff, tornado and published comparison.

:func:`economics_summary` runs the pipeline economics of :mod:`linepack.studies.economics` and
the sensitivities of :mod:`linepack.studies.tornado` at a steady design point and returns one
JSON-ready dict (``linepack run``'s headline, ``linepack report``'s tariff section, the sweeps'
tariff metric).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from linepack.network.economics import INPUTS, Economics
from linepack.studies.economics import (
    PUBLISHED,
    SCF_M3,
    PipelineFacts,
    compare_published,
    levelised_tariff,
    utilisation_at_tariff,
)
from linepack.studies.tornado import tornado

if TYPE_CHECKING:
    from linepack.network.model import Network
    from linepack.steady.solve import SteadySolution

__all__ = ["economics_summary"]


def _assumptions(econ: Economics, facts: PipelineFacts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, spec in INPUTS.items():
        value = getattr(econ, key)
        note = econ.notes.get(key, spec.note)
        if value is None and key == "gcv":
            value, note = facts.gcv_j_per_kg, spec.note
        elif value is None and key == "installed_power":
            value, note = facts.installed_power_w, spec.note
        out[key] = {"value": value * spec.scale, "unit": spec.unit, "note": note}
    return out


def economics_summary(
    network: Network,
    solution: SteadySolution,
    economics: Economics,
    installed_power: float | None = None,
) -> dict[str, Any]:
    """Economics of a solved case, JSON-ready (units in key names).

    Parameters
    ----------
    network : Network
        The case (its gas gives the standard density of the MMSCFD figures).
    solution : SteadySolution
        The design point.
    economics : Economics
        Inputs, e.g. :func:`linepack.io.economics_toml.read_economics` of the case file, or
        ``Economics()`` for the documented defaults.
    installed_power : float, optional
        Installed compressor shaft power [W] (a design study's, spares included); overrides
        the case.

    Returns
    -------
    dict
        ``capex_musd``, ``capex_musd_per_km``, ``capex_breakdown_musd``, ``steel_mass_kt``,
        ``tariff_usd_per_mmbtu``, ``tariff_breakdown_usd_per_mmbtu``, ``annual_costs_musd``,
        ``delivered_tbtu_per_year``, ``design_throughput_kg_s``, ``design_throughput_mmscfd``,
        ``installed_power_mw``, ``fuel_mmscfd``, ``crf``, ``utilisation``, ``wacc``,
        ``life_years``, ``tornado``, ``published_comparison``, ``assumptions``.
    """
    if installed_power is not None:
        economics = dataclasses.replace(economics, installed_power=installed_power)
    facts = PipelineFacts.from_solution(network, solution)
    res = levelised_tariff(economics, facts)
    u_ask = utilisation_at_tariff(economics, facts, PUBLISHED["tariff_ask_usd_per_mmbtu"])
    sentences, figures = compare_published(
        res.capex.total, res.tariff, length_m=facts.length_m, utilisation_for_ask=u_ask
    )
    rho_scf = network.gas.density(network.settings.scf)
    to_mmscfd = 86_400.0 / rho_scf / SCF_M3 / 1e6
    power = (
        economics.installed_power
        if economics.installed_power is not None
        else facts.installed_power_w
    )
    return {
        "capex_musd": res.capex.total / 1e6,
        "capex_musd_per_km": res.capex.total / 1e6 / (facts.length_m / 1e3),
        "capex_breakdown_musd": res.capex.as_musd(),
        "steel_mass_kt": res.capex.steel_mass_kg / 1e6,
        "tariff_usd_per_mmbtu": res.tariff,
        "tariff_breakdown_usd_per_mmbtu": {
            "capital": res.capital,
            "opex": res.opex,
            "compressor_om": res.compressor_om,
            "fuel": res.fuel,
        },
        "annual_costs_musd": {
            "capital_charge": res.capex.total * res.crf / 1e6,
            "opex": res.annual.opex / 1e6,
            "compressor_om": res.annual.compressor_om / 1e6,
            "fuel": res.annual.fuel / 1e6,
        },
        "delivered_tbtu_per_year": res.delivered_mmbtu_per_year / 1e6,
        "design_throughput_kg_s": facts.design_throughput_kg_s,
        "design_throughput_mmscfd": facts.design_throughput_kg_s * to_mmscfd,
        "installed_power_mw": power / 1e6,
        "fuel_mmscfd": facts.fuel_kg_s * to_mmscfd,
        "crf": res.crf,
        "utilisation": economics.utilisation,
        "wacc": economics.wacc,
        "life_years": economics.life_years,
        "tornado": [b.as_dict() for b in tornado(economics, facts)],
        "published_comparison": {"sentences": sentences, **figures},
        "assumptions": _assumptions(economics, facts),
    }
