"""The run pipeline as a library function: what ``linepack run`` and the report run.

:func:`run_study` solves the steady state of one network, labels the solution
(:func:`~linepack.results.steady.to_dataset`), summarises it
(:func:`~linepack.results.steady.summary`) and, given the bundled PSGP cases, computes the PSGP
headline answers (:func:`~linepack.studies.headline.psgp_headlines`);
:meth:`RunStudy.to_dict` is ``linepack run``'s ``summary.json`` (every key in docs/results.md).
The CLI reads the case (and, for a bundled PSGP case, the headline cases) once, runs this
function, and prints and writes the result; the report runs the same function for its steady
sections. Writing files and drawing the profile stay with the callers (``io/results_files.py``,
:func:`linepack.plot.profile.plot_route`).

The headline studies are imported only when they are asked for, so a run without them loads no
study module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import xarray as xr

from linepack.network.model import Network
from linepack.results.steady import summary, to_dataset
from linepack.steady.solve import SteadyOptions, SteadySolution, solve

if TYPE_CHECKING:
    from linepack.studies.headline import Headline, HeadlineCases

__all__ = ["RunOptions", "RunStudy", "run_study"]


@dataclass(frozen=True)
class RunOptions:
    """What :func:`run_study` runs.

    Attributes
    ----------
    steady : SteadyOptions
        Options of the steady solve (``linepack run --allow-violations`` sets
        ``enforce_limits=False``).
    """

    steady: SteadyOptions = field(default_factory=SteadyOptions)


@dataclass(frozen=True)
class RunStudy:
    """Everything ``linepack run`` prints and writes (SI inside, :meth:`to_dict` outside).

    Attributes
    ----------
    solution : SteadySolution
        The steady state.
    dataset : xarray.Dataset
        :func:`~linepack.results.steady.to_dataset` of the solution (the CSV tables).
    summary : dict
        :func:`~linepack.results.steady.summary` of the solution (every key in
        docs/results.md), without the headline answers.
    headlines : tuple of Headline
        The PSGP headline answers; empty when they were not asked for.
    """

    solution: SteadySolution
    dataset: xr.Dataset
    summary: dict[str, Any]
    headlines: tuple[Headline, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``summary.json`` of ``linepack run``: the summary, with ``headline`` if any."""
        if not self.headlines:
            return dict(self.summary)
        return {**self.summary, "headline": {h.key: h.to_dict() for h in self.headlines}}


def run_study(
    network: Network,
    options: RunOptions | None = None,
    *,
    headline: HeadlineCases | None = None,
) -> RunStudy:
    """Solve a network's steady state and summarise it, as ``linepack run`` does.

    Parameters
    ----------
    network : Network
        The case.
    options : RunOptions, optional
        Defaults: :class:`RunOptions` ().
    headline : HeadlineCases, optional
        The bundled PSGP cases and their tables, read once by the caller: compute the PSGP
        headline answers. When ``network`` is ``headline.phase1`` itself, its solution here is
        the phase-1 answer (it is not solved twice). None: no headline answers.

    Returns
    -------
    RunStudy

    Raises
    ------
    CaseError
        A case that cannot be compiled.
    InfeasibleError, ConvergenceError
        A steady state that violates a limit (with ``enforce_limits``) or is not found.

    Examples
    --------
    >>> import linepack as lp
    >>> from linepack.studies.run import run_study
    >>> run = run_study(lp.load("psgp-56in-phase1"))
    >>> f"{run.summary['delivery_pressure_barg']:.2f} barg at {run.summary['delivery_node']}"
    '61.43 barg at kasur'
    """
    opts = options if options is not None else RunOptions()
    sol = solve(network, opts.steady)
    ds = to_dataset(sol)
    heads: tuple[Headline, ...] = ()
    if headline is not None:
        from linepack.studies.headline import psgp_headlines

        heads = tuple(psgp_headlines(headline, sol if headline.phase1 is network else None))
    return RunStudy(sol, ds, summary(sol, ds), heads)
