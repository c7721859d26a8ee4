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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from linepack.errors import CaseError

if TYPE_CHECKING:
    from linepack.network.model import Network
    from linepack.steady.solve import SteadySolution

__all__ = [
    "INPUTS",
    "MMBTU",
    "PUBLISHED",
    "SECONDS_PER_YEAR",
    "AnnualCosts",
    "CapexBreakdown",
    "Economics",
    "InputSpec",
    "PipelineFacts",
    "TariffResult",
    "annual_costs",
    "capex",
    "capital_recovery_factor",
    "compare_published",
    "delivered_flow",
    "economics_summary",
    "levelised_tariff",
    "pipe_steel_mass",
    "utilisation_at_tariff",
]

#: One MMBtu [J], as the unit parser reads it (pint's Btu: 1055.056 J, ISO 31-4).
MMBTU = 1055.056e6
#: Julian year [s] (the ``yr`` of the unit parser and of ``results.steady``).
SECONDS_PER_YEAR = 365.25 * 86_400.0
_INCH_KM = 0.0254 * 1000.0  # [m²] one inch of diameter times one kilometre
_HP = 745.69987158227022  # [W] mechanical horsepower
_MWH = 3.6e9  # [J]
_SCF_M3 = 0.3048**3  # [m³]


@dataclass(frozen=True)
class InputSpec:
    """How an economic input is shown and where its default comes from.

    Attributes
    ----------
    unit : str
        Display unit (and the unit the case file uses in examples).
    scale : float
        SI value × ``scale`` = value in ``unit``.
    note : str
        Source ``[S] ...`` or assumption ``[A] ...`` of the default.
    """

    unit: str
    scale: float
    note: str


#: Display unit, scale and the source or reason of every default of :class:`Economics`.
INPUTS: dict[str, InputSpec] = {
    "steel_price": InputSpec(
        "USD/t",
        1e3,
        "[S] TAPI 56 in analogue: ChelPipe contract for >150 kt of 1,420 mm X70 externally coated "
        "line pipe, >200 MUSD (turkmenportal, 9 Apr 2019) = ~1,330 USD/t; cross-check Power of "
        "Siberia ZTZ tender ceiling 47.7 bn RUB for 601.9 kt (metalukraine, Nov 2018) = ~1,200 "
        "USD/t at ~66 RUB/USD [A rate]",
    ),
    "steel_density": InputSpec(
        "kg/m3",
        1.0,
        "[S] carbon steel, 7,850 kg/m3 (the constant 0.02466 of the API 5L plain-end mass formula)",
    ),
    "construction_cost": InputSpec(
        "USD/(in*km)",
        _INCH_KM,
        "[A] installation excluding line pipe (spread labour and equipment, ROW, crossings, field "
        "coating, engineering and supervision): 25,000 USD per inch-km. Anchors: 22nd World Gas "
        "Conference (2003): 46-60 in lines cost 1.0-1.5 bn USD per 1,000 km all in (= 19-33 k USD "
        "per inch-km with pipe, 2003 USD); US FERC 2014-19 averaged 5.72 MUSD/mile all in, far "
        "above South-Asian labour costs",
    ),
    "compressor_cost": InputSpec(
        "MUSD/MW",
        1.0,
        "[S] US FERC-regulated gas compression installed 2014-2019: 3,030 USD/hp = 4.06 MUSD/MW "
        "(1.9 million hp; journal abstract, 2020; OGJ 2024: 4,369 USD/hp); likely high for "
        "Pakistan (US labour)",
    ),
    "terminals_metering": InputSpec(
        "MUSD",
        1e-6,
        "[A] inlet station at Port Qasim, custody-transfer metering at Kasur, ~37 block-valve "
        "stations (one per ~30 km), pig traps, SCADA and telecom: ~50 MUSD",
    ),
    "other_costs": InputSpec(
        "fraction",
        1.0,
        "[A] owner's costs, engineering/project management, permitting: 10 % of direct capex",
    ),
    "contingency": InputSpec(
        "fraction",
        1.0,
        "[A] 15 % of capex before contingency: a pre-FEED (AACE class 4-5) estimate",
    ),
    "opex_fraction": InputSpec(
        "fraction/yr",
        1.0,
        "[A] 1 % of capex per year: patrol, cathodic protection, in-line inspection, SCADA staff, "
        "insurance of an onshore line",
    ),
    "fixed_opex": InputSpec("MUSD/yr", 1e-6, "[A] none beyond opex_fraction"),
    "compressor_om": InputSpec(
        "USD/MWh",
        _MWH,
        "[A] non-fuel O&M of gas-turbine compressor units: 5 USD per MWh of shaft work",
    ),
    "gas_price": InputSpec(
        "USD/MMBtu",
        MMBTU,
        "[S] Qatar-Pakistan LNG SPA: 13.37 % of Brent (Nation, 11 Feb 2016) at Brent 75 USD/bbl "
        "[A] = 10 USD/MMBtu, the value of fuel gas burnt",
    ),
    "wacc": InputSpec(
        "fraction",
        1.0,
        "[A] 10 % real pre-tax on constant-dollar costs; context: SNGPL earns 17.5 % on assets "
        "[S] (Nation 2017)",
    ),
    "life": InputSpec(
        "yr",
        1.0 / SECONDS_PER_YEAR,
        "[S] concession 25-30 years (Dawn, HoT Jul 2021); BOOT transfer after 25 years (NGW 2015)",
    ),
    "utilisation": InputSpec(
        "fraction",
        1.0,
        "[A] 80 % of the design throughput on average; no throughput guarantee (Newsweek "
        "Pakistan, 2021) [S]",
    ),
    "gcv": InputSpec(
        "MJ/kg",
        1e-6,
        "[S] ISO 6976 gross calorific value of the case's gas (combustion at 60 degF), unless "
        "the case gives one",
    ),
    "installed_power": InputSpec(
        "MW",
        1e-6,
        "[S] sum of the case's compressor max_power (or the design study's installed power with "
        "spares), unless the case gives one",
    ),
}


