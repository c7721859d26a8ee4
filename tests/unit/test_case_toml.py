"""A good TOML case reads into the expected SI values.

Tolerances: conversions that are exact by definition (inch, bar, degC) are compared to 1e-12
relative, which only allows for floating-point rounding. Flows from standard volumes are compared
to 1e-12 relative against the same product (rate × density at the reference conditions) written
out independently, so the test checks the wiring (which reference conditions, which volume
factor), not the density model itself, which has its own tests.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest

from linepack.gas.composition import NM3, SCF, ReferenceConditions
from linepack.io.case_toml import SECTIONS, load_case, read_case
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Resistor,
    Settings,
    ShortPipe,
    Supply,
    Valve,
)

FT3 = 0.3048**3  # m³ per ft³, exact by definition
DAY = 86_400.0
REL = 1e-12  # floating-point rounding only

GOOD = """
[case]
name = "demo"
description = "three nodes, one of each element"
route = ["a", "b", "c"]
delivery = "c"

[settings]
gas_temperature = "15 degC"
eos = "papay"
friction = "swamee-jain"
segment_length = "5 km"

[gas]
composition = { methane = 90.5, ethane = 6.0, propane = 2.0, nitrogen = 1.0, carbon_dioxide = 0.5 }

[[node]]
name = "a"
elevation = "10 m"
lat = 24.8
lon = 67.0
p_max = "90 barg"

[[node]]
name = "b"

[[node]]
name = "b2"

[[node]]
name = "c"
p_min = "40 barg"

[[node]]
name = "d"

[[pipe]]
name = "P1"
from = "a"
to = "b"
length = "100 km"
inner_diameter = "56 in"
roughness = "0.02 mm"
efficiency = 0.95
maop = "95 barg"

[[pipe]]
name = "P2"
from = "b2"
to = "c"
length = "10 mi"
outer_diameter = "24 in"
wall_thickness = "0.5 in"
friction = "colebrook"
temperature = "20 degC"

[[compressor]]
name = "CS1"
from = "b"
to = "b2"
mode = "ratio"
setpoint = 1.4
max_outlet_pressure = "100 barg"
max_power = "20 MW"
efficiency = 0.8
head = "isentropic"

[[regulator]]
name = "R1"
from = "c"
to = "d"
setpoint = "40 barg"

[[valve]]
name = "V1"
from = "a"
to = "b"
open = false

[[short_pipe]]
name = "S1"
from = "b"
to = "d"

[[resistor]]
name = "X1"
from = "a"
to = "d"
drag_factor = 2.5
diameter = "0.5 m"

[[supply]]
name = "port"
node = "a"
pressure = "85 barg"
flow_max = "1500 MMSCFD"

[[demand]]
name = "city"
node = "c"
flow = "1200 MMSCFD"

