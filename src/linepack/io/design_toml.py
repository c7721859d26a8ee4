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
from pathlib import Path
from typing import Any

from linepack.errors import CaseError
from linepack.network.design import DesignBasis, StationSpec, grade_smys
from linepack.network.model import Network
from linepack.units import MMSCFD_PER_SCF_M3_S, StandardFlow, parse, parse_flow

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
