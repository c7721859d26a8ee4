"""The report's document model and HTML renderer: self-contained, figures embedded, units stated.

The same checks run on a small document built here and on the default report written by
``linepack report`` (fixture ``psgp_full_report``).
"""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from linepack.errors import ReportError
from linepack.report.html import (
    Card,
    Column,
    Document,
    Facts,
    Figure,
    Paragraph,
    Section,
    Table,
    format_number,
    render,
    split_unit_key,
    write,
)

#: A URL that makes the browser fetch something over the network.
NETWORK_REF = re.compile(r"""(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!data:)[^)'\"]", re.I)
IMPORT = re.compile(r"@import", re.I)


class _Page(HTMLParser):
    """Collects the tags, table headers and cells, and image sources of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[dict[str, list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._where = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append({"head": [], "body": []})
        elif tag in ("thead", "tbody"):
            self._where = "head" if tag == "thead" else "body"
        elif tag == "tr" and self.tables:
            self.tables[-1][self._where].append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][self._where][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


def _png(color: str = "C0") -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=50)
    ax.plot([0, 1, 2], [0, 1, 0], color=color)
    ax.set_xlabel("x [km]")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _doc() -> Document:
    frame = pd.DataFrame(
        {"pressure [barg]": [61.43, 85.0], "elevation [m]": [210.0, 5.0]},
        index=pd.Index(["kasur", "port-qasim"], name="node"),
    )
    return Document(
        title="test <report>",
        subtitle="a & b",
        cards=[Card("delivery pressure", 61.4321, "barg", ".2f", "at kasur")],
        sections=[
            Section(
                "Steady",
                "linepack run x",
                [
                    Paragraph("text with <script>alert(1)</script> and https://example.org"),
                    Facts(
                        "key figures",
                        (Card("throughput", 1200.0, "MMSCFD"), Card("iterations", 4, "-", "d")),
                    ),
                    Table.from_records(
                        [
                            {"pipe": "L01", "length_km": 123.0, "flow_mmscfd": 1200.0},
                            {"pipe": "L02", "length_km": 98.0, "flow_mmscfd": 1199.5},
                        ],
                        caption="pipes",
                    ),
                    Table.from_frame(frame, caption="nodes"),
                    Figure("profile", _png(), "pressure [barg] against chainage [km]"),
                ],
            ),
            Section("Capacity", "linepack.studies.capacity", unavailable="not written yet"),
            Section("Map", "figures.route_map", [Figure("route_map", _png("C1"), "map [deg]")]),
        ],
        footer="linepack test",
    )


def _assert_self_contained(page: str) -> None:
    """No network reference of any kind; scripts and styles inline; images data: URIs."""
    assert not NETWORK_REF.search(page), NETWORK_REF.search(page)
    assert not CSS_URL.search(page), CSS_URL.search(page)
    assert not IMPORT.search(page)
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        if tag == "script":
            assert "src" not in attrs, "an external script"
        if tag == "link":
            assert attrs.get("rel") == "icon", attrs  # no stylesheet, preload, font
            assert str(attrs.get("href", "")).startswith("data:"), attrs
        if tag in ("img", "iframe", "embed", "object", "video", "audio", "source"):
            assert tag == "img", tag
            assert str(attrs.get("src", "")).startswith("data:image/png;base64,"), tag
    # the page forbids any request itself (a Content-Security-Policy with default-src 'none')
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert csp
    assert "default-src 'none'" in str(csp[0]["content"])


def _assert_units(page: str) -> None:
    """Every column with a number in it says its unit in its header: ``name [unit]``."""
    tables = _parse(page).tables
    assert tables
    for t in tables:
        (head,) = t["head"]
        for j, name in enumerate(head):
            cells = [row[j] for row in t["body"]]
            numeric = [c for c in cells if re.fullmatch(r"[-−]?[\d,]+(\.\d+)?(e[-+]\d+)?", c)]
            if numeric:
                assert re.search(r"\[[^\]]+\]$", name), f"column {name!r} has numbers, no unit"


def test_render_is_self_contained_and_embeds_figures(tmp_path: Path) -> None:
    doc = _doc()
    path = write(doc, tmp_path)
    page = path.read_text(encoding="utf-8")
    _assert_self_contained(page)
    srcs = [a["src"] for t, a in _parse(page).tags if t == "img"]
    assert len(srcs) == 2
    for src, fig in zip(srcs, doc.figures(), strict=True):
        assert base64.b64decode(str(src).split(",", 1)[1]) == fig.png
        # ... and each figure is also a PNG next to the page
        assert (tmp_path / f"{fig.name}.png").read_bytes() == fig.png
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "profile.png",
        "report.html",
        "route_map.png",
    ]


def test_render_escapes_text_and_keeps_plain_links_as_text() -> None:
    page = render(_doc())
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "test &lt;report&gt;" in page
    assert "https://example.org" in page  # a plain-text link is allowed (not fetched)
    assert page.count("<script>") == 1  # the table-sort script only


def test_tables_carry_units_and_sections_say_their_source() -> None:
    page = render(_doc())
    _assert_units(page)
    tables = _parse(page).tables
    assert tables[0]["head"] == [["pipe", "length [km]", "flow [MMSCFD]"]]
    assert tables[0]["body"][0] == ["L01", "123.0", "1,200"]
    assert tables[1]["head"] == [["node", "pressure [barg]", "elevation [m]"]]
    assert "Produced by: <code>linepack.studies.capacity</code>" in page
    assert "not available: not written yet" in page
    assert '61.43 <span class="unit">barg</span>' in page  # the card, formatted with its spec
    assert "<dt>throughput</dt><dd>1,200 MMSCFD</dd>" in page  # facts state their own units
    assert "<dt>iterations</dt><dd>4</dd>" in page  # '-': dimensionless, no unit printed


def test_numeric_column_without_unit_is_an_error() -> None:
    with pytest.raises(ReportError, match="'count' has no unit") as err:
        Table("t", (Column("name"), Column("count")), (("a", 3),))
    assert (err.value.element, err.value.key, err.value.value) == ("table 't'", "columns", "count")
    with pytest.raises(ReportError, match="has no unit") as err:
        Table.from_records([{"station": "CS-A", "mystery": 2.0}], caption="t")
    assert err.value.value == "mystery"
    with pytest.raises(ReportError, match="needs a unit") as err:
        Card("power", 3.0, "")
    assert (err.value.element, err.value.key) == ("card 'power'", "unit")
    with pytest.raises(ReportError, match="row 0 has 1 cells") as err:
        Table("t", (Column("a"), Column("b")), (("x",),))
    assert (err.value.key, err.value.value) == ("rows", ("x",))


def test_figure_must_be_png_with_a_file_name() -> None:
    with pytest.raises(ReportError, match="not a PNG") as err:
        Figure("x", b"GIF89a", "caption")
    assert (err.value.element, err.value.key) == ("figure 'x'", "png")
    with pytest.raises(ReportError, match="letters, digits") as err:
        Figure("../x", _png(), "caption")
    assert (err.value.key, err.value.value) == ("name", "../x")
    doc = Document("t", sections=[Section("a", "s", [Figure("x", _png(), "c")] * 2)])
    with pytest.raises(ReportError, match="unique: x") as err:
        render(doc)
    assert (err.value.key, err.value.value) == ("figures", ["x"])


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("delivery_pressure_barg", ("delivery pressure", "barg")),
        ("tariff_usd_per_mmbtu", ("tariff", "USD/MMBtu")),
        ("capex_musd", ("capex", "MUSD")),
        ("max_velocity_m_s", ("max velocity", "m/s")),
        ("linepack_mmscm", ("linepack", "MMSm³")),
        ("length_km", ("length", "km")),
        ("stations", None),
        ("_km", None),
    ],
)
def test_split_unit_key(key: str, expected: tuple[str, str] | None) -> None:
    assert split_unit_key(key) == expected


