"""Bad case input raises a typed error that names the file, element, key and value.

Each test builds a small case inline, breaks one thing, and checks the error class and that the
message names where the problem is (file, element, key) and, where there is one, the bad value.
"""

from __future__ import annotations

import pytest

from linepack.errors import CaseError, TopologyError, UnitError
from linepack.gas.composition import Gas
from linepack.io.case_toml import read_case
from linepack.network.model import Demand, Network, Node, Pipe, Supply, Valve
from linepack.network.validate import validate

FILE = "bad.toml"

PIPE = """name = "P"
from = "a"
to = "b"
length = "10 km"
inner_diameter = "500 mm"
"""

SUPPLY = """name = "s"
node = "a"
pressure = "70 barg"
"""


def case(
    *,
    pipe: str = PIPE,
    supply: str = SUPPLY,
    settings: str = "",
    gas: str = "composition = { methane = 0.9, ethane = 0.1 }",
    extra: str = "",
) -> str:
    """A two-node case (a -> pipe P -> b) with one part swapped out or added."""
    return f"""
[settings]
{settings}

[gas]
{gas}

[[node]]
name = "a"

[[node]]
name = "b"

[[pipe]]
{pipe}

[[supply]]
{supply}

[[demand]]
name = "d"
node = "b"
flow = "100 kg/s"
{extra}
"""


def error_of(text: str, kind: type[CaseError] = CaseError) -> CaseError:
    """Read ``text`` as file ``bad.toml`` and return the error it raises (of class ``kind``)."""
    with pytest.raises(kind) as info:
        read_case(text, FILE)
    err = info.value
    assert err.file == FILE
    assert str(err).startswith(FILE)
    return err


def names_all(err: CaseError, *parts: str) -> None:
    """Assert that the message contains each of ``parts``."""
    text = str(err)
    for part in parts:
        assert part in text, f"{part!r} not in message: {text}"


def test_good_base_case_reads() -> None:
    assert read_case(case(), FILE).pipes[0].length == 10_000.0


@pytest.mark.parametrize(
    ("text", "element", "key"),
    [
        (case(pipe=PIPE + 'lenght = "1 km"'), "pipe 'P'", "lenght"),
        (case(settings='gas_temp = "15 degC"'), "[settings]", "gas_temp"),
        (case(gas="composition = { methane = 1 }\nmix = 1"), "[gas]", "mix"),
        (case(extra='[case]\ntitle = "x"'), "[case]", "title"),
        (
            case(extra='[standard]\nsm3 = { temperature = "15 degC", p = "1 bar" }'),
            "[standard] sm3",
            "p",
        ),
        (case(extra="[[nodes]]\nname = 'c'"), "[nodes]", "nodes"),
    ],
)
def test_unknown_key_lists_valid_keys(text: str, element: str, key: str) -> None:
    err = error_of(text)
    assert (err.element, err.key) == (element, key)
    names_all(err, element, f"'{key}'", "expected one of")


def test_unknown_key_suggests_and_lists() -> None:
    err = error_of(case(pipe=PIPE + 'lenght = "1 km"'))
    names_all(err, "did you mean 'length'", "inner_diameter", "wall_thickness", "'1 km'")


def test_missing_field() -> None:
    err = error_of(case(pipe=PIPE.replace('length = "10 km"\n', "")))
    assert (err.element, err.key) == ("pipe 'P'", "length")
    names_all(err, "missing field", "key 'length'", "a length such as")


def test_missing_name_uses_position() -> None:
    err = error_of(case(pipe=PIPE.replace('name = "P"\n', "")))
    assert (err.element, err.key) == ("pipe #1", "name")


def test_missing_diameter() -> None:
    err = error_of(case(pipe=PIPE.replace('inner_diameter = "500 mm"\n', "")))
    assert (err.element, err.key) == ("pipe 'P'", "inner_diameter")
    names_all(err, "outer_diameter + wall_thickness")


def test_unknown_unit() -> None:
    err = error_of(case(pipe=PIPE.replace('"10 km"', '"10 blargs"')), UnitError)
    assert (err.element, err.key, err.value) == ("pipe 'P'", "length", "10 blargs")
    names_all(err, "pipe 'P'", "key 'length'", "'10 blargs'", "unknown unit")


def test_wrong_dimension() -> None:
    err = error_of(case(pipe=PIPE.replace('"10 km"', '"10 bar"')), UnitError)
    assert (err.element, err.key) == ("pipe 'P'", "length")
    names_all(err, "'10 bar'", "wrong dimension", "a length such as")