[[demand]]
name = "plant"
node = "d"
flow = "50 kg/s"
"""


@pytest.fixture(scope="module")
def net() -> Network:
    return read_case(GOOD, "demo.toml")


def test_case_metadata(net: Network) -> None:
    assert net.name == "demo"
    assert net.route == ["a", "b", "c"]
    assert net.delivery == "c"
    assert net.source == "demo.toml"
    assert [n.name for n in net.nodes] == ["a", "b", "b2", "c", "d"]


def test_settings_in_si(net: Network) -> None:
    st = net.settings
    assert st.gas_temperature == pytest.approx(288.15, rel=REL)
    assert st.segment_length == pytest.approx(5000.0, rel=REL)
    assert (st.eos, st.friction) == ("papay", "swamee-jain")
    # keys left out keep the dataclass defaults
    assert st.ground_temperature == Settings().ground_temperature
    assert st.atmosphere == Settings().atmosphere


def test_pipe_geometry(net: Network) -> None:
    p1, p2 = net.pipes
    assert p1.diameter == pytest.approx(1.4224, rel=REL)  # 56 in × 0.0254 m/in, exact
    assert p1.length == pytest.approx(100_000.0, rel=REL)
    assert p1.roughness == pytest.approx(2e-5, rel=REL)
    assert p1.efficiency == 0.95
    assert p1.maop == pytest.approx(95e5 + 101_325, rel=REL)
    assert p2.length == pytest.approx(16_093.44, rel=REL)  # 10 mi × 1609.344 m, exact
    assert p2.diameter == pytest.approx(0.6096 - 2 * 0.0127, rel=REL)  # OD − 2 wt
    assert (p2.outer_diameter, p2.wall_thickness) == pytest.approx((0.6096, 0.0127), rel=REL)
    assert p2.friction == "colebrook"
    assert p2.temperature == pytest.approx(293.15, rel=REL)
    assert p2.roughness == 2e-5  # Pipe default


def test_gauge_pressures_use_standard_atmosphere(net: Network) -> None:
    # 85 barg = 85e5 Pa + 101 325 Pa = 8 601 325 Pa; exact up to rounding.
    assert net.supplies[0].pressure == pytest.approx(8_601_325.0, rel=REL)
    assert net.node("c").p_min == pytest.approx(4_101_325.0, rel=REL)
    assert net.regulators[0].setpoint == pytest.approx(4_101_325.0, rel=REL)


def test_standard_volume_flow_uses_scf_density(net: Network) -> None:
    rho = net.gas.density(SCF)  # density at 60 °F, 14.696 psia
    expected = 1200e6 * FT3 / DAY * rho
    assert net.demands[0].flow == pytest.approx(expected, rel=REL)
    # A lean gas near 0.75 kg/m³ at 60 °F: 1200 MMSCFD is roughly 290 kg/s.
    assert 250.0 < net.demands[0].flow < 330.0
    assert net.supplies[0].flow_max == pytest.approx(1500e6 * FT3 / DAY * rho, rel=REL)
    assert net.demands[1].flow == 50.0


def test_other_elements(net: Network) -> None:
    (c,) = net.compressors
    assert c.mode is CompressorMode.RATIO
    assert c.setpoint == 1.4
    assert c.max_outlet_pressure == pytest.approx(100e5 + 101_325, rel=REL)
    assert c.max_power == pytest.approx(20e6, rel=REL)
    assert (c.efficiency, c.head) == (0.8, "isentropic")
    assert c.driver_efficiency == 0.35  # Compressor default
    assert net.valves[0].open is False
    assert net.short_pipes[0].name == "S1"
    r = net.resistors[0]
    assert (r.drag_factor, r.diameter, r.pressure_loss) == (2.5, 0.5, None)
    assert net.node("a").elevation == 10.0
    assert (net.node("a").lat, net.node("a").lon) == (24.8, 67.0)


MINIMAL = """
[settings]
atmosphere = "1 bar"
{settings}
{standard}
[gas]
composition = {{ methane = 0.9, ethane = 0.1 }}

[[node]]
name = "a"

[[node]]
name = "b"

[[pipe]]
name = "P"
from = "a"
to = "b"
length = "1 km"
inner_diameter = "500 mm"

[[supply]]
name = "s"
node = "a"
pressure = "85 barg"

[[demand]]
name = "d"
node = "b"
flow = "{flow}"
"""


def minimal(flow: str = "1 kg/s", settings: str = "", standard: str = "") -> str:
    """A two-node case with a chosen demand flow and extra settings."""
    return MINIMAL.format(flow=flow, settings=settings, standard=standard)


def test_gauge_pressure_uses_case_atmosphere() -> None:
    net = read_case(minimal())
    assert net.settings.atmosphere == pytest.approx(1e5, rel=REL)
    assert net.supplies[0].pressure == pytest.approx(86e5, rel=REL)  # 85 barg + 1 bar


def test_configured_sm3_reference_conditions() -> None:
    standard = '[standard]\nsm3 = { temperature = "20 degC", pressure = "1.01325 bar" }'
    net = read_case(minimal("2 MMSCMD", standard=standard))
    ref = net.settings.sm3
    assert (ref.temperature, ref.pressure) == pytest.approx((293.15, 101_325.0), rel=REL)
    assert isinstance(ref, ReferenceConditions)
    rho = net.gas.density(ref)
    assert net.demands[0].flow == pytest.approx(2e6 / DAY * rho, rel=REL)


def test_nm3_flow_uses_normal_conditions() -> None:
    net = read_case(minimal("36000 Nm3/h"))
    assert net.demands[0].flow == pytest.approx(10.0 * net.gas.density(NM3), rel=REL)


def test_compressor_modes_read_setpoint_in_their_unit() -> None:
    extra = """
[[node]]
name = "c"