def test_format_number() -> None:
    assert format_number(1200) == "1,200"
    assert format_number(61.4321) == "61.43"
    assert format_number(139.24) == "139.2"
    assert format_number(105654.2) == "105,654"
    assert format_number(0.00123) == "0.00123"
    assert format_number(float("nan")) == "–"
    assert format_number(2.5, ".3f") == "2.500"


def test_default_report_is_self_contained_with_units(psgp_full_report: Path) -> None:
    page = psgp_full_report.read_text(encoding="utf-8")
    _assert_self_contained(page)
    _assert_units(page)
    parsed = _parse(page)
    n_img = sum(1 for t, _ in parsed.tags if t == "img")
    pngs = sorted(p.name for p in psgp_full_report.parent.glob("*.png"))
    # route map, profile, and the FSRU-trip transient's three plots at least
    assert {"route_map.png", "profile.png", "transient_linepack.png"} <= set(pngs)
    assert n_img == len(pngs)
    # every section names what produced it or says why it is not available
    assert page.count('class="section"') == page.count('class="source"')
    assert 'id="sec-transient-survival-time-and-line-pack"' in page
    assert "not available" not in page  # every study of the default case ran
    assert "Cost of each design" in page  # the 42/56 in designs priced (studies.design_costs)
    assert "saves up to $500 m" in page  # and read against the published claim


