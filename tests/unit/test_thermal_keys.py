"""The thermal keys (``thermal = "energy"``): reading, checks, writing, GasLib, and compile.

The caloric model (:func:`linepack.gas.caloric.make_caloric`) is written in another branch; the
compile tests replace it with a stub that records its arguments, so that what compile passes it
is checked here and the real model is tested where it lives.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import linepack.gas.caloric as caloric_mod
from linepack.errors import CaseError, UnitError
from linepack.io.case_toml import read_case
from linepack.io.case_write import case_text
from linepack.io.gaslib import load_gaslib
from linepack.io.load import bundled_cases, load
from linepack.network.compile import (
    CompiledNetwork,
    ThermalData,
    compile_like,
    compile_network,
    patch_compiled,
    rederive,
)
from linepack.network.model import Network, Thermal
from linepack.network.thermal import buried_pipe_u, profile_temperature, route_positions

GASLIB = Path(__file__).parents[1] / "data" / "gaslib"

#: A small energy-mode case: route a → b → c (pipe P2 laid c → b, against the route), a pipe
#: off the route (P3, b → d), a station and a regulator.
CASE = """
[case]
route = ["a", "b", "c"]

[settings]
gas_temperature = "20 degC"
ground_temperature = "12 degC"
eos = "papay"
segment_length = "5 km"
thermal = "energy"
heat_transfer_coefficient = "2 W/m2/K"
burial_depth = "1.5 m"
soil_conductivity = "1.5 W/m/K"
min_gas_temperature = "-5 degC"
soil_profile = { distance = ["0 km", "20 km"], temperature = ["300 K", "280 K"] }

[gas]
composition = { methane = 1.0 }

[[node]]
name = "a"
[[node]]
name = "b"
[[node]]
name = "c"
[[node]]
name = "d"
[[node]]
name = "e"
[[node]]
name = "f"

[[pipe]]
name = "P1"
from = "a"
to = "b"
length = "10 km"
outer_diameter = "24 in"
wall_thickness = "12.7 mm"
coating_thickness = "3 mm"
coating_conductivity = "0.35 W/m/K"
insulation_thickness = "50 mm"
insulation_conductivity = "0.04 W/m/K"

[[pipe]]
name = "P2"
from = "c"
to = "b"
length = "10 km"
inner_diameter = "0.5 m"
heat_transfer_coefficient = "3.5 W/(m**2*degC)"

[[pipe]]
name = "P3"
from = "b"
to = "d"
length = "4 km"
inner_diameter = "0.5 m"
soil_temperature = "8 degC"
burial_depth = "1 m"
soil_conductivity = "2 W/m/K"
wall_thickness = "10 mm"

[[compressor]]
name = "C1"
from = "d"
to = "e"
mode = "ratio"
setpoint = 1.2
max_discharge_temperature = "60 degC"
cooler_outlet_temperature = "45 degC"
cooler_max_duty = "5 MW"
cooler_pressure_drop = "0.5 bar"

[[regulator]]
name = "R1"
from = "e"
to = "f"
setpoint = "30 bar"
heater_outlet_temperature = "5 degC"
heater_max_duty = "800 kW"

[[supply]]
name = "in"
node = "a"
pressure = "60 bar"
temperature = "15 degC"

[[demand]]
name = "out"
node = "f"
flow = "50 kg/s"
"""


class _Caloric:
    """Stands in for the caloric model of the other branch (compile only stores it)."""

    name = "stub"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace ``make_caloric`` by a stub; the list holds the arguments of each call."""
    seen: list[dict[str, Any]] = []

    def make_caloric(eos_name: str, gas: Any, eos: Any, **kw: Any) -> _Caloric:
        seen.append({"eos_name": eos_name, "gas": gas, "eos": eos, **kw})
        return _Caloric()

    monkeypatch.setattr(caloric_mod, "make_caloric", make_caloric, raising=False)
    return seen


def _case(**replace: str) -> str:
    """CASE with lines ``key = ...`` replaced (``"P1.key"``: in pipe P1 only; "" drops it)."""
    text = CASE
    for where, line in replace.items():
        section, _, key = where.rpartition(".")
        start = text.index(f'name = "{section}"') if section else 0
        at = text.index(f"\n{key} = ", start) + 1
        end = text.index("\n", at)
        text = text[:at] + line + text[end:] if line else text[:at] + text[end + 1 :]
    return text


# --- reading ---------------------------------------------------------------------------------


