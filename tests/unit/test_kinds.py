"""The element-kind table (network/kinds.py) is the one list: the model, the reader, the writer,
validation, compile and sweeps cover exactly its kinds and keys; the well-posedness checks
(steady/zones.py), the tree march, the steady and transient edge rows and ``Network.links()``
read its edge flags instead of listing kinds.

No numeric tolerances: the round trip compares networks with ``==`` (the writer writes floats
with ``repr`` and the reader converts SI to SI, so values come back bit for bit).
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from linepack.errors import CaseError
from linepack.gas.composition import Gas
from linepack.io.case_toml import SECTIONS, read_case
from linepack.io.case_write import case_text
from linepack.network.compile import EDGE_KINDS, compile_network
from linepack.network.kinds import (
    EDGES,
    KIND,
    KINDS,
    MARCHED,
    NUMERIC_KINDS,
    SETPOINT,
    Role,
    Ties,
    kind_of,
)
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Resistor,
    ShortPipe,
    Supply,
    Valve,
)
from linepack.network.validate import COLUMN_HOOKS, HOOKS, label, validate
from linepack.steady import system as sy
from linepack.steady.march import can_march
from linepack.steady.zones import control_zones, rigid_clusters
from linepack.sweep.apply import resolve


def _one_of_each() -> Network:
    """A small network with exactly one element of every kind."""
    return Network(
        name="kinds",
        gas=Gas.from_mapping({"methane": 1.0}),
        nodes=[Node("A"), Node("B"), Node("C"), Node("D"), Node("E"), Node("F"), Node("G")],
        pipes=[Pipe("P", "A", "B", length=10_000.0, diameter=0.5)],
        compressors=[Compressor("K", "B", "C", mode=CompressorMode.OUTLET_PRESSURE, setpoint=7e6)],
        regulators=[Regulator("R", "C", "D", setpoint=5e6)],
        valves=[Valve("V", "D", "E")],
        short_pipes=[ShortPipe("S", "E", "F")],
        resistors=[Resistor("Z", "F", "G", pressure_loss=1e4)],
        supplies=[Supply("in", "A", pressure=6e6)],
        demands=[Demand("out", "G", flow=10.0)],
    )


def test_the_table_lists_every_network_list_once() -> None:
    other = ("name", "gas", "settings", "route", "delivery", "source", "description", "extras")
    lists = [f.name for f in dataclasses.fields(Network) if f.name not in other]
    assert [k.field for k in KINDS] == lists
    assert len({k.section for k in KINDS}) == len(KINDS)
    assert {k.cls for k in KINDS} == {
        Node,
        Pipe,
        Compressor,
        Regulator,
        Valve,
        ShortPipe,
        Resistor,
        Supply,
        Demand,
    }


def test_every_key_names_a_field_of_its_class() -> None:
    for kind in KINDS:
        fields = {f.name for f in dataclasses.fields(kind.cls)}
        attributes = {spec.attribute(key) for key, spec in kind.keys.items()}
        assert attributes == fields, kind.section
        assert set(kind.setpoints) <= set(kind.keys), kind.section


def test_the_reader_has_exactly_the_kinds_sections_and_keys() -> None:
    for kind in KINDS:
        assert SECTIONS[kind.section] == dict(kind.keys)


def test_edges_are_numbered_in_the_table_order() -> None:
    assert [k.section for k in EDGES] == [
        "pipe",
        "compressor",
        "regulator",
        "valve",
        "short_pipe",
        "resistor",
    ]
    assert ("segment", *(k.section for k in EDGES[1:])) == EDGE_KINDS
    assert all(k.role is Role.EDGE for k in EDGES)


def test_one_of_each_kind_round_trips_through_the_writer_and_the_reader() -> None:
    net = _one_of_each()
    validate(net)
    text = case_text(net)
    sections = re.findall(r"^\[\[(\w+)\]\]$", text, flags=re.MULTILINE)
    assert sections == [k.section for k in KINDS for _ in k.elements(net)]
    assert set(sections) == set(KIND)
    back = read_case(text)
    assert dataclasses.replace(back, source=None) == net


def test_compile_names_one_edge_per_edge_element() -> None:
    cn = compile_network(_one_of_each())
    assert cn.edge_names == ("P", "K", "R", "V", "S", "Z")
    offsets = cn.edge_offsets()
    assert list(offsets) == list(EDGE_KINDS)
    assert list(offsets.values()) == [0, 1, 2, 3, 4, 5]


def _bad(check: str) -> float:
    """A value that fails ``check``."""
    return {"positive": -1.0, "nonnegative": -1.0, "fraction": 2.0, "ratio": 0.5}.get(
        check, float("nan")
    )


#: Fields that must change with a key for the element to stay consistent otherwise (a supply
#: holds either a pressure or a flow; a resistor either a drag factor on a diameter or a loss).
_WITH = {
    ("supply", "flow"): {"pressure": None},
    ("demand", "pressure"): {"flow": None},
    ("resistor", "drag_factor"): {"diameter": 0.5, "pressure_loss": None},
    ("resistor", "diameter"): {"drag_factor": 1.0, "pressure_loss": None},
}


@pytest.mark.parametrize("section", [k.section for k in KINDS])
def test_validation_checks_every_checked_key_of_every_kind(section: str) -> None:
    kind = KIND[section]
    checked = [
        (key, spec)
        for key, spec in kind.keys.items()
        if spec.check is not None and spec.kind in NUMERIC_KINDS
    ]
    if section == "compressor":  # its set-point is checked by mode
        assert SETPOINT[CompressorMode.OUTLET_PRESSURE].check == "positive"
    for key, spec in checked:
        net = _one_of_each()
        element = kind.elements(net)[0]
        changes = {**_WITH.get((section, key), {}), spec.attribute(key): _bad(str(spec.check))}
        bad = dataclasses.replace(element, **changes)
        kind.elements(net)[0] = bad
        with pytest.raises(CaseError) as info:
            validate(net)
        assert info.value.element == label(bad, 0), (section, key)
        assert info.value.key == key, (section, key)


@pytest.mark.parametrize("section", [k.section for k in KINDS])
def test_sweeps_address_every_kind(section: str) -> None:
    net = _one_of_each()
    kind = KIND[section]
    element = kind.elements(net)[0]
    numeric = [
        key
        for key, spec in kind.keys.items()
        if spec.kind in NUMERIC_KINDS and getattr(element, spec.attribute(key)) is not None
    ]
    if not numeric:  # valves and short pipes have no numeric key
        return
    target = resolve(f"{section}.{element.name}.{numeric[0]}", net)
    assert target.section == section
    assert target.elements == (0,)


def test_kind_of_names_the_kind_of_an_element() -> None:
    net = _one_of_each()
    for kind in KINDS:
        assert kind_of(kind.elements(net)[0]) is kind
    assert kind_of(object()) is None


def test_every_edge_kind_says_how_it_ties_its_ends_and_no_other_kind_does() -> None:
    for kind in KINDS:
        assert (kind.ties is not None) == (kind.role is Role.EDGE), kind.section
        assert not kind.marched or kind.role is Role.EDGE, kind.section
    assert [k.section for k in MARCHED] == ["pipe", "compressor", "short_pipe"]


def test_links_are_the_elements_of_the_edge_kinds_in_edge_order() -> None:
    net = _one_of_each()
    edge_fields = [f.name for f in dataclasses.fields(Network) if f.metadata.get("edge")]
    assert edge_fields == [k.field for k in EDGES]
    assert net.links() == [e for k in EDGES for e in k.elements(net)]


def test_the_checks_a_kind_names_exist_and_every_check_is_named() -> None:
    before_after = {n for k in KINDS for n in (k.checks.before, k.checks.after) if n}
    columns = {k.checks.columns for k in KINDS if k.checks.columns}
    assert before_after == set(HOOKS)
    assert columns == set(COLUMN_HOOKS)


def test_every_edge_kind_has_steady_rows_that_the_transient_reuses() -> None:
    # pipes (segment rows, eliminated) and compressors (rows and fuel) come first; every other
    # edge kind's rows are looked up by section, in edge order
    assert [k.section for k in EDGES[:2]] == ["pipe", "compressor"]
    assert [k.section for k in sy.LINK_KINDS] == [k.section for k in EDGES[2:]]
    assert set(sy.ROWS) == {k.section for k in sy.LINK_KINDS}
    state_tied = {k.section for k in EDGES if k.ties in (Ties.WHEN_OPEN, Ties.BY_MODE)}
    assert set(sy.TIED) == state_tied


def test_zones_tie_exactly_the_edges_the_table_says() -> None:
    """On a chain with one edge of each kind, an edge's two ends share a rigid cluster exactly
    when its kind is tied always or its state ties it, and a control zone when it is rigid or
    joined through a loss (no other path joins them)."""
    cn = compile_network(_one_of_each())
    modes = sy.Modes.initial(cn)
    for bypass in (False, True):
        if bypass:  # the station's and regulator's state ties them now
            modes.compressor[:] = sy.M_BYPASS
            modes.regulator[:] = sy.REG_OPEN
        clusters, zones = rigid_clusters(cn, modes), control_zones(cn, modes)
        for kind, (a, b) in zip(EDGES, cn.edge_ends(), strict=True):
            tied = sy.TIED[kind.section](cn, modes)[0] if kind.section in sy.TIED else False
            rigid = kind.ties is Ties.ALWAYS or bool(tied)
            assert (clusters[a[0]] == clusters[b[0]]) == rigid, (kind.section, bypass)
            joined = rigid or kind.ties is Ties.LOSS
            assert (zones[a[0]] == zones[b[0]]) == joined, (kind.section, bypass)


def _pipe_then(kind_section: str) -> Network:
    """A tree A -pipe- B -(one element of the kind)- C, pressure set at A, a flow drawn at C."""
    element = {
        "pipe": Pipe("X", "B", "C", length=5_000.0, diameter=0.5),
        "compressor": Compressor("X", "B", "C", mode=CompressorMode.OUTLET_PRESSURE, setpoint=7e6),
        "regulator": Regulator("X", "B", "C", setpoint=5e6),
        "valve": Valve("X", "B", "C"),
        "short_pipe": ShortPipe("X", "B", "C"),
        "resistor": Resistor("X", "B", "C", pressure_loss=1e4),
    }[kind_section]
    net = Network(
        name="tree",
        gas=Gas.from_mapping({"methane": 1.0}),
        nodes=[Node("A"), Node("B"), Node("C")],
        pipes=[Pipe("P", "A", "B", length=10_000.0, diameter=0.5)],
        supplies=[Supply("in", "A", pressure=6e6)],
        demands=[Demand("out", "C", flow=10.0)],
    )
    KIND[kind_section].elements(net).append(element)
    return net


@pytest.mark.parametrize("section", [k.section for k in EDGES])
def test_the_march_refuses_exactly_the_kinds_not_flagged_marched(section: str) -> None:
    kind = KIND[section]
    reason = can_march(compile_network(_pipe_then(section)))
    if kind.marched:
        assert reason is None
    else:
        assert reason is not None
        assert reason.startswith(f"1 {kind.field.replace('_', ' ')} present")