def test_wrong_dimension_of_flow() -> None:
    err = error_of(case(extra='[[demand]]\nname = "e"\nnode = "b"\nflow = "3 m"'), UnitError)
    assert (err.element, err.key) == ("demand 'e'", "flow")
    names_all(err, "'3 m'")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('"10 km"', '"-1 km"', "length"),
        ('"10 km"', '"0 m"', "length"),
        ('"500 mm"', '"0 mm"', "inner_diameter"),
    ],
)
def test_non_positive_geometry(old: str, new: str, key: str) -> None:
    err = error_of(case(pipe=PIPE.replace(old, new)))
    assert (err.element, err.key, err.value) == ("pipe 'P'", key, new.strip('"'))
    names_all(err, "pipe 'P'", f"key '{key}'", new.replace('"', "'"), "> 0")


def test_wall_thickness_too_large() -> None:
    pipe = PIPE.replace(
        'inner_diameter = "500 mm"', 'outer_diameter = "10 in"\nwall_thickness = "5 in"'
    )
    err = error_of(case(pipe=pipe))
    assert (err.element, err.key, err.value) == ("pipe 'P'", "wall_thickness", "5 in")
    names_all(err, "wall thickness too large", "'5 in'", "0.127 m")


@pytest.mark.parametrize(
    ("text", "element", "key", "value"),
    [
        (case(pipe=PIPE.replace('to = "b"', 'to = "zz"')), "pipe 'P'", "to", "zz"),
        (
            case(supply=SUPPLY.replace('node = "a"', 'node = "nowhere"')),
            "supply 's'",
            "node",
            "nowhere",
        ),
        (case(extra='[[valve]]\nname = "V"\nfrom = "q"\nto = "b"'), "valve 'V'", "from", "q"),
    ],
)
def test_undefined_node(text: str, element: str, key: str, value: str) -> None:
    err = error_of(text, TopologyError)
    assert (err.element, err.key, err.value) == (element, key, value)
    names_all(err, element, f"'{value}'", "undefined node", "[[node]]")


def test_duplicate_node() -> None:
    err = error_of(case(extra='[[node]]\nname = "a"'))
    assert (err.element, err.key, err.value) == ("node 'a'", "name", "a")
    names_all(err, "duplicate node name", "node 'a'")


def test_duplicate_link_within_kind() -> None:
    err = error_of(case(extra="[[pipe]]\n" + PIPE))
    assert (err.element, err.key, err.value) == ("pipe 'P'", "name", "P")
    names_all(err, "duplicate link name")


def test_duplicate_link_across_kinds() -> None:
    err = error_of(case(extra='[[valve]]\nname = "P"\nfrom = "a"\nto = "b"'))
    assert (err.element, err.key, err.value) == ("valve 'P'", "name", "P")
    names_all(err, "duplicate link name", "already used by pipe 'P'")


def test_island_behind_closed_valve() -> None:
    extra = """
[[node]]
name = "c"

[[node]]
name = "e"

[[valve]]
name = "V"
from = "b"
to = "c"
open = false

[[short_pipe]]
name = "S"
from = "c"
to = "e"
"""
    err = error_of(case(extra=extra), TopologyError)
    assert err.element == "island ['c', 'e']"
    names_all(err, "'c'", "'e'", "without a pressure reference", "closed valves")


def test_open_valve_joins_islands() -> None:
    extra = '[[node]]\nname = "c"\n\n[[valve]]\nname = "V"\nfrom = "b"\nto = "c"\nopen = true'
    assert len(read_case(case(extra=extra), FILE).valves) == 1


def test_no_pressure_reference_at_all() -> None:
    supply = 'name = "s"\nnode = "a"\nflow = "100 kg/s"'
    err = error_of(case(supply=supply), TopologyError)
    assert err.element == "island ['a', 'b']"


@pytest.mark.parametrize(
    ("gas", "key", "value"),
    [
        ("composition = { methane = 0.9, ethane = 0.05 }", "composition", "0.95"),
        ("composition = { methane = 90.5, ethane = 9.0 }", "composition", "99.5"),
        ("composition = { methane = 0.9, unobtainium = 0.1 }", "composition.unobtainium", None),
    ],
)
def test_bad_composition(gas: str, key: str, value: str | None) -> None:
    err = error_of(case(gas=gas))
    assert (err.element, err.key) == ("[gas]", key)
    names_all(err, "[gas]", f"key '{key}'")
    if value is not None:
        names_all(err, value)


def test_missing_gas_section() -> None:
    text = case().replace("[gas]\ncomposition = { methane = 0.9, ethane = 0.1 }", "")
    err = error_of(text)
    assert (err.element, err.key) == ("[gas]", "composition")


