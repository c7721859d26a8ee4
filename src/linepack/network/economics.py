"""Economic inputs of a pipeline: the :class:`Economics` dataclass and its documented defaults.

All values are SI and US dollars. The case reader (:mod:`linepack.io.economics_toml`) turns
``"1300 USD/t"`` and friends into an :class:`Economics`; the studies
(:mod:`linepack.studies.economics`, :mod:`linepack.studies.tornado`) compute with it. Every
default carries its source ``[S]`` or the reason for the assumption ``[A]`` in :data:`INPUTS`;
``docs/economics.md`` explains each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["INPUTS", "MMBTU", "SECONDS_PER_YEAR", "Economics", "InputSpec"]

#: One MMBtu [J], as the unit parser reads it (pint's Btu: 1055.056 J, ISO 31-4).
MMBTU = 1055.056e6
#: Julian year [s] (the ``yr`` of the unit parser and of ``results.steady``).
SECONDS_PER_YEAR = 365.25 * 86_400.0
_INCH_KM = 0.0254 * 1000.0  # [m²] one inch of diameter times one kilometre
_HP = 745.69987158227022  # [W] mechanical horsepower
_MWH = 3.6e9  # [J]


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