[[compressor]]
name = "C"
from = "b"
to = "c"
mode = "{mode}"
setpoint = "{setpoint}"
"""
    cases = {
        "outlet_pressure": ("90 barg", 90e5 + 1e5),
        "flow": ("100 kg/s", 100.0),
        "power": ("12 MW", 12e6),
        "ratio": ("1.3", 1.3),
    }
    for mode, (text, si) in cases.items():
        net = read_case(minimal() + extra.format(mode=mode, setpoint=text))
        c = net.compressors[0]
        assert c.mode is CompressorMode(mode)
        assert c.setpoint == pytest.approx(si, rel=REL)


def test_load_case_from_file(tmp_path: Path) -> None:
    path = tmp_path / "two-nodes.toml"
    path.write_text(minimal(), encoding="utf-8")
    net = load_case(path)
    assert net.source == str(path)
    assert net.name == "two-nodes"  # no [case] name: the file's stem
    assert math.isclose(net.pipes[0].diameter, 0.5, rel_tol=REL)


DOC = Path(__file__).parents[2] / "docs" / "case-format.md"


def test_every_key_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for section, keys in SECTIONS.items():
        for key in keys:
            assert f"`{key}`" in doc, f"{section}.{key} missing from docs/case-format.md"


def test_documented_example_reads() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    net = read_case(block.group(1), "example.toml")
    kinds = [
        net.pipes,
        net.compressors,
        net.regulators,
        net.valves,
        net.short_pipes,
        net.resistors,
        net.supplies,
        net.demands,
    ]
    assert all(len(k) >= 1 for k in kinds)
    # OD 42 in − 2 × 0.75 in = 40.5 in = 1.0287 m, exact
    assert net.pipes[0].diameter == pytest.approx(1.0287, rel=REL)


def test_absolute_suffixes() -> None:
    text = minimal().replace('"85 barg"', '"1000 psia"')
    net = read_case(text)
    assert net.supplies[0].pressure == pytest.approx(1000 * 6894.757293168361, rel=1e-12)


# --- every model field has a key ---------------------------------------------------------------

#: Model fields read from somewhere else than a key of the same section, and where.
ELSEWHERE = {
    ("Settings", "scf"): "[standard] scf",
    ("Settings", "sm3"): "[standard] sm3",
    ("Settings", "pseudo_critical"): "pseudo_critical_pressure + pseudo_critical_temperature",
    ("Network", "gas"): "[gas]",
    ("Network", "settings"): "[settings]",
    **{
        ("Network", name): f"[[{section}]]"
        for name, section in [
            ("nodes", "node"),
            ("pipes", "pipe"),
            ("compressors", "compressor"),
            ("regulators", "regulator"),
            ("valves", "valve"),
            ("short_pipes", "short_pipe"),
            ("resistors", "resistor"),
            ("supplies", "supply"),
            ("demands", "demand"),
        ]
    },
}
#: Model fields that are deliberately not in case files (``==`` ignores ``extras``).
NOT_IN_CASES = {
    ("Network", "source"): "where the case was read from: the file itself",
    ("Network", "extras"): "importer data linepack does not model (docs/import.md)",
}
SECTION_OF = {
    Network: "case",
    Settings: "settings",
    ReferenceConditions: "reference",
    Node: "node",
    Pipe: "pipe",
    Compressor: "compressor",
    Regulator: "regulator",
    Valve: "valve",
    ShortPipe: "short_pipe",
    Resistor: "resistor",
    Supply: "supply",
    Demand: "demand",
}


@pytest.mark.parametrize("cls", list(SECTION_OF), ids=lambda c: c.__name__)
def test_every_model_field_has_a_key(cls: type) -> None:
    section = SECTION_OF[cls]
    keyed = {spec.field or key for key, spec in SECTIONS[section].items()}
    for f in dataclasses.fields(cls):
        where = (cls.__name__, f.name)
        assert f.name in keyed or where in ELSEWHERE or where in NOT_IN_CASES, (
            f"{cls.__name__}.{f.name} has no key in [{section}]"
        )
    fields = {f.name for f in dataclasses.fields(cls)}
    extra = {k for k, s in SECTIONS[section].items() if (s.field or k) not in fields}
    if cls is Settings:
        extra -= {"pseudo_critical_pressure", "pseudo_critical_temperature"}
    if cls is Compressor:
        assert "setpoint" in fields
    assert not extra, f"keys of [{section}] without a {cls.__name__} field: {extra}"


# --- the keys added for lossless conversion ----------------------------------------------------

STATION = """
[[node]]
name = "c"

[[compressor]]
name = "CS"
from = "b"
to = "c"
mode = "outlet_pressure"
setpoint = "70 bar"
min_flow = "-10 kg/s"
max_flow = "3600 t/h"
inlet_drag_factor = 18.0
inlet_diameter = "900 mm"
outlet_drag_factor = 16
outlet_diameter = "1 m"
inlet_pressure_loss = "0.5 bar"
outlet_pressure_loss = "2 bar"
fuel_node = "c"
internal_bypass = true
gas_cooler = false
driver_efficiency = "none"

[[node]]
name = "e"