def test_every_thermal_key_is_read_in_si() -> None:
    net = read_case(CASE)
    st = net.settings
    # unit conversions are products of exact factors: equal to ~1 ulp
    assert st.thermal is Thermal.ENERGY
    assert st.heat_transfer_coefficient == pytest.approx(2.0, rel=1e-15)
    assert st.burial_depth == pytest.approx(1.5, rel=1e-15)
    assert st.soil_conductivity == pytest.approx(1.5, rel=1e-15)
    assert st.min_gas_temperature == pytest.approx(268.15, rel=1e-15)
    np.testing.assert_allclose(st.soil_profile, [(0.0, 300.0), (20e3, 280.0)], rtol=1e-15)
    p1, p2, p3 = net.pipes
    assert p1.coating_thickness == pytest.approx(0.003, rel=1e-15)
    assert p1.coating_conductivity == pytest.approx(0.35, rel=1e-15)
    assert p1.insulation_thickness == pytest.approx(0.05, rel=1e-15)
    assert p1.insulation_conductivity == pytest.approx(0.04, rel=1e-15)
    # a degC in the unit of U is a temperature step, not 274.15 K
    assert p2.heat_transfer_coefficient == pytest.approx(3.5, rel=1e-15)
    assert p3.soil_temperature == pytest.approx(281.15, rel=1e-15)
    assert (p3.burial_depth, p3.soil_conductivity) == pytest.approx((1.0, 2.0), rel=1e-15)
    c = net.compressors[0]
    assert c.max_discharge_temperature == pytest.approx(333.15, rel=1e-15)
    assert c.cooler_outlet_temperature == pytest.approx(318.15, rel=1e-15)
    assert c.cooler_max_duty == pytest.approx(5e6, rel=1e-15)
    assert c.cooler_pressure_drop == pytest.approx(5e4, rel=1e-15)
    r = net.regulators[0]
    assert r.heater_outlet_temperature == pytest.approx(278.15, rel=1e-15)
    assert r.heater_max_duty == pytest.approx(8e5, rel=1e-15)
    assert net.supplies[0].temperature == pytest.approx(288.15, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "si"),
    [
        ("2 W/m2/K", 2.0),
        ("2 W/(m^2*K)", 2.0),
        ("2.5 W/(m**2*degC)", 2.5),
        ("1 BTU/hr/ft2/degF", 5.678263),  # 1 BTU/(h ft² °F) = 5.678263 W/(m² K) (IT Btu)
    ],
)
def test_heat_transfer_units(text: str, si: float) -> None:
    net = read_case(_case(**{"heat_transfer_coefficient": f'heat_transfer_coefficient = "{text}"'}))
    # 1e-6: the BTU factor above is given to 7 digits
    assert net.settings.heat_transfer_coefficient == pytest.approx(si, rel=1e-6)


