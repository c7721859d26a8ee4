"""The ``[design]`` table of a case file: the design basis of the capacity and design studies.

Every key is optional; a missing key takes a default that is either read from the network (the
pipes' MAOP, the delivery node's minimum pressure, the supply set-point) or an engineering
assumption (flagged ``[A]`` in :attr:`DesignBasis.origin`). Units are parsed here, at the edge;
:class:`DesignBasis` holds SI values (Pa absolute, m, W, kg/s, m/s).

Example
-------
.. code-block:: toml

    [design]
    steel_grade = "X70"
    design_factor = 0.72
    maop = "99.3 barg"
    max_velocity = "20 m/s"
    station_max_power = "50 MW"
    station_unit_size = "25 MW"
    station_spare_units = 1
    targets = ["1200 MMSCFD", "2000 MMSCFD"]

See ``docs/studies.md`` (section "Design") for every key.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from linepack.errors import CaseError
from linepack.network.model import Network
from linepack.units import MMSCFD_PER_SCF_M3_S, StandardFlow, parse, parse_flow

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


# key -> (kind, check) ; kinds: pressure, length, power, velocity, fraction, number, count,
# text, flows
_KEYS: dict[str, tuple[str, str]] = {
    "steel_grade": ("text", ""),
    "design_factor": ("number", "fraction"),
    "joint_factor": ("number", "fraction"),
    "temperature_derating": ("number", "fraction"),
    "corrosion_allowance": ("length", "non-negative"),
    "wall_increment": ("length", "non-negative"),
    "maop": ("pressure", "positive"),
    "max_velocity": ("velocity", "positive"),
    "min_delivery_pressure": ("pressure", "positive"),
    "inlet_pressure": ("pressure", "positive"),
    "station_outlet_pressure": ("pressure", "positive"),
    "station_max_outlet_pressure": ("pressure", "positive"),
    "station_max_ratio": ("number", "ratio"),
    "station_max_power": ("power", "positive"),
    "station_unit_size": ("power", "positive"),
    "station_spare_units": ("count", "non-negative"),
    "station_efficiency": ("number", "fraction"),
    "station_driver_efficiency": ("number", "fraction"),
    "station_min_suction_pressure": ("pressure", "positive"),
    "min_station_spacing": ("length", "non-negative"),
    "targets": ("flows", "positive"),
    "max_stations": ("count", "positive"),
}
_EXPECTED = {
    "text": "an API 5L grade such as 'X70'",
    "number": "a number",
    "count": "a whole number",
    "pressure": "a pressure such as '85 barg'",
    "length": "a length such as '10 km'",
    "power": "a power such as '25 MW'",
    "velocity": "a velocity such as '20 m/s'",
    "flows": "a list of flows such as ['1200 MMSCFD', '2000 MMSCFD']",
}
_CHECK_TEXT = {
    "fraction": "a number in (0, 1]",
    "ratio": "a number > 1",
    "positive": "a value > 0",
    "non-negative": "a value >= 0",
}


def _source_file(network: Network) -> Path | None:
    src = network.source
    if src and src.endswith(".toml"):
        path = Path(src)
        if path.is_file():
            return path
    return None


def _table(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CaseError("cannot read the case file", file=str(path), value=str(exc)) from None
    table = doc.get("design", {})
    if not isinstance(table, dict):
        raise CaseError(
            "not a table", file=str(path), element="[design]", value=table, expected="a table"
        )
    return table


def _convert(key: str, value: Any, atm: float, densities: dict[str, float]) -> Any:
    kind, check = _KEYS[key]
    where = {"element": "[design]", "key": key}
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise CaseError("wrong type", value=value, expected=_EXPECTED[kind], **where)
        return value.strip().upper()
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int):
            raise CaseError("wrong type", value=value, expected=_EXPECTED[kind], **where)
        out: Any = int(value)
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CaseError("wrong type", value=value, expected=_EXPECTED[kind], **where)
        out = float(value)
    elif kind == "flows":
        if not isinstance(value, list) or not value:
            raise CaseError("wrong type", value=value, expected=_EXPECTED[kind], **where)
        flows = []
        for v in value:
            f = parse_flow(v, **where)
            flows.append(f.rate * densities[f.basis] if isinstance(f, StandardFlow) else f)
        out = tuple(flows)
    else:
        atmosphere = atm if kind == "pressure" else 0.0
        out = parse(value, kind, atmosphere=atmosphere, **where)
    vals = out if isinstance(out, tuple) else (out,)
    ok = {
        "fraction": all(0.0 < v <= 1.0 for v in vals),
        "ratio": all(v > 1.0 for v in vals),
        "positive": all(v > 0.0 for v in vals),
        "non-negative": all(v >= 0.0 for v in vals),
    }[check]
    if not ok or not all(math.isfinite(v) for v in vals):
        raise CaseError("out of range", value=value, expected=_CHECK_TEXT[check], **where)
    return out


def _network_defaults(network: Network) -> dict[str, tuple[Any, str]]:
    """Defaults read from the network, with where they came from."""
    out: dict[str, tuple[Any, str]] = {}
    maops = [p.maop for p in network.pipes if p.maop is not None]
    if maops:
        out["maop"] = (min(maops), "case: lowest pipe maop")
    else:
        highs = [n.p_max for n in network.nodes if n.p_max is not None]
        if highs:
            out["maop"] = (min(highs), "case: lowest node p_max")
    if network.delivery:
        try:
            pmin = network.node(network.delivery).p_min
        except KeyError:
            pmin = None
        if pmin is not None:
            out["min_delivery_pressure"] = (pmin, f"case: p_min of node '{network.delivery}'")
    set_supplies = [s for s in network.supplies if s.pressure is not None]
    if len(set_supplies) == 1 and set_supplies[0].pressure is not None:
        s = set_supplies[0]
        out["inlet_pressure"] = (s.pressure, f"case: pressure of supply '{s.name}'")
    return out


def _defaults(
    network: Network, atm: float, densities: dict[str, float]
) -> dict[str, tuple[Any, str]]:
    """Every key's default value (SI) and its origin."""
    out: dict[str, tuple[Any, str]] = {
        "steel_grade": ("X70", "[A] API 5L X70, the usual grade for large-diameter lines"),
        "design_factor": (0.72, "[A] ASME B31.8 location class 1 (division 2)"),
        "joint_factor": (1.0, "[A] ASME B31.8 E for API 5L SAW/ERW pipe"),
        "temperature_derating": (1.0, "[A] ASME B31.8 T below 121 degC"),
        "corrosion_allowance": (0.0, "[A] internally coated, dry gas"),
        "wall_increment": (1e-4, "[A] walls rounded up to 0.1 mm (mill order)"),
        "max_velocity": (20.0, "[A] erosional/noise velocity limit for dry gas"),
        "station_max_ratio": (1.8, "[A] two centrifugal stages in series"),
        "station_max_power": (50e6, "[A] 2 running units of 25 MW"),
        "station_unit_size": (25e6, "[A] industrial gas-turbine unit"),
        "station_spare_units": (1, "[A] n + 1 spare unit per station"),
        "station_efficiency": (0.82, "[A] polytropic efficiency, centrifugal compressor"),
        "station_driver_efficiency": (0.35, "[A] simple-cycle industrial gas turbine"),
        "station_min_suction_pressure": (40e5 + atm, "[A] surge / low-suction protection"),
        "min_station_spacing": (10e3, "[A] stations at least 10 km apart"),
        "targets": (
            tuple(v / MMSCFD_PER_SCF_M3_S * densities["scf"] for v in (1200.0, 2000.0)),
            "[A] 1,200 MMSCFD (12.4 bcm/yr [S]) and 2,000 MMSCFD (HoT 2021 [S])",
        ),
        "max_stations": (8, "[A] most stations a design search tries"),
    }
    out.update(_network_defaults(network))
    return out


