"""Plan and run a sweep: scenario table, chunks, serial evaluation, progress, resume.

:func:`plan_sweep` loads the base case and builds the scenario table; :func:`run_sweep` splits
the scenarios not yet done into chunks, evaluates them (here, one after the other, or on Dask
through :mod:`linepack.sweep.distributed`), writes each finished chunk at once
(:class:`~linepack.sweep.store.SweepStore`) and at the end the results and the summary.

Chunk size: by default the first chunk holds :data:`FIRST_CHUNK` scenarios and each next one
as many as the measured evaluation rate fits in :data:`CHUNK_SECONDS` (about half a second), so
that little is lost when a sweep is killed and writing files costs little; ``chunk_size`` fixes
it. Results do not depend on the chunking: every scenario is evaluated on its own.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import CaseError
from linepack.network.model import Network
from linepack.sweep.evaluate import Evaluator, evaluate_batch
from linepack.sweep.spec import (
    DEFAULT_SEED,
    Param,
    Units,
    human_columns,
    parse_params,
    scenario_table,
    table_hash,
)
from linepack.sweep.store import SweepStore

__all__ = [
    "CHUNK_SECONDS",
    "ChunkSizer",
    "SweepOutcome",
    "SweepPlan",
    "SweepSpec",
    "chunk_frame",
    "plan_sweep",
    "run_sweep",
    "sweep",
]

#: Target wall time of one chunk [s].
CHUNK_SECONDS = 0.5
#: Scenarios in the first chunk, before any rate is known.
FIRST_CHUNK = 8
#: Largest chunk.
MAX_CHUNK = 20_000
#: Called with (scenarios done, total) after each chunk.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepSpec:
    """What a sweep is: the case, the ``--param`` specs, samples and seed.

    Attributes
    ----------
    case : str
        Bundled case name or case file (see :func:`linepack.io.load.load`).
    params : tuple of str
        ``NAME=SPEC`` strings (see :mod:`linepack.sweep.spec`).
    samples : int, optional
        Samples per grid point for distributions.
    seed : int
        Random seed.
    """

    case: str
    params: tuple[str, ...]
    samples: int | None = None
    seed: int = DEFAULT_SEED


@dataclass
class SweepPlan:
    """A sweep ready to run: base case, parsed parameters and the scenario table."""

    spec: SweepSpec
    base: Network
    params: list[Param]
    table: pd.DataFrame
    units: Units

    @property
    def names(self) -> list[str]:
        """Parameter names (table columns)."""
        return [p.name for p in self.params]

    @property
    def column_units(self) -> dict[str, str]:
        """SI unit of each parameter column."""
        return {p.name: p.unit for p in self.params}

    def meta(self) -> dict[str, Any]:
        """Content of ``sweep.json``."""
        return {
            "case": self.spec.case,
            "case_name": self.base.name,
            "case_hash": case_hash(self.base),
            "params": list(self.spec.params),
            "samples": self.spec.samples,
            "seed": self.spec.seed,
            "n_scenarios": len(self.table),
            "table_hash": table_hash(self.table),
            "units": self.column_units,
            "linepack_version": _version(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }


def _version() -> str:
    try:
        return metadata.version("linepack")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def case_hash(net: Network) -> str:
    """SHA-256 of a network's content (its repr, which prints floats exactly, and the gas)."""
    h = hashlib.sha256(repr(net).encode())
    h.update(np.ascontiguousarray(net.gas.fractions).tobytes())
    return h.hexdigest()


def plan_sweep(spec: SweepSpec, base: Network | None = None) -> SweepPlan:
    """Load the case and build the scenario table.

    Parameters
    ----------
    spec : SweepSpec
    base : Network, optional
        The base case, if already loaded (else loaded from ``spec.case``).

    Raises
    ------
    CaseError
        The case cannot be loaded, or a parameter spec is wrong.
    """
    from linepack.io.load import load

    net = base if base is not None else load(spec.case)
    params = parse_params(spec.params, net)
    table = scenario_table(params, spec.samples, spec.seed)
    return SweepPlan(spec, net, params, table, Units.of(net))


class ChunkSizer:
    """Chooses chunk sizes so one chunk takes about :data:`CHUNK_SECONDS`.

    Parameters
    ----------
    fixed : int, optional
        A fixed size (``--chunk-size``).
    """

    def __init__(self, fixed: int | None = None) -> None:
        if fixed is not None and fixed < 1:
            raise CaseError(
                "must be >= 1", key="--chunk-size", value=fixed, expected="a whole number >= 1"
            )
        self.fixed = fixed
        self.seconds = 0.0
        self.count = 0

    def record(self, n: int, seconds: float) -> None:
        """Note that ``n`` scenarios took ``seconds`` of evaluation."""
        self.count += n
        self.seconds += seconds

    def size(self) -> int:
        """Size of the next chunk."""
        if self.fixed is not None:
            return self.fixed
        if self.count == 0 or self.seconds <= 0:
            return FIRST_CHUNK
        rate = self.count / self.seconds
        return int(min(MAX_CHUNK, max(1, round(CHUNK_SECONDS * rate))))


