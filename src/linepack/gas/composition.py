"""Gas composition and the properties that follow from it at reference conditions.

:class:`Gas` holds mole fractions of the 21 AGA8 components. Its reference-condition properties
(compression factor, density, relative density, calorific values, Wobbe index) follow
ISO 6976:2016 "Natural gas — Calculation of calorific values, density, relative density and Wobbe
indices from composition", with the tables of :mod:`linepack.gas.components`. The metering and
combustion temperatures must therefore be ones the standard tabulates: 0, 15, 15.55 (60 °F) or
20 °C for metering, and those or 25 °C for combustion; the metering pressure must lie in
90–110 kPa.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from linepack.errors import CaseError
from linepack.gas import components as comp

#: Molar gas constant (CODATA 2018, exact) [J/(mol K)].
R = 8.314462618

_SUM_TOLERANCE = 1e-6
_PSI = 6894.757293168  # [Pa]


def _f_to_k(deg_f: float) -> float:
    return (deg_f - 32.0) / 1.8 + 273.15


@dataclass(frozen=True)
class ReferenceConditions:
    """Metering (volume reference) and combustion reference conditions.

    Parameters
    ----------
    temperature : float
        Metering temperature [K].
    pressure : float
        Metering pressure [Pa], absolute.
    combustion_temperature : float
        Combustion reference temperature of the calorific values [K].
    """

    temperature: float
    pressure: float
    combustion_temperature: float

    def __post_init__(self) -> None:
        for key in ("temperature", "pressure", "combustion_temperature"):
            value = getattr(self, key)
            if not (isinstance(value, numbers.Real) and math.isfinite(value) and float(value) > 0):
                raise CaseError(
                    "reference condition must be a positive number",
                    element="reference conditions",
                    key=key,
                    value=value,
                )


#: Standard cubic foot: 60 °F, 14.696 psia, combustion at 60 °F (GPA 2172 / AGA convention).
SCF = ReferenceConditions(_f_to_k(60.0), 14.696 * _PSI, _f_to_k(60.0))
#: Standard cubic metre: 15 °C, 101.325 kPa, combustion at 15 °C (ISO 13443).
SM3 = ReferenceConditions(288.15, 101325.0, 288.15)
#: Normal cubic metre: 0 °C, 101.325 kPa, combustion at 25 °C (German / GasLib convention).
NM3 = ReferenceConditions(273.15, 101325.0, 298.15)


def _column(temperature: float, table: tuple[float, ...], key: str, what: str) -> int:
    for i, t in enumerate(table):
        if abs(temperature - t) <= comp.TEMPERATURE_MATCH:
            return i
    listed = ", ".join(f"{t - 273.15:g}" for t in table)
    raise CaseError(
        f"ISO 6976 tabulates {what} only at {listed} °C (15.55 °C = 60 °F)",
        element="reference conditions",
        key=key,
        value=temperature,
        expected=f"one of {', '.join(f'{t:g} K' for t in table)}",
    )


def _metering_column(reference: ReferenceConditions) -> int:
    if not 90e3 <= reference.pressure <= 110e3:
        raise CaseError(
            "ISO 6976 applies to metering pressures of 90 to 110 kPa",
            element="reference conditions",
            key="pressure",
            value=reference.pressure,
            expected="90000 to 110000 Pa",
        )
    return _column(
        reference.temperature, comp.METERING_TEMPERATURES, "temperature", "summation factors"
    )


def _combustion_column(reference: ReferenceConditions) -> int:
    return _column(
        reference.combustion_temperature,
        comp.COMBUSTION_TEMPERATURES,
        "combustion_temperature",
        "calorific values",
    )


@dataclass(frozen=True, eq=False)
class Gas:
    """A natural gas as mole fractions of the 21 AGA8 components.

    Parameters
    ----------
    fractions : numpy.ndarray
        Mole fractions [-], length 21, in the AGA8 order of
        :data:`linepack.gas.components.NAMES`; non-negative, summing to 1 within 1e-6. They are
        stored normalised to sum 1 and read-only.

    Examples
    --------
    >>> gas = Gas.from_mapping({"CH4": 90.5, "C2H6": 6.0, "C3H8": 2.0, "i-C4": 0.4,
    ...                         "n-C4": 0.5, "N2": 0.6})
    >>> round(gas.molar_mass * 1e3, 4)
    17.8957
    """

    fractions: npt.NDArray[np.float64] = field(repr=False)

    def __post_init__(self) -> None:
        x = np.array(self.fractions, dtype=np.float64)
        if x.shape != (comp.N_COMPONENTS,) or not np.all(np.isfinite(x)):
            raise CaseError(
                "mole fractions must be 21 finite numbers in AGA8 order",
                key="fractions",
                value=x.shape,
            )
        if np.any(x < 0):
            raise CaseError("mole fractions must not be negative", key="fractions")
        total = float(x.sum())
        if abs(total - 1.0) > _SUM_TOLERANCE:
            raise CaseError(
                f"mole fractions sum to {total:.9g}, not 1 within {_SUM_TOLERANCE:g}",
                key="fractions",
                value=total,
            )
        x /= total
        x.setflags(write=False)
        object.__setattr__(self, "fractions", x)

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, Any],
        *,
        percent: bool | None = None,
        where: str | None = None,
    ) -> Gas:
        """Build a gas from component names (or aliases) and amounts.

        Parameters
        ----------
        mapping : mapping of str to float
            Amount of each component present; names are matched case-insensitively against
            the aliases of :mod:`linepack.gas.components` (``"CH4"``, ``"C1"``, ``"i-C4"``...).
        percent : bool, optional
            True if the amounts are mole percent, False if mole fractions. If None, a sum near
            100 (90–110) means percent and a sum near 1 (0.9–1.1) means fractions.
        where : str, optional
            Where the mapping came from (e.g. ``"[gas]"``), used in error messages.

        Returns
        -------
        Gas

        Raises
        ------
        CaseError
            For an unknown name or a name given twice (naming the key), a negative or
            non-numeric amount, or a total that is not 1 (100 %) within 1e-6 (naming the sum).
        """
        x = np.zeros(comp.N_COMPONENTS)
        seen: dict[int, str] = {}
        for key, raw in mapping.items():
            i = comp.component_index(str(key))
            if i is None:
                raise CaseError(
                    "unknown gas component",
                    element=where,
                    key=str(key),
                    expected="one of " + ", ".join(comp.NAMES),
                )
            if i in seen:
                raise CaseError(
                    f"component given twice (also as '{seen[i]}')", element=where, key=str(key)
                )
            seen[i] = str(key)
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise CaseError(
                    "amount must be a number", element=where, key=str(key), value=raw
                ) from None
            if not math.isfinite(value) or value < 0:
                raise CaseError(
                    "amount must be a non-negative number",
                    element=where,
                    key=str(key),
                    value=value,
                )
            x[i] = value
        total = float(x.sum())
        if percent is None:
            if 90.0 <= total <= 110.0:
                percent = True
            elif 0.9 <= total <= 1.1:
                percent = False
            else:
                raise CaseError(
                    f"composition sums to {total:.9g}: neither mole fractions (sum 1) "
                    "nor mole percent (sum 100)",
                    element=where,
                    value=total,
                )
        scale = 100.0 if percent else 1.0
        if abs(total / scale - 1.0) > _SUM_TOLERANCE:
            unit = "mol %" if percent else "mole fraction"
            raise CaseError(
                f"composition sums to {total:.9g} ({unit}), not {scale:g} within "
                f"{_SUM_TOLERANCE * scale:g}",
                element=where,
                value=total,
            )
        return cls(x / scale)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Gas) and bool(np.array_equal(self.fractions, other.fractions))

    def __hash__(self) -> int:
        return hash(self.fractions.tobytes())

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{name}={100 * xi:.6g}%"
            for name, xi in zip(comp.NAMES, self.fractions, strict=True)
            if xi > 0
        )
        return f"Gas({parts})"

    def as_mapping(self) -> dict[str, float]:
        """Return the components present as ``{canonical name: mole fraction}``."""
        return {n: float(xi) for n, xi in zip(comp.NAMES, self.fractions, strict=True) if xi > 0}

    # ----------------------------------------------------------------- composition-only values

    @property
    def molar_mass(self) -> float:
        """Molar mass [kg/mol] (ISO 6976 Table A.2 component masses)."""
        return float(self.fractions @ comp.MOLAR_MASS)

    @property
    def specific_gas_constant(self) -> float:
        """Specific gas constant ``R / M`` [J/(kg K)]."""
        return R / self.molar_mass

    @property
    def ideal_specific_gravity(self) -> float:
        """Ideal-gas relative density ``M / M_air`` [-] (ISO 6976 Eq. (13))."""
        return self.molar_mass / comp.M_AIR

    def pseudo_critical(self) -> tuple[float, float]:
        """Pseudo-critical pressure and temperature by Kay's rule (mole-fraction averages).

        Returns
        -------
        p_pc : float
            Pseudo-critical pressure [Pa].
        T_pc : float
            Pseudo-critical temperature [K].
        """
        return (
            float(self.fractions @ comp.CRITICAL_PRESSURE),
            float(self.fractions @ comp.CRITICAL_TEMPERATURE),
        )

    # ------------------------------------------------------------ ISO 6976 reference values

    def compression_factor(self, reference: ReferenceConditions) -> float:
        """Compression factor at the metering conditions, ISO 6976:2016 Eq. (1) [-].

        ``Z = 1 - (p / p0) (sum x_i s_i)^2`` with the summation factors ``s_i`` at the metering
        temperature and ``p0`` = 101.325 kPa.
        """
        s = float(self.fractions @ comp.SUMMATION_FACTORS[:, _metering_column(reference)])
        return 1.0 - reference.pressure / comp.P0_ISO6976 * s * s

    def _molar_volume(self, reference: ReferenceConditions) -> float:
        """Real-gas molar volume at the metering conditions [m³/mol]."""
        ideal = comp.R_ISO6976 * reference.temperature / reference.pressure
        return self.compression_factor(reference) * ideal

    def density(self, reference: ReferenceConditions) -> float:
        """Real-gas density at the metering conditions [kg/m³] (ISO 6976 Eq. (16))."""
        return self.molar_mass / self._molar_volume(reference)

    def specific_gravity(self, reference: ReferenceConditions) -> float:
        """Real-gas relative density (air = 1) at the metering conditions [-].

        ISO 6976:2016 Eqs. (17)–(18): ``d = (M / M_air) Z_air / Z`` with ``Z_air`` corrected to
        the metering pressure.
        """
        k = _metering_column(reference)
        z_air = 1.0 - reference.pressure / comp.P0_ISO6976 * (1.0 - comp.Z_AIR[k])
        return self.ideal_specific_gravity * z_air / self.compression_factor(reference)

    def gross_heating_value_molar(self, reference: ReferenceConditions) -> float:
        """Ideal-gas gross molar calorific value at the combustion temperature [J/mol]."""
        return float(self.fractions @ comp.GROSS_CALORIFIC_VALUES[:, _combustion_column(reference)])

    def net_heating_value_molar(self, reference: ReferenceConditions) -> float:
        """Ideal-gas net molar calorific value at the combustion temperature [J/mol]."""
        return float(self.fractions @ comp.NET_CALORIFIC_VALUES[:, _combustion_column(reference)])

    def gross_heating_value(self, reference: ReferenceConditions) -> float:
        """Real-gas gross volumetric calorific value [J/m³] (ISO 6976 Eq. (10)).

        Energy released by burning one cubic metre measured at the metering conditions, at the
        combustion temperature of ``reference``.
        """
        return self.gross_heating_value_molar(reference) / self._molar_volume(reference)

    def net_heating_value(self, reference: ReferenceConditions) -> float:
        """Real-gas net volumetric calorific value [J/m³] (ISO 6976 Eq. (12))."""
        return self.net_heating_value_molar(reference) / self._molar_volume(reference)

    def gross_heating_value_mass(self, reference: ReferenceConditions) -> float:
        """Gross mass-based calorific value at the combustion temperature [J/kg]."""
        return self.gross_heating_value_molar(reference) / self.molar_mass

    def net_heating_value_mass(self, reference: ReferenceConditions) -> float:
        """Net mass-based calorific value at the combustion temperature [J/kg]."""
        return self.net_heating_value_molar(reference) / self.molar_mass

    def wobbe_index(self, reference: ReferenceConditions) -> float:
        """Gross Wobbe index ``H_v / sqrt(d)`` [J/m³] (ISO 6976 Eq. (20))."""
        return self.gross_heating_value(reference) / math.sqrt(self.specific_gravity(reference))
