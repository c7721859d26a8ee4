"""What the report's sections share: the build context and helpers to run studies safely.

:class:`_Context` carries the solved case (solution, dataset, summary), the figure folder and
what the study sections add (timings, key-figure cards); :func:`_guarded` turns a failing
study into a section that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from linepack.errors import LinepackError
from linepack.report.html import Card, Section

if TYPE_CHECKING:
    from linepack.network.design import DesignBasis
    from linepack.network.economics import Economics


@dataclass
class _Context:
    """What the sections are built from."""

    case_arg: str
    sol: Any
    ds: Any
    summary: dict[str, Any]
    tmp: Path
    timings: dict[str, float] = field(default_factory=dict)
    #: Key figures from the studies, shown after the steady ones.
    cards: list[Card] = field(default_factory=list)
    #: The case as loaded (the :class:`~linepack.network.model.Network` that was solved).
    net: Any = None

    @cached_property
    def design(self) -> DesignBasis:
        """The case's ``[design]`` table, read once (a bad table fails the sections using it)."""
        from linepack.io.design_toml import read_design

        return read_design(self.net)

    @cached_property
    def economics(self) -> Economics:
        """The case's ``[economics]`` table, read once."""
        from linepack.io.economics_toml import read_economics

        return read_economics(self.net)


def _barg(pa: float, atm: float) -> float | None:
    return (pa - atm) / 1e5 if np.isfinite(pa) and pa > 0 else None


def _mmscfd_per_kg_s(ctx: _Context) -> float:
    from linepack.results.steady import MMSCFD_PER_SCF_M3_S

    return float(MMSCFD_PER_SCF_M3_S / ctx.sol.compiled.gas.density_scf)


def _guarded(title: str, source: str, make: Callable[[], list[Any]]) -> Section:
    """A section from ``make``, or one saying why the study failed (its own error message)."""
    try:
        return Section(title, source, make())
    except LinepackError as exc:
        return Section(title, source, unavailable=f"the study failed: {exc}")
