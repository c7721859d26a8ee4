"""Costs of the 42"/56" designs, checked against hand calculations from the case's inputs."""

from __future__ import annotations

import pytest

from linepack.io.design_toml import read_design
from linepack.io.economics_toml import read_economics
from linepack.io.load import load
from linepack.studies.design import compare_diameters
from linepack.studies.design_costs import design_costs

INCH, KM, HP = 0.0254, 1e3, 745.699872


@pytest.fixture(scope="module")
def costs() -> tuple[list[dict[str, object]], object]:
    net = load("psgp-56in-phase1")
    comp = compare_diameters(
        net, ("42 in", "56 in"), target=net.demands[0].flow, design=read_design(net)
    )
    return design_costs(comp, net, read_economics(net)), comp


def test_line_pipe_is_the_design_steel_at_the_case_price(costs) -> None:  # type: ignore[no-untyped-def]
    rows, comp = costs
    for row, option in zip(rows, comp.options, strict=True):
        # the design's steel mass [kg] x 1,300 USD/t (the case's [economics] steel_price): the
        # economics recomputes the mass from OD, wall and length, so the two paths agree to
        # round-off (1e-12)
        assert row["steel_musd"] == pytest.approx(option.steel_mass * 1.3 / 1e6, rel=1e-12)


def test_construction_is_cost_per_inch_km(costs) -> None:  # type: ignore[no-untyped-def]
    rows, _ = costs
    # 25,000 USD per inch of outer diameter and km of route, 1,100 km: 42 in → 1,155 MUSD,
    # 56 in → 1,540 MUSD (exact arithmetic up to the unit conversions: 1e-12)
    assert rows[0]["construction_musd"] == pytest.approx(25_000 * 42 * 1_100 / 1e6, rel=1e-12)
    assert rows[1]["construction_musd"] == pytest.approx(25_000 * 56 * 1_100 / 1e6, rel=1e-12)


def test_compressors_are_installed_power_times_cost(costs) -> None:  # type: ignore[no-untyped-def]
    rows, comp = costs
    for row, option in zip(rows, comp.options, strict=True):
        installed = option.targets[0].installed_power  # [W], spares included
        # 3,030 USD/hp (the case's compressor_cost) over the installed shaft power
        assert row["compressors_musd"] == pytest.approx(installed / HP * 3030 / 1e6, rel=1e-9)
    assert rows[0]["n_stations"] >= 1  # 42 in needs stations for 1,200 MMSCFD
    assert rows[1]["n_stations"] == 0  # 56 in does not (free flow ~1,420 MMSCFD)
    assert rows[1]["compressors_musd"] == 0.0
