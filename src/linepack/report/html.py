"""A small document model of the report and its renderer to ONE self-contained HTML file.

The model is plain data: a :class:`Document` has a title, key-figure :class:`Card` s and
:class:`Section` s; a section holds :class:`Paragraph` s, :class:`Facts` (labelled values with
units), :class:`Table` s and :class:`Figure` s
and names the study or command that produced it (``source``), or says why it is not available.

:func:`render` turns it into one HTML string that needs nothing else: the CSS and the script
(table sorting) are inline, figures are base64 PNG ``data:`` URIs, and a Content-Security-Policy
forbids every network request, so the file opens offline from disk. :func:`write` writes the
HTML and each figure as a PNG next to it.

Every table column states its unit in its header (``pressure [barg]``); a numeric column without
a unit is an error (``"-"`` marks a dimensionless quantity).
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linepack.errors import ReportError

if TYPE_CHECKING:
    import pandas as pd

#: Key suffixes naming a unit (``delivery_pressure_barg`` → ``barg``), longest first.
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_mmscm_per_year", "MMSm³/yr"),
    ("_tbtu_per_year", "TBtu/yr"),
    ("_usd_per_mmbtu", "USD/MMBtu"),
    ("_t_per_year", "t/yr"),
    ("_t_per_km", "t/km"),
    ("_musd_per_year", "MUSD/yr"),
    ("_musd_per_yr", "MUSD/yr"),
    ("_bcm_per_year", "bcm/yr"),
    ("_bcm_per_yr", "bcm/yr"),
    ("_usd_per_t", "USD/t"),
    ("_mmscfd", "MMSCFD"),
    ("_mmscm", "MMSm³"),
    ("_tonnes", "t"),
    ("_percent", "%"),
    ("_years", "yr"),
    ("_musd", "MUSD"),
    ("_busd", "billion USD"),
    ("_barg", "barg"),
    ("_bara", "bara"),
    ("_kg_s", "kg/s"),
    ("_m3_s", "m³/s"),
    ("_degc", "°C"),
    ("_usd", "USD"),
    ("_bar", "bar"),
    ("_pct", "%"),
    ("_m_s", "m/s"),
    ("_mw", "MW"),
    ("_kw", "kW"),
    ("_km", "km"),
    ("_mm", "mm"),
    ("_in", "in"),
    ("_yr", "yr"),
    ("_kg", "kg"),
    ("_kt", "kt"),
    ("_m", "m"),
    ("_h", "h"),
    ("_s", "s"),
    ("_t", "t"),
    ("_k", "K"),
)
_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*\[(?P<unit>[^\]]*)\]\s*$")
#: Content-Security-Policy of the page: no request of any kind leaves the file.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def split_unit_key(key: str) -> tuple[str, str] | None:
    """Split a key with a unit suffix into a readable name and the unit.

    Parameters
    ----------
    key : str
        e.g. ``"delivery_pressure_barg"``.

    Returns
    -------
    (str, str) or None
        ``("delivery pressure", "barg")``, or None if the key ends in no known unit.
    """
    low = key.lower()
    for suffix, unit in UNIT_SUFFIXES:
        if low.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)].replace("_", " "), unit
    return None


def _is_number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    try:
        import numpy as np

        if isinstance(v, np.bool_):
            return False
        if isinstance(v, np.number):
            return True
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    return isinstance(v, int | float)


def format_number(v: float, fmt: str = "") -> str:
    """Format a number for a table or card: ``fmt`` if given, else by its size.

    Integers print whole; other numbers with two decimals up to 100, one to 1000, none above,
    three significant digits below 1; NaN prints as ``–``.
    """
    x = float(v)
    if not math.isfinite(x):
        return "–" if math.isnan(x) else ("∞" if x > 0 else "−∞")
    if fmt:
        return format(round(x) if fmt.endswith("d") else x, fmt)
    if isinstance(v, int) or (x.is_integer() and abs(x) >= 1000):
        return f"{x:,.0f}"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 1 or a == 0:
        return f"{x:.2f}"
    return f"{x:.3g}"


@dataclass(frozen=True)
class Card:
    """A key figure shown at the top of the report.

    Attributes
    ----------
    label : str
        What it is, e.g. ``"delivery pressure"``.
    value : float or str
        The value (numbers are formatted with ``fmt``).
    unit : str
        Its unit (``""`` only for text values).
    fmt : str
        Python format spec for a number (default: :func:`format_number`).
    note : str
        A short qualifier, e.g. ``"at kasur, minimum 50 barg"``.
    """

    label: str
    value: float | str
    unit: str
    fmt: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if _is_number(self.value) and not self.unit:
            raise ReportError(
                "a number needs a unit",
                element=f"card {self.label!r}",
                key="unit",
                value=self.unit,
                expected="a unit ('-' if dimensionless)",
            )

    @property
    def value_text(self) -> str:
        """The value alone, formatted."""
        if isinstance(self.value, str):
            return self.value
        return format_number(self.value, self.fmt)

    @property
    def unit_text(self) -> str:
        """The unit as printed (nothing for a dimensionless ``"-"``)."""
        return "" if self.unit == "-" else self.unit

    @property
    def text(self) -> str:
        """The value with its unit, as printed."""
        return f"{self.value_text} {self.unit_text}".strip()


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped when rendered)."""

    text: str


