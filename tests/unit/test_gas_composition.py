"""Gas composition: parsing, errors, ISO 6976:2016 reference-condition properties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from linepack.errors import CaseError
from linepack.gas import components
from linepack.gas.composition import NM3, SCF, SM3, Gas, ReferenceConditions

PSGP = {"CH4": 90.5, "C2H6": 6.0, "C3H8": 2.0, "i-C4": 0.4, "n-C4": 0.5, "N2": 0.6}
# ISO 6976:2016 Annex D.2 (Example 1), mole fractions.
EXAMPLE_1 = {"methane": 0.933212, "ethane": 0.025656, "propane": 0.015368,
             "nitrogen": 0.010350, "carbon dioxide": 0.015414}  # fmt: skip
# ISO 6976:2016 Annex D.3 (Example 2), with water vapour.
EXAMPLE_2 = {"methane": 0.931819, "ethane": 0.025618, "nitrogen": 0.010335,
             "carbon dioxide": 0.015391, "water": 0.016837}  # fmt: skip
ISO_15_15 = ReferenceConditions(288.15, 101325.0, 288.15)
ISO_60F = ReferenceConditions(288.70, 101325.0, 288.70)  # ISO 6976's "15.55 °C"


# ------------------------------------------------------------------------------- parsing


def test_component_table_order_and_aliases() -> None:
    assert components.NAMES[:4] == ("methane", "nitrogen", "carbon_dioxide", "ethane")
    assert components.NAMES[-3:] == ("hydrogen_sulfide", "helium", "argon")
    assert len(components.NAMES) == 21
    for alias, name in [("CH4", "methane"), ("c1", "methane"), ("C2", "ethane"),
                        ("C3H8", "propane"), ("iC4", "isobutane"), ("I-c4", "isobutane"),
                        ("isobutane", "isobutane"), ("n-C4", "n_butane"), ("butane", "n_butane"),
                        ("i-C5", "isopentane"), ("nC5", "n_pentane"), ("C6", "n_hexane"),
                        ("n-C10", "n_decane"), ("h2", "hydrogen"), ("O2", "oxygen"),
                        ("co", "carbon_monoxide"), ("CO2", "carbon_dioxide"), ("H2O", "water"),
                        ("H2S", "hydrogen_sulfide"), ("He", "helium"), ("AR", "argon"),
                        ("Carbon Dioxide", "carbon_dioxide")]:  # fmt: skip
        index = components.component_index(alias)
        assert index is not None, alias
        assert components.NAMES[index] == name, alias


def test_percent_and_fractions_give_the_same_gas() -> None:
    in_percent = Gas.from_mapping(PSGP)
    in_fractions = Gas.from_mapping({k: v / 100 for k, v in PSGP.items()})
    explicit = Gas.from_mapping(PSGP, percent=True)
    assert in_percent == in_fractions == explicit
    assert hash(in_percent) == hash(explicit)
    # Sum is normalised to 1 up to rounding (1e-15).
    assert in_percent.fractions.sum() == pytest.approx(1.0, abs=1e-15)
    assert in_percent.as_mapping()["isobutane"] == pytest.approx(0.004, abs=1e-15)
    assert not in_percent.fractions.flags.writeable


def test_unknown_component_names_the_key() -> None:
    with pytest.raises(CaseError) as info:
        Gas.from_mapping({"CH4": 99.0, "unobtainium": 1.0}, where="[gas]")
    assert info.value.key == "unobtainium"
    assert info.value.element == "[gas]"
    assert "unobtainium" in str(info.value)


def test_sum_off_by_1e_3_names_the_sum() -> None:
    with pytest.raises(CaseError) as info:
        Gas.from_mapping({"CH4": 0.95, "C2H6": 0.051})
    assert info.value.value == pytest.approx(1.001, abs=1e-12)
    assert "1.001" in str(info.value)
    with pytest.raises(CaseError, match=r"100\.1"):
        Gas.from_mapping({"CH4": 95.0, "C2H6": 5.1})
    with pytest.raises(CaseError, match="neither"):
        Gas.from_mapping({"CH4": 50.0})


def test_negative_duplicate_and_non_numeric_amounts() -> None:
    with pytest.raises(CaseError) as info:
        Gas.from_mapping({"CH4": 1.1, "N2": -0.1})
    assert info.value.key == "N2"
    with pytest.raises(CaseError) as info:
        Gas.from_mapping({"CH4": 0.5, "methane": 0.5})
    assert info.value.key == "methane"
    with pytest.raises(CaseError) as info:
        Gas.from_mapping({"CH4": "lots"})
    assert info.value.key == "CH4"
    with pytest.raises(CaseError):
        Gas(np.ones(20) / 20)


# ----------------------------------------------------------------- composition-only values


def test_molar_mass_and_kays_rule() -> None:
    gas = Gas.from_mapping(PSGP)
    # Hand sum of ISO 6976 Table A.2 masses (g/mol) x mole fractions: exact to rounding.
    m = (0.905 * 16.04246 + 0.06 * 30.06904 + 0.02 * 44.09562 + 0.009 * 58.1222
         + 0.006 * 28.0134) * 1e-3  # fmt: skip
    assert gas.molar_mass == pytest.approx(m, rel=1e-14)
    assert gas.ideal_specific_gravity == pytest.approx(m / 28.96546e-3, rel=1e-14)
    p_pc, T_pc = gas.pseudo_critical()
    # Kay's rule by hand from the critical constants of the component table (rounding only).
    assert T_pc == pytest.approx(0.905 * 190.564 + 0.06 * 305.322 + 0.02 * 369.89
                                 + 0.004 * 407.81 + 0.005 * 425.125 + 0.006 * 126.192,
                                 rel=1e-14)  # fmt: skip
    assert p_pc == pytest.approx((0.905 * 4.5992 + 0.06 * 4.8722 + 0.02 * 4.2512
                                  + 0.004 * 3.629 + 0.005 * 3.796 + 0.006 * 3.3958) * 1e6,
                                 rel=1e-14)  # fmt: skip


def test_nist_21_component_molar_mass() -> None:
    x = [0.77824, 0.02, 0.06, 0.08, 0.03, 0.0015, 0.003, 0.0005, 0.00165, 0.00215, 0.00088,
         0.00024, 0.00015, 0.00009, 0.004, 0.005, 0.002, 0.0001, 0.0025, 0.007, 0.001]  # fmt: skip
    # NIST GERG2008.cpp prints 20.54274450160000 g/mol; GERG-2008 and ISO 6976 masses agree,
    # so all printed digits hold (rel 1e-14 = rounding).
    assert Gas(np.array(x)).molar_mass == pytest.approx(20.5427445016e-3, rel=1e-14)


# ------------------------------------------------------------------------- ISO 6976:2016


def test_iso6976_annex_d_example_1() -> None:
    gas = Gas.from_mapping(EXAMPLE_1)
    # Printed values of ISO 6976:2016 D.2.3–D.2.9 (15 °C combustion, 15 °C / 101.325 kPa
    # metering); tolerances are half a unit in the last printed digit.
    assert gas.molar_mass * 1e3 == pytest.approx(17.388430, abs=5e-7)
    assert gas.compression_factor(ISO_15_15) == pytest.approx(0.99776224, abs=5e-9)
    assert gas.gross_heating_value_molar(ISO_15_15) / 1e3 == pytest.approx(906.179959, abs=5e-7)
    assert gas.gross_heating_value_mass(ISO_15_15) / 1e6 == pytest.approx(52.113961, abs=5e-7)
    assert gas.gross_heating_value(ISO_15_15) / 1e6 == pytest.approx(38.410611, abs=5e-7)


def test_iso6976_annex_d_example_2_at_60f() -> None:
    gas = Gas.from_mapping(EXAMPLE_2)
    # ISO 6976:2016 D.3.3, D.3.5, D.3.7 (15.55 °C); half a unit in the last printed digit.
    # (The example's printed Z is known to be off by ~2e-5, so Z and H_v are not used.)
    assert gas.molar_mass * 1e3 == pytest.approx(16.989170, abs=5e-7)
    assert gas.gross_heating_value_molar(ISO_60F) / 1e3 == pytest.approx(871.443916, abs=5e-7)
    assert gas.gross_heating_value_mass(ISO_60F) / 1e6 == pytest.approx(51.294085, abs=5e-7)
    # 60 °F exactly (SCF) falls in the same 15.55 °C column.
    assert gas.gross_heating_value_molar(SCF) == gas.gross_heating_value_molar(ISO_60F)


def test_methane_reference_values() -> None:
    methane = Gas.from_mapping({"methane": 1.0})
    # ISO 6976:2016 Table A.4: 891.51 kJ/mol at 15 °C, 890.58 kJ/mol at 25 °C (printed).
    assert methane.gross_heating_value_molar(SM3) == pytest.approx(891.51e3, abs=1e-9)
    assert methane.gross_heating_value_molar(NM3) == pytest.approx(890.58e3, abs=1e-9)
    # Net by ISO 6976 Eq. (3): 891.51 - 2 x 44.431 = 802.648 kJ/mol (exact arithmetic).
    assert methane.net_heating_value_molar(SM3) == pytest.approx(802.648e3, abs=1e-9)
    # Hand-computed 15/15: Z = 1 - 0.04452^2; H_v = 891.51 kJ/mol / (Z R T / p) with ISO's
    # R = 8.3144621: 37.70423 MJ/m³ ideal, 37.77911 MJ/m³ real (to 1e-5 MJ/m³ as written).
    z = 1.0 - 0.04452**2
    v_ideal = 8.3144621 * 288.15 / 101325.0
    assert methane.compression_factor(SM3) == pytest.approx(z, abs=1e-15)
    assert 891.51e3 / v_ideal / 1e6 == pytest.approx(37.70423, abs=5e-6)
    assert methane.gross_heating_value(SM3) / 1e6 == pytest.approx(37.77911, abs=5e-6)


def test_density_specific_gravity_and_wobbe_by_definition() -> None:
    gas = Gas.from_mapping(EXAMPLE_1)
    # Hand-computed from ISO 6976:2016 Eqs. (16)-(18), (20) and the printed Example 1 values:
    # rho = M p / (Z R T), d = (M / M_air) Z_air / Z with Z_air(15 °C) = 0.999595,
    # W = H_v / sqrt(d). Tolerances: the printed inputs carry 8 significant digits (rel 1e-7).
    m, z, hv = 17.388430e-3, 0.99776224, 38.410611e6
    rho = m * 101325.0 / (z * 8.3144621 * 288.15)
    d = m / 28.96546e-3 * 0.999595 / z
    assert gas.density(ISO_15_15) == pytest.approx(rho, rel=1e-7)
    assert gas.specific_gravity(ISO_15_15) == pytest.approx(d, rel=1e-7)
    assert gas.wobbe_index(ISO_15_15) == pytest.approx(hv / math.sqrt(d), rel=1e-7)
    # Net values are below gross ones by the latent heat of the water formed.
    assert gas.net_heating_value(ISO_15_15) < gas.gross_heating_value(ISO_15_15)
    assert gas.net_heating_value_mass(ISO_15_15) < gas.gross_heating_value_mass(ISO_15_15)


def test_reference_condition_constants_and_limits() -> None:
    # 60 °F = 288.705556 K and 14.696 psia = 101325.35 Pa (exact conversions, rounding only).
    assert SCF.temperature == pytest.approx(288.7055555555556, abs=1e-9)
    assert SCF.pressure == pytest.approx(14.696 * 6894.757293168, abs=1e-6)
    assert (SM3.temperature, SM3.pressure, SM3.combustion_temperature) == (288.15, 101325.0, 288.15)
    assert (NM3.temperature, NM3.pressure, NM3.combustion_temperature) == (273.15, 101325.0, 298.15)
    gas = Gas.from_mapping(PSGP)
    with pytest.raises(CaseError) as info:
        gas.gross_heating_value(ReferenceConditions(283.15, 101325.0, 288.15))
    assert info.value.key == "temperature"
    with pytest.raises(CaseError) as info:
        gas.gross_heating_value(ReferenceConditions(288.15, 101325.0, 303.15))
    assert info.value.key == "combustion_temperature"
    with pytest.raises(CaseError) as info:
        gas.density(ReferenceConditions(288.15, 2e5, 288.15))
    assert info.value.key == "pressure"
    with pytest.raises(CaseError):
        ReferenceConditions(-1.0, 101325.0, 288.15)
