"""Gas compositions shared by the gas-property tests."""

from __future__ import annotations

#: The NIST AGA8 example's 21-component gas (mole fractions in AGA8 order; tests/data/aga8_nist).
NIST_21 = [
    0.77824,
    0.02,
    0.06,
    0.08,
    0.03,
    0.0015,
    0.003,
    0.0005,
    0.00165,
    0.00215,
    0.00088,
    0.00024,
    0.00015,
    0.00009,
    0.004,
    0.005,
    0.002,
    0.0001,
    0.0025,
    0.007,
    0.001,
]

#: The PSGP twin's representative RLNG (mol %), as in src/linepack/cases/psgp-56in-phase1.toml.
PSGP = {"CH4": 90.5, "C2H6": 6.0, "C3H8": 2.0, "iC4": 0.4, "nC4": 0.5, "N2": 0.6}
