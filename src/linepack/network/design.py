"""The design basis of the studies: limits, pipe-design factors and the station spec (SI).

A :class:`DesignBasis` is what a case's ``[design]`` table says, with defaults from the network
where it is silent; :func:`linepack.io.design_toml.read_design` reads it, and the studies
(capacity, design, calibration, headline answers) take it as an argument. :data:`SMYS` and
:func:`grade_smys` are the API 5L / ISO 3183 steel grades.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from linepack.errors import CaseError
from linepack.units import MMSCFD_PER_SCF_M3_S

__all__ = ["ISO_NAMES", "SMYS", "DesignBasis", "StationSpec", "grade_smys"]

#: Specified minimum yield strength [Pa] of API 5L / ISO 3183 line-pipe grades (PSL2 values,
#: identical to PSL1 where both exist): the L-number of ISO 3183 is the SMYS in MPa.
SMYS: dict[str, float] = {
    "B": 245e6,
    "X42": 290e6,
    "X46": 320e6,
    "X52": 360e6,
    "X56": 390e6,
    "X60": 415e6,
    "X65": 450e6,
    "X70": 485e6,
    "X80": 555e6,
}
#: ISO 3183 names of the same grades.
ISO_NAMES = {
    "L245": "B",
    "L290": "X42",
    "L320": "X46",
    "L360": "X52",
    "L390": "X56",
    "L415": "X60",
    "L450": "X65",
    "L485": "X70",
    "L555": "X80",
}


def grade_smys(grade: str) -> float:
    """SMYS [Pa] of an API 5L grade (``"X70"``) or its ISO 3183 name (``"L485"``).

    Raises
    ------
    CaseError
        For an unknown grade (key ``steel_grade``).
    """
    key = grade.strip().upper()
    key = ISO_NAMES.get(key, key)
    if key not in SMYS:
        raise CaseError(
            "unknown steel grade",
            element="[design]",
            key="steel_grade",
            value=grade,
            expected="an API 5L grade: " + ", ".join(SMYS) + " (or L245 ... L555)",
        )
    return SMYS[key]


@dataclass(frozen=True)
class StationSpec:
    """What a compressor station inserted by a study looks like (SI).

    Attributes
    ----------
    outlet_pressure : float
        Discharge set-point [Pa abs] (outlet-pressure mode).
    max_outlet_pressure : float
        Largest discharge [Pa abs] (the MAOP).
    max_ratio : float
        Largest pressure ratio [-].
    max_power : float
        Largest shaft power of one station [W] (its running units).
    unit_size : float
        Shaft power of one compressor unit [W], for the installed power.
    spare_units : int
        Spare units per station (n + spare).
    efficiency : float
        Polytropic efficiency [-].
    driver_efficiency : float
        Gas-turbine fuel-to-shaft efficiency [-].
    min_suction_pressure : float
        Lowest suction [Pa abs].
    """

    outlet_pressure: float
    max_outlet_pressure: float
    max_ratio: float
    max_power: float
    unit_size: float
    spare_units: int
    efficiency: float
    driver_efficiency: float
    min_suction_pressure: float


@dataclass(frozen=True)
class DesignBasis:
    """The design basis of the studies (SI).

    Attributes
    ----------
    steel_grade : str
        API 5L grade name.
    smys : float
        Specified minimum yield strength [Pa].
    design_factor, joint_factor, temperature_derating : float
        ASME B31.8 F, E and T [-].
    corrosion_allowance : float
        Added to the pressure-design wall [m].
    wall_increment : float
        Walls are rounded up to a multiple of this [m] (0: not rounded).
    maop : float
        Maximum allowable operating pressure [Pa abs].
    atmosphere : float
        Atmospheric pressure [Pa] (for gauge values).
    max_velocity : float
        Erosional / noise velocity limit [m/s].
    min_delivery_pressure : float
        Minimum pressure at the delivery node [Pa abs].
    inlet_pressure : float
        Supply (inlet) pressure [Pa abs].
    station : StationSpec
        Compressor stations inserted by the studies.
    min_station_spacing : float
        Closest two stations may be [m].
    targets : tuple of float
        Design throughputs [kg/s] (delivered).
    max_stations : int
        Most stations a design search tries.
    density_scf, density_sm3 : float
        Gas density at the scf and Sm3 reference conditions [kg/m³] (for MMSCFD, bcm).
    origin : dict
        Per key: ``"[design]"`` (read from the case), ``"case: ..."`` (taken from the network)
        or ``"[A] ..."`` (a default assumption).
    """

    steel_grade: str
    smys: float
    design_factor: float
    joint_factor: float
    temperature_derating: float
    corrosion_allowance: float
    wall_increment: float
    maop: float
    atmosphere: float
    max_velocity: float
    min_delivery_pressure: float
    inlet_pressure: float
    station: StationSpec
    min_station_spacing: float
    targets: tuple[float, ...]
    max_stations: int
    density_scf: float
    density_sm3: float
    origin: dict[str, str] = field(default_factory=dict, compare=False)

    def barg(self, p: float) -> float:
        """Gauge pressure [bar g] of an absolute pressure [Pa]."""
        return (p - self.atmosphere) / 1e5

    def mmscfd(self, q: float) -> float:
        """Mass flow [kg/s] as MMSCFD."""
        return q / self.density_scf * MMSCFD_PER_SCF_M3_S

    def kg_s(self, mmscfd: float) -> float:
        """MMSCFD as mass flow [kg/s]."""
        return mmscfd / MMSCFD_PER_SCF_M3_S * self.density_scf

    def with_values(self, **changes: Any) -> DesignBasis:
        """A copy with some fields changed (``station_<name>`` changes the station spec)."""
        st = {k[8:]: v for k, v in changes.items() if k.startswith("station_")}
        rest = {k: v for k, v in changes.items() if not k.startswith("station_")}
        origin = dict(self.origin)
        for k in changes:
            origin[k] = "argument"
        return replace(self, station=replace(self.station, **st), origin=origin, **rest)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with units in the key names, and where each value came from."""
        s = self.station
        return {
            "steel_grade": self.steel_grade,
            "smys_mpa": self.smys / 1e6,
            "design_factor": self.design_factor,
            "joint_factor": self.joint_factor,
            "temperature_derating": self.temperature_derating,
            "corrosion_allowance_mm": self.corrosion_allowance * 1e3,
            "wall_increment_mm": self.wall_increment * 1e3,
            "maop_barg": self.barg(self.maop),
            "max_velocity_m_s": self.max_velocity,
            "min_delivery_pressure_barg": self.barg(self.min_delivery_pressure),
            "inlet_pressure_barg": self.barg(self.inlet_pressure),
            "station_outlet_pressure_barg": self.barg(s.outlet_pressure),
            "station_max_outlet_pressure_barg": self.barg(s.max_outlet_pressure),
            "station_max_ratio": s.max_ratio,
            "station_max_power_mw": s.max_power / 1e6,
            "station_unit_size_mw": s.unit_size / 1e6,
            "station_spare_units": s.spare_units,
            "station_efficiency": s.efficiency,
            "station_driver_efficiency": s.driver_efficiency,
            "station_min_suction_pressure_barg": self.barg(s.min_suction_pressure),
            "min_station_spacing_km": self.min_station_spacing / 1e3,
            "targets_mmscfd": [self.mmscfd(q) for q in self.targets],
            "max_stations": self.max_stations,
            "atmosphere_bar": self.atmosphere / 1e5,
            "origin": dict(self.origin),
        }
