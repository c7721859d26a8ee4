"""The element-kind table (network/kinds.py) is the one list: the model, the reader, the writer,
validation, compile and sweeps cover exactly its kinds and keys; the well-posedness checks
(steady/zones.py), the tree march, the steady and transient edge rows and ``Network.links()``
read its edge flags instead of listing kinds; schedules, their reader and the transient boundary
map move exactly the quantities its rows say; sweeps accept every numeric settings key; the CLI
counts every kind.

No numeric tolerances: the round trip compares networks with ``==`` (the writer writes floats
with ``repr`` and the reader converts SI to SI, so values come back bit for bit); scheduled and
swept values are given in SI units, so the reader's conversion is a factor of one and exact.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linepack.cli.main import app
from linepack.errors import CaseError
from linepack.gas.composition import Gas
from linepack.io.case_toml import SECTIONS, read_case
from linepack.io.case_write import case_text
from linepack.io.schedule_toml import read_schedule
from linepack.network.compile import EDGE_KINDS, compile_network
from linepack.network.kinds import (
    EDGES,
    KIND,
    KINDS,
    MARCHED,
    NUMERIC_KINDS,
    SCHEDULED,
    SETPOINT,
    SETTINGS_KEYS,
    UNIT,
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
    Thermal,
    Valve,
)
from linepack.network.schedule import QUANTITIES, Schedule
from linepack.network.validate import COLUMN_HOOKS, HOOKS, label, validate
from linepack.steady import system as sy
from linepack.steady.march import can_march
from linepack.steady.zones import control_zones, rigid_clusters
from linepack.sweep import apply
from linepack.sweep.apply import UNSWEPT_SETTINGS, apply_values, resolve
from linepack.sweep.spec import parse_param
from linepack.transient.boundary import BoundaryMap


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


# -- schedules --------------------------------------------------------------------------------
#: Every (kind, quantity) a schedule may move, from the table.
_SCHEDULED = [(section, q) for section, kind in SCHEDULED.items() for q in kind.scheduled]
#: A new value of each unit kind, in SI units (switches: off/closed, the elements start on/open).
_NEW = {
    "flow": '"12.5 kg/s"',
    "pressure": '"5500000 Pa"',
    "bool": "false",
    "temperature": '"301.5 K"',
}


def _unit_kind(section: str, quantity: str, net: Network) -> str:
    """The unit kind of a scheduled quantity: its key's, by mode for a station's set-point."""
    kind = KIND[section]
    spec = kind.keys.get(quantity)
    if spec is None or spec.kind == "bool":  # a switch (``on``) or a boolean key (``open``)
        return "bool"
    if spec.kind == "raw":
        return SETPOINT[CompressorMode(kind.elements(net)[0].mode)].kind
    return spec.kind


def test_schedules_move_exactly_the_kinds_the_table_says() -> None:
    assert dict(QUANTITIES) == {s: k.scheduled for s, k in SCHEDULED.items()}
    assert set(SCHEDULED) == {"supply", "demand", "compressor", "regulator", "valve", "pipe"}
    for kind in KINDS:
        assert bool(kind.scheduled) == (kind.section in SCHEDULED), kind.section
        if not kind.scheduled:
            assert kind.default_quantity is None, kind.section
        elif kind.role is Role.BOUNDARY:  # the default is the set-point the case gives
            assert kind.default_quantity is None, kind.section
            # and, for the energy balance, a supply's gas temperature
            assert set(kind.scheduled) - {"temperature"} == set(kind.setpoints), kind.section
        else:
            assert kind.default_quantity in kind.scheduled, kind.section
        for q in kind.scheduled:  # a set-point key, a boolean key, or the station switch
            assert q in kind.setpoints or q in kind.keys or q == "on", (kind.section, q)


@pytest.mark.parametrize(("section", "quantity"), _SCHEDULED)
def test_every_scheduled_quantity_is_read_and_moves_the_boundary(
    section: str, quantity: str
) -> None:
    net = _one_of_each()
    if _unit_kind(section, quantity, net) == "temperature":  # moved with the energy balance
        net.settings.thermal = Thermal.ENERGY
        net.settings.heat_transfer_coefficient = 2.0
    name = KIND[section].elements(net)[0].name
    value = _NEW[_unit_kind(section, quantity, net)]
    text = (
        f'[[event]]\ntarget = "{section}"\nelement = "{name}"\nquantity = "{quantity}"\n'
        f'at = "100 s"\nvalue = {value}\n'
    )
    schedule = read_schedule(text, net)
    assert schedule.targets() == {(section, name, quantity)}
    series = (
        f'[[schedule]]\ntarget = "{section}"\nname = "{name}"\nquantity = "{quantity}"\n'
        f'kind = "step"\ntimes = ["0 s", "100 s"]\nvalues = [{value}, {value}]\n'
    )
    assert read_schedule(series, net).targets() == {(section, name, quantity)}
    boundary = BoundaryMap(compile_network(net), schedule)
    before, after = boundary.at(0.0), boundary.at(200.0)
    moved = [
        f.name
        for f in dataclasses.fields(before)
        if f.name != "t"
        and getattr(before, f.name) is not None
        and not np.array_equal(getattr(before, f.name), getattr(after, f.name), equal_nan=True)
    ]
    assert moved, (section, quantity)


@pytest.mark.parametrize("section", list(SCHEDULED))
def test_an_event_without_quantity_moves_the_tables_default(section: str) -> None:
    net = _one_of_each()
    kind = KIND[section]
    element = kind.elements(net)[0]
    # a boundary's default is the set-point the case gives it (the supply's pressure, the
    # demand's flow)
    default = kind.default_quantity or next(
        k for k in kind.setpoints if getattr(element, k) is not None
    )
    text = (
        f'[[event]]\ntarget = "{section}"\nelement = "{element.name}"\nat = "100 s"\n'
        "fraction = 0.5\n"
    )
    if default in ("on", "open"):  # a switch takes a value, not a fraction
        text = text.replace("fraction = 0.5", "value = false")
    assert read_schedule(text, net).targets() == {(section, element.name, default)}
    event = Schedule().event(section, element.name, at=100.0, to=0.0)
    assert event.events[0].quantity == kind.default_quantity


def test_a_series_names_its_quantity_where_the_table_says_it_must() -> None:
    net = _one_of_each()
    for section, kind in SCHEDULED.items():
        name = kind.elements(net)[0].name
        text = (
            f'[[schedule]]\ntarget = "{section}"\nname = "{name}"\nkind = "step"\n'
            'times = ["0 s"]\nvalues = [false]\n'
        )
        if kind.series_default:
            continue  # its default is read as in the event test above
        with pytest.raises(CaseError) as info:
            read_schedule(text, net)
        assert info.value.key == "quantity", section
        assert all(repr(q) in str(info.value.expected) for q in kind.scheduled), section


# -- sweeps and the CLI -----------------------------------------------------------------------
def test_sweeps_use_the_tables_numeric_kinds() -> None:
    assert apply.NUMERIC_KINDS is NUMERIC_KINDS


@pytest.mark.parametrize("key", [k for k, s in SETTINGS_KEYS.items() if s.kind in NUMERIC_KINDS])
def test_sweeps_accept_every_numeric_settings_key(key: str) -> None:
    net = _one_of_each()
    spec = SETTINGS_KEYS[key]
    value = 300.0 if spec.check == "temperature" else 0.75  # a value its range check passes
    text = f"settings.{key}={value} {UNIT.get(spec.kind, '')}".rstrip()
    if key in UNSWEPT_SETTINGS:  # one field (Settings.pseudo_critical) holds both halves
        with pytest.raises(CaseError, match="cannot be swept"):
            parse_param(text, net)
        return
    param = parse_param(text, net)
    assert param.values == (value,)
    swept = apply_values(net, [param.target], {param.name: value})
    assert getattr(swept.settings, spec.attribute(key)) == value


def test_the_cli_counts_every_kind(tmp_path: Path) -> None:
    net, case = _one_of_each(), tmp_path / "kinds.toml"
    case.write_text(case_text(net), encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(case)])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())  # the terminal may wrap the line
    for kind in KINDS:
        assert f"{len(kind.elements(net))} {kind.field.replace('_', ' ')}" in out, kind.section