@dataclass(frozen=True)
class Facts:
    """A list of labelled values, each with its own unit (rendered as a definition list).

    Attributes
    ----------
    caption : str
    items : tuple of Card
        Label, value, unit and note of each line.
    """

    caption: str
    items: tuple[Card, ...]


@dataclass(frozen=True)
class Column:
    """A table column: its name, unit (``""`` for a text column, ``"-"`` dimensionless), format."""

    name: str
    unit: str = ""
    fmt: str = ""

    @property
    def header(self) -> str:
        """``name [unit]``, or the name alone for a text column."""
        return f"{self.name} [{self.unit}]" if self.unit else self.name


@dataclass(frozen=True)
class Table:
    """A table whose every numeric column states its unit.

    Attributes
    ----------
    caption : str
    columns : tuple of Column
    rows : tuple of tuple
        Cells: numbers (formatted by the column's ``fmt``), strings, bools or None (``–``).
    """

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:
        for r, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ReportError(
                    f"row {r} has {len(row)} cells",
                    element=f"table {self.caption!r}",
                    key="rows",
                    value=row,
                    expected=f"{len(self.columns)} cells, one per column",
                )
        for j, col in enumerate(self.columns):
            if not col.unit and any(_is_number(row[j]) for row in self.rows):
                raise ReportError(
                    f"numeric column {col.name!r} has no unit",
                    element=f"table {self.caption!r}",
                    key="columns",
                    value=col.name,
                    expected="a unit for a numeric column ('-' if dimensionless)",
                )

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        caption: str,
        units: Mapping[str, str] | None = None,
        formats: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> Table:
        """A table from a list of dicts (keys in the order first seen).

        Parameters
        ----------
        records : iterable of mapping
            One dict per row.
        caption : str
        units : mapping, optional
            Key → unit. Otherwise a key's unit comes from a ``name [unit]`` header or a unit
            suffix (:func:`split_unit_key`); text columns need none.
        formats : mapping, optional
            Key → format spec.
        names : mapping, optional
            Key → column name to print (default: from the key).

        Returns
        -------
        Table
        """
        rows_in = [dict(r) for r in records]
        keys: list[str] = list(dict.fromkeys(k for r in rows_in for k in r))
        columns = tuple(_column(k, units, formats, names) for k in keys)
        rows = tuple(tuple(r.get(k) for k in keys) for r in rows_in)
        return cls(caption, columns, rows)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        caption: str,
        units: Mapping[str, str] | None = None,
        formats: Mapping[str, str] | None = None,
        index: bool = True,
    ) -> Table:
        """A table from a DataFrame (its index first, unless ``index`` is False).

        Column units as in :meth:`from_records` (``"pressure [barg]"`` headers are understood).
        """
        df = frame.reset_index() if index else frame
        records = df.to_dict(orient="records")
        return cls.from_records(
            [{str(k): v for k, v in r.items()} for r in records],
            caption=caption,
            units=units,
            formats=formats,
        )


def _column(
    key: str,
    units: Mapping[str, str] | None,
    formats: Mapping[str, str] | None,
    names: Mapping[str, str] | None,
) -> Column:
    fmt = (formats or {}).get(key, "")
    name = (names or {}).get(key)
    if units and key in units:
        return Column(name or key.replace("_", " "), units[key], fmt)
    m = _HEADER_UNIT.match(key)
    if m:
        return Column(name or m["name"], m["unit"] or "-", fmt)
    split = split_unit_key(key)
    if split:
        return Column(name or split[0], split[1], fmt)
    return Column(name or key.replace("_", " "), "", fmt)


@dataclass(frozen=True)
class Figure:
    """A figure: PNG bytes, the file name it is written under, and a caption stating units.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"route_map"`` (written as ``route_map.png``).
    png : bytes
        The image.
    caption : str
    """

    name: str
    png: bytes
    caption: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", self.name):
            raise ReportError(
                "a figure name must be a file name",
                element=f"figure {self.name!r}",
                key="name",
                value=self.name,
                expected="letters, digits, '_', '-', '.'",
            )
        if not self.png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ReportError(
                "not a PNG image",
                element=f"figure {self.name!r}",
                key="png",
                value=self.png[:8],
                expected="PNG bytes (starting with the PNG signature)",
            )

    @classmethod
    def from_file(cls, path: Path, caption: str, name: str | None = None) -> Figure:
        """Read a PNG file (the name defaults to the file's stem)."""
        return cls(name or path.stem, path.read_bytes(), caption)


