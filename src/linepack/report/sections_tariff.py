"""Tariff section of the report: levelised tariff, capex, tornado and economic inputs."""

from __future__ import annotations

from typing import Any

from linepack.report.context import _Context, _guarded
from linepack.report.html import Card, Facts, Figure, Paragraph, Section, Table


def _tariff_section(ctx: _Context) -> Section:
    title = "Tariff sensitivity"
    src = (
        "linepack.studies.tariff.economics_summary, linepack.studies.tornado.tornado, "
        "linepack.plot.tornado.plot_tornado"
    )
    return _guarded(title, src, lambda: _tariff_blocks(ctx))


def _with_unit(value: float, unit: str) -> str:
    from linepack.report.html import format_number

    return f"{format_number(value)} {unit}".strip()


def _tariff_blocks(ctx: _Context) -> list[Any]:
    """Levelised tariff, capex, tornado table and figure, published comparison, inputs."""
    from linepack.plot.tornado import plot_tornado
    from linepack.studies.economics import PipelineFacts
    from linepack.studies.tariff import economics_summary
    from linepack.studies.tornado import tornado

    econ = ctx.economics
    e = economics_summary(ctx.net, ctx.sol, econ)
    bars = tornado(econ, PipelineFacts.from_solution(ctx.net, ctx.sol))
    path = plot_tornado(bars, ctx.tmp / "tariff_tornado.png")
    facts = (
        Card("levelised tariff", e["tariff_usd_per_mmbtu"], "USD/MMBtu", ".3f"),
        Card("capex", e["capex_musd"], "MUSD", ",.0f", f"{e['capex_musd_per_km']:.2f} MUSD/km"),
        Card("line-pipe steel", e["steel_mass_kt"], "kt", ",.0f"),
        Card("delivered energy", e["delivered_tbtu_per_year"], "TBtu/yr", ",.1f"),
        Card("design throughput", e["design_throughput_mmscfd"], "MMSCFD", ",.0f"),
        Card("installed compressor power", e["installed_power_mw"], "MW", ",.1f"),
        Card("utilisation", 100 * e["utilisation"], "%", ".0f"),
        Card("WACC", 100 * e["wacc"], "%", ".1f"),
        Card("life", e["life_years"], "yr", ".0f"),
        Card("capital recovery factor", e["crf"], "1/yr", ".4f"),
    )
    comparison = e["published_comparison"]
    ctx.cards.append(
        Card(
            "levelised tariff",
            e["tariff_usd_per_mmbtu"],
            "USD/MMBtu",
            ".2f",
            f"capex {e['capex_musd']:,.0f} MUSD, utilisation {100 * e['utilisation']:.0f} %",
        )
    )
    return [
        Paragraph(
            "Levelised transport tariff = (capex × capital recovery factor + annual costs) / "
            "energy delivered per year at the utilisation (gross calorific value); capex from "
            "the steady design point. Inputs and their sources: the case's [economics] table "
            "(defaults in docs/economics.md), listed below."
        ),
        Facts("Economics at the design point", facts),
        *[Paragraph(text) for text in comparison.get("sentences", [])],
        Table.from_records(
            [{"item": k, "cost_musd": v} for k, v in e["capex_breakdown_musd"].items()],
            caption="Capex breakdown",
            formats={"cost_musd": ",.1f"},
        ),
        Table.from_records(
            [
                {"component": k, "tariff_usd_per_mmbtu": v}
                for k, v in e["tariff_breakdown_usd_per_mmbtu"].items()
            ]
            + [{"component": "total", "tariff_usd_per_mmbtu": e["tariff_usd_per_mmbtu"]}],
            caption="Tariff breakdown",
            formats={"tariff_usd_per_mmbtu": ".3f"},
        ),
        Figure.from_file(
            path,
            "Levelised tariff [USD/MMBtu] with each input at its low and high value (others at "
            "base); bar labels are the input values in the units on the axis.",
        ),
        Table.from_records(
            [
                {
                    "input": b.name.replace("_", " "),
                    "low": _with_unit(b.low_value, b.unit),
                    "base": _with_unit(b.base_value, b.unit),
                    "high": _with_unit(b.high_value, b.unit),
                    "tariff at low_usd_per_mmbtu": b.tariff_low,
                    "tariff at high_usd_per_mmbtu": b.tariff_high,
                    "swing_usd_per_mmbtu": b.swing,
                }
                for b in bars
            ],
            caption="Tariff sensitivity (tornado), largest swing first; input values with units",
            formats={
                "tariff at low_usd_per_mmbtu": ".3f",
                "tariff at high_usd_per_mmbtu": ".3f",
                "swing_usd_per_mmbtu": ".3f",
            },
        ),
        Table.from_records(
            [
                {
                    "input": k.replace("_", " "),
                    "value": _with_unit(v["value"], v["unit"]),
                    "source or reason": v["note"],
                }
                for k, v in e["assumptions"].items()
            ],
            caption="Economic inputs ([S] sourced, [A] assumed)",
        ),
    ]
