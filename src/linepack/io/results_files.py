"""Write results to files that state their units."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import xarray as xr


def write_tables(ds: xr.Dataset, out: Path) -> list[Path]:
    """Write one CSV per dimension; each column header carries its unit, e.g. ``pressure [Pa]``.

    Parameters
    ----------
    ds : xarray.Dataset
        Labelled results.
    out : Path
        Folder.

    Returns
    -------
    list of Path
        Files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for dim, fname in (
        ("node", "nodes.csv"),
        ("pipe", "pipes.csv"),
        ("compressor", "compressors.csv"),
        ("regulator", "regulators.csv"),
        ("point", "profile.csv"),
    ):
        names = [v for v in ds.data_vars if ds[v].dims == (dim,)]
        if not names or ds.sizes.get(dim, 0) == 0:
            continue
        df = ds[names].to_dataframe()
        df.columns = [f"{c} [{ds[c].attrs.get('units') or '-'}]" for c in df.columns]
        path = out / fname
        df.to_csv(path)
        files.append(path)
    return files


def write_json(data: dict[str, Any], path: Path) -> Path:
    """Write a JSON file (indented, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
