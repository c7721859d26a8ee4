"""``linepack report``: a self-contained offline HTML report of a case, with its figures as PNG."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from linepack.cli.common import console, guard

#: Bundled case reported when none is given.
DEFAULT_REPORT_CASE = "psgp-56in-phase1"


def report_cmd(
    case: Annotated[
        str | None,
        typer.Argument(
            help=f"Bundled case name or case file (default: {DEFAULT_REPORT_CASE}).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("linepack-report"),
    transient_case: Annotated[
        str | None,
        typer.Option(
            "--transient-case",
            help="Transient scenario to run for the survival time and line pack plots (bundled "
            "name or TOML case; default: the case's own schedule, else psgp-56in-fsru-trip for "
            "a PSGP case on its network).",
            show_default=False,
        ),
    ] = None,
    no_transient: Annotated[
        bool, typer.Option("--no-transient", help="Leave out the transient section.")
    ] = False,
    design_study: Annotated[
        bool,
        typer.Option(
            "--design-study/--no-design-study",
            help='Run the 42"/56" comparison (least-power station siting for each diameter and '
            "target; a few seconds for the PSGP cases).",
        ),
    ] = True,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="GasLib nomination (.scn) or morgen scenario (.ini)."),
    ] = None,
    decisions: Annotated[
        str | None, typer.Option("--decisions", help="GasLib combined decisions (.cdf).")
    ] = None,
) -> None:
    """Write report.html (self-contained, opens offline) and its figures as PNG files."""
    from rich.markup import escape

    if no_transient and transient_case is not None:
        guard(_conflict)
    t0 = time.perf_counter()

    def work() -> Path:
        from linepack.report.build import build_report

        transient: str | bool | None = False if no_transient else transient_case
        return build_report(
            case,
            out,
            transient=transient,
            design_study=design_study,
            scenario=scenario,
            decisions=decisions,
        )

    path = guard(work)
    console.print(
        f"wrote {escape(str(path))} (self-contained; each figure also as PNG in "
        f"{escape(str(path.parent))}/) in {time.perf_counter() - t0:.1f} s",
        highlight=False,
    )


def _conflict() -> None:
    from linepack.errors import CaseError

    raise CaseError(
        "the options exclude each other",
        element="linepack report",
        key="--transient-case/--no-transient",
        expected="one of them",
    )