@pytest.mark.parametrize(
    ("supply", "key", "message"),
    [
        (SUPPLY + 'flow = "10 kg/s"', "pressure", "both pressure and flow given"),
        (SUPPLY.replace('pressure = "70 barg"\n', ""), "flow", "neither pressure nor flow"),
    ],
)
def test_supply_needs_exactly_one_of_pressure_and_flow(supply: str, key: str, message: str) -> None:
    err = error_of(case(supply=supply))
    assert (err.element, err.key) == ("supply 's'", key)
    names_all(err, message, "exactly one of 'pressure' and 'flow'")
    if key == "pressure":
        names_all(err, "'70 barg'", "'10 kg/s'")


def test_demand_with_both() -> None:
    err = error_of(
        case(extra='[[demand]]\nname = "e"\nnode = "b"\nflow = "1 kg/s"\npressure = "50 barg"')
    )
    assert (err.element, err.key) == ("demand 'e'", "pressure")


COMPRESSOR = """
[[node]]
name = "c"

[[compressor]]
name = "C"
from = "b"
to = "c"
mode = "ratio"
setpoint = 1.3
"""


@pytest.mark.parametrize(
    ("text", "element", "key", "value"),
    [
        (case(settings='eos = "vdw"'), "[settings]", "eos", "vdw"),
        (case(settings='friction = "moody"'), "[settings]", "friction", "moody"),
        (case(pipe=PIPE + 'friction = "darcy"'), "pipe 'P'", "friction", "darcy"),
        (case(extra=COMPRESSOR.replace('"ratio"', '"turbo"')), "compressor 'C'", "mode", "turbo"),
        (case(extra=COMPRESSOR + 'head = "adiabatic"'), "compressor 'C'", "head", "adiabatic"),
    ],
)
def test_unknown_enum_value(text: str, element: str, key: str, value: str) -> None:
    err = error_of(text)
    assert (err.element, err.key, err.value) == (element, key, value)
    names_all(err, element, f"key '{key}'", f"'{value}'", "expected one of")


def test_compressor_setpoint_of_wrong_kind() -> None:
    text = case(extra=COMPRESSOR.replace('"ratio"', '"outlet_pressure"'))
    err = error_of(text, UnitError)
    assert (err.element, err.key) == ("compressor 'C'", "setpoint")


def test_invalid_toml_names_line() -> None:
    text = case().replace('name = "b"', 'name = "b')
    err = error_of(text)
    assert err.element is not None
    assert err.element.startswith("line 12")
    names_all(err, "invalid TOML", "line 12")


def test_unreadable_file(tmp_path: object) -> None:
    from pathlib import Path

    from linepack.io.case_toml import load_case

    missing = Path(str(tmp_path)) / "nope.toml"
    with pytest.raises(CaseError) as info:
        load_case(missing)
    assert info.value.file == str(missing)


# --- the same checks on a network built in a program -------------------------------------------


def _network(**changes: object) -> Network:
    net = Network(
        name="prog",
        gas=Gas.from_mapping({"methane": 1.0}),
        nodes=[Node("a"), Node("b")],
        pipes=[Pipe("P", "a", "b", length=1000.0, diameter=0.5)],
        supplies=[Supply("s", "a", pressure=7e6)],
        demands=[Demand("d", "b", flow=10.0)],
    )
    for key, value in changes.items():
        setattr(net, key, value)
    return net


def test_validate_programmatic_good() -> None:
    validate(_network())


def test_validate_programmatic_negative_length() -> None:
    net = _network(pipes=[Pipe("P", "a", "b", length=-5.0, diameter=0.5)])
    with pytest.raises(CaseError) as info:
        validate(net)
    assert (info.value.element, info.value.key, info.value.value) == ("pipe 'P'", "length", -5.0)


def test_validate_programmatic_duplicate_across_kinds() -> None:
    net = _network(valves=[Valve("P", "a", "b")])
    with pytest.raises(CaseError, match="duplicate link name"):
        validate(net)


def test_validate_programmatic_island_names_file() -> None:
    net = _network(
        valves=[Valve("V", "b", "c", open=False)], nodes=[Node("a"), Node("b"), Node("c")]
    )
    net.source = "built.toml"
    with pytest.raises(TopologyError) as info:
        validate(net)
    assert info.value.file == "built.toml"
    assert info.value.element == "island ['c']"


# --- keys added for lossless conversion --------------------------------------------------------

STATION = """
[[node]]
name = "c"

[[compressor]]
name = "C"
from = "b"
to = "c"
mode = "bypass"
"""


PSEUDO_T = 'pseudo_critical_temperature = "190 K"'


