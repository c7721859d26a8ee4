"""What the ``linepack`` subcommands share: the consoles, the exit codes and the error guard.

Errors that linepack raises on purpose (:class:`~linepack.errors.LinepackError`) are printed as
one readable message, without a traceback, and the command exits with status
:data:`EXIT_INPUT` (bad input) or :data:`EXIT_SOLVER` (solver failure).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from linepack.errors import CaseError, LinepackError

#: Exit status of a command stopped by bad input (a :class:`~linepack.errors.CaseError`).
EXIT_INPUT = 2
#: Exit status of a command stopped by a solver failure (any other ``LinepackError``).
EXIT_SOLVER = 3

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """Print a warning as one line on stderr (no source location: the CLI's users see the
    message, not the module that issued it)."""
    err_console.print(f"[bold yellow]linepack warning:[/] {escape(str(message))}", highlight=False)


def guard(fn: Callable[[], T]) -> T:
    """Run ``fn``; print a linepack error as one line on stderr and exit with its status;
    warnings are printed as one line each."""
    import warnings

    warnings.showwarning = _show_warning
    try:
        return fn()
    except LinepackError as exc:
        kind = "input error" if isinstance(exc, CaseError) else "solver error"
        err_console.print(f"[bold red]linepack {kind}:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_INPUT if isinstance(exc, CaseError) else EXIT_SOLVER) from None