[[regulator]]
name = "CV"
from = "c"
to = "e"
setpoint = "40 bar"
min_pressure_drop = "0 bar"
max_pressure_drop = "10 bar"
min_inlet_pressure = "20 bar"
max_outlet_pressure = "50 bar"
inlet_pressure_loss = "0.5 bar"
outlet_pressure_loss = "0.6 bar"
inlet_drag_factor = 1.5
inlet_diameter = "0.5 m"
outlet_drag_factor = 2.5
outlet_diameter = "0.6 m"
min_flow = "0 kg/s"
max_flow = "100 kg/s"
internal_bypass = false
gas_preheater = true
"""


def test_gas_settings() -> None:
    settings = """gas_constant = "0.5183 kJ/(kg*K)"
specific_gravity = 0.6
pseudo_critical_pressure = "46 bar"
pseudo_critical_temperature = "190 K"
control = "bounds"
"""
    st = read_case(minimal(settings=settings)).settings
    assert st.gas_constant == pytest.approx(518.3, rel=REL)
    assert st.specific_gravity == 0.6
    assert st.pseudo_critical == pytest.approx((46e5, 190.0), rel=REL)
    assert st.control == "bounds"


@pytest.mark.parametrize(
    "text",
    ['"518.3 J/(kg*K)"', '"518.3 J/kg/K"', '"518.3 J/(kg*degC)"', '"518.3 m**2/(s**2*K)"'],
)
def test_gas_constant_units(text: str) -> None:
    """A degC in the unit is a temperature step, not the temperature 274.15 K."""
    st = read_case(minimal(settings=f"gas_constant = {text}")).settings
    assert st.gas_constant == pytest.approx(518.3, rel=REL)


def test_station_data_in_si() -> None:
    net = read_case(minimal() + STATION)
    c, g = net.compressors[0], net.regulators[0]
    assert (c.min_flow, c.max_flow) == pytest.approx((-10.0, 1000.0), rel=REL)
    assert (c.inlet_drag_factor, c.inlet_diameter) == pytest.approx((18.0, 0.9), rel=REL)
    assert (c.outlet_drag_factor, c.outlet_diameter) == (16.0, 1.0)
    assert (c.inlet_pressure_loss, c.outlet_pressure_loss) == pytest.approx((5e4, 2e5), rel=REL)
    assert (c.fuel_node, c.internal_bypass, c.gas_cooler) == ("c", True, False)
    assert c.driver_efficiency is None
    assert g.setpoint == pytest.approx(40e5, rel=REL)
    assert (g.min_pressure_drop, g.max_pressure_drop) == pytest.approx((0.0, 10e5), rel=REL)
    assert (g.min_inlet_pressure, g.max_outlet_pressure) == pytest.approx((20e5, 50e5), rel=REL)
    assert (g.inlet_pressure_loss, g.outlet_pressure_loss) == pytest.approx((5e4, 6e4), rel=REL)
    assert (g.inlet_drag_factor, g.inlet_diameter) == (1.5, 0.5)
    assert (g.outlet_drag_factor, g.outlet_diameter) == (2.5, 0.6)
    assert (g.min_flow, g.max_flow) == (0.0, 100.0)
    assert (g.internal_bypass, g.gas_preheater) == (False, True)


@pytest.mark.parametrize(
    ("setpoint", "si"),
    [("7100000.0", 7.1e6), ('"70 bar"', 7e6), ('"10 kg/s"', 10.0), ('"2 MW"', 2e6), ("1.3", 1.3)],
)
def test_idle_station_keeps_its_setpoint(setpoint: str, si: float) -> None:
    """In bypass or off the set-point is kept (not used): a bare SI number or any set-point kind."""
    text = STATION.replace('"outlet_pressure"', '"bypass"').replace('"70 bar"', setpoint)
    c = read_case(minimal() + text).compressors[0]
    assert c.mode is CompressorMode.BYPASS
    assert c.setpoint == pytest.approx(si, rel=REL)


def test_inner_diameter_with_outer_diameter_and_wall() -> None:
    """All three may be given if they agree; the inner diameter is then the one given."""
    pipe = 'inner_diameter = "500 mm"\nouter_diameter = "520 mm"\nwall_thickness = "10 mm"'
    p = read_case(minimal().replace('inner_diameter = "500 mm"', pipe)).pipes[0]
    assert (p.diameter, p.outer_diameter, p.wall_thickness) == pytest.approx((0.5, 0.52, 0.01))
    only_outer = read_case(
        minimal() + '\n[[pipe]]\nname = "Q"\nfrom = "a"\nto = "b"\n'
        'length = "1 km"\ninner_diameter = "0.5 m"\nouter_diameter = "0.6 m"'
    )
    q = only_outer.pipes[1]
    assert (q.diameter, q.outer_diameter, q.wall_thickness) == (0.5, 0.6, None)