BAD = [
    # (replacement, error class, element, key, words in the message)
    (
        {"P2.heat_transfer_coefficient": 'heat_transfer_coefficient = "-1 W/m2/K"'},
        CaseError,
        "pipe 'P2'",
        "heat_transfer_coefficient",
        "out of range",
    ),
    (
        {"P3.soil_temperature": 'soil_temperature = "8 K"'},
        CaseError,
        "pipe 'P3'",
        "soil_temperature",
        "out of range",
    ),
    (
        {"P3.soil_conductivity": 'soil_conductivity = "0 W/m/K"'},
        CaseError,
        "pipe 'P3'",
        "soil_conductivity",
        "out of range",
    ),
    (
        {"P3.soil_conductivity": 'soil_conductivity = "2 W/m2/K"'},
        UnitError,
        "pipe 'P3'",
        "soil_conductivity",
        "wrong dimension",
    ),
    (
        {"P1.coating_conductivity": ""},
        CaseError,
        "pipe 'P1'",
        "coating_conductivity",
        "thickness and its conductivity",
    ),
    (
        {"P1.insulation_thickness": 'insulation_thickness = "-5 mm"'},
        CaseError,
        "pipe 'P1'",
        "insulation_thickness",
        "out of range",
    ),
    (
        {"P3.burial_depth": 'burial_depth = "0.2 m"'},
        CaseError,
        "pipe 'P3'",
        "burial_depth",
        "outer radius",
    ),
    # the case-wide depth is checked on each pipe: P1's outer radius with layers is 0.3578 m
    (
        {"burial_depth": 'burial_depth = "0.35 m"'},
        CaseError,
        "pipe 'P1'",
        "burial_depth",
        "outer radius",
    ),
    (
        {"in.temperature": 'temperature = "600 K"'},
        CaseError,
        "supply 'in'",
        "temperature",
        "out of range",
    ),
    (
        {"C1.cooler_max_duty": 'cooler_max_duty = "-1 MW"'},
        CaseError,
        "compressor 'C1'",
        "cooler_max_duty",
        "out of range",
    ),
    (
        {"C1.cooler_pressure_drop": 'cooler_pressure_drop = "-0.1 bar"'},
        CaseError,
        "compressor 'C1'",
        "cooler_pressure_drop",
        "out of range",
    ),
    (
        {"C1.max_discharge_temperature": 'max_discharge_temperature = "60 K"'},
        CaseError,
        "compressor 'C1'",
        "max_discharge_temperature",
        "out of range",
    ),
    (
        {"R1.heater_max_duty": 'heater_max_duty = "-1 kW"'},
        CaseError,
        "regulator 'R1'",
        "heater_max_duty",
        "out of range",
    ),
    ({"thermal": 'thermal = "adiabatic"'}, CaseError, "[settings]", "thermal", "unknown value"),
    (
        {"min_gas_temperature": 'min_gas_temperature = "-200 degC"'},
        CaseError,
        "[settings]",
        "min_gas_temperature",
        "out of range",
    ),
    (
        {
            "soil_profile": 'soil_profile = { distance = ["5 km", "1 km"], temperature = '
            '["300 K", "290 K"] }'
        },
        CaseError,
        "[settings]",
        "soil_profile.distance[1]",
        "increase",
    ),
    (
        {"soil_profile": 'soil_profile = { distance = ["0 km", "1 km"], temperature = ["300 K"] }'},
        CaseError,
        "[settings]",
        "soil_profile.temperature",
        "differ in length",
    ),
    (
        {"soil_profile": 'soil_profile = { distance = ["0 km"], temperature = ["30 K"] }'},
        CaseError,
        "[settings]",
        "soil_profile.temperature[0]",
        "out of range",
    ),
    (
        {"soil_profile": 'soil_profile = { distance = ["0 km"], temprature = ["300 K"] }'},
        CaseError,
        "[settings]",
        "soil_profile.temprature",
        "unknown key",
    ),
    (
        {"soil_profile": 'soil_profile = ["0 km", "300 K"]'},
        CaseError,
        "[settings]",
        "soil_profile",
        "wrong type",
    ),
]


@pytest.mark.parametrize(("replace", "cls", "element", "key", "words"), BAD)
def test_bad_thermal_values_name_element_and_key(
    replace: dict[str, str], cls: type[Exception], element: str, key: str, words: str
) -> None:
    with pytest.raises(cls) as info:
        read_case(_case(**replace), source="bad.toml")
    err = info.value
    assert isinstance(err, CaseError)
    assert (err.element, err.key) == (element, key)
    assert words in str(err)
    assert err.file == "bad.toml"


def test_a_network_built_in_a_program_gets_the_same_checks(calls: list[dict[str, Any]]) -> None:
    net = read_case(CASE)
    net.pipes[2].soil_temperature = 15.0  # 15 K: a unit slip
    with pytest.raises(CaseError) as info:
        compile_network(net)
    assert (info.value.element, info.value.key) == ("pipe 'P3'", "soil_temperature")


# --- writing ---------------------------------------------------------------------------------


def test_round_trip_keeps_every_thermal_value() -> None:
    net = read_case(CASE)
    text = case_text(net)
    assert 'thermal = "energy"' in text
    assert 'distance = ["0.0 m", "20000.0 m"]' in text
    back = read_case(text)
    assert back == dataclasses.replace(net, source=back.source)  # exact: repr() of each float


# --- U from burial data ----------------------------------------------------------------------


