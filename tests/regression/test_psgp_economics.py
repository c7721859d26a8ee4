"""Economics of the bundled PSGP cases.

Capex and tariff are pure arithmetic on the case inputs (the phase-1 throughput is a fixed
1,200 MMSCFD turned into kg/s with the gas density), so their stored values are guarded at
rtol 1e-9; they were recorded on 2026-11-27 with the [economics] defaults of that date, and a
deliberate change of a default updates them. They are not calibrated to the published figures:
the comparison sentences only report where the model lands.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest

from linepack.errors import CaseError
from linepack.io.economics_toml import read_economics
from linepack.io.load import load
from linepack.network.economics import Economics
from linepack.results.steady import summary, to_dataset
from linepack.steady.solve import SteadySolution, solve
from linepack.studies.economics import PipelineFacts
from linepack.studies.tariff import economics_summary

STORED_PHASE1 = {"capex_musd": 3348.862966734176, "tariff_usd_per_mmbtu": 1.0054865341486363}


@pytest.fixture(scope="module")
def phase1() -> tuple[Any, SteadySolution, dict[str, Any]]:
    net = load("psgp-56in-phase1")
    sol = solve(net)
    return net, sol, economics_summary(net, sol, read_economics(net))


@pytest.fixture(scope="module")
def phase2() -> tuple[Any, SteadySolution]:
    net = load("psgp-56in-phase2")
    return net, solve(net)


def test_phase1_capex_and_tariff(phase1: tuple[Any, SteadySolution, dict[str, Any]]) -> None:
    _, _, s = phase1
    for key, value in STORED_PHASE1.items():
        assert math.isfinite(s[key])
        assert s[key] > 0
        assert s[key] == pytest.approx(value, rel=1e-9), key
    parts = s["capex_breakdown_musd"]
    assert parts["compressors"] == 0.0  # phase 1 has no compressor stations
    assert s["tariff_breakdown_usd_per_mmbtu"]["fuel"] == 0.0
    # 11 pipes, 1,100 km of 56 in × 21.4 mm: 739.386 t/km (see the unit test), rtol 1e-9.
    assert s["steel_mass_kt"] == pytest.approx(1100 * 0.739386366, rel=1e-9)
    # 1,200 MMSCFD is the demand; the conversion there and back is exact to rounding.
    assert s["design_throughput_mmscfd"] == pytest.approx(1200.0, rel=1e-12)
    json.dumps(s)  # JSON-ready


def test_phase1_comparison_sentences(phase1: tuple[Any, SteadySolution, dict[str, Any]]) -> None:
    _, _, s = phase1
    text = " ".join(s["published_comparison"]["sentences"])
    assert "1.5-3.5 bn USD" in text
    assert "1.25 USD/MMBtu" in text
    assert s["published_comparison"]["capex_position"] in ("below", "within", "above")


def test_phase1_tornado_and_assumptions(
    phase1: tuple[Any, SteadySolution, dict[str, Any]],
) -> None:
    _, _, s = phase1
    base = s["tariff_usd_per_mmbtu"]
    swings = [b["swing_usd_per_mmbtu"] for b in s["tornado"]]
    assert swings == sorted(swings, reverse=True)
    for b in s["tornado"]:
        lo, hi = b["tariff_low_usd_per_mmbtu"], b["tariff_high_usd_per_mmbtu"]
        assert min(lo, hi) <= base <= max(lo, hi)
    notes = {k: v["note"] for k, v in s["assumptions"].items()}
    assert all(n.startswith(("[S]", "[A]")) for n in notes.values()), notes
    # The case's own comment is reported for a key it sets.
    assert "TAPI" in notes["steel_price"]


def test_phase2_compressors_and_fuel(phase2: tuple[Any, SteadySolution]) -> None:
    net, sol = phase2
    s = economics_summary(net, sol, read_economics(net))
    assert s["installed_power_mw"] == pytest.approx(100.0, rel=1e-12)  # 2 × 50 MW max_power
    assert s["capex_breakdown_musd"]["compressors"] == pytest.approx(
        100 * 3030 / 745.69987158227022, rel=1e-9
    )  # 100 MW at 3,030 USD/hp
    assert s["tariff_breakdown_usd_per_mmbtu"]["fuel"] > 0
    # Fuel reported by the economics equals the steady summary's (same kg/s, same density).
    steady = summary(sol, to_dataset(sol))
    assert s["fuel_mmscfd"] == pytest.approx(steady["fuel_mmscfd"], rel=1e-12)


def test_installed_power_override(phase2: tuple[Any, SteadySolution]) -> None:
    net, sol = phase2
    base = economics_summary(net, sol, read_economics(net))
    spare = economics_summary(net, sol, read_economics(net), installed_power=150e6)
    assert spare["installed_power_mw"] == 150.0
    assert spare["capex_breakdown_musd"]["compressors"] == pytest.approx(
        1.5 * base["capex_breakdown_musd"]["compressors"], rel=1e-12
    )
    assert spare["tariff_usd_per_mmbtu"] > base["tariff_usd_per_mmbtu"]


def test_freeflow_throughput_is_the_solved_delivery() -> None:
    # The free-flow case holds 50 barg at Kasur: its throughput comes out of the solve.
    net = load("psgp-56in-freeflow")
    sol = solve(net)
    facts = PipelineFacts.from_solution(net, sol)
    steady = summary(sol, to_dataset(sol))
    # Both are the same mass balance at the delivery node (rounding only).
    assert facts.design_throughput_kg_s == pytest.approx(steady["throughput_kg_s"], rel=1e-12)


def test_explicit_economics_and_missing_wall() -> None:
    net = load("psgp-56in-phase1")
    sol = solve(net)
    econ = dataclasses.replace(read_economics(net), wacc=0.175)
    s = economics_summary(net, sol, econ)
    assert s["wacc"] == 0.175
    assert s["tariff_usd_per_mmbtu"] > STORED_PHASE1["tariff_usd_per_mmbtu"]
    assert economics_summary(net, sol, Economics())["capex_musd"] == pytest.approx(
        STORED_PHASE1["capex_musd"], rel=1e-12
    )  # the case's table holds the defaults
    net.pipes[3].wall_thickness = None
    with pytest.raises(CaseError) as info:
        PipelineFacts.from_solution(net, sol)
    text = str(info.value)
    assert "pipe 'L04'" in text
    assert "wall_thickness" in text
    assert "psgp-56in-phase1.toml" in text
