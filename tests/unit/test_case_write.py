"""TOML case writer: lossless round trips (equal network, same solution), the convert command.

A round trip must give back an equal network (dataclass ``==``; only ``source`` differs, and
``extras``, which ``==`` ignores, are not written). Solutions of the two are compared with
``rtol=1e-12``: the networks are the same input bit for bit (floats are written with ``repr``, and
read back through SI-to-SI unit conversions, which do no arithmetic), so the deterministic solver
gives the same numbers; the tolerance only leaves room for a different summation order in threaded
linear algebra. A case that does not solve yet must fail in the same way for both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from linepack.cli.main import app
from linepack.errors import CaseError, SolverError
from linepack.gas.composition import ReferenceConditions
from linepack.io.case_toml import load_case, read_case
from linepack.io.case_write import case_text, write_case
from linepack.io.gaslib import load_gaslib
from linepack.io.gassteadysim import load_gassteadysim
from linepack.io.load import bundled_cases, bundled_path, load
from linepack.io.morgen import load_morgen
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Resistor,
    ShortPipe,
    Supply,
    Thermal,
    Valve,
)
from linepack.steady.solve import SteadyOptions, SteadySolution, solve

DATA = Path(__file__).parents[1] / "data"
GASLIB = DATA / "gaslib"
MORGEN = DATA / "morgen"


def _gaslib(name: str, scenario: str, decisions: str | None = None) -> Callable[[], Network]:
    cdf = GASLIB / decisions if decisions else None
    return lambda: load_gaslib(GASLIB / f"{name}.net", GASLIB / scenario, cdf)


CASES: dict[str, Callable[[], Network]] = {
    "GasLib-11": _gaslib("GasLib-11", "GasLib-11.scn"),
    "GasLib-24": _gaslib("GasLib-24", "GasLib-24.scn"),
    "GasLib-40": _gaslib("GasLib-40", "GasLib-40.scn"),
    "GasLib-135": _gaslib("GasLib-135", "GasLib-135.scn"),
    "GasLib-582": _gaslib("GasLib-582", "GasLib-582.scn"),
    "GasLib-582-decisions": _gaslib("GasLib-582", "GasLib-582.scn", "GasLib-582.cdf"),
    "GasLib-134-v2": _gaslib("GasLib-134-v2", "GasLib-134_Nominations-134_2011-11-01.scn"),
    "GasLib-Integration": lambda: load(str(GASLIB / "GasLib-Integration.zip")),
    "morgen-LotH67d": lambda: load_morgen(MORGEN / "LotH67d.net", MORGEN / "LotH67d__training.ini"),
    "morgen-GasLib11": lambda: load_morgen(
        MORGEN / "GasLib11.net", MORGEN / "GasLib11__training.ini"
    ),
    "GasSteadySim-8-node": lambda: load_gassteadysim(DATA / "gassteadysim/8-node/network.json"),
    **{name: (lambda name=name: load_case(bundled_path(name))) for name in bundled_cases()},
}


def _round_trip(net: Network, tmp_path: Path) -> Network:
    """Write and read back; assert the copy equals the original (up to ``source``)."""
    path = tmp_path / "case.toml"
    back = load_case(write_case(net, path))
    assert back.source == str(path)
    assert back == dataclasses.replace(net, source=back.source)
    return back


def _solve(net: Network) -> SteadySolution | SolverError:
    try:
        return solve(net, SteadyOptions(enforce_limits=False))
    except SolverError as exc:
        return exc


def _same_solution(a: Network, b: Network) -> None:
    sa, sb = _solve(a), _solve(b)
    if isinstance(sa, SolverError):  # does not solve yet: the copy must fail the same way
        assert type(sb) is type(sa)
        assert str(sb) == str(sa)
        return
    assert isinstance(sb, SteadySolution)
    assert sb.report.converged == sa.report.converged
    np.testing.assert_allclose(sb.pressure, sa.pressure, rtol=1e-12)
    np.testing.assert_allclose(sb.flow, sa.flow, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sb.power, sa.power, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(sb.fuel, sa.fuel, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(CASES))
def test_round_trip_gives_the_same_network_and_solution(name: str, tmp_path: Path) -> None:
    net = CASES[name]()
    back = _round_trip(net, tmp_path)
    _same_solution(net, back)


# --- a network with every optional value set ---------------------------------------------------


def _everything() -> Network:
    """A small network in which every model field has a value other than its default."""
    base = load_case(bundled_path("psgp-56in-phase1"))
    settings = dataclasses.replace(
        base.settings,
        gas_temperature=290.0,
        ground_temperature=285.0,
        eos="papay",
        friction="hofer",
        friction_value=0.011,
        viscosity=1.1e-5,
        segment_length=5000.0,
        atmosphere=100_000.0,
        scf=ReferenceConditions(288.15, 101_325.0, 298.15),
        sm3=ReferenceConditions(293.15, 101_325.0, 298.15),
        pseudo_critical=(4.6e6, 190.5),
        specific_gravity=0.6,
        gas_constant=500.1,
        control="bounds",
        thermal=Thermal.ENERGY,
        heat_transfer_coefficient=2.5,
        burial_depth=1.2,
        soil_conductivity=1.3,
        soil_profile=((0.0, 305.15), (5000.0, 303.0), (3.1e4, 301.15)),
        min_gas_temperature=275.0,
    )
    bore = 0.6 - 2 * 0.0127 + 1e-12  # matches OD − 2 × wall within tolerance, not exactly
    return Network(
        name="everything",
        gas=base.gas,
        settings=settings,
        nodes=[
            Node("a", elevation=5.0, lat=24.8, lon=67.0, p_min=2e6, p_max=9e6),
            *(Node(n) for n in "bcdefg"),
        ],
        pipes=[
            Pipe(
                "P1",
                "a",
                "b",
                length=1e4,
                diameter=bore,
                roughness=1e-5,
                efficiency=0.95,
                outer_diameter=0.6,
                wall_thickness=0.0127,
                maop=9.5e6,
                friction="constant",
                friction_value=0.012,
                temperature=295.0,
                heat_transfer_coefficient=1.9,
                soil_temperature=299.0,
                burial_depth=1.5,
                soil_conductivity=0.9,
                coating_thickness=0.003,
                coating_conductivity=0.35,
                insulation_thickness=0.05,
                insulation_conductivity=0.04,
            ),
            Pipe("P2", "c", "d", length=2e4, diameter=0.5, outer_diameter=0.52),
            Pipe("P3", "d", "e", length=1e3, diameter=0.5),
        ],
        compressors=[
            Compressor(
                "C1",
                "b",
                "c",
                mode=CompressorMode.RATIO,
                setpoint=1.25,
                max_ratio=1.6,
                max_outlet_pressure=9e6,
                min_suction_pressure=2e6,
                max_power=2e7,
                efficiency=0.8,
                head="isentropic",
                driver_efficiency=None,
                heat_rate=2.5,
                allow_reverse=True,
                min_flow=-10.0,
                max_flow=500.0,
                inlet_drag_factor=18.0,
                inlet_diameter=0.9,
                outlet_drag_factor=16.0,
                outlet_diameter=1.0,
                inlet_pressure_loss=5e4,
                outlet_pressure_loss=2e5,
                fuel_node="b",
                internal_bypass=True,
                gas_cooler=False,
                max_discharge_temperature=333.15,
                cooler_outlet_temperature=318.15,
                cooler_max_duty=5e6,
                cooler_pressure_drop=5e4,
            ),
            Compressor("C2", "d", "e", mode=CompressorMode.OFF, setpoint=7.1e6),
        ],
        regulators=[
            Regulator(
                "R1",
                "e",
                "f",
                setpoint=4e6,
                min_pressure_drop=0.0,
                max_pressure_drop=1e6,
                min_inlet_pressure=2e6,
                max_outlet_pressure=5e6,
                inlet_pressure_loss=5e4,
                outlet_pressure_loss=6e4,
                inlet_drag_factor=1.5,
                inlet_diameter=0.5,
                outlet_drag_factor=2.5,
                outlet_diameter=0.6,
                min_flow=0.0,
                max_flow=100.0,
                internal_bypass=False,
                gas_preheater=True,
                heater_outlet_temperature=278.15,
                heater_max_duty=2e6,
            )
        ],
        valves=[Valve("V1", "a", "c", open=False)],
        short_pipes=[ShortPipe("S1", "f", "g")],
        resistors=[
            Resistor("X1", "b", "d", pressure_loss=1e4),
            Resistor("X2", "a", "d", drag_factor=2.0, diameter=0.4),
        ],
        supplies=[
            Supply("in", "a", pressure=7e6, flow_max=400.0, temperature=288.15),
            Supply("in2", "b", flow=10.0),
        ],
        demands=[Demand("out", "g", flow=50.0), Demand("held", "e", pressure=5e6)],
        route=["a", "b", "c"],
        delivery="g",
        source="built in a test",
        description='every field set; "quotes", \\ and ünïcode',
        extras={"note": "not written"},
    )


def _objects(net: Network) -> list[Any]:
    return [net, net.settings, *net.links(), *net.nodes, *net.supplies, *net.demands]


def test_the_full_network_sets_every_field() -> None:
    """Every field has a non-default value somewhere, so a new model field must be added here."""
    net = _everything()
    for cls in {type(x) for x in _objects(net)}:
        for f in dataclasses.fields(cls):
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                continue
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            values = [getattr(x, f.name) for x in _objects(net) if type(x) is cls]
            assert any(v != default for v in values), f"{cls.__name__}.{f.name} only has defaults"


def test_every_field_round_trips(tmp_path: Path) -> None:
    net = _everything()
    back = _round_trip(net, tmp_path)
    assert back.extras == {}
    text = case_text(net)
    assert 'driver_efficiency = "none"' in text
    assert "setpoint = 7100000.0" in text  # an idle station's set-point: a bare SI number
    assert 'gas_constant = "500.1 J/(kg*K)"' in text
    assert 'pseudo_critical_pressure = "4600000.0 Pa"' in text


def test_full_precision_and_units(tmp_path: Path) -> None:
    net = load_case(bundled_path("psgp-56in-phase1"))
    net.pipes[0].length = 123456.78901234567
    net.nodes[0].elevation = -1.0000000000000002e-3
    net.settings.viscosity = 1.1e-5
    text = case_text(net)
    assert 'length = "123456.78901234567 m"' in text
    assert 'viscosity = "1.1e-05 Pa*s"' in text
    back = read_case(text)
    assert back.pipes[0].length == 123456.78901234567
    assert back.nodes[0].elevation == -1.0000000000000002e-3


def test_importer_data_is_named_in_the_header() -> None:
    net = load_morgen(MORGEN / "pipeline.net", MORGEN / "pipeline__training.ini")
    text = case_text(net)
    head = text.split("\n\n")[0]
    assert "Network.extras: morgen" in head
    assert 'gas_constant = "530.0 J/(kg*K)"' in text


def test_non_finite_values_are_refused() -> None:
    net = load_case(bundled_path("psgp-56in-phase1"))
    net.pipes[0].length = float("nan")
    with pytest.raises(CaseError, match="not a finite number") as err:
        case_text(net)
    assert err.value.key == "length"


def test_outer_diameter_with_wall_is_written_as_given(tmp_path: Path) -> None:
    net = load_case(bundled_path("psgp-42in"))
    assert any(p.outer_diameter is not None for p in net.pipes)
    text = case_text(net)
    assert "outer_diameter" in text
    assert "inner_diameter" not in text  # the bore follows from OD and wall, as in the source
    _round_trip(net, tmp_path)


def test_convert_command(tmp_path: Path) -> None:
    out = tmp_path / "g11.toml"
    runner = CliRunner()
    net, scn = GASLIB / "GasLib-11.net", GASLIB / "GasLib-11.scn"
    result = runner.invoke(app, ["convert", str(net), "--scenario", str(scn), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert "not written" in result.output  # the importer's extras
    back = load_case(out)
    assert back == dataclasses.replace(load_gaslib(net, scn), source=str(out))
    zipped = runner.invoke(
        app, ["convert", str(GASLIB / "GasLib-Integration.zip"), "--out", str(tmp_path / "z.toml")]
    )
    assert zipped.exit_code == 0, zipped.output
    assert len(load_case(tmp_path / "z.toml").supplies) == 4


def test_run_command_with_scenario(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(GASLIB / "GasLib-11.net"),
            "--scenario",
            str(GASLIB / "GasLib-11.scn"),
            "--out",
            str(tmp_path / "out"),
            "--no-plot",
            "--allow-violations",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "summary.json").exists()
