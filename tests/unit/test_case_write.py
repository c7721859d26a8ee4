"""TOML case writer: exact round trips, same solutions, lossy writing, the convert command."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linepack.cli.main import app
from linepack.errors import CaseError
from linepack.io.case_toml import load_case, read_case
from linepack.io.case_write import case_text, unwritable, writable_copy, write_case
from linepack.io.gaslib import load_gaslib
from linepack.io.load import bundled_cases, bundled_path
from linepack.io.morgen import load_morgen
from linepack.network.model import Network
from linepack.steady.solve import SteadyOptions, solve

DATA = Path(__file__).parents[1] / "data"
GASLIB = DATA / "gaslib"
MORGEN = DATA / "morgen"


def _round_trip(net: Network, tmp_path: Path, lossy: bool = False) -> tuple[Network, Network]:
    """(expected, read back): the file's source differs, everything else must not."""
    back = load_case(write_case(net, tmp_path / "case.toml", lossy=lossy))
    expected = writable_copy(net) if lossy else net
    return dataclasses.replace(expected, source=back.source), back


def _same_solution(a: Network, b: Network) -> None:
    opts = SteadyOptions(enforce_limits=False)
    sa, sb = solve(a, opts), solve(b, opts)
    assert sa.report.converged
    assert sb.report.converged
    np.testing.assert_allclose(sb.pressure, sa.pressure, rtol=1e-12)
    np.testing.assert_allclose(sb.flow, sa.flow, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(bundled_cases()))
def test_bundled_cases_round_trip_exactly(name: str, tmp_path: Path) -> None:
    net = load_case(bundled_path(name))
    assert unwritable(net) == []
    expected, back = _round_trip(net, tmp_path)
    assert back == expected


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


def test_gaslib_11_round_trip_gives_the_same_network_and_solution(tmp_path: Path) -> None:
    net = load_gaslib(GASLIB / "GasLib-11.net", GASLIB / "GasLib-11.scn")
    gaps = unwritable(net)
    assert "[settings]: gas_constant = " + repr(net.settings.gas_constant) in gaps
    with pytest.raises(CaseError, match="the case format cannot hold these values"):
        write_case(net, tmp_path / "strict.toml")
    expected, back = _round_trip(net, tmp_path, lossy=True)
    assert back == expected
    assert back.settings.gas_constant is None
    assert back.compressors[0].fuel_node is None
    _same_solution(expected, back)
    # the stand-in gas has the GasLib molar mass, so dropping gas_constant changes nothing
    assert back.gas.specific_gas_constant == pytest.approx(net.settings.gas_constant, rel=1e-14)


def test_gaslib_582_round_trip(tmp_path: Path) -> None:
    net = load_gaslib(GASLIB / "GasLib-582.net", GASLIB / "GasLib-582.scn")
    expected, back = _round_trip(net, tmp_path, lossy=True)
    assert back == expected
    assert len(back.regulators) == 23
    assert len(back.resistors) == 8


def test_morgen_round_trip_gives_the_same_solution(tmp_path: Path) -> None:
    net = load_morgen(MORGEN / "LotH67d.net", MORGEN / "LotH67d__training.ini")
    assert sorted(g.split(" = ")[0] for g in unwritable(net)) == [
        "[settings]: gas_constant",
        "[settings]: pseudo_critical",
    ]
    expected, back = _round_trip(net, tmp_path, lossy=True)
    assert back == expected
    _same_solution(expected, back)


def test_lossy_file_lists_what_was_left_out(tmp_path: Path) -> None:
    net = load_morgen(MORGEN / "pipeline.net", MORGEN / "pipeline__training.ini")
    text = case_text(net, lossy=True)
    assert "#   [settings]: gas_constant = 530.0" in text
    assert "Network.extras" in text


def test_non_finite_values_are_refused() -> None:
    net = load_case(bundled_path("psgp-56in-phase1"))
    net.pipes[0].length = float("nan")
    with pytest.raises(CaseError, match="not a finite number") as err:
        case_text(net)
    assert err.value.key == "length"


def test_outer_diameter_with_wall_is_written_as_given(tmp_path: Path) -> None:
    net = load_case(bundled_path("psgp-42in"))
    pipe = next((p for p in net.pipes if p.outer_diameter is not None), None)
    if pipe is None:
        pytest.skip("no pipe given by outer diameter and wall")
    assert "outer_diameter" in case_text(net)
    expected, back = _round_trip(net, tmp_path)
    assert back == expected


def test_convert_command(tmp_path: Path) -> None:
    out = tmp_path / "g11.toml"
    runner = CliRunner()
    args = ["convert", str(GASLIB / "GasLib-11.net"), "--scenario", str(GASLIB / "GasLib-11.scn")]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    net = load_case(out)
    assert net.name == "GasLib_11"
    assert len(net.compressors) == 2
    strict = runner.invoke(app, [*args, "--out", str(tmp_path / "s.toml"), "--strict"])
    assert strict.exit_code == 2
    assert not (tmp_path / "s.toml").exists()
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
