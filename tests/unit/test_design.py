"""Design basis ([design] table) and the ASME B31.8 wall formula against hand calculations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from linepack.errors import CaseError
from linepack.io.case_toml import load_case
from linepack.io.design_toml import read_design
from linepack.io.load import bundled_path, load
from linepack.network.design import SMYS, grade_smys
from linepack.studies.design import resize, steel_mass_per_length, wall_thickness
from linepack.studies.stations import route_pipes

IN = 0.0254


def test_wall_56in_x70_matches_fact_sheet_hand_calculation() -> None:
    # FACTS sec. 8: 56 in X70 at 99.3 barg -> 20.2 mm (F 0.72), 24.3 mm (F 0.60)
    t72 = wall_thickness(99.3e5, 56 * IN, "X70", 0.72)
    t60 = wall_thickness(99.3e5, 56 * IN, "X70", 0.60)
    assert round(t72 * 1e3, 1) == 20.2  # the fact sheet gives one decimal
    assert round(t60 * 1e3, 1) == 24.3
    # the formula itself, by hand: t = P D / (2 S F E T), S = 485 MPa; exact to round-off
    assert t72 == pytest.approx(99.3e5 * 1.4224 / (2 * 485e6 * 0.72), rel=1e-12)


def test_wall_allowance_rounding_and_factors() -> None:
    base = wall_thickness(99.3e5, 42 * IN, "X70")
    # 42 in X70, 99.3 barg: 9.93e6 * 1.0668 / (2 * 485e6 * 0.72) = 15.167 mm by hand
    assert base == pytest.approx(9.93e6 * 1.0668 / (2 * 485e6 * 0.72), rel=1e-12)
    # a 1 mm allowance then rounding up to 0.5 mm: 16.167 -> 16.5 mm (1e-12: exact arithmetic)
    t = wall_thickness(99.3e5, 42 * IN, "X70", corrosion_allowance=1e-3, increment=0.5e-3)
    assert t == pytest.approx(16.5e-3, rel=1e-12)
    # E and T divide like F: halving E doubles the wall (1e-12: exact arithmetic)
    assert wall_thickness(99.3e5, 42 * IN, "X70", 0.72, 0.5) == pytest.approx(2 * base, rel=1e-12)
    # a stronger grade needs a thinner wall in the ratio of the SMYS
    x80 = wall_thickness(99.3e5, 42 * IN, "X80")
    assert x80 == pytest.approx(base * 485 / 555, rel=1e-12)


def test_grades_by_api_and_iso_name() -> None:
    assert grade_smys("L485") == grade_smys("x70") == 485e6  # ISO 3183 L-number = SMYS in MPa
    assert SMYS["X42"] == 290e6
    with pytest.raises(CaseError) as err:
        grade_smys("X75")
    assert err.value.key == "steel_grade"


def test_steel_mass_by_hand() -> None:
    # 56 in x 20.3 mm: pi (1.4224 - 0.0203) 0.0203 * 7850 = 701.9 kg/m (1e-12: same formula)
    m = steel_mass_per_length(1.4224, 0.0203)
    assert m == pytest.approx(math.pi * (1.4224 - 0.0203) * 0.0203 * 7850, rel=1e-12)
    assert 690 < m < 710  # the 56 in line weighs ~0.7 t per metre


def test_resize_changes_every_route_pipe() -> None:
    net = load("psgp-56in-phase1")
    out = resize(net, 42 * IN, 0.0153)
    names = {rp.name for rp in route_pipes(net)}
    for p in out.pipes:
        assert p.name in names
        assert p.outer_diameter == 42 * IN
        assert p.diameter == pytest.approx(42 * IN - 2 * 0.0153, rel=1e-15)
    assert net.pipes[0].outer_diameter == pytest.approx(56 * IN)  # the original is unchanged


def test_bundled_design_basis_reads_with_units() -> None:
    d = read_design(load("psgp-56in-phase2"))
    assert d.steel_grade == "X70"
    assert d.barg(d.maop) == pytest.approx(99.3, abs=1e-9)  # 1e-9: unit conversion round-off
    assert d.station.max_power == 50e6
    assert d.station.spare_units == 1
    assert d.mmscfd(d.targets[1]) == pytest.approx(2000.0, rel=1e-12)
    assert set(d.origin.values()) == {"[design]"}
    keys = d.to_dict()
    assert {"maop_barg", "max_velocity_m_s", "station_max_power_mw", "targets_mmscfd"} <= set(keys)


def _case_with(tmp_path: Path, design: str) -> Path:
    text = bundled_path("psgp-56in-phase1").read_text(encoding="utf-8")
    start = text.index("[design]")
    end = text.index("\n\n", start)
    path = tmp_path / "case.toml"
    path.write_text(text[:start] + design + text[end:], encoding="utf-8")
    return path


def test_defaults_come_from_the_network_and_are_flagged(tmp_path: Path) -> None:
    path = _case_with(tmp_path, "[design]\n")
    d = read_design(load_case(path))
    assert d.origin["maop"].startswith("case:")
    assert d.origin["min_delivery_pressure"] == "case: p_min of node 'kasur'"
    assert d.origin["max_velocity"].startswith("[A]")
    assert d.barg(d.inlet_pressure) == pytest.approx(85.0, abs=1e-9)  # the supply set-point


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('max_velocty = "20 m/s"', "max_velocty"),
        ('max_velocity = "20 kg"', "max_velocity"),
        ("design_factor = 1.5", "design_factor"),
        ('steel_grade = "X99"', "steel_grade"),
        ('inlet_pressure = "120 barg"', "inlet_pressure"),
        ("station_spare_units = 1.5", "station_spare_units"),
        ('targets = "1200 MMSCFD"', "targets"),
    ],
)
def test_bad_design_values_name_file_table_key(tmp_path: Path, line: str, key: str) -> None:
    path = _case_with(tmp_path, f"[design]\n{line}")
    with pytest.raises(CaseError) as err:
        read_design(load_case(path))
    assert err.value.file == str(path)
    assert err.value.element == "[design]"
    assert err.value.key == key
    assert err.value.expected


def test_search_directions_trade_a_section_against_the_one_before_the_last_station() -> None:
    from linepack.studies.design import _directions

    u = _directions(4)
    # shift stations k..2 together (k = 0, 1, 2), or move the last (3) alone
    np.testing.assert_array_equal(u, [[1, 1, 1, 0], [0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    # along direction k the sections (gaps, the first from chainage 0) change only at k and 3
    for k in range(3):
        gaps = np.diff(np.concatenate([[0.0], u[k]]))
        assert set(np.flatnonzero(gaps)) == {k, 3}
    np.testing.assert_array_equal(_directions(1), [[1.0]])


def test_step_range_keeps_the_route_and_the_spacing() -> None:
    from linepack.studies.design import _step_range

    x = np.array([100.0, 200.0, 300.0])  # km, route end 1000 km, spacing 50 km
    # moving the first two together: the first may go back to 0, the second up to 250
    assert _step_range(x, np.array([1.0, 1.0, 0.0]), 1000.0, 50.0) == (-100.0, 50.0)
    # the last alone: back to 250 (spacing), on to the route end
    assert _step_range(x, np.array([0.0, 0.0, 1.0]), 1000.0, 50.0) == (-50.0, 700.0)
    # a layout already too tight still allows no move rather than a reversed range
    lo, hi = _step_range(np.array([100.0, 120.0]), np.array([1.0, 0.0]), 1000.0, 50.0)
    assert lo <= 0.0 <= hi
