"""Economics formulas: steel mass, capital recovery factor, capex, tariff, tornado, comparison.

Tolerances: rtol 1e-12 where two evaluations of the same exact arithmetic are compared
(linearity, sums of parts; a few roundings of ~1e-16 each); looser ones are explained at the
assertion.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from linepack.errors import CaseError
from linepack.network.economics import MMBTU, SECONDS_PER_YEAR, Economics
from linepack.studies.economics import (
    PipelineFacts,
    capex,
    capital_recovery_factor,
    compare_published,
    levelised_tariff,
    pipe_steel_mass,
    utilisation_at_tariff,
)
from linepack.studies.tornado import Swing, default_swings, tornado

EXACT = 1e-12

#: A small line: 100 km of 1 m OD × 10 mm, one 10 MW station, 100 kg/s delivered, 1 kg/s fuel.
FACTS = PipelineFacts(
    length_m=100e3,
    outer_diameter_m=1.0,
    wall_thickness_m=0.01,
    design_throughput_kg_s=100.0,
    installed_power_w=10e6,
    shaft_power_w=8e6,
    fuel_kg_s=1.0,
    gcv_j_per_kg=54e6,
)
ECON = Economics(fixed_opex=2e6)


def tariff(econ: Economics = ECON, facts: PipelineFacts = FACTS) -> float:
    return levelised_tariff(econ, facts).tariff


# -- steel mass -------------------------------------------------------------------------------
def test_steel_mass_56in_by_hand() -> None:
    # 56 in = 1.4224 m OD, 21.4 mm wall, 1 km: 7850 π (1.4224 − 0.0214) 0.0214 × 1000
    # = 739,386.4 kg. rtol 1e-9: the same product evaluated in another order.
    assert pipe_steel_mass(1000.0, 1.4224, 0.0214) == pytest.approx(739_386.366, rel=1e-9)


def test_steel_mass_matches_api_5l_formula() -> None:
    # API 5L plain-end mass 0.02466 (D − t) t [kg/m, mm] gives 739,341 kg/km; its constant is
    # rounded to 4 digits (π × 7.85e-3 = 0.0246615), so agreement to 1e-4 is all it allows.
    api = 0.02466 * (1422.4 - 21.4) * 21.4 * 1000.0
    assert pipe_steel_mass(1000.0, 1.4224, 0.0214) == pytest.approx(api, rel=1e-4)


# -- capital recovery factor ------------------------------------------------------------------
def test_crf_closed_form() -> None:
    # r (1+r)^n / ((1+r)^n − 1) at 10 %, 30 yr = 0.10607924825263...
    assert capital_recovery_factor(0.10, 30) == pytest.approx(0.1060792482526339, rel=EXACT)


@pytest.mark.parametrize(("rate", "years", "table"), [(0.10, 30, 0.10608), (0.08, 20, 0.10185)])
def test_crf_interest_tables(rate: float, years: int, table: float) -> None:
    # Published A/P factors are printed to 5 decimals: half a unit of the last digit.
    assert capital_recovery_factor(rate, years) == pytest.approx(table, abs=5e-6)


def test_crf_zero_rate_is_straight_line() -> None:
    assert capital_recovery_factor(0.0, 25) == 1 / 25
    # Continuity: at r = 1e-9 the annuity differs from 1/n by ~r/2 relative.
    assert capital_recovery_factor(1e-9, 25) == pytest.approx(1 / 25, rel=1e-7)


def test_crf_rejects_non_positive_life() -> None:
    with pytest.raises(CaseError, match="life") as err:
        capital_recovery_factor(0.1, 0)
    assert (err.value.element, err.value.key, err.value.value) == ("economics", "life", 0)


# -- capex ------------------------------------------------------------------------------------
def test_capex_items_by_hand() -> None:
    cap = capex(ECON, FACTS)
    mass = 7850 * math.pi * (1.0 - 0.01) * 0.01 * 100e3  # 24,415 t
    steel = mass * 1.3
    construction = 25_000 * (1.0 / 0.0254) * 100  # USD/(in km) × inches × km
    compressors = 10e6 * 3030 / 745.69987158227022  # 10 MW at 3,030 USD/hp
    direct = steel + construction + compressors + 50e6
    assert cap.steel_mass_kg == pytest.approx(mass, rel=EXACT)
    assert cap.steel == pytest.approx(steel, rel=EXACT)
    assert cap.construction == pytest.approx(construction, rel=EXACT)
    assert cap.compressors == pytest.approx(compressors, rel=EXACT)
    assert cap.other == pytest.approx(0.10 * direct, rel=EXACT)
    assert cap.contingency == pytest.approx(0.15 * 1.10 * direct, rel=EXACT)
    assert cap.total == pytest.approx(1.10 * 1.15 * direct, rel=EXACT)
    assert sum(v for k, v in cap.as_musd().items() if k != "total") == pytest.approx(
        cap.as_musd()["total"], rel=EXACT
    )


def test_capex_sections_add_up() -> None:
    # Two halves of the line cost what the whole does.
    halves = dataclasses.replace(FACTS, sections=((50e3, 1.0, 0.01), (50e3, 1.0, 0.01)))
    assert capex(ECON, halves).total == pytest.approx(capex(ECON, FACTS).total, rel=EXACT)


def test_installed_power_override() -> None:
    econ = dataclasses.replace(ECON, installed_power=20e6)
    assert capex(econ, FACTS).compressors == pytest.approx(
        2 * capex(ECON, FACTS).compressors, rel=EXACT
    )


# -- tariff -----------------------------------------------------------------------------------
def test_tariff_parts_sum_and_units() -> None:
    res = levelised_tariff(ECON, FACTS)
    assert res.capital + res.opex + res.compressor_om + res.fuel == pytest.approx(
        res.tariff, rel=EXACT
    )
    # Delivered energy: 100 kg/s × 0.8 × 1 yr × 54 MJ/kg, in MMBtu.
    assert res.delivered_mmbtu_per_year == pytest.approx(
        100 * 0.8 * SECONDS_PER_YEAR * 54e6 / 1.055056e9, rel=EXACT
    )


def test_fuel_part_is_share_burnt_times_gas_price() -> None:
    # Fuel cost per delivered MMBtu = (fuel / throughput) × gas price: 1 % × 10 USD/MMBtu.
    assert levelised_tariff(ECON, FACTS).fuel == pytest.approx(0.01 * 10.0, rel=EXACT)


COST_INPUTS = [
    "steel_price",
    "construction_cost",
    "compressor_cost",
    "terminals_metering",
    "other_costs",
    "opex_fraction",
    "fixed_opex",
    "compressor_om",
    "gas_price",
]


@pytest.mark.parametrize("name", COST_INPUTS)
def test_tariff_affine_in_each_cost_input(name: str) -> None:
    a = getattr(ECON, name)
    t0, t1, t2 = (tariff(dataclasses.replace(ECON, **{name: k * a})) for k in (0, 1, 2))
    assert t1 > t0  # each cost input raises the tariff
    # Second difference of an affine function is zero (to rounding of the three tariffs).
    assert abs(t2 - 2 * t1 + t0) <= EXACT * t2


def test_tariff_affine_in_inverse_utilisation() -> None:
    # Capital and opex are fixed per year, fuel and O&M scale with u: T = A/u + B.
    t_half, t_one = (tariff(dataclasses.replace(ECON, utilisation=u)) for u in (0.5, 1.0))
    a = t_half - t_one
    b = t_one - a
    for u in (0.3, 0.65, 0.8):
        assert tariff(dataclasses.replace(ECON, utilisation=u)) == pytest.approx(
            a / u + b, rel=EXACT
        )


def test_zero_wacc_is_straight_line_capex() -> None:
    econ = dataclasses.replace(ECON, wacc=0.0)
    res = levelised_tariff(econ, FACTS)
    # Capital charge per year = capex / life (30 yr), spread over the delivered energy.
    assert res.capital * res.delivered_mmbtu_per_year == pytest.approx(
        res.capex.total / 30.0, rel=EXACT
    )


def test_tariff_uses_case_gcv_unless_given() -> None:
    # The delivered energy scales with the GCV and so does the fuel cost: with twice the GCV,
    # capital and opex per MMBtu halve and fuel per MMBtu stays.
    res1 = levelised_tariff(ECON, FACTS)
    res2 = levelised_tariff(dataclasses.replace(ECON, gcv=108e6), FACTS)
    assert res2.capital == pytest.approx(res1.capital / 2, rel=EXACT)
    assert res2.fuel == pytest.approx(res1.fuel, rel=EXACT)


def test_no_gcv_is_an_error() -> None:
    with pytest.raises(CaseError, match="calorific") as err:
        levelised_tariff(ECON, dataclasses.replace(FACTS, gcv_j_per_kg=math.nan))
    assert (err.value.element, err.value.key) == ("economics", "gcv")
    assert math.isnan(err.value.value)


def test_no_delivered_energy_is_an_error() -> None:
    with pytest.raises(CaseError, match="no delivered energy") as err:
        levelised_tariff(ECON, dataclasses.replace(FACTS, design_throughput_kg_s=0.0))
    assert (err.value.key, err.value.value) == ("design_throughput_kg_s", 0.0)


def test_utilisation_at_tariff_hits_target() -> None:
    target = 1.2 * tariff()
    u = utilisation_at_tariff(ECON, FACTS, target)
    assert 0 < u < ECON.utilisation
    # The closed form A/(target − B) is exact up to rounding of the two tariffs it uses.
    assert tariff(dataclasses.replace(ECON, utilisation=u)) == pytest.approx(target, rel=1e-10)
    assert utilisation_at_tariff(ECON, FACTS, 0.0) == math.inf


# -- tornado ----------------------------------------------------------------------------------
def test_tornado_sorted_and_brackets_base() -> None:
    bars = tornado(ECON, FACTS)
    base = tariff()
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    assert {b.name for b in bars} >= {"steel_price", "wacc", "life", "utilisation", "gas_price"}
    for b in bars:
        assert b.tariff_base == base
        assert min(b.tariff_low, b.tariff_high) <= base <= max(b.tariff_low, b.tariff_high)
        assert b.low_value <= b.base_value <= b.high_value


def test_tornado_directions() -> None:
    bars = {b.name: b for b in tornado(ECON, FACTS)}
    for name in ("steel_price", "construction_cost", "wacc", "gas_price", "contingency"):
        assert bars[name].tariff_high > bars[name].tariff_low, name
    for name in ("utilisation", "life"):
        assert bars[name].tariff_high < bars[name].tariff_low, name


def test_tornado_bar_values_are_the_tariff_at_the_swing() -> None:
    bar = tornado(ECON, FACTS, [Swing("wacc", 0.06, 0.14)])[0]
    assert bar.tariff_low == tariff(dataclasses.replace(ECON, wacc=0.06))
    assert bar.tariff_high == tariff(dataclasses.replace(ECON, wacc=0.14))
    assert (bar.low_value, bar.high_value, bar.unit) == (0.06, 0.14, "fraction")


def test_default_swings_widen_to_include_base() -> None:
    econ = dataclasses.replace(ECON, wacc=0.175, life=20 * SECONDS_PER_YEAR)
    swings = {s.name: s for s in default_swings(econ)}
    assert (swings["wacc"].low, swings["wacc"].high) == (0.06, 0.175)
    assert swings["life"].low == 20 * SECONDS_PER_YEAR
    assert swings["steel_price"].low == pytest.approx(0.7 * 1.3, rel=EXACT)


# -- published comparison ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("capex_usd", "where"), [(1.0e9, "below"), (2.5e9, "within"), (4.0e9, "above")]
)
def test_compare_published(capex_usd: float, where: str) -> None:
    sentences, figures = compare_published(capex_usd, 1.0, length_m=1.1e6, utilisation_for_ask=0.6)
    text = " ".join(sentences)
    assert figures["capex_position"] == where
    assert f"lies {where} the published range 1.5-3.5 bn USD" in text
    assert "1.25 USD/MMBtu" in text
    assert "below the 1.25" in text
    assert "1.55 MUSD/km" in text
    assert figures["tariff_to_ask_ratio"] == 0.8
    assert "utilisation of 60%" in text


def test_compare_published_no_utilisation_reaches_ask() -> None:
    sentences, _ = compare_published(3e9, 2.0, utilisation_for_ask=math.inf)
    assert "above the 1.25 USD/MMBtu" in sentences[-2]
    assert "No utilisation up to 100 %" in sentences[-1]


def test_mmbtu_constant_matches_unit_parser() -> None:
    from linepack.units import parse

    assert parse("1 USD/MMBtu", "price_per_energy") == pytest.approx(1 / MMBTU, rel=EXACT)
