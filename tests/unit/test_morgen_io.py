"""morgen importer: node and edge counts, ports, elevations, scenario, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from linepack.errors import CaseError
from linepack.io.load import load
from linepack.io.morgen import load_morgen, read_edges, read_scenario
from linepack.network.model import CompressorMode
from linepack.steady.solve import SteadyOptions, solve

DATA = Path(__file__).parents[1] / "data" / "morgen"


def test_gaslib_4197_has_4197_junctions_and_1020_ports() -> None:
    net = load_morgen(DATA / "GasLib4197.net")
    assert len(net.nodes) == 5217
    junctions = [n for n in net.nodes if int(n.name) <= 4197]
    assert len(junctions) == 4197
    ports = {n.name for n in net.nodes} - {n.name for n in junctions}
    # every port hangs off the network by one short pipe
    attached = [s for s in net.short_pipes if s.from_node in ports or s.to_node in ports]
    assert len(ports) == len(attached) == 1020
    counts = (len(net.pipes), len(net.short_pipes), len(net.valves), len(net.compressors))
    assert counts == (3537, 1391, 546, 12)
    assert net.supplies == []
    assert net.demands == []
    assert any(n.elevation != 0.0 for n in net.nodes)


def test_gaslib_4197_training_scenario_does_not_fit() -> None:
    with pytest.raises(CaseError, match="3 values for 1255 demand nodes") as err:
        load_morgen(DATA / "GasLib4197.net", DATA / "GasLib4197__training.ini")
    assert err.value.key == "uq"
    assert err.value.file == str(DATA / "GasLib4197__training.ini")


def test_supplies_demands_and_compressors() -> None:
    net = load_morgen(DATA / "GasLib11.net", DATA / "GasLib11__training.ini")
    assert [s.node for s in net.supplies] == ["1", "3", "12"]
    assert all(s.pressure == 40e5 and s.flow is None for s in net.supplies)
    assert [(d.node, d.flow) for d in net.demands] == [("4", 15.0), ("5", 25.0), ("6", 35.0)]
    assert [(c.name, c.mode, c.setpoint) for c in net.compressors] == [
        ("C11", CompressorMode.OUTLET_PRESSURE, 40e5),
        ("C12", CompressorMode.OUTLET_PRESSURE, 40e5),
    ]
    # names: type letter and line number in the file (line 1 is the header)
    assert [v.name for v in net.valves] == ["V10"]
    assert [s.name for s in net.short_pipes] == ["S13"]
    st = net.settings
    assert (st.gas_constant, st.gas_temperature, st.eos) == (530.0, 293.15, "aga88")
    assert net.gas.specific_gas_constant == pytest.approx(530.0, rel=1e-12)


def test_elevations_from_height_differences() -> None:
    net = load_morgen(DATA / "LotH67d.net", DATA / "LotH67d__training.ini")
    height = {n.name: n.elevation for n in net.nodes}
    assert height["1"] == 0.0
    assert height["2"] == pytest.approx(131.7, abs=1e-12)
    assert height["3"] == pytest.approx(131.7 - 17.4, abs=1e-12)
    assert height["4"] == height["3"]  # across the compressor
    assert height["5"] == pytest.approx(131.7 - 17.4 - 185.3, abs=1e-12)


def test_inconsistent_loop_names_the_edge(tmp_path: Path) -> None:
    path = tmp_path / "loop.net"
    path.write_text("# h\nP,1,2,1000,0.5,10,1e-5\nP,2,3,1000,0.5,5,1e-5\nP,1,3,1000,0.5,12,1e-5\n")
    # the tree from node 1 takes P2 and P4 (h2 = 10, h3 = 12); P3 closes the loop 3 m off
    with pytest.raises(CaseError, match=r"do not add up \(off by -3 m\)") as err:
        load_morgen(path)
    assert err.value.element == "line 3 (pipe P3)"
    assert err.value.file == str(path)


@pytest.mark.parametrize(
    ("line", "match", "key"),
    [
        ("X,1,2,1000,0.5,0,1e-5", "unknown edge type 'X'", "type"),
        ("P,1,2,-5,0.5,0,1e-5", "bad pipe value", "length"),
        ("P,1,2,1000,NaN,0,1e-5", "bad pipe value", "diameter"),
        ("P,a,2,1000,0.5,0,1e-5", "not a node identifier", "from"),
        ("P,1,1,1000,0.5,0,1e-5", "to itself", "to"),
    ],
)
def test_bad_network_lines(tmp_path: Path, line: str, match: str, key: str) -> None:
    path = tmp_path / "bad.net"
    path.write_text(f"# header\n{line}\n")
    with pytest.raises(CaseError, match=match) as err:
        read_edges(path)
    assert err.value.key == key
    assert err.value.element is not None
    assert err.value.element.startswith("line 2")


def test_scenario_reading(tmp_path: Path) -> None:
    scn = read_scenario(DATA / "diamond__day.ini")
    assert scn.supply_pressure == ((80e5,),)  # held over the three demand times
    assert scn.demand_flow == ((100.0,), (200.0,), (80.0,))
    assert scn.times == (0.0, 3.0, 18.0)
    net = load_morgen(DATA / "diamond.net", DATA / "diamond__day.ini")
    assert [d.flow for d in net.demands] == [100.0]
    bad = tmp_path / "bad.ini"
    bad.write_text("T0 = 10\nRs = 530\nup = 50|50\nuq = 1|2|3\nut = 0|1|2\n")
    with pytest.raises(CaseError, match="2 times in 'up' but 3 in 'ut'"):
        read_scenario(bad)
    bad.write_text("T0 = 10\nup = 50\nuq = 1\n")
    with pytest.raises(CaseError, match="missing key") as err:
        read_scenario(bad)
    assert err.value.key == "Rs"


def test_load_dispatches_on_content() -> None:
    net = load(DATA / "pipeline.net", scenario=DATA / "pipeline__training.ini")
    assert len(net.pipes) == 1
    assert net.pipes[0].length == 100e3
    with pytest.raises(CaseError, match="--decisions does not apply to a morgen case"):
        load(DATA / "pipeline.net", decisions="x.cdf")


def test_morgen_case_solves() -> None:
    net = load_morgen(DATA / "GasLib11.net", DATA / "GasLib11__training.ini")
    sol = solve(net, SteadyOptions(enforce_limits=False))
    assert sol.report.converged
    inflow = -sum(
        sol.node_balance[i]
        for i in range(len(net.nodes))
        if net.nodes[i].name in {s.node for s in net.supplies}
    )
    assert abs(inflow) > 0