def test_buried_pipe_u_by_hand() -> None:
    # P1 of CASE: D_o = 24 in = 0.6096 m, wall 12.7 mm → D_in = 0.5842 m; coating 3 mm of
    # 0.35 W/(m K) → D_c = 0.6156 m; insulation 50 mm of 0.04 W/(m K) → D_s = 0.7156 m;
    # centre 1.5 m deep in soil of 1.5 W/(m K). Per metre of pipe [K m/W]:
    #   R'_c = ln(0.6156/0.6096) / (2π 0.35)         = 0.0097944 / 2.199115 = 0.0044538
    #   R'_i = ln(0.7156/0.6156) / (2π 0.04)         = 0.150525 / 0.251327  = 0.598922
    #   R'_s = arccosh(3.0/0.7156) / (2π 1.5)         = 2.111850 / 9.424778  = 0.224074
    #   U    = 1 / (π 0.5842 (R'_c + R'_i + R'_s))   = 1 / (1.835301 · 0.827450) = 0.65849
    u = buried_pipe_u(0.5842, 0.6096, 1.5, 1.5, 0.003, 0.35, 0.05, 0.04)
    assert float(u) == pytest.approx(0.65849, rel=2e-5)  # the hand numbers carry 5-6 digits
    # bare steel, 1.2 m deep in soil of 1.2 W/(m K), 56 in × 21.4 mm (FACTS' PSGP line):
    #   R'_s = arccosh(2.4/1.4224) / (2π 1.2) = 1.113946 / 7.539822 = 0.147743
    #   U    = 1 / (π 1.3796 · 0.147743)    = 1.5617
    assert float(buried_pipe_u(1.3796, 1.4224, 1.2, 1.2)) == pytest.approx(1.5617, rel=5e-5)


def test_soil_term_is_the_cylinder_shape_factor_for_a_deep_pipe() -> None:
    # deep below ground arccosh(2H/D) → ln(4H/D): R'_s = ln(4H/D)/(2π k) within (D/4H)² ≈ 1e-8
    d, h, k = 0.5, 500.0, 1.0
    u = float(buried_pipe_u(d, d, h, k))
    assert u == pytest.approx(1 / (np.pi * d * math.log(4 * h / d) / (2 * np.pi * k)), rel=1e-7)


# --- soil profile along the route ------------------------------------------------------------


def test_route_positions_follow_the_route_both_ways() -> None:
    net = read_case(CASE)
    # P1 a → b at 0 m downstream; P2 laid c → b: its inlet c lies at 20 km, upstream; P3 off route
    assert route_positions(net.route, net.pipes) == {0: (0.0, 1.0), 1: (20e3, -1.0)}


def test_profile_interpolates_and_holds_its_ends() -> None:
    profile = [(1e3, 300.0), (3e3, 290.0)]
    got = profile_temperature([0.0, 1e3, 2e3, 2.5e3, 3e3, 1e6], profile)
    # linear: exact to rounding
    np.testing.assert_allclose(got, [300.0, 300.0, 295.0, 292.5, 290.0, 290.0], rtol=1e-15)


# --- compile ---------------------------------------------------------------------------------


def _thermal(cn: CompiledNetwork) -> ThermalData:
    assert cn.thermal is not None
    return cn.thermal


def test_compile_builds_thermal_data(calls: list[dict[str, Any]]) -> None:
    net = read_case(CASE)
    cn = compile_network(net)
    th = _thermal(cn)
    assert isinstance(th.caloric, _Caloric)
    seg = cn.segments
    # P1, P2 in two 5 km segments each, P3 in one (4 km)
    assert seg.pipe.tolist() == [0, 0, 1, 1, 2]
    # U: P1 from its burial data and layers (case depth and soil), P2 its own, P3 from its own
    # burial data, bare steel (D_o = 0.5 + 2 × 0.01 m): same formula, exact to rounding
    u1 = float(buried_pipe_u(0.5842, 0.6096, 1.5, 1.5, 0.003, 0.35, 0.05, 0.04))
    u3 = float(buried_pipe_u(0.5, 0.52, 1.0, 2.0))
    np.testing.assert_allclose(th.seg_u, [u1, u1, 3.5, 3.5, u3], rtol=1e-12)
    # soil: P1 mid-segments at 2.5 and 7.5 km of the route, P2 (c → b) at 20 - 2.5, 20 - 7.5 km,
    # profile 300 K at 0 → 280 K at 20 km; P3 its own 8 °C
    np.testing.assert_allclose(th.seg_soil, [297.5, 292.5, 282.5, 287.5, 281.15], rtol=1e-12)
    assert th.supply_temperature == pytest.approx([288.15], rel=1e-15)
    # nodes: a, b, c, d, e, f, then P1#1 and P2#1 (interior); the mean of adjacent segments
    names = cn.labels.nodes
    ambient = dict(zip(names, th.node_ambient.tolist(), strict=True))
    assert ambient["a"] == pytest.approx(297.5, rel=1e-12)
    assert ambient["b"] == pytest.approx((292.5 + 287.5 + 281.15) / 3, rel=1e-12)
    assert ambient["P1#1"] == pytest.approx((297.5 + 292.5) / 2, rel=1e-12)
    assert ambient["e"] == pytest.approx(293.15, rel=1e-12)  # no pipe: the gas temperature
    assert th.max_discharge == pytest.approx([333.15], rel=1e-15)
    assert th.cooler_outlet == pytest.approx([318.15], rel=1e-15)
    assert th.cooler_max_duty == pytest.approx([5e6], rel=1e-15)
    assert th.cooler_dp == pytest.approx([5e4], rel=1e-15)
    assert th.heater_outlet == pytest.approx([278.15], rel=1e-15)
    assert th.heater_max_duty == pytest.approx([8e5], rel=1e-15)
    assert th.min_temperature == pytest.approx(268.15, rel=1e-15)
    assert th.suction_temperature == pytest.approx([293.15], rel=1e-15)
    assert th.head_factor.tolist() == [1.0]
    # the caloric model: the case's EOS and gas constant, the energy balance's T range:
    # coldest named 278.15 K (heater set-point) - 60 K; warmest 333.15 K (discharge) + 120 K
    (call,) = calls
    assert call["eos_name"] == "papay"
    assert call["eos"] is cn.eos
    assert call["gas_constant"] == cn.gas.gas_constant
    assert call["p_range"] == cn.eos_p_range or math.isinf(cn.eos_p_range[1])
    assert call["T_range"] == pytest.approx((218.15, 453.15), rel=1e-12)


