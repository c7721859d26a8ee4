"""The 21 components of AGA8 / GERG-2008 and their data.

The order of :data:`COMPONENTS` is the AGA8 order (NIST AGA8 code, ``x(1)..x(21)``), which is also
the order of :attr:`linepack.gas.composition.Gas.fractions`.

Sources of the tables
---------------------
Molar masses
    ISO 6976:2016 Table A.2 [kg/kmol, stored here in kg/mol]. These are the same figures as the
    GERG-2008 molar masses of the NIST AGA8 code (the 21-component NIST example gives
    20.5427445016 g/mol with either set).
Critical temperature and pressure
    The critical points of the reference pure-fluid equations of state as tabulated in NIST
    REFPROP (the GERG-2008 fluid files), e.g. methane 190.564 K / 4.5992 MPa (Setzmann & Wagner
    1991), nitrogen 126.192 K / 3.3958 MPa (Span et al. 2000), carbon dioxide 304.1282 K /
    7.3773 MPa (Span & Wagner 1996), argon 150.687 K / 4.863 MPa (Tegeler et al. 1999), the
    heavier alkanes, CO and H2S from Lemmon & Span (2006); cross-checked against the CoolProp
    fluid pages. They are only used for Kay's-rule pseudo-critical properties (Papay, AGA-88),
    approximations far coarser than any rounding of these figures.
Summation factors ``s_i``
    ISO 6976:2016 Table A.3, at metering temperatures 0 °C, 15 °C, 15.55 °C (60 °F) and 20 °C, at
    the reference pressure 101.325 kPa.
Gross molar calorific values
    ISO 6976:2016 Table A.4 (ideal gas), at combustion temperatures 0 °C, 15 °C, 15.55 °C
    (60 °F), 20 °C and 25 °C [kJ/mol, stored here in J/mol]. Water carries a "gross calorific
    value" equal to its enthalpy of vaporisation, as in the standard, so that its net value is 0.
Net molar calorific values
    Derived by ISO 6976:2016 Eq. (3): ``H_net,i = H_gross,i - (n_H,i / 2) L0(t1)`` with ``n_H,i``
    the number of hydrogen atoms and ``L0`` the standard enthalpy of vaporisation of water
    (45.064, 44.431, 44.408, 44.222, 44.013 kJ/mol at 0, 15, 15.55, 20, 25 °C).
Air
    ISO 6976:2016 Table A.1: molar mass of dry air 28.96546 kg/kmol and its compression factor
    0.999419, 0.999595, 0.999601, 0.999645 at 0, 15, 15.55, 20 °C and 101.325 kPa.

The ISO 6976 figures were transcribed from the standard as reproduced in two public
implementations (the CRAN package ``ISO6976.2016`` and ``iso6976-py_2016``, which agree), and are
checked in the tests against worked Examples 1 and 2 of ISO 6976:2016 Annex D to their printed
digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from linepack.errors import CaseError

#: Molar gas constant used by ISO 6976:2016 (CODATA 2010) [J/(mol K)]. The ISO 6976 functions use
#: it so that their results reproduce the standard's worked examples.
R_ISO6976 = 8.3144621
#: Reference pressure of the ISO 6976 summation factors [Pa].
P0_ISO6976 = 101325.0
#: Molar mass of dry air, ISO 6976:2016 Table A.1 [kg/mol].
M_AIR = 28.96546e-3

#: Metering (volume reference) temperatures of the summation factors [K]: 0, 15, 15.55, 20 °C.
METERING_TEMPERATURES = (273.15, 288.15, 288.70, 293.15)
#: Compression factor of dry air at those temperatures and 101.325 kPa (ISO 6976 Table A.1).
Z_AIR = (0.999419, 0.999595, 0.999601, 0.999645)
#: Combustion reference temperatures of the calorific values [K]: 0, 15, 15.55, 20, 25 °C.
COMBUSTION_TEMPERATURES = (273.15, 288.15, 288.70, 293.15, 298.15)
#: Standard enthalpy of vaporisation of water at those temperatures [J/mol] (ISO 6976 Eq. (3)).
L0_WATER = (45064.0, 44431.0, 44408.0, 44222.0, 44013.0)
#: The ISO 6976 tables list 60 °F as 15.55 °C; a temperature matches a column within this [K].
TEMPERATURE_MATCH = 0.01


@dataclass(frozen=True)
class Component:
    """One AGA8 component and its data (SI units).

    Parameters
    ----------
    name : str
        Canonical name, e.g. ``"n_butane"``.
    aliases : tuple of str
        Accepted spellings (case, ``-``, ``_`` and spaces are ignored when matching).
    pyaga8_name : str
        Attribute name in :class:`pyaga8.Composition`.
    molar_mass : float
        Molar mass [kg/mol].
    critical_temperature : float
        Critical temperature [K].
    critical_pressure : float
        Critical pressure [Pa].
    hydrogen_atoms : int
        Number of hydrogen atoms in the molecule (for the net calorific value).
    summation_factors : tuple of float
        ISO 6976 summation factors at :data:`METERING_TEMPERATURES` [-].
    gross_calorific_values : tuple of float
        ISO 6976 ideal-gas gross molar calorific values at :data:`COMBUSTION_TEMPERATURES`
        [J/mol].
    """

    name: str
    aliases: tuple[str, ...]
    pyaga8_name: str
    molar_mass: float
    critical_temperature: float
    critical_pressure: float
    hydrogen_atoms: int
    summation_factors: tuple[float, ...]
    gross_calorific_values: tuple[float, ...]


def _c(
    name: str,
    aliases: str,
    pyaga8_name: str,
    m: float,
    tc: float,
    pc_mpa: float,
    n_h: int,
    s: tuple[float, float, float, float],
    hc_kj: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0),
) -> Component:
    return Component(
        name=name,
        aliases=tuple(aliases.split()),
        pyaga8_name=pyaga8_name,
        molar_mass=m * 1e-3,
        critical_temperature=tc,
        critical_pressure=pc_mpa * 1e6,
        hydrogen_atoms=n_h,
        summation_factors=s,
        gross_calorific_values=tuple(1e3 * h for h in hc_kj),
    )


# fmt: off
#: The 21 components in AGA8 order.
COMPONENTS: tuple[Component, ...] = (
    _c("methane", "methane CH4 C1", "methane", 16.04246, 190.564, 4.5992, 4,
       (0.04886, 0.04452, 0.04437, 0.04317), (892.92, 891.51, 891.46, 891.05, 890.58)),
    _c("nitrogen", "nitrogen N2", "nitrogen", 28.0134, 126.192, 3.3958, 0,
       (0.0214, 0.0170, 0.0169, 0.0156)),
    _c("carbon_dioxide", "carbon_dioxide CO2", "carbon_dioxide", 44.0095, 304.1282, 7.3773, 0,
       (0.0821, 0.0752, 0.0749, 0.0730)),
    _c("ethane", "ethane C2H6 C2", "ethane", 30.06904, 305.322, 4.8722, 6,
       (0.0997, 0.0919, 0.0916, 0.0895), (1564.35, 1562.14, 1562.06, 1561.42, 1560.69)),
    _c("propane", "propane C3H8 C3", "propane", 44.09562, 369.89, 4.2512, 8,
       (0.1465, 0.1344, 0.1340, 0.1308), (2224.03, 2221.10, 2220.99, 2220.13, 2219.17)),
    _c("isobutane", "isobutane i-butane i-C4 iC4 2-methylpropane", "isobutane",
       58.12220, 407.81, 3.629, 10,
       (0.1885, 0.1722, 0.1717, 0.1673), (2874.21, 2870.58, 2870.45, 2869.39, 2868.20)),
    _c("n_butane", "n_butane butane n-C4 nC4", "n_butane", 58.12220, 425.125, 3.796, 10,
       (0.2022, 0.1840, 0.1834, 0.1785), (2883.35, 2879.76, 2879.63, 2878.58, 2877.40)),
    _c("isopentane", "isopentane i-pentane i-C5 iC5 2-methylbutane", "isopentane",
       72.14878, 460.35, 3.378, 12,
       (0.2458, 0.2251, 0.2244, 0.2189), (3536.01, 3531.68, 3531.52, 3530.25, 3528.83)),
    _c("n_pentane", "n_pentane pentane n-C5 nC5", "n_pentane", 72.14878, 469.7, 3.3675, 12,
       (0.2586, 0.2361, 0.2354, 0.2295), (3542.91, 3538.60, 3538.45, 3537.19, 3535.77)),
    _c("n_hexane", "n_hexane hexane n-C6 C6 C6H14", "hexane", 86.17536, 507.82, 3.034, 14,
       (0.3319, 0.3001, 0.2990, 0.2907), (4203.24, 4198.24, 4198.06, 4196.60, 4194.95)),
    _c("n_heptane", "n_heptane heptane n-C7 C7 C7H16", "heptane", 100.20194, 540.13, 2.736, 16,
       (0.4076, 0.3668, 0.3654, 0.3547), (4862.88, 4857.18, 4856.98, 4855.31, 4853.43)),
    _c("n_octane", "n_octane octane n-C8 C8 C8H18", "octane", 114.22852, 569.32, 2.497, 18,
       (0.4845, 0.4346, 0.4329, 0.4198), (5522.41, 5516.01, 5515.78, 5513.90, 5511.80)),
    _c("n_nonane", "n_nonane nonane n-C9 C9 C9H20", "nonane", 128.25510, 594.55, 2.281, 20,
       (0.5617, 0.5030, 0.5010, 0.4856), (6182.92, 6175.82, 6175.56, 6173.48, 6171.15)),
    _c("n_decane", "n_decane decane n-C10 C10 C10H22", "decane", 142.28168, 617.7, 2.103, 22,
       (0.6713, 0.5991, 0.5967, 0.5778), (6842.69, 6834.90, 6834.62, 6832.33, 6829.77)),
    _c("hydrogen", "hydrogen H2", "hydrogen", 2.01588, 33.145, 1.2964, 2,
       (-0.01, -0.01, -0.01, -0.01), (286.64, 286.15, 286.13, 285.99, 285.83)),
    _c("oxygen", "oxygen O2", "oxygen", 31.9988, 154.581, 5.043, 0,
       (0.0311, 0.0276, 0.0275, 0.0265)),
    _c("carbon_monoxide", "carbon_monoxide CO", "carbon_monoxide", 28.0101, 132.86, 3.494, 0,
       (0.0258, 0.0217, 0.0215, 0.0203), (282.80, 282.91, 282.91, 282.95, 282.98)),
    _c("water", "water H2O", "water", 18.01528, 647.096, 22.064, 2,
       (0.3093, 0.2562, 0.2546, 0.2419), (45.064, 44.431, 44.408, 44.222, 44.013)),
    _c("hydrogen_sulfide", "hydrogen_sulfide hydrogen_sulphide H2S", "hydrogen_sulfide",
       34.08088, 373.1, 9.0, 2,
       (0.1006, 0.0923, 0.0920, 0.0898), (562.93, 562.38, 562.36, 562.19, 562.01)),
    _c("helium", "helium He", "helium", 4.002602, 5.1953, 0.22832, 0,
       (-0.01, -0.01, -0.01, -0.01)),
    _c("argon", "argon Ar", "argon", 39.948, 150.687, 4.863, 0,
       (0.0307, 0.0273, 0.0272, 0.0262)),
)
# fmt: on

#: Number of components.
N_COMPONENTS = len(COMPONENTS)
#: Canonical names in AGA8 order.
NAMES: tuple[str, ...] = tuple(c.name for c in COMPONENTS)


def _normalise(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


_LOOKUP: dict[str, int] = {}
for _i, _comp in enumerate(COMPONENTS):
    for _alias in (_comp.name, *_comp.aliases):
        _key = _normalise(_alias)
        if _LOOKUP.setdefault(_key, _i) != _i:  # pragma: no cover - guards the table itself
            raise CaseError(
                "the alias names two components",
                element="gas component table",
                key="aliases",
                value=_alias,
                expected="each alias naming one component",
            )


def component_index(name: str) -> int | None:
    """Return the AGA8 index of a component name or alias, or None if unknown.

    Matching ignores case, spaces, ``-`` and ``_``: ``"n-C4"``, ``"nC4"`` and ``"N_C4"`` all name
    n-butane.

    >>> component_index("CH4"), component_index("i-C4"), component_index("unobtainium")
    (0, 5, None)
    """
    return _LOOKUP.get(_normalise(name))


def _column(attr: str) -> npt.NDArray[np.float64]:
    return np.array([getattr(c, attr) for c in COMPONENTS], dtype=np.float64)


#: Molar masses in AGA8 order [kg/mol].
MOLAR_MASS = _column("molar_mass")
#: Critical temperatures [K].
CRITICAL_TEMPERATURE = _column("critical_temperature")
#: Critical pressures [Pa].
CRITICAL_PRESSURE = _column("critical_pressure")
#: Hydrogen atoms per molecule.
HYDROGEN_ATOMS = _column("hydrogen_atoms")
#: Summation factors, shape (21, 4), columns at :data:`METERING_TEMPERATURES`.
SUMMATION_FACTORS = np.array([c.summation_factors for c in COMPONENTS], dtype=np.float64)
#: Gross molar calorific values [J/mol], shape (21, 5), columns at
#: :data:`COMBUSTION_TEMPERATURES`.
GROSS_CALORIFIC_VALUES = np.array([c.gross_calorific_values for c in COMPONENTS], dtype=np.float64)
#: Net molar calorific values [J/mol], same shape, by ISO 6976:2016 Eq. (3).
NET_CALORIFIC_VALUES = GROSS_CALORIFIC_VALUES - np.outer(HYDROGEN_ATOMS / 2.0, L0_WATER)

for _table in (
    MOLAR_MASS,
    CRITICAL_TEMPERATURE,
    CRITICAL_PRESSURE,
    SUMMATION_FACTORS,
    GROSS_CALORIFIC_VALUES,
    NET_CALORIFIC_VALUES,
):
    _table.setflags(write=False)
