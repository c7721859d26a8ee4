"""GasLib compressor-station data (``.cs`` files, CompressorStations.xsd) as plain data.

linepack does not model compressor units, characteristic maps or drives yet: a GasLib
compressor station is solved as one :class:`~linepack.network.model.Compressor`. The ``.cs``
data are nevertheless kept, unchanged and with their units as written, in
``Network.extras["compressor_stations"]`` (station id → :class:`CompressorStationData`), so
that a later model can use them and nothing read is dropped.

Structure of a ``.cs`` file::

    compressorStations
      compressorStation id
        compressors:    turboCompressor | pistonCompressor (id, drive)
                        scalar parameters (speedMin, n_isoline_coeff_1, ...) and measurement
                        series (characteristicDiagramMeasurements/adiabaticEfficiency/measurement,
                        surgelineMeasurements/measurement)
        drives:         gasTurbine | gasDrivenMotor | electricMotor | ... (id), scalar
                        parameters and measurement series (maximalPowerMeasurements, ...)
        configurations: configuration (confId, nrOfSerialStages)
                          stage (stageNr, nrOfParallelUnits)
                            compressor (id, nominalSpeed)
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from linepack.io.gaslib_xml import Where, XmlFile, children, local, parse_xml

__all__ = [
    "COMPRESSOR_KINDS",
    "CompressorStationData",
    "Configuration",
    "Drive",
    "Machine",
    "Measurement",
    "MeasurementSeries",
    "PistonCompressor",
    "Quantity",
    "Stage",
    "TurboCompressor",
    "read_compressor_stations",
]

#: Compressor unit kinds of CompressorStations.xsd.
COMPRESSOR_KINDS = ("turboCompressor", "pistonCompressor")


@dataclass(frozen=True)
class Quantity:
    """A value with its unit exactly as the file states it (``""`` for none).

    Attributes
    ----------
    value : float
        The number as written.
    unit : str
        GasLib unit name, e.g. ``"per_min"``, ``"kJ_per_kg"``, ``"m_cube_per_s"``, ``"kW"``.
    """

    value: float
    unit: str = ""


@dataclass(frozen=True)
class Measurement:
    """One measured point, e.g. speed, adiabatic head and volumetric flow of a map point.

    Attributes
    ----------
    values : tuple of (str, Quantity)
        Quantity name (the XML tag, e.g. ``"adiabaticHead"``) and value, in file order.
    """

    values: tuple[tuple[str, Quantity], ...]

    def get(self, name: str) -> Quantity | None:
        """The quantity called ``name``, or None."""
        return next((q for n, q in self.values if n == name), None)


@dataclass(frozen=True)
class MeasurementSeries:
    """A series of measurements, e.g. one efficiency isoline of a turbo compressor's map.

    Attributes
    ----------
    name : str
        The XML tag of the series: ``"adiabaticEfficiency"`` (an isoline of the characteristic
        diagram), ``"surgelineMeasurements"``, ``"maximalPowerMeasurements"``...
    group : str
        The enclosing element, e.g. ``"characteristicDiagramMeasurements"`` (equal to ``name``
        when the measurements sit directly in it).
    label : Quantity, optional
        The series' own value, e.g. the adiabatic efficiency of an isoline.
    points : tuple of Measurement
        The measurements in file order.
    """

    name: str
    group: str
    label: Quantity | None
    points: tuple[Measurement, ...]


@dataclass(frozen=True)
class Machine:
    """A compressor unit or a drive of a station.

    Attributes
    ----------
    kind : str
        The XML tag: ``"turboCompressor"``, ``"pistonCompressor"``, ``"gasTurbine"``,
        ``"gasDrivenMotor"``, ``"electricMotor"``...
    id : str
        Its id within the station file.
    drive : str, optional
        The drive's id (compressor units only).
    parameters : tuple of (str, Quantity)
        Scalar data in file order (``speedMin``, ``n_isoline_coeff_1``, ``energy_rate_fun_coeff_1``,
        ``operatingVolume``...).
    series : tuple of MeasurementSeries
        Measured curves and maps.
    """

    kind: str
    id: str
    drive: str | None
    parameters: tuple[tuple[str, Quantity], ...]
    series: tuple[MeasurementSeries, ...]

    def parameter(self, name: str) -> Quantity | None:
        """The scalar parameter called ``name``, or None."""
        return next((q for n, q in self.parameters if n == name), None)


@dataclass(frozen=True)
class TurboCompressor(Machine):
    """A turbo (centrifugal) compressor unit with its characteristic diagram and surge line."""

    @property
    def characteristic_diagram(self) -> tuple[MeasurementSeries, ...]:
        """Isolines of adiabatic efficiency (speed, adiabatic head, volumetric flow points)."""
        return tuple(s for s in self.series if s.name == "adiabaticEfficiency")

    @property
    def surgeline(self) -> MeasurementSeries | None:
        """Measured surge-line points, if given."""
        return next((s for s in self.series if s.name == "surgelineMeasurements"), None)


@dataclass(frozen=True)
class PistonCompressor(Machine):
    """A piston (reciprocating) compressor unit."""


@dataclass(frozen=True)
class Drive(Machine):
    """A compressor drive (gas turbine, gas-driven or electric motor...)."""


@dataclass(frozen=True)
class Stage:
    """A stage of a configuration: units working in parallel.

    Attributes
    ----------
    number : int
        ``stageNr``.
    parallel_units : int
        ``nrOfParallelUnits``.
    compressors : tuple of (str, float)
        Unit id and its ``nominalSpeed`` [per_min].
    """

    number: int
    parallel_units: int
    compressors: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Configuration:
    """A way to run the station's units: stages in series.

    Attributes
    ----------
    id : str
        ``confId``.
    serial_stages : int
        ``nrOfSerialStages``.
    stages : tuple of Stage
    """

    id: str
    serial_stages: int
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class CompressorStationData:
    """The ``.cs`` data of one compressor station.

    Attributes
    ----------
    id : str
        The station id (the ``compressorStation`` of the ``.net`` file).
    compressors : tuple of TurboCompressor or PistonCompressor
    drives : tuple of Drive
    configurations : tuple of Configuration
    """

    id: str
    compressors: tuple[TurboCompressor | PistonCompressor, ...]
    drives: tuple[Drive, ...]
    configurations: tuple[Configuration, ...]


def _number(text: str | None, key: str, where: Where) -> float:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise where.error("not a number", key=key, value=text, expected="a number") from None


def _integer(text: str | None, key: str, where: Where) -> int:
    value = _number(text, key, where)
    if not value.is_integer():
        raise where.error("not an integer", key=key, value=text, expected="an integer")
    return int(value)


def _required(element: Element, name: str, where: Where) -> str:
    value = element.get(name)
    if not value:
        raise where.error("missing attribute", key=name, expected=f"a '{name}' attribute")
    return value


def _quantity(element: Element, where: Where) -> Quantity:
    key = local(element.tag)
    return Quantity(_number(element.get("value"), key, where), element.get("unit", ""))


def _measurement(element: Element, where: Where) -> Measurement:
    return Measurement(tuple((local(c.tag), _quantity(c, where)) for c in children(element)))


def _series(container: Element, where: Where) -> list[MeasurementSeries]:
    """Measurement series in a container: its own measurements and labelled sub-groups."""
    group = local(container.tag)
    direct = [_measurement(m, where) for m in children(container, "measurement")]
    out = [MeasurementSeries(group, group, None, tuple(direct))] if direct else []
    for sub in children(container):
        if local(sub.tag) == "measurement":
            continue
        label = _quantity(sub, where) if sub.get("value") is not None else None
        points = tuple(_measurement(m, where) for m in children(sub, "measurement"))
        out.append(MeasurementSeries(local(sub.tag), group, label, points))
    return out


def _machine(element: Element, cls: type[Machine], where: Where) -> Machine:
    ident = _required(element, "id", where)
    w = where.at(f"{local(element.tag)} '{ident}'")
    parameters: list[tuple[str, Quantity]] = []
    series: list[MeasurementSeries] = []
    for child in children(element):
        if any(True for _ in children(child)):
            series += _series(child, w)
        else:
            parameters.append((local(child.tag), _quantity(child, w)))
    return cls(
        kind=local(element.tag),
        id=ident,
        drive=element.get("drive"),
        parameters=tuple(parameters),
        series=tuple(series),
    )


def _configuration(element: Element, where: Where) -> Configuration:
    ident = _required(element, "confId", where)
    w = where.at(f"configuration '{ident}'")
    stages = []
    for stage in children(element, "stage"):
        units = tuple(
            (_required(c, "id", w), _number(c.get("nominalSpeed"), "nominalSpeed", w))
            for c in children(stage, "compressor")
        )
        stages.append(
            Stage(
                _integer(stage.get("stageNr"), "stageNr", w),
                _integer(stage.get("nrOfParallelUnits"), "nrOfParallelUnits", w),
                units,
            )
        )
    serial = _integer(element.get("nrOfSerialStages"), "nrOfSerialStages", w)
    return Configuration(ident, serial, tuple(stages))


def _station(element: Element, where: Where) -> CompressorStationData:
    ident = _required(element, "id", where)
    w = where.at(f"compressorStation '{ident}'")
    units: list[TurboCompressor | PistonCompressor] = []
    for unit in (u for c in children(element, "compressors") for u in children(c)):
        kind = local(unit.tag)
        if kind not in COMPRESSOR_KINDS:
            raise w.error(
                "unknown compressor kind",
                key=kind,
                value=unit.get("id"),
                expected=" or ".join(COMPRESSOR_KINDS),
            )
        cls = TurboCompressor if kind == "turboCompressor" else PistonCompressor
        units.append(_machine(unit, cls, w))  # type: ignore[arg-type]
    drives = [_machine(d, Drive, w) for c in children(element, "drives") for d in children(c)]
    configurations = [
        _configuration(c, w)
        for group in children(element, "configurations")
        for c in children(group, "configuration")
    ]
    return CompressorStationData(
        ident,
        tuple(units),
        tuple(d for d in drives if isinstance(d, Drive)),
        tuple(configurations),
    )


def read_compressor_stations(file: XmlFile) -> dict[str, CompressorStationData]:
    """Read a GasLib ``.cs`` file.

    Parameters
    ----------
    file : XmlFile
        The document.

    Returns
    -------
    dict
        Station id → :class:`CompressorStationData`, in file order.

    Raises
    ------
    CaseError
        Malformed or unsafe XML, a missing id, a non-numeric value, a compressor unit of an
        unknown kind, or a station given twice; naming the file and the element.
    """
    root = parse_xml(file, "compressorStations")
    where = Where(file.name)
    out: dict[str, CompressorStationData] = {}
    for element in children(root, "compressorStation"):
        station = _station(element, where)
        if station.id in out:
            raise where.error(
                "compressor station given twice", key="id", value=station.id, expected="unique ids"
            )
        out[station.id] = station
    return out