def test_design_tables_state_units() -> None:
    """A real 42"/56" comparison at 500 MMSCFD (below both free-flow capacities: no siting)."""
    from linepack.io.design_toml import read_design
    from linepack.io.load import load
    from linepack.report.build import design_blocks
    from linepack.studies.design import compare_diameters

    net = load("psgp-56in-phase1")
    d = read_design(net)
    comparison = compare_diameters(
        net, ("42 in", "56 in"), target=d.kg_s(500.0), design=d
    ).to_dict()
    _, per_diameter, per_target = design_blocks(comparison)
    page = render(Document("t", sections=[Section("d", "s", [per_diameter, per_target])]))
    _assert_units(page)
    heads = [c.header for c in per_diameter.columns]
    assert heads[:3] == ["diameter", "outer diameter [mm]", "wall required [mm]"]
    assert "steel [kt]" in heads
    assert "free-flow capacity [MMSCFD]" in heads
    rows = {r[0]: dict(zip(heads, r, strict=True)) for r in per_diameter.rows}
    assert set(rows) == {"42 in", "56 in"}
    # 56 in: OD 1422.4 mm exactly; steel over the route = t/km x km (rounding only, 1e-12)
    assert rows["56 in"]["outer diameter [mm]"] == pytest.approx(1422.4, rel=1e-12)
    for r in rows.values():
        assert r["steel [kt]"] == pytest.approx(
            r["steel [t/km]"] * r["route [km]"] / 1e3, rel=1e-12
        )
    # the larger pipe carries more without compression
    assert (
        rows["56 in"]["free-flow capacity [MMSCFD]"] > rows["42 in"]["free-flow capacity [MMSCFD]"]
    )
    theads = [c.header for c in per_target.columns]
    assert "stations [-]" in theads
    assert "shaft power [MW]" in theads
    assert [r[theads.index("stations [-]")] for r in per_target.rows] == [0, 0]


def test_sections_left_out_say_why(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from linepack.cli.main import app

    flags = ["--no-design-study", "--no-transient", "--out", str(tmp_path)]
    res = CliRunner().invoke(app, ["report", *flags])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    _assert_self_contained(page)
    assert "not available: not run (--no-design-study)" in page
    assert "not available: disabled (--no-transient)" in page


def test_gaslib_case_with_its_nomination_reports_what_it_can(tmp_path: Path) -> None:
    """A GasLib network with its .scn: the steady sections render; the studies that need
    inputs GasLib does not carry (minimum delivery pressure, walls) say which input."""
    from typer.testing import CliRunner

    from linepack.cli.main import app

    data = Path(__file__).resolve().parents[1] / "data" / "gaslib"
    args = ["report", str(data / "GasLib-24.net"), "--scenario", str(data / "GasLib-24.scn")]
    res = CliRunner().invoke(app, [*args, "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    _assert_self_contained(page)
    assert "min_delivery_pressure" in page  # the capacity study names the missing input
    assert "wall_thickness" in page  # so does the economics
