"""Chunked sweep output that survives interruption: one Parquet file per finished chunk.

Layout of the output folder::

    OUT/sweep.json                          what the sweep is (case, parameters, seed, table hash)
    OUT/chunks/chunk-<first>-<last>.parquet one per finished chunk (ids zero-padded to 9 digits)
    OUT/results.parquet                     all rows sorted by scenario id (at the end)
    OUT/summary.json, OUT/summary.csv       counts, metric ranges, timing (at the end)

Every file is written to a temporary name in the same folder and moved into place with
:func:`os.replace`, so a killed sweep leaves only whole chunks (and possibly a stray ``*.tmp``,
removed on the next start). ``--resume`` reads the ids of the whole chunks and the sweep
evaluates the others only; the results are then the union of the chunks, each id once.

Parquet columns: ``scenario``, the parameters in SI (field metadata ``unit``), the same in
engineering units (``throughput [MMSCFD]``, ``inlet_pressure [barg]``...), ``ok``, ``error``,
``failed_at`` (where a failed row failed: the element, or the error's type; see
:mod:`linepack.sweep.evaluate`) and the metrics (field metadata ``unit``). The file's schema
metadata ``linepack_sweep`` holds the content of ``sweep.json``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from linepack.errors import CaseError
from linepack.sweep.evaluate import METRIC_UNITS, METRICS

__all__ = [
    "IDENTITY_KEYS",
    "SweepStore",
    "chunk_name",
    "summarise",
]

#: Keys of ``sweep.json`` that must match for ``--resume``.
IDENTITY_KEYS = ("case", "case_hash", "params", "samples", "seed", "n_scenarios", "table_hash")
SWEEP_FILE = "sweep.json"
RESULTS_FILE = "results.parquet"
SUMMARY_JSON = "summary.json"
SUMMARY_CSV = "summary.csv"
#: Failed scenarios listed one by one in ``summary.json``.
LISTED_FAILURES = 20


def chunk_name(first: int, last: int) -> str:
    """File name of the chunk holding scenarios ``first`` to ``last``."""
    return f"chunk-{first:09d}-{last:09d}.parquet"


def _atomic_write(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)``, then move the file to ``path`` in one step."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _arrow(frame: pd.DataFrame, units: Mapping[str, str], meta: Mapping[str, Any]) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for f in table.schema:
        unit = units.get(f.name, METRIC_UNITS.get(f.name))
        fields.append(f.with_metadata({"unit": unit}) if unit is not None else f)
    schema = pa.schema(fields, metadata={**(table.schema.metadata or {})})
    schema = schema.with_metadata(
        {**(schema.metadata or {}), b"linepack_sweep": json.dumps(meta).encode()}
    )
    return table.cast(schema)


class SweepStore:
    """The output folder of one sweep.

    Parameters
    ----------
    out : Path
        The folder (created if needed).
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.chunks = self.out / "chunks"
        self.meta: dict[str, Any] = {}

    def start(self, meta: dict[str, Any], resume: bool) -> set[int]:
        """Prepare the folder; return the ids already done (empty unless resuming).

        Parameters
        ----------
        meta : dict
            What the sweep is (written to ``sweep.json``; see :data:`IDENTITY_KEYS`).
        resume : bool
            Continue the sweep in the folder. Without it, earlier sweep files in the folder
            (``sweep.json``, chunks, results, summaries) are removed first.

        Raises
        ------
        CaseError
            Resuming without a sweep in the folder, or with other settings than it was
            started with (names the first differing key).
        """
        self.chunks.mkdir(parents=True, exist_ok=True)
        for stray in [*self.chunks.glob(".*.tmp"), *self.out.glob(".*.tmp")]:
            stray.unlink()
        sweep = self.out / SWEEP_FILE
        if resume:
            if not sweep.exists():
                raise CaseError(
                    "nothing to resume: no sweep.json",
                    file=str(self.out),
                    key="--resume",
                    expected="the --out folder of an interrupted sweep",
                )
            old = json.loads(sweep.read_text(encoding="utf-8"))
            for key in IDENTITY_KEYS:
                if old.get(key) != meta.get(key):
                    raise CaseError(
                        "the sweep in this folder was started with other settings",
                        file=str(sweep),
                        key=key,
                        value=meta.get(key),
                        expected=f"{old.get(key)!r} (or another --out without --resume)",
                    )
            self.meta = {
                **old,
                **meta,
                "created": old.get("created"),
                "resumed": meta.get("created"),
            }
            return set(self.done_ids().tolist())
        for old_file in [*self.chunks.glob("chunk-*.parquet")] + [
            self.out / n for n in (RESULTS_FILE, SUMMARY_JSON, SUMMARY_CSV)
        ]:
            old_file.unlink(missing_ok=True)
        self.meta = dict(meta)
        _atomic_write(sweep, lambda p: p.write_text(json.dumps(meta, indent=2) + "\n"))
        return set()

    def chunk_files(self) -> list[Path]:
        """The finished chunk files, in name (id) order."""
        return sorted(self.chunks.glob("chunk-*.parquet"))

    def done_ids(self) -> np.ndarray:
        """Scenario ids of all finished chunks (each id once; CaseError on a duplicate)."""
        parts = [self._read(p, ["scenario"])["scenario"].to_numpy() for p in self.chunk_files()]
        ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        uniq, counts = np.unique(ids, return_counts=True)
        if np.any(counts > 1):
            raise CaseError(
                "scenario ids in more than one chunk",
                file=str(self.chunks),
                value=uniq[counts > 1][:10].tolist(),
                expected="each scenario id in one chunk file",
            )
        return ids

    def _read(self, path: Path, columns: list[str] | None = None) -> pd.DataFrame:
        try:
            return cast(pd.DataFrame, pq.read_table(path, columns=columns).to_pandas())
        except (OSError, pa.ArrowException) as exc:
            raise CaseError(
                f"cannot read a chunk file ({exc})",
                file=str(path),
                expected="a Parquet file written by linepack sweep (delete it to redo it)",
            ) from None

    def write_chunk(self, frame: pd.DataFrame, units: Mapping[str, str]) -> Path:
        """Write one finished chunk atomically.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows of the chunk (see the module docstring), ordered by ``scenario``.
        units : mapping
            SI unit of each parameter column.

        Returns
        -------
        Path
            The chunk file.
        """
        ids = frame["scenario"].to_numpy()
        path = self.chunks / chunk_name(int(ids.min()), int(ids.max()))
        table = _arrow(frame, units, self.meta)
        _atomic_write(path, lambda p: pq.write_table(table, p))
        return path

    def results(self) -> pd.DataFrame:
        """All finished rows sorted by scenario id (each id once)."""
        self.done_ids()  # raises on duplicates
        parts = [self._read(p) for p in self.chunk_files()]
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True)
        return frame.sort_values("scenario", kind="stable").reset_index(drop=True)

    def finish(
        self, units: Mapping[str, str], timing: Mapping[str, Any]
    ) -> tuple[dict[str, Any], pd.DataFrame]:
        """Write ``results.parquet``, ``summary.json`` and ``summary.csv``.

        Returns the summary and all rows.

        Parameters
        ----------
        units : mapping
            SI unit of each parameter column.
        timing : mapping
            Figures of this run added to the summary (``wall_time_s``, ``evaluated``...).
        """
        frame = self.results()
        table = _arrow(frame, units, self.meta)
        _atomic_write(self.out / RESULTS_FILE, lambda p: pq.write_table(table, p))
        summ = summarise(frame, self.meta, timing)
        text = json.dumps(summ, indent=2, ensure_ascii=False) + "\n"
        _atomic_write(self.out / SUMMARY_JSON, lambda p: p.write_text(text, encoding="utf-8"))
        rows = pd.DataFrame(
            [{"metric": m, **v} for m, v in summ["metrics"].items()],
            columns=["metric", "unit", "count", "min", "median", "max"],
        )
        _atomic_write(self.out / SUMMARY_CSV, lambda p: rows.to_csv(p, index=False))
        return summ, frame