@pytest.mark.parametrize(
    ("settings", "key", "given"),
    [
        ('pseudo_critical_pressure = "46 bar"', "pseudo_critical_temperature", "46 bar"),
        ('pseudo_critical_temperature = "190 K"', "pseudo_critical_pressure", "190 K"),
    ],
)
def test_pseudo_critical_point_needs_both(settings: str, key: str, given: str) -> None:
    err = error_of(case(settings=settings))
    assert (err.element, err.key, err.value) == ("[settings]", key, given)
    names_all(err, "needs both pressure and temperature", "or neither")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("518.3", "a unit is required"),
        ('"518.3 J/kg"', "wrong dimension"),
        ('"518.3 J/(kg*Kelvinn)"', "unknown unit"),
        ('"518.3"', "a unit is required"),
        ('"fast"', "cannot read this quantity"),
        ("true", "wrong type"),
    ],
)
def test_gas_constant_needs_its_unit(value: str, message: str) -> None:
    err = error_of(case(settings=f"gas_constant = {value}"), UnitError)
    assert (err.element, err.key) == ("[settings]", "gas_constant")
    names_all(err, message, "518.3 J/(kg*K)")


@pytest.mark.parametrize(
    ("text", "element", "key", "value"),
    [
        (
            case(settings='gas_constant = "-5 J/(kg*K)"'),
            "[settings]",
            "gas_constant",
            "-5 J/(kg*K)",
        ),
        (case(settings="specific_gravity = 0"), "[settings]", "specific_gravity", 0),
        (
            case(settings='pseudo_critical_pressure = "0 bar"\n' + PSEUDO_T),
            "[settings]",
            "pseudo_critical_pressure",
            "0 bar",
        ),
        (case(extra=STATION + "inlet_drag_factor = -1"), "compressor 'C'", "inlet_drag_factor", -1),
        (
            case(extra=STATION + 'outlet_diameter = "-1 m"'),
            "compressor 'C'",
            "outlet_diameter",
            "-1 m",
        ),
        (
            case(extra=STATION + 'inlet_pressure_loss = "-1 bar"'),
            "compressor 'C'",
            "inlet_pressure_loss",
            "-1 bar",
        ),
        (case(extra=STATION + "driver_efficiency = 0"), "compressor 'C'", "driver_efficiency", 0),
    ],
)
def test_new_keys_out_of_range(text: str, element: str, key: str, value: object) -> None:
    err = error_of(text)
    assert (err.element, err.key, err.value) == (element, key, value)
    names_all(err, "value out of range")


def test_control_policy_is_a_choice() -> None:
    err = error_of(case(settings='control = "manual"'))
    assert (err.element, err.key, err.value) == ("[settings]", "control", "manual")
    names_all(err, "'setpoints'", "'bounds'")


def test_none_only_where_a_key_allows_it() -> None:
    """``"none"`` stands for an absent driver efficiency; elsewhere it is not a quantity."""
    err = error_of(case(extra=STATION + 'efficiency = "none"'), UnitError)
    assert (err.element, err.key, err.value) == ("compressor 'C'", "efficiency", "none")


def test_idle_setpoint_must_be_a_setpoint() -> None:
    err = error_of(case(extra=STATION + 'setpoint = "3 m"'), UnitError)
    assert (err.element, err.key, err.value) == ("compressor 'C'", "setpoint", "3 m")
    names_all(err, "cannot read this set-point", "a pressure, a flow, a power or a ratio")


def test_inner_diameter_must_match_outer_diameter_and_wall() -> None:
    pipe = PIPE + 'outer_diameter = "520 mm"\nwall_thickness = "5 mm"'
    err = error_of(case(pipe=pipe))
    assert (err.element, err.key, err.value) == ("pipe 'P'", "inner_diameter", "500 mm")
    names_all(err, "does not match", "0.51 m")


def test_outer_diameter_alone_is_not_a_bore() -> None:
    pipe = PIPE.replace('inner_diameter = "500 mm"', 'outer_diameter = "520 mm"')
    err = error_of(case(pipe=pipe))
    assert (err.element, err.key) == ("pipe 'P'", "wall_thickness")
    names_all(err, "missing field", "outer_diameter + wall_thickness")


def test_validate_programmatic_station_data() -> None:
    from linepack.network.model import Regulator

    net = _network(
        nodes=[Node("a"), Node("b"), Node("c")],
        regulators=[Regulator("R", "b", "c", setpoint=4e6, inlet_diameter=-1.0)],
    )
    with pytest.raises(CaseError) as info:
        validate(net)
    assert (info.value.element, info.value.key) == ("regulator 'R'", "inlet_diameter")


def test_validate_programmatic_pipe_bore() -> None:
    pipe = Pipe("P", "a", "b", length=1e3, diameter=0.5, outer_diameter=0.6, wall_thickness=0.01)
    with pytest.raises(CaseError, match="does not match"):
        validate(_network(pipes=[pipe]))
