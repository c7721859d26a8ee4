"""Pipeline economics: capex, annual costs, levelised transport tariff, tornado sensitivities.

All inputs are SI and US dollars (:class:`Economics`); the case reader
(:mod:`linepack.io.economics_toml`) turns ``"1300 USD/t"`` and friends into them. The model:

* **capex** = line-pipe steel (mass × price) + construction (USD per inch of OD per km, i.e.
  per m² of OD × length) + compressor stations (USD per W installed) + terminals, metering,
  block valves and SCADA (lump sum); then owner's/other costs as a fraction of that sum, and
  contingency as a fraction of everything before it (:func:`capex`);
* **annual costs** = opex (fraction of capex per year + fixed) + compressor O&M (per MWh of shaft
  work) + fuel gas (design fuel flow × GCV × gas price), the last two scaled by utilisation
  (:func:`annual_costs`);
* **levelised tariff** = (capex · CRF(WACC, life) + annual costs) / delivered energy per year at
  the utilisation, in USD/MMBtu (gross calorific value) (:func:`levelised_tariff`);
* **tornado**: the tariff at the low and high value of each key input, the others at base
  (:func:`tornado`), sorted by swing;
* **published comparison**: where the capex and the tariff sit against the public PSGP figures
  ($1.5–3.5 bn; $1.25/MMBtu asked by Rostec in 2016) (:func:`compare_published`).

Every default carries its source ``[S]`` or the reason for the assumption ``[A]`` in
:data:`INPUTS`; ``docs/economics.md`` explains each one.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from linepack.errors import CaseError
from linepack.network.economics import (
    MMBTU,
    SECONDS_PER_YEAR,
    Economics,
)

#: One standard cubic foot [m³].
SCF_M3 = 0.3048**3

if TYPE_CHECKING:
    from linepack.network.model import Network
    from linepack.steady.solve import SteadySolution

__all__ = [
    "PUBLISHED",
    "AnnualCosts",
    "CapexBreakdown",
    "PipelineFacts",
    "TariffResult",
    "annual_costs",
    "capex",
    "capital_recovery_factor",
    "compare_published",
    "delivered_flow",
    "levelised_tariff",
    "pipe_steel_mass",
    "utilisation_at_tariff",
]


@dataclass(frozen=True)
class PipelineFacts:
    """What the economics needs to know about the pipeline and its design point.

    Attributes
    ----------
    length_m : float
        Total pipe length [m].
    outer_diameter_m : float
        Length-weighted mean outer diameter [m] (for reports; costs use ``sections``).
    wall_thickness_m : float
        Length-weighted mean wall thickness [m].
    design_throughput_kg_s : float
        Delivered mass flow at the design point [kg/s] (sum of the deliveries).
    installed_power_w : float
        Installed compressor shaft power [W] (spares included).
    shaft_power_w : float
        Shaft power absorbed at the design point [W].
    fuel_kg_s : float
        Fuel gas burnt at the design point [kg/s].
    gcv_j_per_kg : float
        Gross calorific value of the gas [J/kg].
    sections : tuple of (length [m], OD [m], wall [m])
        One entry per pipe; empty means one section with the scalar fields above.
    """

    length_m: float
    outer_diameter_m: float
    wall_thickness_m: float
    design_throughput_kg_s: float
    installed_power_w: float = 0.0
    shaft_power_w: float = 0.0
    fuel_kg_s: float = 0.0
    gcv_j_per_kg: float = math.nan
    sections: tuple[tuple[float, float, float], ...] = ()

    def pipe_sections(self) -> tuple[tuple[float, float, float], ...]:
        """(length, OD, wall) [m] of every pipe, or the single equivalent section."""
        if self.sections:
            return self.sections
        return ((self.length_m, self.outer_diameter_m, self.wall_thickness_m),)

    @classmethod
    def from_solution(
        cls, network: Network, solution: SteadySolution, installed_power: float | None = None
    ) -> PipelineFacts:
        """Facts from a solved network: pipes, deliveries, compressors, fuel, gas.

        Parameters
        ----------
        network : Network
            The case that was solved (its pipes' walls, compressors and gas).
        solution : SteadySolution
            The design point (e.g. ``solve(load("psgp-56in-phase1"))``).
        installed_power : float, optional
            Installed shaft power [W] (e.g. from a design study, with spare units); default:
            the sum of the compressors' ``max_power`` (a compressor without one counts with its
            solved power).

        Returns
        -------
        PipelineFacts

        Raises
        ------
        CaseError
            A pipe without a wall thickness (the steel mass needs it).
        """
        net = network
        sections = tuple(_section(p, net) for p in net.pipes)
        length = sum(s[0] for s in sections)
        od = sum(s[0] * s[1] for s in sections) / length if length > 0 else 0.0
        wall = sum(s[0] * s[2] for s in sections) / length if length > 0 else 0.0
        if installed_power is None:
            powers = [
                c.max_power if c.max_power is not None else float(solution.power[i])
                for i, c in enumerate(net.compressors)
            ]
            installed_power = float(sum(powers))
        return cls(
            length_m=float(length),
            outer_diameter_m=float(od),
            wall_thickness_m=float(wall),
            design_throughput_kg_s=delivered_flow(solution),
            installed_power_w=float(installed_power),
            shaft_power_w=float(np.sum(solution.power)),
            fuel_kg_s=float(np.sum(solution.fuel)),
            gcv_j_per_kg=net.gas.gross_heating_value_mass(net.settings.scf),
            sections=sections,
        )


def _section(pipe: Any, net: Network) -> tuple[float, float, float]:
    wall = pipe.wall_thickness
    if wall is None:
        raise CaseError(
            "the economics needs every pipe's wall thickness (steel mass)",
            file=net.source,
            element=f"pipe '{pipe.name}'",
            key="wall_thickness",
            expected="a wall thickness such as '21.4 mm'",
        )
    od = pipe.outer_diameter if pipe.outer_diameter is not None else pipe.diameter + 2 * wall
    return (float(pipe.length), float(od), float(wall))


def delivered_flow(solution: SteadySolution) -> float:
    """Mass flow leaving the network at its demands [kg/s] (fixed and pressure-set alike).

    At a node with demands only, the withdrawal is the net inflow of its edges less the fuel
    drawn there; a node that also has a supply counts its fixed demand flows.
    """
    cn = solution.compiled
    lb = cn.labels
    index = {n: i for i, n in enumerate(cn.node_names[: cn.n_case_nodes])}
    supplied = set(lb.supply_nodes)
    bal = solution.node_balance
    flows = np.nan_to_num(cn.demands.flow).tolist()  # NaN: a pressure-set demand
    total = 0.0
    for node in dict.fromkeys(lb.demand_nodes):
        i = index[node]
        if node in supplied:
            total += sum(f for f, n in zip(flows, lb.demand_nodes, strict=True) if n == node)
        else:
            total += float(bal[i] - cn.injection[i])
    return total


# -- formulas ---------------------------------------------------------------------------------
def pipe_steel_mass(
    length: float, outer_diameter: float, wall: float, density: float = 7850.0
) -> float:
    """Steel mass of a pipe [kg]: ρ π (D − t) t L.

    Parameters
    ----------
    length, outer_diameter, wall : float
        [m].
    density : float
        [kg/m³].
    """
    return density * math.pi * (outer_diameter - wall) * wall * length


def capital_recovery_factor(wacc: float, years: float) -> float:
    """Annuity factor r (1+r)^n / ((1+r)^n − 1) [1/yr]; 1/n at r = 0.

    Parameters
    ----------
    wacc : float
        Discount rate per year [-], ≥ 0.
    years : float
        Life [yr], > 0.
    """
    if years <= 0:
        raise CaseError(
            "the life must be positive",
            element="economics",
            key="life",
            value=years,
            expected="a life > 0 [yr]",
        )
    if wacc == 0:
        return 1.0 / years
    growth: float = (1.0 + wacc) ** years
    return wacc * growth / (growth - 1.0)


@dataclass(frozen=True)
class CapexBreakdown:
    """Capital cost by item [USD] and the steel tonnage [kg]."""

    steel: float
    construction: float
    compressors: float
    terminals_metering: float
    other: float
    contingency: float
    steel_mass_kg: float

    @property
    def direct(self) -> float:
        """Steel + construction + compressors + terminals/metering [USD]."""
        return self.steel + self.construction + self.compressors + self.terminals_metering

    @property
    def total(self) -> float:
        """Total capex [USD]."""
        return self.direct + self.other + self.contingency

    def as_musd(self) -> dict[str, float]:
        """Items and total in MUSD."""
        items = {
            "steel": self.steel,
            "construction": self.construction,
            "compressors": self.compressors,
            "terminals_metering": self.terminals_metering,
            "other": self.other,
            "contingency": self.contingency,
            "total": self.total,
        }
        return {k: v / 1e6 for k, v in items.items()}


def capex(econ: Economics, facts: PipelineFacts) -> CapexBreakdown:
    """Capital cost of the pipeline [USD].

    Parameters
    ----------
    econ : Economics
    facts : PipelineFacts
        ``installed_power_w`` is used unless ``econ.installed_power`` is set.

    Returns
    -------
    CapexBreakdown
    """
    sections = facts.pipe_sections()
    mass = sum(pipe_steel_mass(L, d, t, econ.steel_density) for L, d, t in sections)
    steel = mass * econ.steel_price
    construction = econ.construction_cost * sum(L * d for L, d, _ in sections)
    power = econ.installed_power if econ.installed_power is not None else facts.installed_power_w
    compressors = econ.compressor_cost * power
    direct = steel + construction + compressors + econ.terminals_metering
    other = econ.other_costs * direct
    contingency = econ.contingency * (direct + other)
    return CapexBreakdown(
        steel=steel,
        construction=construction,
        compressors=compressors,
        terminals_metering=econ.terminals_metering,
        other=other,
        contingency=contingency,
        steel_mass_kg=mass,
    )


@dataclass(frozen=True)
class AnnualCosts:
    """Costs per year at the utilisation [USD/yr] and fuel burnt [J/yr]."""

    opex: float
    compressor_om: float
    fuel: float
    fuel_energy_j: float

    @property
    def total(self) -> float:
        """Opex + compressor O&M + fuel [USD/yr]."""
        return self.opex + self.compressor_om + self.fuel


def _gcv(econ: Economics, facts: PipelineFacts) -> float:
    gcv = econ.gcv if econ.gcv is not None else facts.gcv_j_per_kg
    if not (math.isfinite(gcv) and gcv > 0):
        raise CaseError(
            "no gross calorific value",
            element="economics",
            key="gcv",
            value=gcv,
            expected="Economics.gcv or PipelineFacts.gcv_j_per_kg finite and > 0 [J/kg]",
        )
    return gcv


def annual_costs(econ: Economics, facts: PipelineFacts, capex_total: float) -> AnnualCosts:
    """Opex, compressor O&M and fuel per year at the utilisation.

    Fuel = design fuel flow × utilisation × year × GCV × gas price: fuel scales with the
    throughput in proportion (a simplification: at part load compressors need less than
    proportionally, so this overstates fuel below the design point).

    Parameters
    ----------
    econ : Economics
    facts : PipelineFacts
    capex_total : float
        [USD], for the opex fraction.
    """
    hours = econ.utilisation * SECONDS_PER_YEAR
    fuel_energy = facts.fuel_kg_s * hours * _gcv(econ, facts)
    return AnnualCosts(
        opex=econ.opex_fraction * capex_total + econ.fixed_opex,
        compressor_om=econ.compressor_om * facts.shaft_power_w * hours,
        fuel=econ.gas_price * fuel_energy,
        fuel_energy_j=fuel_energy,
    )


@dataclass(frozen=True)
class TariffResult:
    """Levelised tariff and its parts.

    Attributes
    ----------
    tariff : float
        [USD/MMBtu] of delivered gas (gross calorific value).
    capital, opex, compressor_om, fuel : float
        The parts of ``tariff`` [USD/MMBtu]; they sum to it.
    crf : float
        Capital recovery factor [1/yr].
    capex : CapexBreakdown
    annual : AnnualCosts
    delivered_mmbtu_per_year : float
        Energy delivered per year at the utilisation [MMBtu/yr].
    """

    tariff: float
    capital: float
    opex: float
    compressor_om: float
    fuel: float
    crf: float
    capex: CapexBreakdown
    annual: AnnualCosts
    delivered_mmbtu_per_year: float


def levelised_tariff(econ: Economics, facts: PipelineFacts) -> TariffResult:
    """Levelised transport tariff [USD/MMBtu] at the utilisation.

    tariff = (capex · CRF(wacc, life) + opex + compressor O&M + fuel) / delivered energy, with
    delivered energy = design throughput × utilisation × year × GCV.

    Parameters
    ----------
    econ : Economics
    facts : PipelineFacts

    Returns
    -------
    TariffResult
    """
    cap = capex(econ, facts)
    annual = annual_costs(econ, facts, cap.total)
    crf = capital_recovery_factor(econ.wacc, econ.life_years)
    energy = facts.design_throughput_kg_s * econ.utilisation * SECONDS_PER_YEAR * _gcv(econ, facts)
    mmbtu = energy / MMBTU
    if not mmbtu > 0:
        bad_use = not econ.utilisation > 0
        raise CaseError(
            "no delivered energy",
            element="economics" if bad_use else "pipeline facts",
            key="utilisation" if bad_use else "design_throughput_kg_s",
            value=econ.utilisation if bad_use else facts.design_throughput_kg_s,
            expected="a design throughput > 0 [kg/s] and a utilisation > 0",
        )
    parts = (cap.total * crf, annual.opex, annual.compressor_om, annual.fuel)
    capital, opex, om, fuel = (p / mmbtu for p in parts)
    return TariffResult(
        tariff=sum(parts) / mmbtu,
        capital=capital,
        opex=opex,
        compressor_om=om,
        fuel=fuel,
        crf=crf,
        capex=cap,
        annual=annual,
        delivered_mmbtu_per_year=mmbtu,
    )


# -- published figures ------------------------------------------------------------------------
#: Public PSGP figures (FACTS sec. 4) the model is compared with (not calibrated to).
PUBLISHED: dict[str, Any] = {
    "capex_low_usd": 1.5e9,  # [S] Reuters 2022: "$1.5 bn according to Russia"
    "capex_high_usd": 3.5e9,  # [S] Reuters 2022: "$3.5 bn estimated by Pakistan" (Ayub, 2021)
    "capex_rt_global_usd": 1.7e9,  # [S] RT Global 2015 estimate, 1.55 MUSD/km
    "capex_rt_global_usd_per_km": 1.55e6,
    "tariff_ask_usd_per_mmbtu": 1.25,  # [S] Rostec tolling fee sought (Express Tribune, Aug 2016)
    "sngpl_return_on_assets": 0.175,  # [S] Nation 2017
}


def compare_published(
    capex_total: float,
    tariff: float,
    *,
    length_m: float | None = None,
    utilisation_for_ask: float | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """Where the computed capex and tariff sit against the published PSGP figures.

    Parameters
    ----------
    capex_total : float
        [USD].
    tariff : float
        [USD/MMBtu].
    length_m : float, optional
        Pipeline length [m], to compare USD/km with RT Global's 1.55 MUSD/km.
    utilisation_for_ask : float, optional
        Utilisation at which the model's tariff equals the ask, if computed.

    Returns
    -------
    sentences : list of str
        Plain sentences for a report.
    figures : dict
        The numbers behind them (units in key names).
    """
    lo, hi = PUBLISHED["capex_low_usd"], PUBLISHED["capex_high_usd"]
    ask = PUBLISHED["tariff_ask_usd_per_mmbtu"]
    if capex_total < lo:
        where, rel = "below", f"{(lo - capex_total) / lo:.0%} under its low end"
    elif capex_total > hi:
        where, rel = "above", f"{(capex_total - hi) / hi:.0%} over its high end"
    else:
        where, rel = (
            "within",
            f"at {(capex_total - lo) / (hi - lo):.0%} of the way from low to high",
        )
    sentences = [
        f"Computed capex {capex_total / 1e9:.2f} bn USD lies {where} the published range "
        f"1.5-3.5 bn USD ($1.5 bn according to Russia, $3.5 bn estimated by Pakistan; "
        f"Reuters 2022), {rel}."
    ]
    figures: dict[str, Any] = {
        "capex_musd": capex_total / 1e6,
        "published_capex_low_musd": lo / 1e6,
        "published_capex_high_musd": hi / 1e6,
        "capex_position": where,
        "tariff_usd_per_mmbtu": tariff,
        "tariff_ask_usd_per_mmbtu": ask,
        "tariff_to_ask_ratio": tariff / ask,
    }
    if length_m:
        per_km = capex_total / (length_m / 1e3)
        figures["capex_musd_per_km"] = per_km / 1e6
        figures["rt_global_2015_musd_per_km"] = PUBLISHED["capex_rt_global_usd_per_km"] / 1e6
        sentences.append(
            f"That is {per_km / 1e6:.2f} MUSD/km against RT Global's 2015 estimate of 1.55 MUSD/km "
            f"(1.7 bn USD)."
        )
    side = "below" if tariff < ask else "above" if tariff > ask else "equal to"
    sentences.append(
        f"The levelised tariff {tariff:.2f} USD/MMBtu is {side} the 1.25 USD/MMBtu tolling fee "
        f"Rostec sought in 2016 ({tariff / ask:.0%} of it)."
    )
    if utilisation_for_ask is not None:
        figures["utilisation_at_ask"] = utilisation_for_ask
        if 0 < utilisation_for_ask <= 1:
            sentences.append(
                f"With the other inputs at base, the tariff equals 1.25 USD/MMBtu at a "
                f"utilisation of {utilisation_for_ask:.0%}."
            )
        else:
            sentences.append(
                "No utilisation up to 100 % brings the tariff down to 1.25 USD/MMBtu with the "
                "other inputs at base."
            )
    return sentences, figures


def utilisation_at_tariff(econ: Economics, facts: PipelineFacts, target: float) -> float:
    """Utilisation at which the tariff equals ``target`` [USD/MMBtu] (others at base).

    The tariff is A/u + B (capital and opex are fixed per year; fuel and compressor O&M scale
    with u), so u = A / (target − B); ``inf`` if the target is at or below B.
    """
    t1 = levelised_tariff(dataclasses.replace(econ, utilisation=1.0), facts).tariff
    t_half = levelised_tariff(dataclasses.replace(econ, utilisation=0.5), facts).tariff
    a = t_half - t1  # A/0.5 − A/1 = A
    b = t1 - a
    return a / (target - b) if target > b else math.inf
