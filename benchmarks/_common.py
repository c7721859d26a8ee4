"""Helpers shared by the benchmark scripts: timing, machine description, Markdown tables."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """Wall and CPU times [s] of repeated runs of one callable.

    The CPU time (``time.process_time``: user + system time of this process) is what a run costs
    when other processes share the cores; the wall time is what a user waits on an idle machine.
    For single-threaded work the two agree on an idle machine.
    """

    wall: tuple[float, ...]
    cpu: tuple[float, ...]

    @property
    def median(self) -> float:
        """Median wall time [s]."""
        return statistics.median(self.wall)

    @property
    def best(self) -> float:
        """Shortest wall time [s]."""
        return min(self.wall)

    @property
    def cpu_median(self) -> float:
        """Median CPU time [s]."""
        return statistics.median(self.cpu)


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Run ``fn`` once; return its wall time [s] and its result."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def repeat(fn: Callable[[], T], repeats: int, warmup: int = 1) -> tuple[Timing, T]:
    """Time ``repeats`` runs of ``fn`` after ``warmup`` untimed runs; return times, last result."""
    for _ in range(warmup):
        fn()
    wall: list[float] = []
    cpu: list[float] = []
    out: T | None = None
    for _ in range(max(1, repeats)):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return Timing(tuple(wall), tuple(cpu)), out  # type: ignore[return-value]


def load_average() -> str:
    """The 1-minute load average (other work sharing the cores skews wall times)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "-"


def version(dist: str) -> str:
    """Installed version of a distribution, or ``"-"``."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def cpu_model() -> str:
    """Processor model name from ``/proc/cpuinfo`` (or :func:`platform.processor`)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float:
    """Total memory [GiB] from ``/proc/meminfo`` (NaN if unknown)."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("nan")


def environment(extra: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Machine and package versions as (name, value) rows."""
    rows = [
        ("CPU", f"{cpu_model()}, {os.cpu_count()} logical cores"),
        ("memory", f"{memory_gib():.1f} GiB"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
    ]
    rows += [(d, version(d)) for d in ("linepack", "numpy", "scipy", *extra)]
    return rows


def blas(limit: int | None = None) -> str:
    """Limit the BLAS thread pools to ``limit`` threads (if given) and describe them.

    Uses ``threadpoolctl`` (in the ``bench`` extra); numpy and scipy must be imported first so
    that their OpenBLAS libraries are loaded. The limit holds for the rest of the process.
    """
    try:
        import threadpoolctl
    except ImportError:
        return "threadpoolctl not installed: BLAS threads not limited, kernels unknown"
    if limit:
        threadpoolctl.threadpool_limits(limits=limit, user_api="blas")
    parts = [
        f"{d.get('internal_api')} {d.get('version')} {d.get('architecture')} kernel, "
        f"{d.get('num_threads')} thread(s) ({d.get('prefix')})"
        for d in threadpoolctl.threadpool_info()
        if d.get("user_api") == "blas"
    ]
    return "; ".join(parts) or "no BLAS library loaded"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table with columns padded for reading in a terminal."""
    cells = [list(headers), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def ms(seconds: float) -> str:
    """Seconds as milliseconds with three significant figures."""
    return f"{seconds * 1e3:.3g} ms" if seconds < 1.0 else f"{seconds:.3g} s"