def chunk_frame(plan: SweepPlan, chunk: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The output rows of a chunk: ids, parameters (SI and engineering units), outcome, metrics."""
    chunk = chunk.reset_index(drop=True)
    rows = rows.reset_index(drop=True)
    # a programmer's invariant (evaluate_batch returns the rows in the table's order)
    assert np.array_equal(chunk["scenario"].to_numpy(), rows["scenario"].to_numpy()), (
        "evaluated rows do not match the chunk's scenarios"
    )
    human = human_columns(chunk, plan.params, plan.units)
    return pd.concat([chunk, human, rows.drop(columns="scenario")], axis=1)


@dataclass
class SweepOutcome:
    """What a run did.

    Attributes
    ----------
    out : Path
        The output folder.
    summary : dict
        Content of ``summary.json``.
    results : pandas.DataFrame
        All rows (``results.parquet``).
    evaluated : int
        Scenarios evaluated by this run (the others were done before a resume).
    chunks : list of Path
        Chunk files written by this run.
    """

    out: Path
    summary: dict[str, Any]
    results: pd.DataFrame
    evaluated: int
    chunks: list[Path] = field(default_factory=list)


class _Writer:
    """Writes finished chunks, counts progress and feeds the chunk sizer."""

    def __init__(
        self, plan: SweepPlan, store: SweepStore, sizer: ChunkSizer, done: int, progress: Progress
    ) -> None:
        self.plan, self.store, self.sizer = plan, store, sizer
        self.done = done
        self.evaluated = 0
        self.progress = progress
        self.files: list[Path] = []
        self.wall = 0.0
        self.cpu = 0.0

    def __call__(self, chunk: pd.DataFrame, rows: pd.DataFrame, seconds: float, cpu: float) -> None:
        frame = chunk_frame(self.plan, chunk, rows)
        self.files.append(self.store.write_chunk(frame, self.plan.column_units))
        self.sizer.record(len(chunk), seconds)
        self.wall += seconds
        self.cpu += cpu
        self.done += len(chunk)
        self.evaluated += len(chunk)
        self.progress(self.done, len(self.plan.table))


def _no_progress(done: int, total: int) -> None:
    return None


def run_serial(
    plan: SweepPlan,
    pending: pd.DataFrame,
    sizer: ChunkSizer,
    write: Callable[[pd.DataFrame, pd.DataFrame, float, float], None],
    fast: bool = True,
) -> None:
    """Evaluate the pending scenarios chunk by chunk in this process."""
    ev = Evaluator(plan.base, plan.names)
    ev.compiled  # noqa: B018 - compile the base case before timing chunks
    pos = 0
    while pos < len(pending):
        chunk = pending.iloc[pos : pos + sizer.size()]
        c0, t0 = time.process_time(), time.perf_counter()
        rows = evaluate_batch(ev, chunk, fast=fast)
        write(chunk, rows, time.perf_counter() - t0, time.process_time() - c0)
        pos += len(chunk)


def run_sweep(
    plan: SweepPlan,
    out: Path,
    *,
    resume: bool = False,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    fast: bool = True,
    progress: Progress | None = None,
) -> SweepOutcome:
    """Run (or resume) a sweep and write its output folder.

    Parameters
    ----------
    plan : SweepPlan
        From :func:`plan_sweep`.
    out : Path
        Output folder (see :mod:`linepack.sweep.store`).
    resume : bool
        Continue the sweep in ``out``: scenarios in its chunk files are not evaluated again.
    chunk_size : int, optional
        Scenarios per chunk (default: about half a second of work).
    workers : int, optional
        Start a local Dask cluster of this many single-threaded worker processes.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``).
    fast : bool
        Use the vectorised fast path where it applies.
    progress : callable, optional
        Called with (done, total) after each chunk.

    Returns
    -------
    SweepOutcome

    Raises
    ------
    CaseError
        Bad options, a resume with other settings, Dask options without Dask installed.
    """
    if workers is not None and scheduler is not None:
        raise CaseError(
            "--workers and --scheduler together",
            key="--workers",
            value=workers,
            expected="one of --workers N (a local cluster) and --scheduler ADDRESS",
        )
    if workers is not None and workers < 1:
        raise CaseError("must be >= 1", key="--workers", value=workers, expected="workers >= 1")
    t0 = time.perf_counter()
    sizer = ChunkSizer(chunk_size)
    store = SweepStore(out)
    done = store.start(plan.meta(), resume)
    table = plan.table
    pending = table[~table["scenario"].isin(done)] if done else table
    report = progress or _no_progress
    write = _Writer(plan, store, sizer, len(table) - len(pending), report)
    report(write.done, len(table))
    engine = "serial"
    if len(pending) and (workers is not None or scheduler is not None):
        from linepack.sweep.distributed import run_dask

        token = plan.meta()["table_hash"] + ":" + str(id(plan))
        engine = run_dask(
            plan.base,
            tuple(plan.names),
            token,
            pending,
            sizer.size,
            write,
            workers,
            scheduler,
            fast,
        )
    elif len(pending):
        run_serial(plan, pending, sizer, write, fast)
    wall = time.perf_counter() - t0
    timing = {
        "engine": engine,
        "evaluated": write.evaluated,
        "wall_time_s": wall,
        "scenarios_per_s": write.evaluated / wall if wall > 0 else None,
        "evaluation_wall_s": write.wall,
        "evaluation_cpu_s": write.cpu,
        "resumed": resume,
    }
    summ, results = store.finish(plan.column_units, timing)
    return SweepOutcome(Path(out), summ, results, write.evaluated, write.files)


def sweep(
    case: str,
    params: Sequence[str],
    out: Path,
    *,
    samples: int | None = None,
    seed: int = DEFAULT_SEED,
    **options: Any,
) -> SweepOutcome:
    """Plan and run a sweep in one call (keyword options as :func:`run_sweep`)."""
    plan = plan_sweep(SweepSpec(case, tuple(params), samples, seed))
    return run_sweep(plan, out, **options)
