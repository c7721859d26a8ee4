"""``linepack capacity``: the largest throughput of a case, what binds, and the published figures.

Prints the capacity with its binding constraint, the capacity against inlet pressure and
against the number of compressor stations, and which pressure assumptions reproduce the
published 56 in figures (700-800 MMSCFD free flow, 2,000 MMSCFD with compressors). With
``--out DIR`` it writes ``summary.json`` (every key in docs/studies.md, "Capacity").
"""

from __future__ import annotations

import math
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from linepack.cli.common import console, guard

#: Bundled case studied when none is given.
DEFAULT_CAPACITY_CASE = "psgp-56in-phase1"


class Placement(StrEnum):
    """How ``linepack capacity`` places the stations of the station-count curve."""

    optimal = "optimal"
    even = "even"


def _pressure(value: str, atmosphere: float) -> float:
    from linepack.units import parse

    text = value.strip()
    try:
        float(text)
        text += " barg"  # a bare number is a gauge pressure in bar
    except ValueError:
        pass
    return parse(text, "pressure", key="--inlet", atmosphere=atmosphere)


def capacity_cmd(
    case: Annotated[
        str | None,
        typer.Argument(
            help=f"Bundled case name or case file (default: {DEFAULT_CAPACITY_CASE}).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write summary.json into this folder.", show_default=False),
    ] = None,
    inlet: Annotated[
        list[str] | None,
        typer.Option(
            "--inlet",
            help="Inlet pressure of the sweep, e.g. 85 or '85 barg' (repeat the option; "
            "default 70-95 barg in steps of 5, up to the MAOP).",
            show_default=False,
        ),
    ] = None,
    stations: Annotated[
        int, typer.Option("--stations", min=0, max=8, help="Station-count curve up to N.")
    ] = 3,
    placement: Annotated[
        Placement, typer.Option("--placement", help="Station sites of the station-count curve.")
    ] = Placement.optimal,
    supply_limit: Annotated[
        bool,
        typer.Option(
            "--supply-limit/--no-supply-limit",
            help="Whether the supply's flow_max limits the capacity and the inlet sweep.",
        ),
    ] = True,
    calibrate: Annotated[
        bool,
        typer.Option(
            "--calibrate/--no-calibrate",
            help="Compare with the published 700-800 / 2,000 MMSCFD figures.",
        ),
    ] = True,
    sites: Annotated[
        list[str] | None,
        typer.Option(
            "--site",
            help="Also the capacity with stations at these route chainages instead of the "
            "case's own, e.g. --site 393 --site '737 km' (repeat the option; bare numbers "
            "are km; the [design] station spec).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Capacity of a case: the largest throughput, what binds, vs inlet pressure and stations."""
    t0 = time.perf_counter()

    def work() -> dict[str, Any]:
        return run_capacity(
            case or DEFAULT_CAPACITY_CASE,
            inlet,
            stations,
            placement.value,
            supply_limit,
            calibrate,
            sites,
        )

    summary = guard(work)
    summary["wall_time_s"] = time.perf_counter() - t0
    _print(summary)
    if out is not None:

        def write() -> Path:
            from linepack.io.results_files import write_json

            out.mkdir(parents=True, exist_ok=True)
            return write_json(summary, out / "summary.json")

        path = guard(write)
        _say(f"wrote {path} in {summary['wall_time_s']:.1f} s")


def run_capacity(
    case: str,
    inlets: list[str] | None,
    n_stations: int,
    placement: str,
    supply_limit: bool,
    calibrate: bool,
    sites: list[str] | None = None,
) -> dict[str, Any]:
    """Read the case and its design basis once, run the capacity pipeline, return its summary.

    The studies are :func:`linepack.studies.pipeline.capacity_study`; this parses the options
    (``--inlet`` pressures, ``--site`` chainages) and builds ``summary.json`` (see
    docs/studies.md).
    """
    from linepack.io.design_toml import read_design
    from linepack.io.load import load
    from linepack.studies.pipeline import CapacityOptions, capacity_study
    from linepack.units import parse

    net = load(case)
    d = read_design(net)
    where = (
        tuple(
            parse(v, "length", key="--site", default_unit="km") if v.strip() else math.nan
            for v in sites
        )
        if sites
        else None
    )
    options = CapacityOptions(
        inlet_pressures=tuple(_pressure(v, d.atmosphere) for v in inlets) if inlets else None,
        n_stations=n_stations,
        placement=placement,
        supply_limit=supply_limit,
        calibrate=calibrate,
        sites=where,
    )
    return capacity_study(net, d, options).to_dict()


def _say(text: str) -> None:
    from rich.markup import escape

    console.print(escape(text), highlight=False)


def _print(s: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = s["capacity"]
    a = s["assumptions"]
    head = Table(title=f"linepack capacity — {s['case']}", show_header=False, box=None)
    rows = [
        (
            "capacity",
            f"{s['max_throughput_mmscfd']:,.1f} MMSCFD = {s['max_throughput_bcm_per_year']:.2f} "
            f"bcm/yr (search tolerance {TOL_TEXT.format(a['tolerance_mmscfd'])})",
        ),
        ("binding", s["binding"]),
        ("just above", c["infeasible_above"]),
        (
            "assumptions",
            f"inlet {c['inlet_pressure_barg']:.1f} barg, min delivery "
            f"{c['min_delivery_pressure_barg']:.1f} barg, MAOP {a['maop_barg']:.1f} barg, "
            f"velocity <= {c['max_velocity_limit_m_s']:.0f} m/s, supply flow_max "
            f"{'applied' if c['supply_limit_applied'] else 'not applied'}",
        ),
        (
            "at capacity",
            f"delivery {c['delivery_pressure_barg']:.2f} barg, power {c['power_mw']:.1f} MW, "
            f"fuel {c['fuel_mmscfd']:.2f} MMSCFD",
        ),
    ]
    for k, v in rows:
        head.add_row(escape(k), escape(v))
    console.print(head)
    m = Table(title="margins at capacity", header_style="bold")
    for col in ("constraint", "where", "value", "limit", "margin"):
        m.add_column(col, justify="right" if col in ("value", "limit", "margin") else "left")
    for row in c["margins"]:
        m.add_row(*(escape(x) for x in _margin_cells(row)))
    console.print(m)
    t = Table(title="capacity vs inlet pressure", header_style="bold")
    for col in ("inlet barg", "MMSCFD", "binding"):
        t.add_column(col, justify="left" if col == "binding" else "right")
    for r in s["capacity_vs_inlet"]:
        t.add_row(
            f"{r['inlet_pressure_barg']:.1f}",
            f"{r['max_throughput_mmscfd']:,.1f}",
            escape(r["binding"]),
        )
    console.print(t)
    sc = s["capacity_vs_stations"]
    st = Table(
        title=f"capacity vs number of stations ({sc['placement']} sites; pipeline only, "
        "supply flow_max not applied)",
        header_style="bold",
    )
    for col in ("stations", "MMSCFD", "sites km", "power MW", "binding"):
        st.add_column(col, justify="left" if col in ("sites km", "binding") else "right")
    for r in sc["rows"]:
        sites = ", ".join(f"{x['chainage_km']:.0f}" for x in r["stations"])
        st.add_row(
            str(r["n_stations"]),
            f"{r['max_throughput_mmscfd']:,.1f}",
            sites or "-",
            f"{r['power_mw']:.1f}",
            escape(r["binding"]),
        )
    console.print(st)
    if s.get("capacity_at_sites"):
        at = s["capacity_at_sites"]
        where = ", ".join(f"{x:.0f}" for x in at["sites_km"])
        console.print(
            f"[bold]stations at km {escape(where)}:[/] {at['max_throughput_mmscfd']:,.1f} MMSCFD, "
            f"{at['power_mw']:.1f} MW; binding: {escape(at['binding'])}",
            highlight=False,
        )
    if s.get("thermal_effect"):
        _print_thermal(s["thermal_effect"])
    if s["statements"]:
        console.print("[bold]published figures[/]")
        for line in s["statements"]:
            console.print(f"  - {escape(line)}", highlight=False)


def _print_thermal(te: dict[str, Any]) -> None:
    """The energy balance's answers against the isothermal twin's."""
    from rich.table import Table

    t = Table(title="energy balance against isothermal flow (the case at its gas temperature)")
    for col in ("", "energy", "isothermal", "change"):
        t.add_column(col, justify="right" if col else "left")
    e, i, c = te["energy"], te["isothermal"], te["change"]
    rows = (
        ("delivery pressure", "delivery_pressure_barg", "{:.2f} barg"),
        ("delivery temperature", "delivery_temperature_c", "{:.1f} degC"),
        ("compressor power", "compressor_power_mw", "{:.1f} MW"),
        ("fuel", "fuel_mmscfd", "{:.2f} MMSCFD"),
        ("cooler duty", "cooler_duty_mw", "{:.1f} MW"),
        ("free-flow capacity", "free_flow_capacity_mmscfd", "{:,.1f} MMSCFD"),
    )
    for label, key, fmt in rows:
        t.add_row(label, fmt.format(e[key]), fmt.format(i[key]), fmt.format(c[key]))
    t.add_row("", "", "", f"{c['free_flow_capacity_percent']:+.2f} % capacity")
    console.print(t)


TOL_TEXT = "{:.2g} MMSCFD"


def _margin_cells(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    for unit, fmt in (
        ("barg", "{:.2f} barg"),
        ("mmscfd", "{:,.1f} MMSCFD"),
        ("mw", "{:.2f} MW"),
        ("m_s", "{:.2f} m/s"),
    ):
        if f"value_{unit}" in row:
            margin_unit = {"barg": "bar", "mmscfd": "mmscfd", "mw": "mw", "m_s": "m_s"}[unit]
            mfmt = fmt.replace("barg", "bar") if unit == "barg" else fmt
            return (
                row["constraint"],
                row["element"],
                fmt.format(row[f"value_{unit}"]),
                fmt.format(row[f"limit_{unit}"]),
                mfmt.format(row[f"margin_{margin_unit}"]),
            )
    return (
        row["constraint"],
        row["element"],
        f"{row['value']:.4g}",
        f"{row['limit']:.4g}",
        f"{row['margin']:.4g}",
    )