def test_defaults_of_stations_and_supplies(calls: list[dict[str, Any]]) -> None:
    text = _case(
        **{
            "C1.max_discharge_temperature": "",
            "C1.cooler_outlet_temperature": "",
            "C1.cooler_max_duty": "",
            "C1.cooler_pressure_drop": "",
            "R1.heater_outlet_temperature": "",
            "R1.heater_max_duty": "",
            "in.temperature": "",
        }
    )
    th = _thermal(compile_network(read_case(text)))
    assert th.supply_temperature.tolist() == [293.15]  # the case gas temperature
    assert th.max_discharge.tolist() == [np.inf]
    assert np.isnan(th.cooler_outlet).all()
    assert np.isnan(th.heater_outlet).all()
    assert th.cooler_max_duty.tolist() == th.heater_max_duty.tolist() == [np.inf]
    assert th.cooler_dp.tolist() == [0.0]


def test_case_u_is_the_last_resort(calls: list[dict[str, Any]]) -> None:
    text = _case(**{"burial_depth": "", "P3.burial_depth": "", "P3.soil_conductivity": ""})
    th = _thermal(compile_network(read_case(text)))
    # P1 has layers but no depth now, P3 nothing: both take the case's 2 W/(m² K)
    np.testing.assert_array_equal(th.seg_u, [2.0, 2.0, 3.5, 3.5, 2.0])


def test_a_pipe_without_u_is_named(calls: list[dict[str, Any]]) -> None:
    text = _case(**{"heat_transfer_coefficient": "", "burial_depth": ""})
    text = text.replace('burial_depth = "1 m"\n', "")  # P3 keeps only its soil conductivity
    with pytest.raises(CaseError) as info:
        compile_network(read_case(text))
    assert (info.value.element, info.value.key) == ("pipe 'P1'", "heat_transfer_coefficient")
    assert "burial_depth" in str(info.value.expected)


def test_burial_data_need_the_outer_diameter(calls: list[dict[str, Any]]) -> None:
    text = _case(**{"P3.wall_thickness": ""})
    with pytest.raises(CaseError) as info:
        compile_network(read_case(text))
    assert (info.value.element, info.value.key) == ("pipe 'P3'", "outer_diameter")


def test_gerg_table_spans_the_energy_balance_range(calls: list[dict[str, Any]]) -> None:
    net = read_case(_case(eos='eos = "gerg2008"'))
    cn = compile_network(net)
    t = cn.eos.T_grid  # type: ignore[attr-defined]
    # the same range as the caloric model's (a linspace: its ends exact)
    assert (t.min(), t.max()) == pytest.approx(calls[0]["T_range"], rel=1e-12)
    assert (t.min(), t.max()) == pytest.approx((218.15, 453.15), rel=1e-12)
    assert calls[0]["p_range"] == cn.eos_p_range