Block = Paragraph | Facts | Table | Figure


@dataclass
class Section:
    """A section of the report.

    Attributes
    ----------
    title : str
    source : str
        The study, command or function that produced it (shown under the title).
    blocks : list
        Paragraphs, tables and figures in order.
    unavailable : str, optional
        Why the section has no content; it then renders as "not available: <why>".
    """

    title: str
    source: str
    blocks: list[Block] = field(default_factory=list)
    unavailable: str | None = None

    @property
    def anchor(self) -> str:
        """The section's HTML id."""
        return "sec-" + (re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "x")


@dataclass
class Document:
    """The whole report.

    Attributes
    ----------
    title : str
    subtitle : str
    cards : list of Card
        Key figures, shown first.
    sections : list of Section
    footer : str
        e.g. the program version and the date.
    """

    title: str
    subtitle: str = ""
    cards: list[Card] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    footer: str = ""

    def figures(self) -> list[Figure]:
        """Every figure in section order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


CSS = """
:root { --ink:#1d2733; --muted:#5b6878; --line:#d5dbe3; --accent:#1f5f99; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
  sans-serif; color:var(--ink); background:#fff; }
header { padding:24px 32px 16px; background:var(--bg); border-bottom:1px solid var(--line); }
h1 { margin:0 0 4px; font-size:26px; }
.subtitle { color:var(--muted); margin:0; }
main { padding:8px 32px 32px; max-width:1200px; }
nav { margin:12px 0; font-size:14px; }
nav a { color:var(--accent); margin-right:14px; text-decoration:none; white-space:nowrap; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(200px, 1fr)); gap:12px;
  margin:20px 0; }
