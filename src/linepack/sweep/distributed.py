"""Run sweep chunks on Dask: a local cluster (``--workers N``) or an existing one (``--scheduler``).

This is the only module of linepack that imports ``dask``/``distributed``, and only when a
sweep asks for it, so ``import linepack`` never does. The client (this process) keeps the
output: it sends the base case to every worker once (``scatter(broadcast=True)``), keeps about
two chunks in flight per worker, and writes each finished chunk as it arrives
(``as_completed``), so an interrupted run keeps every chunk written so far. Each worker process
builds its :class:`~linepack.sweep.evaluate.Evaluator` (and compiles the case) once per sweep.

A worker evaluates each scenario exactly as the serial path does, so the results are the same;
only the order in which chunks finish differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from linepack.errors import CaseError
from linepack.network.model import Network
from linepack.sweep.evaluate import Evaluator, evaluate_batch

__all__ = ["INSTALL_HINT", "evaluate_chunk", "run_dask"]

INSTALL_HINT = "pip install 'linepack[dask]'"
#: Chunks kept in flight per worker thread.
IN_FLIGHT = 2
#: Dask settings of the local cluster's workers. Dask starts workers with
#: MALLOC_TRIM_THRESHOLD_=65536 (to return memory to the system sooner); glibc then unmaps the
#: large temporaries of batched numpy work on every free, which made the fast path ~3x slower
#: (a sweep holds little memory: glibc's default is kept). The statistical profiler samples
#: every worker's stack every 10 ms under the GIL: ~30 % of the fast path's time.
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}
#: Evaluators built in this (worker) process, by sweep token.
_EVALUATORS: dict[str, Evaluator] = {}


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise CaseError(
            "--workers and --scheduler need Dask, which is not installed",
            key="--workers",
            expected=f"Dask installed: {INSTALL_HINT}",
        ) from None
    return distributed


def evaluate_chunk(
    base: Network, names: tuple[str, ...], token: str, chunk: pd.DataFrame, fast: bool
) -> tuple[pd.DataFrame, float, float]:
    """Evaluate one chunk on a worker; return its rows, the evaluation's wall and CPU time [s].

    The evaluator (and the compiled case) is built on the first chunk of a sweep in each
    worker process and kept for the next ones; its set-up time is not counted.
    """
    ev = _EVALUATORS.get(token)
    if ev is None:
        _EVALUATORS.clear()  # one sweep at a time per worker
        ev = Evaluator(base, names)
        ev.compiled  # noqa: B018 - compile once, before timing
        _EVALUATORS[token] = ev
    c0, t0 = time.process_time(), time.perf_counter()
    rows = evaluate_batch(ev, chunk, fast=fast)
    return rows, time.perf_counter() - t0, time.process_time() - c0


def _client(distributed: Any, workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    if scheduler is not None:
        try:
            return distributed.Client(scheduler, timeout="20s"), None
        except OSError as exc:
            raise CaseError(
                f"cannot reach the Dask scheduler ({exc})",
                key="--scheduler",
                value=scheduler,
                expected="the address of a running scheduler, e.g. tcp://10.0.0.5:8786",
            ) from None
    import dask

    with dask.config.set(WORKER_CONFIG):
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    return distributed.Client(cluster), cluster


def run_dask(
    base: Network,
    names: tuple[str, ...],
    token: str,
    pending: pd.DataFrame,
    next_size: Callable[[], int],
    write: Callable[[pd.DataFrame, pd.DataFrame, float, float], None],
    workers: int | None,
    scheduler: str | None,
    fast: bool = True,
) -> str:
    """Evaluate the pending scenarios on Dask, writing each chunk as it finishes.

    Parameters
    ----------
    base : Network
        The sweep's base case (sent to every worker once).
    names : tuple of str
        The parameter names (columns of ``pending``).
    token : str
        Identifies the sweep: a worker builds its evaluator once per token.
    pending : pandas.DataFrame
        Scenario rows still to do.
    next_size : callable
        Size of the next chunk (the engine's chunk sizer, fed by ``write``).
    write : callable
        Called on the client with (chunk table, rows, evaluation wall and CPU seconds) per
        finished chunk.
    workers : int, optional
        Local cluster of this many single-threaded worker processes.
    scheduler : str, optional
        Address of an existing scheduler.
    fast : bool
        Use the fast path where it applies.

    Returns
    -------
    str
        Description of the engine (for the summary), e.g. ``"dask: 2 workers"``.

    Raises
    ------
    CaseError
        Dask is not installed, or the scheduler cannot be reached.
    """
    distributed = _dask()
    client, cluster = _client(distributed, workers, scheduler)
    try:
        info = client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info["workers"].values()) or 1
        shared = client.scatter(base, broadcast=True)
        pos = 0

        def submit() -> Any:
            nonlocal pos
            chunk = pending.iloc[pos : pos + next_size()]
            pos += len(chunk)
            fut = client.submit(evaluate_chunk, shared, names, token, chunk, fast, pure=False)
            chunks[fut.key] = chunk
            return fut

        chunks: dict[Any, pd.DataFrame] = {}
        flight = distributed.as_completed()
        while pos < len(pending) and flight.count() < IN_FLIGHT * threads:
            flight.add(submit())
        for fut in flight:
            rows, seconds, cpu = fut.result()
            write(chunks.pop(fut.key), rows, seconds, cpu)
            if pos < len(pending):
                flight.add(submit())
        where = "local cluster" if cluster is not None else str(scheduler)
        n = len(info["workers"])
        return f"dask: {n} worker{'s' if n != 1 else ''} ({where})"
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