def test_isothermal_compile_is_unchanged(calls: list[dict[str, Any]]) -> None:
    iso = load("psgp-56in-phase1")
    cn = compile_network(iso)
    assert cn.thermal is None
    assert calls == []
    t = cn.eos.T_grid  # type: ignore[attr-defined]
    # the isothermal table: one temperature range around the gas temperature, as before
    assert (t.min(), t.max()) == pytest.approx((298.15 - 15.0, 298.15 + 60.0), rel=1e-12)
    energy = dataclasses.replace(
        iso,
        settings=dataclasses.replace(
            iso.settings, thermal=Thermal.ENERGY, heat_transfer_coefficient=2.5
        ),
    )
    ce = compile_network(energy)
    # energy mode adds its data and a wider table; the flow arrays are the isothermal ones
    for name in ("length", "diameter", "temperature", "rel_roughness", "dh"):
        np.testing.assert_array_equal(getattr(ce.segments, name), getattr(cn.segments, name))
    np.testing.assert_array_equal(ce.p_set, cn.p_set)
    assert _thermal(ce).seg_u.tolist() == [2.5] * cn.n_edges


def test_copies_carry_thermal_data(calls: list[dict[str, Any]]) -> None:
    net = read_case(CASE)
    cn = compile_network(net)
    moved = dataclasses.replace(
        net, supplies=[dataclasses.replace(net.supplies[0], temperature=290.0)]
    )
    patched = patch_compiled(cn, moved)
    assert _thermal(patched).supply_temperature.tolist() == [290.0]
    assert _thermal(rederive(cn)).seg_u is _thermal(cn).seg_u
    like = compile_like(net, cn)
    np.testing.assert_array_equal(_thermal(like).seg_soil, _thermal(cn).seg_soil)


# --- GasLib and bundled cases ----------------------------------------------------------------


def test_gaslib_134_heat_transfer_coefficients() -> None:
    net = load_gaslib(
        GASLIB / "GasLib-134-v2.net", GASLIB / "GasLib-134_Nominations-134_2011-11-01.scn"
    )
    assert net.settings.thermal is Thermal.ISOTHERMAL  # the user chooses energy mode
    assert len(net.pipes) == 86
    # every pipe of GasLib-134 gives 2 W_per_m_square_per_K (unit factor 1: exact)
    assert {p.heat_transfer_coefficient for p in net.pipes} == {2.0}
    # sources' gasTemperature (289.15 K) as supply temperatures
    temps = [s.temperature for s in net.supplies]
    assert temps == pytest.approx([289.15] * len(temps), rel=1e-15)


def test_gaslib_24_soil_temperature_and_supply_temperature() -> None:
    net = load_gaslib(GASLIB / "GasLib-24.net", GASLIB / "GasLib-24.scn")
    pipe = next(p for p in net.pipes if p.name == "L101")
    assert pipe.soil_temperature == 311.0  # K as written
    assert all(p.soil_temperature is None for p in net.pipes if p.name != "L101")
    # gasTemperature 10.0 Celsius → 283.15 K
    temps = [s.temperature for s in net.supplies]
    assert temps == pytest.approx([283.15] * len(temps), rel=1e-15)


@pytest.mark.parametrize("season", ["summer", "winter"])
def test_psgp_thermal_cases(season: str, calls: list[dict[str, Any]]) -> None:
    name = f"psgp-56in-phase1-{season}"
    assert name in bundled_cases()
    net: Network = load(name)
    assert net.settings.thermal is Thermal.ENERGY
    th = _thermal(compile_network(net))
    # U of the coated 56 in line, centre 1.915 m deep, soil 1.2 W/(m K) (see the case header):
    #   arccosh(2 × 1.915 / 1.4298) / (2π 1.2) + ln(1.4298/1.4224) / (2π 0.35) → U = 1.0483
    np.testing.assert_allclose(th.seg_u, 1.0483, rtol=1e-4)  # 5 digits in the hand number
    sindh, punjab = (304.15, 302.15) if season == "summer" else (292.15, 290.15)
    # Sindh (first segment, km 5) 2 K warmer than Punjab (last, km 1095): profile points exact
    assert th.seg_soil[0] == pytest.approx(sindh, rel=1e-12)
    assert th.seg_soil[-1] == pytest.approx(punjab, rel=1e-12)
    assert th.supply_temperature.tolist() == [pytest.approx(288.15, rel=1e-15)]
