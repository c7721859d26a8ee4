"""The element-kind table (network/kinds.py) is the one list: the model, the reader, the writer,
validation, compile and sweeps cover exactly its kinds and keys.

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
    NUMERIC_KINDS,
    SETPOINT,
    Role,
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
from linepack.network.validate import label, validate
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