def read_design(network_or_path: Network | str | Path) -> DesignBasis:
    """Read the ``[design]`` table of a case (defaults where it or a key is absent).

    Parameters
    ----------
    network_or_path : Network or str or Path
        A network (its ``source`` is read when it is a ``.toml`` file) or a case file path.

    Returns
    -------
    DesignBasis
        SI values; ``origin`` says where each came from.

    Raises
    ------
    CaseError
        Unknown keys, bad units or values (naming file, ``[design]``, key, value and what was
        expected), or a value the network cannot supply (no MAOP, no minimum delivery
        pressure, no single pressure-set supply).
    """
    if isinstance(network_or_path, Network):
        network = network_or_path
    else:
        from linepack.io.load import load

        network = load(str(network_or_path))
    path = _source_file(network)
    file = str(path) if path else network.source
    try:
        return _read(network, _table(path))
    except CaseError as err:
        raise (err.located(file) if file else err) from None


def design_from_table(network: Network, table: dict[str, Any]) -> DesignBasis:
    """Build the design basis from an already parsed ``[design]`` table (TOML values)."""
    return _read(network, table)


def _read(network: Network, table: dict[str, Any]) -> DesignBasis:
    atm = network.settings.atmosphere
    st = network.settings
    gas = network.gas
    densities = {"scf": float(gas.density(st.scf)), "sm3": float(gas.density(st.sm3))}
    from linepack.gas.composition import NM3

    densities["nm3"] = float(gas.density(NM3))
    for key in table:
        if key not in _KEYS:
            import difflib

            close = difflib.get_close_matches(key, _KEYS, n=1)
            raise CaseError(
                "unknown key" + (f" (did you mean '{close[0]}'?)" if close else ""),
                element="[design]",
                key=key,
                value=table[key],
                expected="one of: " + ", ".join(_KEYS),
            )
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key, (value, where) in _defaults(network, atm, densities).items():
        values[key], origin[key] = value, where
    for key, raw in table.items():
        values[key] = _convert(key, raw, atm, densities)
        origin[key] = "[design]"
    for key in ("maop", "min_delivery_pressure", "inlet_pressure"):
        if key not in values:
            raise CaseError(
                "no default in the network",
                element="[design]",
                key=key,
                expected={
                    "maop": "a [design] maop, or pipes with maop",
                    "min_delivery_pressure": "a [design] value, or p_min at the delivery node",
                    "inlet_pressure": "a [design] value, or exactly one pressure-set supply",
                }[key],
            )
    maop = values["maop"]
    out_default = min(95e5 + atm, maop)
    if "station_outlet_pressure" not in values:
        values["station_outlet_pressure"] = out_default
        origin["station_outlet_pressure"] = "[A] 95 barg (normal maximum operating pressure)"
    if "station_max_outlet_pressure" not in values:
        values["station_max_outlet_pressure"] = maop
        origin["station_max_outlet_pressure"] = "the MAOP"
    smys = grade_smys(values["steel_grade"])
    for key in ("inlet_pressure", "station_outlet_pressure", "station_max_outlet_pressure"):
        if values[key] > maop * (1 + 1e-12):
            raise CaseError(
                "above the MAOP",
                element="[design]",
                key=key,
                value=f"{(values[key] - atm) / 1e5:.2f} barg",
                expected=f"at most the MAOP {(maop - atm) / 1e5:.2f} barg",
            )
    station = StationSpec(
        outlet_pressure=values["station_outlet_pressure"],
        max_outlet_pressure=values["station_max_outlet_pressure"],
        max_ratio=values["station_max_ratio"],
        max_power=values["station_max_power"],
        unit_size=values["station_unit_size"],
        spare_units=values["station_spare_units"],
        efficiency=values["station_efficiency"],
        driver_efficiency=values["station_driver_efficiency"],
        min_suction_pressure=values["station_min_suction_pressure"],
    )
    return DesignBasis(
        steel_grade=values["steel_grade"],
        smys=smys,
        design_factor=values["design_factor"],
        joint_factor=values["joint_factor"],
        temperature_derating=values["temperature_derating"],
        corrosion_allowance=values["corrosion_allowance"],
        wall_increment=values["wall_increment"],
        maop=maop,
        atmosphere=atm,
        max_velocity=values["max_velocity"],
        min_delivery_pressure=values["min_delivery_pressure"],
        inlet_pressure=values["inlet_pressure"],
        station=station,
        min_station_spacing=values["min_station_spacing"],
        targets=tuple(values["targets"]),
        max_stations=values["max_stations"],
        density_scf=densities["scf"],
        density_sm3=densities["sm3"],
        origin=origin,
    )