def _number(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def summarise(
    frame: pd.DataFrame, meta: Mapping[str, Any], timing: Mapping[str, Any]
) -> dict[str, Any]:
    """Counts, metric ranges over the ``ok`` scenarios, failures and timing of a sweep."""
    ok = frame["ok"].to_numpy(dtype=bool) if len(frame) else np.zeros(0, dtype=bool)
    metrics: dict[str, dict[str, Any]] = {}
    for m in (*METRICS, *(c for c in ("tariff_usd_per_mmbtu",) if c in frame)):
        v = frame.loc[ok, m].to_numpy(dtype=float) if len(frame) else np.zeros(0)
        v = v[np.isfinite(v)]
        metrics[m] = {
            "unit": METRIC_UNITS[m],
            "count": int(v.size),
            "min": _number(v.min()) if v.size else None,
            "median": _number(float(np.median(v))) if v.size else None,
            "max": _number(v.max()) if v.size else None,
        }
    failed = frame.loc[~ok] if len(frame) else frame
    kinds: dict[str, int] = {}
    for where in failed["failed_at"] if len(failed) else []:
        # the typed error's element ("node 'kasur'") or its type; a chunk written before the
        # column existed (a resumed older sweep) has no place recorded
        head = str(where) if isinstance(where, str) else "(not recorded)"
        kinds[head] = kinds.get(head, 0) + 1
    return {
        "case": meta.get("case"),
        "params": meta.get("params"),
        "samples": meta.get("samples"),
        "seed": meta.get("seed"),
        "n_scenarios": meta.get("n_scenarios"),
        "done": len(frame),
        "ok": int(ok.sum()),
        "failed": int((~ok).sum()),
        **dict(timing),
        "metrics": metrics,
        "failure_kinds": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "failures": [
            {"scenario": int(i), "error": str(e)}
            for i, e in zip(
                failed["scenario"].head(LISTED_FAILURES).tolist(),
                failed["error"].head(LISTED_FAILURES).tolist(),
                strict=True,
            )
        ],
    }
