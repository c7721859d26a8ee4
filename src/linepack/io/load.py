"""Load a case from a bundled name or a file, whatever its format."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from linepack.errors import CaseError
from linepack.network.model import Network

#: The built-in default case run by ``linepack run`` with no arguments.
DEFAULT_CASE = "psgp-56in-phase1"


def bundled_cases() -> dict[str, str]:
    """Names and descriptions of the cases shipped with linepack."""
    import tomllib

    out: dict[str, str] = {}
    for f in sorted(resources.files("linepack.cases").iterdir(), key=lambda p: p.name):
        if f.name.endswith(".toml"):
            data = tomllib.loads(f.read_text(encoding="utf-8"))
            out[f.name[:-5]] = str(data.get("case", {}).get("description", ""))
    return out


def bundled_path(name: str) -> Path:
    """Path of a bundled case file."""
    return Path(str(resources.files("linepack.cases").joinpath(f"{name}.toml")))


def load(case: str | Path | None = None) -> Network:
    """Load a case: a bundled case name, a TOML case file or a GasSteadySim ``network.json``.

    Parameters
    ----------
    case : str or Path, optional
        Defaults to :data:`DEFAULT_CASE`.

    Returns
    -------
    Network

    Raises
    ------
    CaseError
        Unknown name or file, or bad content.
    """
    from linepack.io.case_toml import load_case

    name = str(case) if case is not None else DEFAULT_CASE
    path = Path(name)
    if not path.exists() and name in bundled_cases():
        return load_case(bundled_path(name))
    if path.is_dir() and (path / "network.json").exists():
        path = path / "network.json"
    if not path.exists():
        raise CaseError(
            "no such case file or bundled case",
            value=name,
            expected="a path or one of: " + ", ".join(bundled_cases()),
        )
    if path.suffix == ".json":
        from linepack.io.gassteadysim import load_gassteadysim

        return load_gassteadysim(path)
    if path.suffix == ".toml":
        return load_case(path)
    raise CaseError(
        "unknown case file type",
        file=str(path),
        value=path.suffix,
        expected=".toml (linepack case) or .json (GasSteadySim network.json)",
    )
