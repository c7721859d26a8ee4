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


def _is_xml(path: Path) -> bool:
    """Whether a file starts like an XML document (GasLib) rather than CSV (morgen)."""
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        raise CaseError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _kind(path: Path) -> str:
    """The reader for a path: toml, gassteadysim, gaslib or morgen."""
    if path.is_dir():
        if (path / "network.json").exists():
            return "gassteadysim"
        if any(p.suffix == ".net" and _is_xml(p) for p in path.iterdir() if p.is_file()):
            return "gaslib"
        raise CaseError(
            "no case in this folder",
            file=str(path),
            expected="a GasSteadySim folder (network.json) or a GasLib folder (.net XML files)",
        )
    suffix = path.suffix.lower()
    if suffix == ".net":
        return "gaslib" if _is_xml(path) else "morgen"
    kinds = {".toml": "toml", ".json": "gassteadysim", ".zip": "gaslib"}
    if suffix not in kinds:
        raise CaseError(
            "unknown case file type",
            file=str(path),
            value=path.suffix,
            expected=".toml (linepack case), .json (GasSteadySim network.json), .net (GasLib "
            "XML or morgen CSV), .zip or a folder (GasLib instance)",
        )
    return kinds[suffix]


def _no_options(kind: str, path: Path, **options: str | Path | None) -> None:
    for name, value in options.items():
        if value is not None:
            raise CaseError(
                f"--{name.replace('_', '-')} does not apply to a {kind} case",
                file=str(path),
                key=name,
                value=str(value),
                expected="a GasLib instance (scenario, decisions) or a morgen network (scenario)",
            )


def load(
    case: str | Path | None = None,
    *,
    scenario: str | Path | None = None,
    decisions: str | Path | None = None,
    compressor_data: str | Path | None = None,
) -> Network:
    """Load a case: a bundled name, a TOML case, a GasSteadySim, GasLib or morgen network.

    Parameters
    ----------
    case : str or Path, optional
        A bundled case name (default :data:`DEFAULT_CASE`), a ``.toml`` case, a GasSteadySim
        ``network.json`` or its folder, a ``.net`` file (GasLib XML or morgen CSV, told apart by
        content), or a GasLib instance as a folder or ``.zip``.
    scenario : str or Path, optional
        GasLib nomination (``.scn``) or morgen scenario (``.ini``).
    decisions : str or Path, optional
        GasLib combined decisions (``.cdf``).
    compressor_data : str or Path, optional
        GasLib compressor stations (``.cs``).

    Returns
    -------
    Network

    Raises
    ------
    CaseError
        Unknown name or file, options that do not apply to the case's format, or bad content.

    Notes
    -----
    Also available as :func:`linepack.load`. Quantities in the files carry their units
    ("56 in", "85 barg", "1200 MMSCFD"); the network holds them in SI.

    Examples
    --------
    >>> import linepack as lp
    >>> net = lp.load("psgp-56in-phase1")
    >>> net.name, len(net.nodes), len(net.pipes)
    ('psgp-56in-phase1', 12, 11)
    >>> "psgp-56in-fsru-trip" in lp.bundled_cases()
    True
    """
    from linepack.io.case_toml import load_case

    name = str(case) if case is not None else DEFAULT_CASE
    path = Path(name)
    if not path.exists() and name in bundled_cases():
        _no_options(
            "bundled", path, scenario=scenario, decisions=decisions, compressor_data=compressor_data
        )
        return load_case(bundled_path(name))
    if not path.exists():
        raise CaseError(
            "no such case file or bundled case",
            value=name,
            expected="a path or one of: " + ", ".join(bundled_cases()),
        )
    kind = _kind(path)
    if kind == "gaslib":
        from linepack.io.gaslib import load_gaslib

        return load_gaslib(path, scenario, decisions, compressor_data)
    if kind == "morgen":
        from linepack.io.morgen import load_morgen

        _no_options(kind, path, decisions=decisions, compressor_data=compressor_data)
        return load_morgen(path, scenario)
    _no_options(kind, path, scenario=scenario, decisions=decisions, compressor_data=compressor_data)
    if kind == "gassteadysim":
        from linepack.io.gassteadysim import load_gassteadysim

        return load_gassteadysim(path)
    return load_case(path)
