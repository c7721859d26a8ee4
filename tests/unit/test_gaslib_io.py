"""GasLib importer: element counts, units, nomination, decisions, compressor data, bad input."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from linepack.errors import CaseError, TopologyError
from linepack.gas.composition import NM3, R
from linepack.io.gaslib import load_gaslib, stand_in_gas
from linepack.io.gaslib_cs import PistonCompressor, TurboCompressor, read_compressor_stations
from linepack.io.gaslib_scn import DecisionGroup, apply_decisions, read_decisions
from linepack.io.gaslib_xml import Where, XmlFile
from linepack.network.model import CompressorMode
from linepack.units import ATMOSPHERE

DATA = Path(__file__).parents[1] / "data" / "gaslib"
NS = "{http://gaslib.zib.de/Gas}"
KM3H = 1000.0 / 3600.0  # 1000 m³/h in m³/s

#: instance → (network file, nomination file)
INSTANCES = {
    "GasLib-11": ("GasLib-11.net", "GasLib-11.scn"),
    "GasLib-24": ("GasLib-24.net", "GasLib-24.scn"),
    "GasLib-40": ("GasLib-40.net", "GasLib-40.scn"),
    "GasLib-135": ("GasLib-135.net", "GasLib-135.scn"),
    "GasLib-582": ("GasLib-582.net", "GasLib-582.scn"),
    "GasLib-134-v2": ("GasLib-134-v2.net", "GasLib-134_Nominations-134_2011-11-01.scn"),
}
#: counts read off the files: nodes, pipes, shortPipe, resistor, valve, controlValve,
#: compressorStation, entries, exits
COUNTS = {
    "GasLib-11": (11, 8, 0, 0, 1, 0, 2, 3, 3),
    "GasLib-24": (24, 19, 1, 1, 0, 1, 3, 3, 5),
    "GasLib-40": (40, 39, 0, 0, 0, 0, 6, 3, 29),
    "GasLib-135": (135, 141, 0, 0, 0, 0, 29, 6, 99),
    "GasLib-582": (582, 451, 96, 8, 26, 23, 5, 31, 129),
    "GasLib-134-v2": (134, 86, 45, 0, 0, 1, 1, 3, 45),
}


def _load(name: str, **kw: object):  # type: ignore[no-untyped-def]
    net, scn = INSTANCES[name]
    return load_gaslib(DATA / net, DATA / scn, **kw)  # type: ignore[arg-type]


def _file_counts(name: str) -> tuple[int, ...]:
    """The same counts, taken from the XML with the standard library."""
    net, scn = INSTANCES[name]
    root = ET.parse(DATA / net).getroot()
    count = {
        k: len(list(root.iter(NS + k)))
        for k in (
            "source",
            "sink",
            "innode",
            "pipe",
            "shortPipe",
            "resistor",
            "valve",
            "controlValve",
            "compressorStation",
        )
    }
    nodes = ET.parse(DATA / scn).getroot().iter(NS + "node")
    types = [n.get("type") for n in nodes]
    return (
        count["source"] + count["sink"] + count["innode"],
        *(
            count[k]
            for k in ("pipe", "shortPipe", "resistor", "valve", "controlValve", "compressorStation")
        ),
        types.count("entry"),
        types.count("exit"),
    )


@pytest.mark.parametrize("name", list(INSTANCES))
def test_element_counts_match_the_files(name: str) -> None:
    net = _load(name)
    got = (
        len(net.nodes),
        len(net.pipes),
        len(net.short_pipes),
        len(net.resistors),
        len(net.valves),
        len(net.regulators),
        len(net.compressors),
        len(net.supplies),
        len(net.demands),
    )
    assert got == COUNTS[name] == _file_counts(name)


def test_gaslib_11_mapping() -> None:
    net = _load("GasLib-11")
    assert net.name == "GasLib_11"
    pipe = next(p for p in net.pipes if p.name == "pipe01_entry01_entry03")
    assert (pipe.length, pipe.diameter, pipe.roughness, pipe.maop) == (55e3, 0.5, 1e-4, 200e5)
    assert pipe.heat_transfer_coefficient == 2.0  # W/(m² K), read exactly (unit factor 1)
    assert "heatTransferCoefficient" not in net.extras["unmapped"].get(pipe.name, {})
    cs = next(c for c in net.compressors if c.name == "CS01_entry03_N01")
    assert cs.mode is CompressorMode.OUTLET_PRESSURE
    assert cs.setpoint == cs.max_outlet_pressure == 70e5
    assert cs.min_suction_pressure == 40e5
    assert cs.fuel_node == "N01"
    assert cs.max_flow == pytest.approx(1100 * KM3H * 0.785, rel=1e-12)
    node = net.node("exit02")
    assert (node.p_min, node.p_max) == (40e5, 60e5)
    assert net.extras["coordinates"]["exit02"] == (1141.0, 141.0)
    st = net.settings
    assert st.gas_constant == pytest.approx(R / 18.5674e-3, rel=1e-14)
    assert st.pseudo_critical == pytest.approx((45.9293457336e5, 188.549758911), rel=1e-12)
    assert st.gas_temperature == pytest.approx(283.15, abs=1e-12)


def test_nominated_flow_is_normal_volume_times_norm_density() -> None:
    net = _load("GasLib-11")
    demand = next(d for d in net.demands if d.node == "exit01")
    # 100 x 1000 m³/h at 0 °C, 1.01325 bar x 0.785 kg/m³ = 21.8056 kg/s
    assert demand.flow == pytest.approx(100 * KM3H * 0.785, rel=1e-12)
    assert demand.flow == pytest.approx(21.80556, rel=1e-6)


def test_reference_pressure_rule() -> None:
    net = _load("GasLib-11")
    refs = [s for s in net.supplies if s.pressure is not None]
    assert [s.name for s in refs] == ["entry01"]  # largest inflow: 160 (x 1000 m³/h)
    ref = refs[0]
    assert ref.flow is None
    assert ref.pressure == net.node("entry01").p_max == 70e5
    assert ref.flow_max is None  # balances the island incl. fuel gas: not bounded
    assert "entry01" in net.description
    fixed = {s.name: s.flow for s in net.supplies if s.flow is not None}
    assert fixed["entry02"] == pytest.approx(140 * KM3H * 0.785, rel=1e-12)


def test_sources_with_different_gas_are_mixed() -> None:
    net = _load("GasLib-24")
    assert "gas data differ" in net.description
    scn = {n.node: n.flow.upper for n in net.extras["nomination"].nodes if n.kind == "entry"}
    weights = {"entry01": 19.5, "entry02": 18.5674, "entry03": 19.5}  # molar masses
    mean = sum(scn[k] * m for k, m in weights.items()) / sum(scn.values()) * 1e-3
    assert net.settings.gas_constant == pytest.approx(R / mean, rel=1e-12)


def test_barg_bounds_use_the_atmosphere() -> None:
    net = _load("GasLib-582")
    # sink_109: .net pressureMin 2.01325 bar, .scn lower bound 50 barg
    assert net.node("sink_109").p_min == pytest.approx(50e5 + ATMOSPHERE, abs=1e-6)
    other = _load("GasLib-582", atmosphere=1.0e5)
    assert other.node("sink_109").p_min == pytest.approx(51e5, abs=1e-6)


def test_zip_archive() -> None:
    net = load_gaslib(DATA / "GasLib-Integration.zip")
    assert net.name == "GasLib_Integration"
    counts = (
        len(net.nodes),
        len(net.pipes),
        len(net.short_pipes),
        len(net.resistors),
        len(net.valves),
        len(net.regulators),
        len(net.compressors),
    )
    assert counts == (11, 1, 1, 2, 1, 1, 1)
    drag = next(r for r in net.resistors if r.name == "resistor_1")
    loss = next(r for r in net.resistors if r.name == "resistor_2")
    assert (drag.drag_factor, drag.diameter, drag.pressure_loss) == (0.1, 1.0, None)
    assert (loss.drag_factor, loss.pressure_loss) == (None, 1e5)
    reg = net.regulators[0]
    assert (reg.setpoint, reg.max_outlet_pressure, reg.inlet_pressure_loss) == (25e5, 25e5, 1e5)
    assert (reg.min_pressure_drop, reg.max_pressure_drop, reg.gas_preheater) == (0.0, 25e5, False)
    cs = net.compressors[0]
    assert (cs.internal_bypass, cs.gas_cooler, cs.inlet_drag_factor) == (True, False, 0.0)
    # four islands, one pressure reference each; 0 barg lower bounds are 1 atm absolute
    assert sorted(s.name for s in net.supplies if s.pressure) == [
        f"source_{i}" for i in range(1, 5)
    ]
    assert net.node("sink_3").p_min == ATMOSPHERE
    assert (net.node("sink_2").lat, net.node("sink_2").lon) == (3.0, 1.0)
    station = net.extras["compressor_stations"]["compressorStation_1"]
    assert isinstance(station.compressors[0], TurboCompressor)
    assert station.drives[0].kind == "gasTurbine"


def test_folder_and_choice_of_scenario(tmp_path: Path) -> None:
    for f in ("GasLib-11.net", "GasLib-11.scn", "GasLib-11.cs"):
        shutil.copy(DATA / f, tmp_path / f)
    net = load_gaslib(tmp_path)
    assert len(net.supplies) == 3
    assert "compressor_stations" in net.extras
    shutil.copy(DATA / "GasLib-11.scn", tmp_path / "other.scn")
    with pytest.raises(CaseError, match=r"more than one \.scn file: GasLib-11\.scn, other\.scn"):
        load_gaslib(tmp_path)
    assert len(load_gaslib(tmp_path, scenario="other.scn").demands) == 3


def test_without_nomination_there_are_no_boundaries() -> None:
    net = load_gaslib(DATA / "GasLib-11.net")
    assert net.supplies == []
    assert net.demands == []
    assert len(net.nodes) == 11


def test_compressor_station_data_are_kept() -> None:
    stations = read_compressor_stations(XmlFile("582.cs", (DATA / "GasLib-582.cs").read_bytes()))
    assert len(stations) == 5
    units = [u for s in stations.values() for u in s.compressors]
    assert sum(isinstance(u, TurboCompressor) for u in units) == 9
    piston = next(u for u in units if isinstance(u, PistonCompressor))
    assert piston.parameter("operatingVolume").value == 0.5  # type: ignore[union-attr]
    assert piston.parameter("operatingVolume").unit == "m_cube"  # type: ignore[union-attr]
    turbo = next(u for u in units if isinstance(u, TurboCompressor))
    diagram = turbo.characteristic_diagram
    assert len(diagram) == 8
    assert diagram[0].label is not None
    point = diagram[0].points[0]
    assert point.get("adiabaticHead").unit == "kJ_per_kg"  # type: ignore[union-attr]
    assert turbo.surgeline is not None
    assert len(turbo.surgeline.points) == 9
    motor = next(d for s in stations.values() for d in s.drives if d.kind == "gasDrivenMotor")
    assert [s.name for s in motor.series] == [
        "specificEnergyConsumptionMeasurements",
        "maximalPowerMeasurements",
    ]
    configs = [c for s in stations.values() for c in s.configurations]
    assert sum(len(c.stages) for c in configs) == 12
    net = load_gaslib(
        DATA / "GasLib-582.net", DATA / "GasLib-582.scn", compressor_data=DATA / "GasLib-582.cs"
    )
    assert set(net.extras["compressor_stations"]) == {c.name for c in net.compressors}


def test_decision_groups_are_kept_and_not_applied_when_there_are_alternatives() -> None:
    net = load_gaslib(DATA / "GasLib-582.net", DATA / "GasLib-582.scn", DATA / "GasLib-582.cdf")
    groups = net.extras["decisions"]
    assert [len(g.decisions) for g in groups] == [4, 19]
    first = groups[0].decisions[0].as_mapping()
    assert (first["valve_12"].value, first["valve_12"].flow_direction) == (1, 0)
    assert all(v.open for v in net.valves)
    assert "decision groups applied" not in net.description


def _cdf(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "one.cdf"
    path.write_text(
        '<combinedDecisions xmlns="http://gaslib.zib.de/CombinedDecisions">'
        f'<decisionGroup id="g"><decision id="d">{body}</decision></decisionGroup>'
        "</combinedDecisions>"
    )
    return path


def test_single_decision_is_applied(tmp_path: Path) -> None:
    body = (
        '<valve id="V01_N01_N03" value="0"/>'
        '<compressorStation id="CS01_entry03_N01" value="1" flowDirection="0"/>'
    )
    net = load_gaslib(DATA / "GasLib-11.net", DATA / "GasLib-11.scn", _cdf(tmp_path, body))
    assert not net.valves[0].open
    assert net.compressors[0].mode is CompressorMode.OUTLET_PRESSURE
    assert "decision groups applied: g" in net.description


def test_decisions_close_stations_and_control_valves() -> None:
    net = _load("GasLib-24")
    groups = read_decisions(
        XmlFile(
            "x.cdf",
            (
                b'<combinedDecisions xmlns="http://gaslib.zib.de/CombinedDecisions">'
                b'<decisionGroup id="g"><decision id="d"><controlValve id="CV01" value="0"/>'
                b'<compressorStation id="CS2" value="0"/></decision></decisionGroup>'
                b"</combinedDecisions>"
            ),
        )
    )
    assert isinstance(groups[0], DecisionGroup)
    assert apply_decisions(net, groups, Where("x.cdf")) == ["g"]
    assert net.regulators == []
    assert [(v.name, v.open) for v in net.valves] == [("CV01", False)]
    assert next(c for c in net.compressors if c.name == "CS2").mode is CompressorMode.OFF


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('<valve id="nope" value="1"/>', "no valve of this id"),
        ('<compressorStation id="CS01_entry03_N01" value="1" flowDirection="1"/>', "reverse"),
        ('<valve id="V01_N01_N03" value="2"/>', "unknown value"),
        ('<pipe id="pipe01_entry01_entry03" value="1"/>', "unknown element kind"),
    ],
)
def test_bad_decisions(tmp_path: Path, body: str, match: str) -> None:
    with pytest.raises(CaseError, match=match) as err:
        load_gaslib(DATA / "GasLib-11.net", DATA / "GasLib-11.scn", _cdf(tmp_path, body))
    assert err.value.file is not None
    assert err.value.file.endswith("one.cdf")


def test_unknown_element_kind_is_named(tmp_path: Path) -> None:
    text = (DATA / "GasLib-11.net").read_text()
    extra = '<compressorGroup id="CG9" from="N01" to="N02"/>\n  </framework:connections>'
    path = tmp_path / "bad.net"
    path.write_text(text.replace("</framework:connections>", extra))
    with pytest.raises(CaseError, match="unknown element kind 'compressorGroup'") as err:
        load_gaslib(path)
    assert err.value.element == "compressorGroup 'CG9'"
    assert err.value.file == str(path)


def test_malformed_xml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.net"
    path.write_text((DATA / "GasLib-11.net").read_text()[:3000])
    with pytest.raises(CaseError, match="malformed XML") as err:
        load_gaslib(path)
    assert err.value.file == str(path)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<network xmlns="http://gaslib.zib.de/Gas"><information>&lol4;</information></network>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE network [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<network xmlns="http://gaslib.zib.de/Gas"><information>&secret;</information></network>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external"])
def test_unsafe_xml_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "evil.net"
    path.write_text(text)
    with pytest.raises(CaseError, match="unsafe XML refused") as err:
        load_gaslib(path)
    assert err.value.file == str(path)


def test_unsafe_member_of_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("evil/evil.net", BILLION_LAUGHS)
    with pytest.raises(CaseError, match="unsafe XML refused") as err:
        load_gaslib(path)
    assert err.value.file == f"{path}:evil/evil.net"


def test_bad_unit_and_nomination_mismatch(tmp_path: Path) -> None:
    text = (DATA / "GasLib-11.net").read_text().replace('unit="km"', 'unit="furlong"', 1)
    (tmp_path / "u.net").write_text(text)
    with pytest.raises(CaseError, match="unit not accepted for a length") as err:
        load_gaslib(tmp_path / "u.net")
    assert err.value.key == "length"
    scn = (DATA / "GasLib-11.scn").read_text().replace('id="exit01"', 'id="N01"')
    (tmp_path / "s.scn").write_text(scn)
    with pytest.raises(CaseError, match="an exit must be a sink"):
        load_gaslib(DATA / "GasLib-11.net", tmp_path / "s.scn")


def test_island_without_supply_is_reported(tmp_path: Path) -> None:
    body = '<compressorStation id="CS02_N04_N05" value="0"/>'
    with pytest.raises(TopologyError):
        load_gaslib(DATA / "GasLib-11.net", DATA / "GasLib-11.scn", _cdf(tmp_path, body))


def test_stand_in_gas_matches_molar_mass_and_calorific_value() -> None:
    gas = stand_in_gas(18.5674e-3, 36.4543670654e6)
    assert gas.molar_mass == pytest.approx(18.5674e-3, rel=1e-12)
    assert gas.gross_heating_value(NM3) == pytest.approx(36.4543670654e6, rel=1e-9)
    assert set(gas.as_mapping()) == {"methane", "ethane", "nitrogen"}
    light = stand_in_gas(R / 530.0)
    assert set(light.as_mapping()) == {"methane", "hydrogen"}
    assert light.specific_gas_constant == pytest.approx(530.0, rel=1e-12)
    with pytest.raises(CaseError, match="molar mass"):
        stand_in_gas(0.05)
