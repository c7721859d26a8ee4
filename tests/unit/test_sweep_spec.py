"""Sweep parameter specs: grids, ranges, distributions, seeds, the scenario table and errors."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from linepack.errors import CaseError
from linepack.io.load import load
from linepack.network.model import Network, Supply
from linepack.sweep.spec import (
    DEFAULT_SAMPLES,
    Units,
    human_columns,
    parse_param,
    parse_params,
    scenario_table,
    table_hash,
)
from linepack.units import mass_flow, parse, parse_flow


@pytest.fixture(scope="module")
def psgp() -> Network:
    return load("psgp-56in-phase1")


@pytest.fixture(scope="module")
def units(psgp: Network) -> Units:
    return Units.of(psgp)


def flow(text: str, units: Units) -> float:
    """A flow in kg/s as the case reader converts it."""
    return mass_flow(parse_flow(text), units.densities)


def test_grid_with_one_unit_after_the_list(psgp: Network, units: Units) -> None:
    p = parse_param("throughput=800,1000,1200 MMSCFD", psgp)
    # the same conversion as each value written with its unit: exactly equal
    assert p.values == tuple(flow(f"{v} MMSCFD", units) for v in (800, 1000, 1200))
    assert p.kind == "flow"
    assert p.unit == "kg/s"
    assert p.distribution is None


def test_grid_values_each_with_a_unit_and_gauge_pressure(psgp: Network) -> None:
    p = parse_param("inlet_pressure=80 barg, 8.5 MPa, 1305 psig", psgp)
    atm = psgp.settings.atmosphere
    # gauge values are absolute = gauge + the case's atmosphere, as in case files (exact)
    assert p.values == (80e5 + atm, 8.5e6, parse("1305 psig", "pressure", atmosphere=atm))


def test_dimensionless_key_takes_bare_numbers(psgp: Network) -> None:
    p = parse_param("pipe.L01.efficiency=0.9,0.95,1", psgp)
    assert p.values == (0.9, 0.95, 1.0)


def test_linspace_includes_both_ends(psgp: Network, units: Units) -> None:
    p = parse_param("throughput=linspace(800 MMSCFD, 2000 MMSCFD, 13)", psgp)
    assert p.values is not None
    assert len(p.values) == 13
    assert p.values[0] == flow("800 MMSCFD", units)
    assert p.values[-1] == flow("2000 MMSCFD", units)
    # evenly spaced in MMSCFD: 100 MMSCFD apart, to the round-off of the conversion (1e-12)
    step = np.diff(p.values) / flow("100 MMSCFD", units)
    np.testing.assert_allclose(step, 1.0, rtol=1e-12)


def test_unit_after_a_function_applies_to_its_bare_numbers(psgp: Network) -> None:
    a = parse_param("throughput=linspace(800, 2000, 4) MMSCFD", psgp)
    b = parse_param("throughput=linspace(800 MMSCFD, 2000 MMSCFD, 4)", psgp)
    assert a.values == b.values


def test_range_includes_stop_on_the_grid_only(psgp: Network) -> None:
    on = parse_param("pipe.*.roughness=range(0.01 mm, 0.05 mm, 0.01 mm)", psgp)
    off = parse_param("pipe.*.roughness=range(0.01 mm, 0.055 mm, 0.02 mm)", psgp)
    assert on.values is not None
    assert off.values is not None
    # SI values accumulate round-off of start + k * step (1e-15 relative)
    np.testing.assert_allclose(on.values, [1e-5, 2e-5, 3e-5, 4e-5, 5e-5], rtol=1e-12)
    np.testing.assert_allclose(off.values, [1e-5, 3e-5, 5e-5], rtol=1e-12)


def test_range_downwards(psgp: Network) -> None:
    p = parse_param("inlet_pressure=range(90 barg, 80 barg, -5 bar)", psgp)
    atm = psgp.settings.atmosphere
    # 5 bar steps from an exact start: exact in binary to 1e-15 relative
    np.testing.assert_allclose(p.values or (), [90e5 + atm, 85e5 + atm, 80e5 + atm], rtol=1e-15)


def test_distribution_arguments_in_si(psgp: Network, units: Units) -> None:
    t = parse_param("settings.gas_temperature=normal(25 degC, 2 degC)", psgp)
    # a standard deviation is a difference: 2 degC is 2 K, not 275.15 K (exact)
    assert t.args == pytest.approx((298.15, 2.0), rel=1e-15)
    p = parse_param("inlet_pressure=normal(85 barg, 5 bar)", psgp)
    assert p.args == (85e5 + psgp.settings.atmosphere, 5e5)
    u = parse_param("throughput=uniform(800, 1600) MMSCFD", psgp)
    assert u.args == (flow("800 MMSCFD", units), flow("1600 MMSCFD", units))
    tri = parse_param("pipe.*.roughness=triangular(0.01 mm, 0.02 mm, 0.05 mm)", psgp)
    assert tri.distribution == "triangular"
    ln = parse_param("pipe.L01.length=lognormal(123 km, 0.05)", psgp)
    assert ln.args == (123e3, 0.05)


def test_passthrough_sections_find_their_unit_kind(psgp: Network) -> None:
    price = parse_param("economics.gas_price=8,10,12 USD/MMBtu", psgp)
    assert price.kind == "price_per_energy"
    assert price.target.stage == "passthrough"
    years = parse_param("design.life=20,25", psgp)
    assert years.kind == "dimensionless"
    assert years.values == (20.0, 25.0)


def test_cartesian_product_first_parameter_slowest(psgp: Network) -> None:
    params = parse_params(["throughput=800,1000,1200 MMSCFD", "inlet_pressure=80,85 barg"], psgp)
    t = scenario_table(params)
    assert list(t.columns) == ["scenario", "throughput", "inlet_pressure"]
    assert t["scenario"].tolist() == list(range(6))
    q, p = params[0].values or (), params[1].values or ()
    assert list(zip(t["throughput"], t["inlet_pressure"], strict=True)) == [
        (a, b) for a in q for b in p
    ]
    assert t.attrs["units"] == {"throughput": "kg/s", "inlet_pressure": "Pa"}


def test_samples_repeat_at_every_grid_point(psgp: Network) -> None:
    params = parse_params(
        ["inlet_pressure=80,85,90 barg", "pipe.*.roughness=uniform(0.01 mm, 0.05 mm)"], psgp
    )
    t = scenario_table(params, samples=7, seed=3)
    assert len(t) == 21
    rough = t["pipe.*.roughness"].to_numpy().reshape(3, 7)
    # common random numbers: the same 7 samples at each of the 3 grid points (exact)
    assert (rough == rough[0]).all()
    assert ((rough >= 1e-5) & (rough <= 5e-5)).all()
    assert len(set(rough[0])) == 7


def test_same_seed_same_table_other_seed_other_table(psgp: Network) -> None:
    specs = [
        "throughput=normal(1200 MMSCFD, 100 MMSCFD)",
        "pipe.*.roughness=uniform(0.01 mm, 0.05 mm)",
    ]
    a = scenario_table(parse_params(specs, psgp), samples=50, seed=11)
    b = scenario_table(parse_params(specs, psgp), samples=50, seed=11)
    c = scenario_table(parse_params(specs, psgp), samples=50, seed=12)
    assert a.equals(b)
    assert table_hash(a) == table_hash(b)
    assert not np.array_equal(a["throughput"], c["throughput"])
    assert table_hash(a) != table_hash(c)


def test_default_samples_and_seed_are_fixed(psgp: Network) -> None:
    params = parse_params(["throughput=uniform(800, 1600) MMSCFD"], psgp)
    a, b = scenario_table(params), scenario_table(params)
    assert len(a) == DEFAULT_SAMPLES
    assert a.equals(b)


def test_no_params_is_the_base_case(psgp: Network) -> None:
    t = scenario_table([])
    assert t["scenario"].tolist() == [0]


def test_table_hash_sees_one_changed_value(psgp: Network) -> None:
    t = scenario_table(parse_params(["throughput=800,1000 MMSCFD"], psgp))
    u = t.copy()
    u.loc[1, "throughput"] = np.nextafter(u.loc[1, "throughput"], np.inf)
    assert table_hash(t) != table_hash(u)


def test_human_columns(psgp: Network, units: Units) -> None:
    params = parse_params(
        [
            "throughput=800,1200 MMSCFD",
            "inlet_pressure=85 barg",
            "settings.gas_temperature=25 degC",
            "pipe.*.roughness=0.02 mm",
        ],
        psgp,
    )
    h = human_columns(scenario_table(params), params, units)
    assert list(h.columns) == [
        "throughput [MMSCFD]",
        "inlet_pressure [barg]",
        "settings.gas_temperature [degC]",
        "pipe.*.roughness [mm]",
    ]
    np.testing.assert_allclose(h["pipe.*.roughness [mm]"], 0.02, rtol=1e-12)
    # back-conversions of exact inputs: round-off only (1e-12)
    np.testing.assert_allclose(h["throughput [MMSCFD]"], [800, 1200], rtol=1e-12)
    np.testing.assert_allclose(h["inlet_pressure [barg]"], 85.0, rtol=1e-12)
    np.testing.assert_allclose(h["settings.gas_temperature [degC]"], 25.0, rtol=1e-12)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("throughput=800,1000", ["--param 'throughput'", "a unit is required", "1200 MMSCFD"]),
        ("throughput=800 barg", ["--param 'throughput'", "wrong dimension"]),
        ("throughpt=1 kg/s", ["--param 'throughpt'", "did you mean 'throughput'"]),
        ("pipe.L99.roughness=1 mm", ["no pipe called 'L99'", "L01"]),
        ("pipe.*.roughnes=1 mm", ["unknown pipe key", "did you mean 'roughness'"]),
        ("pipe.roughness=1 mm", ["incomplete parameter name", "SECTION.NAME.KEY"]),
        ("pipe.*.friction=1", ["is not a number"]),
        ("settings.eos=1", ["cannot be swept"]),
        ("pipe.*.roughness=-1 mm", ["value out of range", "-1 mm", ">= 0"]),
        ("inlet_pressure=-2 bar", ["value out of range", "> 0"]),
        ("throughput=uniform(2 kg/s, 1 kg/s)", ["bad uniform arguments", "a < b"]),
        ("throughput=normal(2 kg/s)", ["normal takes 2 arguments", "normal(mean, sd)"]),
        ("throughput=normal(2 kg/s, -1 kg/s)", ["sd > 0"]),
        ("throughput=triangular(1, 3, 2) kg/s", ["low <= mode <= high"]),
        ("pipe.L01.length=lognormal(100 km, 1 km)", ["sigma", "a bare number"]),
        ("throughput=linspace(1 kg/s, 2 kg/s, 0)", ["n must be a whole number"]),
        ("throughput=linspace(1 kg/s, 2 kg/s, 2.5)", ["n must be a whole number"]),
        ("throughput=range(1 kg/s, 2 kg/s, -1 kg/s)", ["step does not lead from start to stop"]),
        ("throughput=range(1 kg/s, 2 kg/s, 0 kg/s)", ["step does not lead"]),
        ("throughput=foo(1, 2)", ["unknown function 'foo'", "linspace"]),
        ("throughput=800,,1000 MMSCFD", ["empty value"]),
        ("supply.port-qasim-lng.flow=1 kg/s", ["pressure-set, not flow-set", "sweep its pressure"]),
        ("demand.kasur-sngpl.pressure=50 barg", ["flow-set, not pressure-set"]),
        ("=1", ["not a parameter spec", "NAME=SPEC"]),
        ("throughput", ["not a parameter spec"]),
    ],
)
def test_errors_name_the_parameter_and_what_was_expected(
    psgp: Network, spec: str, words: list[str]
) -> None:
    with pytest.raises(CaseError) as info:
        parse_param(spec, psgp)
    for w in words:
        assert w in str(info.value)


def test_repeated_name_is_an_error(psgp: Network) -> None:
    with pytest.raises(CaseError, match="given twice"):
        parse_params(["throughput=1 kg/s", "throughput=2 kg/s"], psgp)


def test_samples_need_a_distribution(psgp: Network) -> None:
    params = parse_params(["throughput=1,2 kg/s"], psgp)
    with pytest.raises(CaseError, match="samples without a distribution"):
        scenario_table(params, samples=10)
    dist = parse_params(["throughput=uniform(1, 2) kg/s"], psgp)
    with pytest.raises(CaseError, match="samples >= 1"):
        scenario_table(dist, samples=0)


def test_too_many_scenarios(psgp: Network) -> None:
    params = parse_params(
        ["throughput=linspace(1 kg/s, 2 kg/s, 5000)", "inlet_pressure=linspace(80, 90, 5000) barg"],
        psgp,
    )
    with pytest.raises(CaseError, match="too many scenarios"):
        scenario_table(params)


def test_inlet_pressure_needs_exactly_one_pressure_supply(psgp: Network) -> None:
    two = dataclasses.replace(
        psgp, supplies=[*psgp.supplies, Supply("second", "hyderabad", pressure=80e5)]
    )
    with pytest.raises(CaseError, match="2 pressure-set supplies"):
        parse_param("inlet_pressure=80 barg", two)


def test_throughput_needs_a_delivery_node(psgp: Network) -> None:
    with pytest.raises(CaseError, match="no delivery node"):
        parse_param("throughput=1 kg/s", dataclasses.replace(psgp, delivery=None))


def test_compressor_setpoint_takes_the_kind_of_its_mode() -> None:
    phase2 = load("psgp-56in-phase2")
    p = parse_param("compressor.*.setpoint=90,95 barg", phase2)
    assert p.kind == "pressure"
    with pytest.raises(CaseError, match="a unit is required"):
        parse_param("compressor.*.setpoint=1.5,1.6", phase2)
