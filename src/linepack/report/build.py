"""Assemble the report of a case: steady solution, studies and (for PSGP cases) a transient run.

:func:`build_report` solves the case (:func:`linepack.studies.run.run_study`, the pipeline of
``linepack run``), runs the studies that exist in this version of linepack
and writes ``report.html`` (self-contained, see :mod:`linepack.report.html`) with every figure
as a PNG next to it. A section whose study is missing or fails says so ("not available: ...");
no number in the report is made up.

This module holds the orchestration (:func:`build_document`, :func:`build_report`); the
sections are built in :mod:`linepack.report.sections_steady`,
:mod:`linepack.report.sections_studies` (capacity, 42"/56" design),
:mod:`linepack.report.sections_tariff` and :mod:`linepack.report.sections_transient`, from the
context of :mod:`linepack.report.context`. Their public names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from linepack.report.context import _Context
from linepack.report.html import Document, Paragraph, Section, write
from linepack.report.sections_steady import (
    _profile_section,
    _route_map_section,
    _solution_section,
    key_cards,
)
from linepack.report.sections_studies import (
    CAPACITY_STATIONS,
    DESIGN_SOURCE,
    DESIGN_TITLE,
    _capacity_section,
    _design_section,
    design_blocks,
)
from linepack.report.sections_tariff import _tariff_section
from linepack.report.sections_transient import (
    DEFAULT_TRANSIENT_SCENARIO,
    MAX_TRANSIENT_HOURS,
    _transient_section,
    transient_scenario,
)

__all__ = [
    "CAPACITY_STATIONS",
    "DEFAULT_REPORT_CASE",
    "DEFAULT_TRANSIENT_SCENARIO",
    "DESIGN_SOURCE",
    "DESIGN_TITLE",
    "MAX_TRANSIENT_HOURS",
    "build_document",
    "build_report",
    "design_blocks",
    "key_cards",
    "transient_scenario",
]

#: Case reported when none is given.
DEFAULT_REPORT_CASE = "psgp-56in-phase1"


def build_document(
    case: str | Path | None = None,
    *,
    transient: str | bool | None = None,
    design_study: bool = True,
    work_dir: Path,
    scenario: str | None = None,
    decisions: str | None = None,
) -> Document:
    """Solve the case, run the studies and assemble the report's :class:`Document`.

    Parameters
    ----------
    case : str or Path, optional
        Bundled case name or case file (default :data:`DEFAULT_REPORT_CASE`).
    transient : str or bool, optional
        Transient scenario to run: a bundled name or case file; False for none; None (default)
        for the bundled FSRU-trip scenario when the case is a PSGP case on its network.
    design_study : bool
        Run the 42"/56" comparison (:func:`linepack.studies.design.compare_diameters`; about
        2.4 s of CPU for the PSGP cases).
    work_dir : Path
        Folder for the figures' PNG files while the document is built.
    scenario, decisions : str, optional
        GasLib nomination (``.scn``) or morgen scenario, and GasLib decisions (``.cdf``), as
        for ``linepack run``.

    Returns
    -------
    Document
    """
    from linepack.io.load import load
    from linepack.studies.run import run_study

    case_arg = str(case) if case is not None else DEFAULT_REPORT_CASE
    net = load(case_arg, scenario=scenario, decisions=decisions)
    run = run_study(net)  # the steady pipeline of ``linepack run``
    ctx = _Context(case_arg, run.solution, run.dataset, run.summary, work_dir, net=net)
    sections = [_solution_section(ctx), _route_map_section(ctx), _profile_section(ctx)]
    sections += [
        _capacity_section(ctx),
        _design_section(ctx, design_study),
        _tariff_section(ctx),
    ]
    tsec, tsumm = _transient_section(ctx, transient)
    sections.append(tsec)
    sections.append(
        Section(
            "Sources and assumptions",
            f"case file {case_arg}",
            [
                Paragraph(
                    "Every value in a bundled case file is marked [S] sourced or [A] assumed in "
                    "its comments; the PSGP sources and assumptions are collected in "
                    "docs/psgp.md. The figures above are model results for those inputs."
                )
            ],
        )
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    from linepack import __version__

    return Document(
        title=f"linepack report: {net.name}",
        subtitle=net.description or "",
        cards=key_cards(ctx.summary, tsumm) + ctx.cards,
        sections=sections,
        footer=f"linepack {__version__}, generated {stamp} by `linepack report {case_arg}`.",
    )


def build_report(
    case: str | Path | None,
    out_dir: Path,
    *,
    transient: str | bool | None = None,
    design_study: bool = True,
    scenario: str | None = None,
    decisions: str | None = None,
) -> Path:
    """Write ``report.html`` and its figures as PNG files to ``out_dir``.

    Parameters
    ----------
    case : str or Path, optional
        Bundled case name or case file (default :data:`DEFAULT_REPORT_CASE`).
    out_dir : Path
        Output folder (created if missing).
    transient : str or bool, optional
        As :func:`build_document`.
    design_study, scenario, decisions
        As :func:`build_document`.

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    CaseError, InfeasibleError, ConvergenceError
        If the case cannot be read or its steady state solved.
    """
    with tempfile.TemporaryDirectory() as tmp:
        doc = build_document(
            case,
            transient=transient,
            design_study=design_study,
            work_dir=Path(tmp),
            scenario=scenario,
            decisions=decisions,
        )
        return write(doc, Path(out_dir))
