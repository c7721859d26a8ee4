"""Equations of state: NIST AGA8 check values, tables, analytic models, derivatives."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from gas_data import NIST_21, PSGP

from linepack.errors import CaseError, EosError, PropertyRangeError
from linepack.gas.composition import Gas
from linepack.gas.eos import (
    EOS_NAMES,
    Aga8Kind,
    Aga88,
    CngaFull,
    CngaSimple,
    EquationOfState,
    Ideal,
    Papay,
    Tabulated,
    detail_z,
    direct_properties,
    gerg2008_z,
    make_eos,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "aga8_nist"

TABLE_GASES = ("Gulf Coast", "Amarillo", "Ekofisk", "High N2", "High CO2")


# ----------------------------------------------------------------------------- NIST data


def _nist_example() -> dict[tuple[str, str], float]:
    with open(DATA / "nist_example_21.csv", newline="", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {(r["model"], r["quantity"]): float(r["value"]) for r in rows}


def _tables() -> tuple[list[dict[str, float]], dict[str, list[list[float]]]]:
    """Compositions (mol %) of the five AGA8 2017 table gases and the SI blocks."""
    with open(DATA / "tables_sheet.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    compositions: list[dict[str, float]] = [{} for _ in TABLE_GASES]
    i = next(k for k, r in enumerate(rows) if len(r) > 3 and r[3] == "Gulf") + 2
    while rows[i] and rows[i][1]:
        for g in range(5):
            compositions[g][rows[i][1]] = float(rows[i][3 + g])
        i += 1
    si = next(k for k, r in enumerate(rows) if r and r[0].startswith("The following tables") and
              "SI units" in r[0])  # fmt: skip
    blocks: dict[str, list[list[float]]] = {}
    for title in ("Compressibilities", "Speed of sound"):
        k = next(k for k in range(si, len(rows)) if rows[k] and rows[k][0] == title) + 4
        block = []
        while rows[k] and rows[k][0]:
            block.append([float(v) if v else math.nan for v in rows[k][:14]])
            k += 1
        blocks[title] = block
    return compositions, blocks


def test_nist_21_component_point_gerg_and_detail() -> None:
    ref = _nist_example()
    gas = Gas(np.array(NIST_21))
    for kind in ("gerg2008", "detail"):
        props = direct_properties(kind, gas, 50e6, 400.0)
        mm = ref[(kind, "molar_mass")] * 1e-3
        expected = {
            "z": ref[(kind, "z")],
            "molar_density": ref[(kind, "molar_density")] * 1e3,
            "density": ref[(kind, "molar_density")] * 1e3 * mm,
            "speed_of_sound": ref[(kind, "speed_of_sound")],
            "cp": ref[(kind, "cp")] / mm,
            "cv": ref[(kind, "cv")] / mm,
            "kappa": ref[(kind, "kappa")],
            "joule_thomson": ref[(kind, "joule_thomson")] * 1e-3,
        }
        for key, value in expected.items():
            # NIST prints 16 significant digits; the Rust port of the NIST code (pyaga8) differs
            # from the C++ original only in the last one or two, so rtol 1e-12 is "all digits".
            assert float(props[key]) == pytest.approx(value, rel=1e-12), (kind, key)
    # The direct Z functions agree with the property call (same code path, exact).
    assert float(gerg2008_z(gas, 50e6, 400.0)) == pytest.approx(ref[("gerg2008", "z")], rel=1e-12)
    assert float(detail_z(gas, 50e6, 400.0)) == pytest.approx(ref[("detail", "z")], rel=1e-12)


def test_aga8_2017_tables_z_and_speed_of_sound() -> None:
    compositions, blocks = _tables()
    checked = 0
    for g, mapping in enumerate(compositions):
        gas = Gas.from_mapping(mapping)
        for title, key in (("Compressibilities", "z"), ("Speed of sound", "speed_of_sound")):
            # Z is printed with 6 decimals, w with 3: half a unit in the last printed place.
            atol = 5e-7 if key == "z" else 5e-4
            for row in blocks[title]:
                T, p = row[0], row[1] * 1e6
                models: tuple[tuple[int, Aga8Kind], ...] = ((3 + g, "detail"), (9 + g, "gerg2008"))
                for col, kind in models:
                    value = float(direct_properties(kind, gas, p, T)[key])
                    assert value == pytest.approx(row[col], abs=atol), (TABLE_GASES[g], kind, T, p)
                    checked += 1
    assert checked == 5 * 2 * 2 * 12


# --------------------------------------------------------------------------------- tables


@pytest.fixture(scope="module")
def psgp() -> Gas:
    return Gas.from_mapping(PSGP)


@pytest.mark.parametrize("kind", ["gerg2008", "detail"])
def test_tabulated_matches_direct_evaluation(psgp: Gas, kind: Aga8Kind) -> None:
    direct = gerg2008_z if kind == "gerg2008" else detail_z
    table = Tabulated.from_model(kind, psgp, (1e5, 100e5), (273.0, 320.0))
    rng = np.random.default_rng(20240601)
    p_rand = rng.uniform(1e5, 100e5, 1500)
    t_rand = rng.uniform(273.0, 320.0, 1500)
    p_mid = 0.5 * (table.p_grid[1:] + table.p_grid[:-1])
    t_mid = 0.5 * (table.T_grid[1:] + table.T_grid[:-1])
    pm, tm = np.meshgrid(p_mid, t_mid, indexing="ij")
    for p, T in ((p_rand, t_rand), (pm.ravel(), tm.ravel())):
        # Required accuracy of the tables: |dZ| < 1e-5 anywhere inside (built to 2e-6).
        assert np.max(np.abs(table.z(p, T) - direct(psgp, p, T))) < 1e-5
    assert table.max_error <= 2e-6


@pytest.mark.parametrize("kind", ["gerg2008", "detail"])
def test_tabulated_fixed_temperature_fast_path_is_the_same_spline(
    psgp: Gas, kind: Aga8Kind
) -> None:
    """At one temperature the table evaluates a 1-D restriction of the bicubic spline."""
    table = Tabulated.from_model(kind, psgp, (1e5, 100e5), (273.0, 320.0))
    p = np.random.default_rng(7).uniform(1e5, 100e5, 2000)
    for t in (273.0, 288.15, 301.7, 320.0):
        ts = np.full(p.shape, t)
        # The restriction of a tensor-product spline at fixed T is exact: agreement to
        # round-off (1e-13 absolute in Z; 1e-11 relative in dZ/dp, a difference of cubics)
        assert np.max(np.abs(table.z(p, ts) - table._spline.ev(p, ts))) < 1e-13
        d_ref = table._spline.ev(p, ts, dx=1)
        assert np.max(np.abs(table.dz_dp(p, ts) - d_ref)) < 1e-11 * np.abs(d_ref).max()
    mixed = np.where(p > 50e5, 290.0, 300.0)  # several temperatures: the 2-D path
    assert np.max(np.abs(table.z(p, mixed) - table._spline.ev(p, mixed))) < 1e-13


def test_single_temperature_table(psgp: Gas) -> None:
    table = Tabulated.from_model("gerg2008", psgp, (1e5, 100e5), 288.15)
    p = np.linspace(1e5, 100e5, 397)
    # Same accuracy requirement as the 2-D table (|dZ| < 1e-5).
    assert np.max(np.abs(table.z(p, 288.15) - gerg2008_z(psgp, p, 288.15))) < 1e-5
    with pytest.raises(PropertyRangeError, match=r"288\.15") as err:
        table.z(50e5, 290.0)
    assert (err.value.quantity, err.value.value) == ("temperature", 290.0)
    assert err.value.low == err.value.high == 288.15
    with pytest.raises(EosError, match="single temperature") as bad:
        table.dz_dT(50e5, 288.15)
    assert bad.value.key == "T_grid"


def test_table_raises_outside_its_range(psgp: Gas) -> None:
    table = Tabulated.from_model("detail", psgp, (10e5, 80e5), (280.0, 300.0))
    with pytest.raises(PropertyRangeError, match=r"covers p in \[1e\+06, 8e\+06\] Pa") as err:
        table.z([50e5, 90e5], 290.0)
    # the typed fields name the model, the value furthest out and the range, exactly
    e = err.value
    assert (e.model, e.quantity, e.value, e.low, e.high) == ("detail", "pressure", 90e5, 1e6, 8e6)
    with pytest.raises(PropertyRangeError, match=r"covers T in \[280, 300\] K") as err:
        table.dz_dp(50e5, 301.0)
    assert (err.value.quantity, err.value.value) == ("temperature", 301.0)


def test_tabulated_derivatives(psgp: Gas) -> None:
    table = Tabulated.from_model("gerg2008", psgp, (1e5, 100e5), (273.0, 320.0))
    rng = np.random.default_rng(7)
    p = rng.uniform(2e5, 99e5, 200)
    T = rng.uniform(274.0, 319.0, 200)
    dp, dT = 10.0, 1e-3
    fd_p = (gerg2008_z(psgp, p + dp, T) - gerg2008_z(psgp, p - dp, T)) / (2 * dp)
    fd_T = (gerg2008_z(psgp, p, T + dT) - gerg2008_z(psgp, p, T - dT)) / (2 * dT)
    # Against the model itself the spline derivative carries the O(h^3) interpolation error,
    # about 1e-5 of the derivative's size at this grid density: allow 1e-3 of the largest value.
    assert np.max(np.abs(table.dz_dp(p, T) - fd_p)) < 1e-3 * np.max(np.abs(fd_p))
    assert np.max(np.abs(table.dz_dT(p, T) - fd_T)) < 1e-3 * np.max(np.abs(fd_T))
    # Against central differences of the table itself (what a Newton Jacobian must match): the
    # spline is a cubic per cell, so with a step of 1e-5 of the value truncation is ~1e-10 and
    # rounding ~1e-9 of the derivative; rtol 1e-6 checks that the derivative is the spline's.
    hp, hT = 1e-5 * p, 1e-5 * T
    own_p = (table.z(p + hp, T) - table.z(p - hp, T)) / (2 * hp)
    own_T = (table.z(p, T + hT) - table.z(p, T - hT)) / (2 * hT)
    assert np.allclose(table.dz_dp(p, T), own_p, rtol=1e-6, atol=1e-6 * np.max(np.abs(own_p)))
    assert np.allclose(table.dz_dT(p, T), own_T, rtol=1e-6, atol=1e-6 * np.max(np.abs(own_T)))


def test_table_build_errors(psgp: Gas) -> None:
    with pytest.raises(EosError, match="p_range") as err:
        Tabulated.from_model("gerg2008", psgp, (0.0, 1e6), 288.15)
    assert (err.value.key, err.value.value) == ("p_range", (0.0, 1e6))
    with pytest.raises(EosError, match="cannot reach"):
        Tabulated.from_model("gerg2008", psgp, (1e5, 1e7), (273.0, 320.0), tolerance=1e-13,
                             max_nodes=200)  # fmt: skip


# ------------------------------------------------------------------------- analytic models


def test_papay_worked_value() -> None:
    # Papay (1968) as in morgen compressibility_papay.m, by hand at p_r = T_r = 1.5:
    # 1 - 3.52*1.5*exp(-3.39) + 0.274*2.25*exp(-2.817)
    expected = 1.0 - 5.28 * math.exp(-3.39) + 0.6165 * math.exp(-2.817)
    model = Papay(p_pc=4.6e6, T_pc=200.0)
    # Same arithmetic in another order: agreement to rounding (1e-14).
    assert float(model.z(6.9e6, 300.0)) == pytest.approx(expected, abs=1e-14)
    assert expected == pytest.approx(0.858876, abs=1e-6)  # printed worked value (6 decimals)


def test_aga88_worked_value() -> None:
    # Koch et al. (2015) / morgen compressibility_aga88.m: 1 + 0.257 p_r - 0.533 p_r / T_r;
    # p_r = 1, T_r = 1.5 gives 1 + 0.257 - 0.533/1.5 = 0.901667 (exact arithmetic).
    model = Aga88(p_pc=4.6e6, T_pc=200.0)
    assert float(model.z(4.6e6, 300.0)) == pytest.approx(1.257 - 0.533 / 1.5, abs=1e-14)


def test_cnga_worked_values() -> None:
    # Full CNGA of GasSteadySim.jl eos.jl, in its field units: p in psi (absolute + p_atm as
    # that code adds it), T in degrees Rankine, G = 0.6, T = 288.706 K, p = 5 MPa.
    G, T, p = 0.6, 288.706, 5e6
    p_psi = (p + 101350.0) / 6894.75729
    z_full = 1.0 / (1.0 + 344400.0 * p_psi * 10.0 ** (1.785 * G) / (1.8 * T) ** 3.825)
    # Reimplementation in other units: agreement to rounding (1e-13).
    assert float(CngaFull(G).z(p, T)) == pytest.approx(z_full, abs=1e-13)
    # Simple CNGA: fixed b1 = 1.00300865, b2 = 2.96848838e-8 1/Pa (exact up to rounding).
    assert float(CngaSimple(G).z(p, T)) == pytest.approx(1 / (1.00300865 + 0.148424419), abs=1e-14)
    # GasSteadySim's gas constant convention R = 8.314, M = 0.02896 G (exact arithmetic).
    assert CngaFull(G).specific_gas_constant == pytest.approx(8.314 / (0.02896 * G), rel=1e-15)
    assert CngaSimple(G).specific_gas_constant == CngaFull(G).specific_gas_constant


@pytest.mark.parametrize(
    "model",
    [Ideal(), Papay(4.6e6, 200.0), Aga88(4.6e6, 200.0), CngaFull(0.6), CngaSimple(0.6)],
    ids=lambda m: m.name,
)
def test_analytic_derivatives_match_central_differences(model: EquationOfState) -> None:
    p = np.array([1e5, 2e6, 5e6, 8e6])
    T = np.array([275.0, 288.15, 300.0, 320.0])
    hp, hT = 1e-5 * p, 1e-5 * T
    fd_p = (model.z(p + hp, T) - model.z(p - hp, T)) / (2 * hp)
    fd_T = (model.z(p, T + hT) - model.z(p, T - hT)) / (2 * hT)
    # Central differences with a step of 1e-3 of the value: truncation ~ (h^2/6) Z''' is below
    # 1e-7 of the derivative for these smooth low-order formulas and rounding is ~1e-12 of it,
    # so rtol 1e-6 (plus atol for the models whose derivative is zero) tests the algebra.
    scale_p, scale_T = 1e-6 * np.max(np.abs(fd_p)) + 1e-18, 1e-6 * np.max(np.abs(fd_T)) + 1e-15
    assert np.allclose(model.dz_dp(p, T), fd_p, rtol=1e-6, atol=scale_p)
    assert np.allclose(model.dz_dT(p, T), fd_T, rtol=1e-6, atol=scale_T)


def test_models_vectorise_and_broadcast() -> None:
    p = np.linspace(1e6, 7e6, 6).reshape(2, 3)
    for model in (Ideal(), Papay(4.6e6, 200.0), Aga88(4.6e6, 200.0), CngaSimple(0.6)):
        assert model.z(p, 288.15).shape == (2, 3)
        assert model.dz_dp(p, 288.15).shape == (2, 3)


# ------------------------------------------------------------------------------- factory


def test_make_eos_names(psgp: Gas) -> None:
    p_pc, T_pc = psgp.pseudo_critical()
    assert make_eos("ideal", psgp) == Ideal()
    assert make_eos("Papay", psgp) == Papay(p_pc, T_pc)
    assert make_eos("aga88", psgp, p_pc=5e6, T_pc=190.0) == Aga88(5e6, 190.0)
    assert make_eos("full_cnga", psgp) == CngaFull(psgp.ideal_specific_gravity)
    assert make_eos("cnga-simple", psgp, specific_gravity=0.6) == CngaSimple(0.6)
    table = make_eos("gerg2008", psgp, p_range=(1e6, 8e6), T_range=(280.0, 300.0))
    assert isinstance(table, Tabulated)
    assert table.name == "gerg2008"
    assert set(EOS_NAMES) == {
        "ideal", "papay", "aga88", "cnga-full", "cnga-simple", "gerg2008", "detail",
    }  # fmt: skip


def test_make_eos_errors(psgp: Gas) -> None:
    with pytest.raises(CaseError) as info:
        make_eos("peng-robinson", psgp)
    assert info.value.key == "eos"
    assert "cnga-full" in str(info.value)
    with pytest.raises(CaseError) as info:
        make_eos("detail", psgp, T_range=(280.0, 300.0))
    assert info.value.key == "p_range"