@dataclass(frozen=True)
class Economics:
    """Economic inputs in SI and US dollars (defaults: :data:`INPUTS`).

    Attributes
    ----------
    steel_price : float
        Coated line pipe delivered [USD/kg].
    steel_density : float
        [kg/m³].
    construction_cost : float
        Installation cost per inch of outer diameter per km, stored per metre of OD per metre
        of length [USD/m²] (1 USD/(in·km) = 1/25.4 USD/m²).
    compressor_cost : float
        Installed compressor stations [USD/W of installed shaft power].
    terminals_metering : float
        Terminals, metering, block valves, SCADA [USD].
    other_costs : float
        Owner's and other costs, fraction of direct capex [-].
    contingency : float
        Fraction of capex before contingency [-].
    opex_fraction : float
        Opex per year as a fraction of total capex [1/yr].
    fixed_opex : float
        Further fixed opex [USD/yr].
    compressor_om : float
        Non-fuel compressor O&M per shaft work [USD/J].
    gas_price : float
        Price of fuel gas per gross energy [USD/J].
    wacc : float
        Discount rate for the capital recovery factor [-] (real, pre-tax).
    life : float
        Economic life [s].
    utilisation : float
        Average throughput as a fraction of the design throughput [-].
    gcv : float, optional
        Gross calorific value [J/kg]; None: the case gas's (ISO 6976, 60 °F).
    installed_power : float, optional
        Installed compressor shaft power [W]; None: the sum of the case's ``max_power``.
    notes : dict
        Source or assumption of values read from a case (key → comment); not compared.
    """

    steel_price: float = 1.3
    steel_density: float = 7850.0
    construction_cost: float = 25_000.0 / _INCH_KM
    compressor_cost: float = 3030.0 / _HP
    terminals_metering: float = 50e6
    other_costs: float = 0.10
    contingency: float = 0.15
    opex_fraction: float = 0.01
    fixed_opex: float = 0.0
    compressor_om: float = 5.0 / _MWH
    gas_price: float = 10.0 / MMBTU
    wacc: float = 0.10
    life: float = 30.0 * SECONDS_PER_YEAR
    utilisation: float = 0.8
    gcv: float | None = None
    installed_power: float | None = None
    notes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def life_years(self) -> float:
        """Economic life [yr]."""
        return self.life / SECONDS_PER_YEAR


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
        raise ValueError(f"life must be positive, got {years} yr")
    if wacc == 0:
        return 1.0 / years
    growth = (1.0 + wacc) ** years
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
        raise ValueError(
            "no gross calorific value: set Economics.gcv or PipelineFacts.gcv_j_per_kg"
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
        raise ValueError("no delivered energy: the design throughput and utilisation must be > 0")
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


# -- summary ----------------------------------------------------------------------------------
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
    economics: Economics | None = None,
    installed_power: float | None = None,
) -> dict[str, Any]:
    """Economics of a solved case, JSON-ready (units in key names).

    Parameters
    ----------
    network : Network
        The case (its ``[economics]`` table is read when ``economics`` is None).
    solution : SteadySolution
        The design point.
    economics : Economics, optional
        Inputs; default: :func:`linepack.io.economics_toml.read_economics` of ``network``.
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
    from linepack.studies.tornado import tornado  # tornado builds on this module

    if economics is None:
        from linepack.io.economics_toml import read_economics

        economics = read_economics(network)
    if installed_power is not None:
        economics = dataclasses.replace(economics, installed_power=installed_power)
    facts = PipelineFacts.from_solution(network, solution)
    res = levelised_tariff(economics, facts)
    u_ask = utilisation_at_tariff(economics, facts, PUBLISHED["tariff_ask_usd_per_mmbtu"])
    sentences, figures = compare_published(
        res.capex.total, res.tariff, length_m=facts.length_m, utilisation_for_ask=u_ask
    )
    rho_scf = network.gas.density(network.settings.scf)
    to_mmscfd = 86_400.0 / rho_scf / _SCF_M3 / 1e6
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