.card { border:1px solid var(--line); border-radius:8px; padding:12px 14px; background:#fff; }
.card .label { color:var(--muted); font-size:13px; text-transform:uppercase; letter-spacing:.03em; }
.card .value { font-size:24px; font-weight:600; color:var(--accent); }
.card .value .unit { font-size:15px; font-weight:500; }
.card .note { color:var(--muted); font-size:12px; }
details.section { border-top:1px solid var(--line); padding:6px 0 14px; }
details.section > summary { cursor:pointer; font-size:20px; font-weight:600; padding:8px 0; }
.source { color:var(--muted); font-size:13px; margin:0 0 8px; }
.source code { background:var(--bg); padding:1px 4px; border-radius:3px; }
.unavailable { color:#8a5300; background:#fff7e6; border:1px solid #f0d9a8; padding:8px 12px;
  border-radius:6px; }
table { border-collapse:collapse; margin:8px 0 18px; font-size:13px; }
caption { text-align:left; font-weight:600; padding:4px 0; }
th, td { border:1px solid var(--line); padding:3px 8px; }
th { background:var(--bg); text-align:left; cursor:pointer; user-select:none; }
th.sorted-asc::after { content:" \\25B2"; font-size:10px; }
th.sorted-desc::after { content:" \\25BC"; font-size:10px; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
.facts .caption { font-weight:600; margin:4px 0; }
.facts dl { display:grid; grid-template-columns:max-content auto; gap:2px 16px; margin:0 0 16px;
  font-size:14px; }
.facts dt { color:var(--muted); }
.facts dd { margin:0; font-variant-numeric:tabular-nums; }
.facts .note { color:var(--muted); font-size:12px; }
figure { margin:10px 0 20px; }
figure img { max-width:100%; height:auto; border:1px solid var(--line); }
figcaption { color:var(--muted); font-size:13px; }
footer { color:var(--muted); font-size:12px; padding:16px 32px; border-top:1px solid var(--line); }
@media print { details.section > summary { list-style:none; } th { cursor:auto; } }
"""

#: Click a table header to sort by that column (numbers by their value, text alphabetically).
SCRIPT = """
(function () {
  "use strict";
  function key(td) {
    var v = td.getAttribute("data-v");
    return v === null ? td.textContent.trim().toLowerCase() : parseFloat(v);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.addEventListener("click", function () {
        var asc = !th.classList.contains("sorted-asc");
        heads.forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
        th.classList.add(asc ? "sorted-asc" : "sorted-desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          if (x === y) { return 0; }
          return (x < y ? -1 : 1) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _cell(v: Any, col: Column) -> str:
    if v is None:
        return "<td>–</td>"
    if _is_number(v):
        x = float(v)
        data = f' data-v="{x!r}"' if math.isfinite(x) else ""
        return f'<td class="num"{data}>{_e(format_number(v, col.fmt))}</td>'
    if isinstance(v, bool):
        return f"<td>{'yes' if v else 'no'}</td>"
    return f"<td>{_e(str(v))}</td>"


def render_table(t: Table) -> str:
    """One ``<table>`` with a caption, unit-bearing headers and sortable columns."""
    head = "".join(f'<th scope="col">{_e(c.header)}</th>' for c in t.columns)
    body = "\n".join(
        "<tr>" + "".join(_cell(v, c) for v, c in zip(row, t.columns, strict=True)) + "</tr>"
        for row in t.rows
    )
    return (
        f'<table class="sortable"><caption>{_e(t.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"
    )


def render_facts(f: Facts) -> str:
    """A captioned definition list: label, then value with unit (and note)."""
    items = "\n".join(
        f"<dt>{_e(c.label)}</dt><dd>{_e(c.text)}"
        + (f' <span class="note">({_e(c.note)})</span>' if c.note else "")
        + "</dd>"
        for c in f.items
    )
    return f'<div class="facts"><p class="caption">{_e(f.caption)}</p><dl>\n{items}\n</dl></div>'


def render_figure(f: Figure, number: int) -> str:
    """One ``<figure>`` with the PNG embedded as a base64 ``data:`` URI."""
    data = base64.b64encode(f.png).decode("ascii")
    return (
        f'<figure id="fig-{_e(f.name)}"><img src="data:image/png;base64,{data}" '
        f'alt="{_e(f.caption)}">'
        f"<figcaption>Figure {number}: {_e(f.caption)} (also <code>{_e(f.name)}.png</code>)"
        "</figcaption></figure>"
    )


def _render_section(s: Section, numbers: dict[int, int]) -> str:
    parts = [
        f'<details class="section" id="{_e(s.anchor)}" open>',
        f"<summary>{_e(s.title)}</summary>",
        f'<p class="source">Produced by: <code>{_e(s.source)}</code></p>',
    ]
    if s.unavailable is not None:
        parts.append(f'<p class="unavailable">not available: {_e(s.unavailable)}</p>')
    for b in s.blocks:
        if isinstance(b, Paragraph):
            parts.append(f"<p>{_e(b.text)}</p>")
        elif isinstance(b, Table):
            parts.append(render_table(b))
        elif isinstance(b, Facts):
            parts.append(render_facts(b))
        else:
            parts.append(render_figure(b, numbers[id(b)]))
    parts.append("</details>")
    return "\n".join(parts)


def _render_card(c: Card) -> str:
    note = f'<div class="note">{_e(c.note)}</div>' if c.note else ""
    unit = f' <span class="unit">{_e(c.unit_text)}</span>' if c.unit_text else ""
    return (
        f'<div class="card"><div class="label">{_e(c.label)}</div>'
        f'<div class="value">{_e(c.value_text)}{unit}</div>{note}</div>'
    )


def render(doc: Document) -> str:
    """The document as one self-contained HTML page (no external resource of any kind).

    Parameters
    ----------
    doc : Document

    Returns
    -------
    str
        UTF-8 HTML.
    """
    names = [f.name for f in doc.figures()]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ReportError(
            f"figure names must be unique: {', '.join(dup)}",
            element=f"document {doc.title!r}",
            key="figures",
            value=dup,
            expected="one figure per name",
        )
    numbers = {id(f): k for k, f in enumerate(doc.figures(), start=1)}
    nav = " ".join(f'<a href="#{_e(s.anchor)}">{_e(s.title)}</a>' for s in doc.sections)
    cards = "\n".join(_render_card(c) for c in doc.cards)
    sections = "\n".join(_render_section(s, numbers) for s in doc.sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(doc.title)}</title>
<link rel="icon" href="data:,">
<style>{CSS}</style>
</head>
<body>
<header><h1>{_e(doc.title)}</h1><p class="subtitle">{_e(doc.subtitle)}</p></header>
<main>
<section class="cards" aria-label="key figures">
{cards}
</section>
<nav>{nav}</nav>
{sections}
</main>
<footer>{_e(doc.footer)}</footer>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write(doc: Document, out_dir: Path, name: str = "report.html") -> Path:
    """Write the HTML page and each figure as ``<figure name>.png`` into ``out_dir``.

    Parameters
    ----------
    doc : Document
    out_dir : Path
        Folder (created if missing).
    name : str
        File name of the page.

    Returns
    -------
    Path
        The HTML file.
    """
    page = render(doc)
    out_dir.mkdir(parents=True, exist_ok=True)
    for f in doc.figures():
        (out_dir / f"{f.name}.png").write_bytes(f.png)
    path = out_dir / name
    path.write_text(page, encoding="utf-8")
    return path
