"""The ``[economics]`` table: units, defaults, notes and every bad-input error.

Conversions are checked against hand arithmetic at rtol 1e-12 (pint multiplies the same
factors, possibly in another order).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linepack.errors import CaseError, UnitError
from linepack.io.economics_toml import KEYS, read_economics, read_economics_text
from linepack.io.load import load
from linepack.network.economics import INPUTS, Economics

EXACT = 1e-12
YEAR = 365.25 * 86_400

FULL = """
[case]
name = "x"

[economics]
steel_price = "1300 USD/t"             # [S] a pipe contract
steel_density = "7850 kg/m3"
construction_cost = "25000 USD/(in*km)"  # [A] a reason
compressor_cost = "3030 USD/hp"
terminals_metering = "50 MUSD"
other_costs = "10 %"
contingency = 0.15
opex_fraction = 0.01
fixed_opex = "2 MUSD/yr"
compressor_om = "5 USD/MWh"
gas_price = "10 USD/MMBtu"
wacc = 0.08
life = "25 yr"
utilisation = 1
gcv = "54 MJ/kg"
installed_power = "75 MW"

[[node]]
name = "a"      # [A] not an economics key
"""


def test_full_table_in_si() -> None:
    e = read_economics_text(FULL, "full.toml")
    expected = {
        "steel_price": 1.3,  # USD/kg
        "steel_density": 7850.0,
        "construction_cost": 25_000 / 25.4,  # USD/m²: 1 in × 1 km = 25.4 m²
        "compressor_cost": 3030 / 745.69987158227022,  # USD/W
        "terminals_metering": 50e6,
        "other_costs": 0.10,
        "contingency": 0.15,
        "opex_fraction": 0.01,
        "fixed_opex": 2e6,  # USD/yr
        "compressor_om": 5 / 3.6e9,  # USD/J
        "gas_price": 10 / 1.055056e9,  # USD/J
        "wacc": 0.08,
        "life": 25 * YEAR,
        "utilisation": 1.0,
        "gcv": 54e6,
        "installed_power": 75e6,
    }
    assert set(expected) == set(KEYS) == set(INPUTS)
    for key, value in expected.items():
        assert getattr(e, key) == pytest.approx(value, rel=EXACT), key


def test_comments_become_notes() -> None:
    e = read_economics_text(FULL, "full.toml")
    assert e.notes == {"steel_price": "[S] a pipe contract", "construction_cost": "[A] a reason"}


def test_defaults_without_table() -> None:
    assert read_economics_text('[case]\nname = "x"\n') == Economics()


def test_partial_table_keeps_other_defaults() -> None:
    e = read_economics_text("[economics]\nwacc = 0.12\n")
    assert e == Economics(wacc=0.12)


def test_non_toml_network_gets_defaults() -> None:
    net = load("psgp-56in-phase1")
    net.source = None
    assert read_economics(net) == Economics()
    net.source = "somewhere/network.json"
    assert read_economics(net) == Economics()


def test_bundled_name_path_and_network_agree() -> None:
    net = load("psgp-56in-phase1")
    assert net.source is not None
    by_net = read_economics(net)
    assert read_economics("psgp-56in-phase1") == by_net
    assert read_economics(Path(net.source)) == by_net


@pytest.mark.parametrize(
    "name", ["psgp-56in-phase1", "psgp-56in-phase2", "psgp-42in", "psgp-56in-freeflow"]
)
def test_bundled_cases_source_every_value(name: str) -> None:
    e = read_economics(name)
    assert e.notes, name
    for key, note in e.notes.items():
        assert note.startswith(("[S]", "[A]")), (name, key, note)
    # Every value the case gives has a note: the table has no bare numbers.
    text = Path(load(name).source or "").read_text(encoding="utf-8")
    table = text.split("[economics]", 1)[1].split("\n[", 1)[0]
    lines = [ln for ln in table.splitlines() if "=" in ln and not ln.lstrip().startswith("#")]
    given = [ln.split("=", 1)[0].strip() for ln in lines]
    assert sorted(given) == sorted(e.notes), name


BAD = [
    # (table line, exception, key, value shown, words of the message)
    (
        'steel_prise = "1300 USD/t"',
        CaseError,
        "steel_prise",
        "1300 USD/t",
        "did you mean 'steel_price'",
    ),
    ('steel_price = "1300 USD/furlong"', UnitError, "steel_price", "1300 USD/furlong", "dimension"),
    ('steel_price = "1300 USD/blorp"', UnitError, "steel_price", "1300 USD/blorp", "unknown unit"),
    ('steel_price = "12 m"', UnitError, "steel_price", "12 m", "price per mass"),
    ("steel_price = 1300", UnitError, "steel_price", "1300", "a unit is required"),
    ('steel_price = "-300 USD/t"', CaseError, "steel_price", "-300 USD/t", "must not be negative"),
    ('steel_density = "7850 kg"', UnitError, "steel_density", "7850 kg", "7850 kg/m3"),
    (
        'construction_cost = "25000 USD/km"',
        UnitError,
        "construction_cost",
        "25000 USD/km",
        "USD/(in*km)",
    ),
    ('compressor_cost = "3 MUSD"', UnitError, "compressor_cost", "3 MUSD", "price per power"),
    ('terminals_metering = "-1 MUSD"', CaseError, "terminals_metering", "-1 MUSD", "negative"),
    ("contingency = 1.5", CaseError, "contingency", "1.5", "from 0 to 1"),
    ('fixed_opex = "2 MUSD"', UnitError, "fixed_opex", "2 MUSD", "MUSD/yr"),
    ('gas_price = "10 USD/t"', UnitError, "gas_price", "10 USD/t", "price per energy"),
    ("wacc = 0", CaseError, "wacc", "0", "strictly between 0 and 1"),
    ("wacc = 1", CaseError, "wacc", "1", "strictly between 0 and 1"),
    ("wacc = -0.05", CaseError, "wacc", "-0.05", "strictly between 0 and 1"),
    ("wacc = true", CaseError, "wacc", "True", "a number is required"),
    ('life = "0 yr"', CaseError, "life", "0 yr", "must be positive"),
    ('life = "-5 yr"', CaseError, "life", "-5 yr", "must be positive"),
    ('life = "30 km"', UnitError, "life", "30 km", "time"),
    ("utilisation = 0", CaseError, "utilisation", "0", "above 0 and at most 1"),
    ("utilisation = 1.2", CaseError, "utilisation", "1.2", "above 0 and at most 1"),
    ('gcv = "54 MJ"', UnitError, "gcv", "54 MJ", "MJ/kg"),
    ('installed_power = "-5 MW"', CaseError, "installed_power", "-5 MW", "negative"),
]


@pytest.mark.parametrize(("line", "exc", "key", "value", "words"), BAD)
def test_bad_input_names_file_key_value(
    line: str, exc: type[Exception], key: str, value: str, words: str
) -> None:
    with pytest.raises(exc) as info:
        read_economics_text(f"[economics]\n{line}\n", "cases/bad.toml")
    text = str(info.value)
    assert "cases/bad.toml" in text
    assert "[economics]" in text
    assert f"key '{key}'" in text
    assert value in text
    assert words in text


def test_economics_not_a_table() -> None:
    with pytest.raises(CaseError) as info:
        read_economics_text("economics = 3\n", "cases/bad.toml")
    text = str(info.value)
    assert "cases/bad.toml" in text
    assert "[economics]" in text
    assert "not a table" in text
    assert "3" in text


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="cannot read"):
        read_economics(tmp_path / "missing.toml")
