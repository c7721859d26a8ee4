"""The CLI's guard prints every typed error as one line and exits 2 (input) or 3 (solver):
the errors that were bare ValueErrors reach it as CaseError subclasses."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import typer

from linepack.cli.common import EXIT_INPUT, EXIT_SOLVER, guard
from linepack.errors import (
    CaseError,
    ConvergenceError,
    MarchError,
    OptionsError,
    ReportError,
    ScheduleError,
)
from linepack.io.load import load
from linepack.network.compile import compile_network
from linepack.network.schedule import parse_time
from linepack.report.html import Card
from linepack.steady.march import march
from linepack.studies.economics import capital_recovery_factor
from linepack.units import parse


def _meshed_march() -> None:
    data = "tests/data/gaslib/"
    cn = compile_network(load(data + "GasLib-40.net", scenario=data + "GasLib-40.scn"))
    march(cn, np.array([50e5]))


def _fails(exc: Exception) -> Callable[[], None]:
    def run() -> None:
        raise exc

    return run


@pytest.mark.parametrize(
    ("fn", "cls", "code"),
    [
        (lambda: parse_time("2 h"), ScheduleError, EXIT_INPUT),
        (lambda: Card("power", 3.0, ""), ReportError, EXIT_INPUT),
        (_meshed_march, MarchError, EXIT_INPUT),
        (lambda: parse("3 m", "lenght"), OptionsError, EXIT_INPUT),
        (lambda: capital_recovery_factor(0.1, 0), CaseError, EXIT_INPUT),
        (_fails(ConvergenceError("no convergence")), ConvergenceError, EXIT_SOLVER),
    ],
)
def test_typed_errors_exit_with_their_status_without_traceback(
    fn: Callable[[], object], cls: type[Exception], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(cls):  # the error itself is typed
        fn()
    with pytest.raises(typer.Exit) as exit_:
        guard(fn)
    assert exit_.value.exit_code == code
    err = capsys.readouterr().err
    assert err.startswith("linepack input error:" if code == EXIT_INPUT else "linepack solver")
    assert "Traceback" not in err
