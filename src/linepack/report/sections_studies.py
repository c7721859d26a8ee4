"""Study sections of the report: capacity vs number of stations and the 42"/56" comparison.

The tariff section is in :mod:`linepack.report.sections_tariff`.
"""

from __future__ import annotations

import time
from typing import Any

from linepack.report import figures
from linepack.report.context import _Context, _guarded
from linepack.report.html import Card, Facts, Figure, Paragraph, Section, Table

#: Most compressor stations of the capacity curve (as ``linepack capacity``'s default).
CAPACITY_STATIONS = 3


def _capacity_section(ctx: _Context) -> Section:
    title = "Capacity vs number of stations"
    src = (
        "linepack capacity (linepack.studies.pipeline.capacity_study: capacity.max_throughput, "
        "capacity_vs_stations, calibration.calibrate; limits from the case's [design] table)"
    )
    return _guarded(title, src, lambda: _capacity_blocks(ctx))


def _capacity_blocks(ctx: _Context) -> list[Any]:
    """The case's capacity and the capacity with 0 ... N stations (as ``linepack capacity``)."""
    from linepack.studies.pipeline import CapacityOptions, capacity_study

    d = ctx.design
    psgp = str(ctx.net.name).startswith("psgp")
    options = CapacityOptions(
        inlet_pressures=(), n_stations=CAPACITY_STATIONS, placement="optimal", calibrate=psgp
    )
    study = capacity_study(ctx.net, d, options).to_dict()
    cap, curve = study["capacity"], study["capacity_vs_stations"]
    rows = curve["rows"]
    path = figures.capacity_vs_stations(
        [r["n_stations"] for r in rows],
        [r["max_throughput_mmscfd"] for r in rows],
        ctx.tmp / "capacity_vs_stations.png",
        title=f"{ctx.net.name}: capacity vs number of compressor stations",
        power_mw=[r["power_mw"] for r in rows],
        demand_mmscfd=[(d.mmscfd(q), f"target {d.mmscfd(q):,.0f} MMSCFD") for q in d.targets],
    )
    ctx.cards.append(
        Card(
            "capacity",
            cap["max_throughput_mmscfd"],
            "MMSCFD",
            ",.0f",
            f"{cap['max_throughput_bcm_per_year']:.2f} bcm/yr; binds: {cap['binding']}",
        )
    )
    calibration: list[Any] = []
    if psgp:
        calibration = [
            Paragraph(
                "Against the published PSGP figures (linepack.studies.calibration.calibrate):"
            ),
            *[Paragraph(text) for text in study["statements"]],
        ]
    return [
        Paragraph(
            "Largest throughput delivered within every limit (inlet pressure, MAOP, minimum "
            "delivery pressure, velocity, station power, ratio and suction limits) of the "
            "case's design basis ([design] table). The station curve removes the case's own "
            f"stations and places 0 to {CAPACITY_STATIONS} new ones where they carry the most "
            "(optimal placement), without the supply's flow limit, as `linepack capacity` does."
        ),
        Facts(
            "Capacity of the case as given",
            (
                Card("capacity", cap["max_throughput_mmscfd"], "MMSCFD", ",.1f"),
                Card("capacity", cap["max_throughput_bcm_per_year"], "bcm/yr", ".2f"),
                Card("binding constraint", cap["binding"], ""),
                Card("just above the capacity", cap["infeasible_above"], ""),
                Card("inlet pressure", cap["inlet_pressure_barg"], "barg", ".1f"),
                Card("minimum delivery pressure", cap["min_delivery_pressure_barg"], "barg", ".1f"),
                Card("velocity limit", cap["max_velocity_limit_m_s"], "m/s", ".1f"),
                Card("search tolerance", cap["tolerance_mmscfd"], "MMSCFD", ".2g"),
            ),
        ),
        Figure.from_file(
            path,
            "Largest throughput [MMSCFD] (bars) and total compressor power [MW] against the "
            "number of stations, with the design targets [MMSCFD].",
        ),
        Table.from_records(
            [
                {
                    "stations_n": r["n_stations"],
                    "capacity_mmscfd": r["max_throughput_mmscfd"],
                    "power_mw": r["power_mw"],
                    "fuel_mmscfd": r["fuel_mmscfd"],
                    "delivery pressure_barg": r["delivery_pressure_barg"],
                    "sites": "; ".join(
                        f"{st['name']} at km {st['chainage_km']:.0f}" for st in r["stations"]
                    )
                    or "–",
                    "binding": r["binding"],
                }
                for r in rows
            ],
            caption="Capacity vs number of compressor stations (optimal placement)",
            units={"stations_n": "-"},
            names={"stations_n": "stations"},
            formats={"stations_n": "d", "capacity_mmscfd": ",.1f", "power_mw": ".1f"},
        ),
        *calibration,
    ]


DESIGN_TITLE = '42"/56" comparison'
DESIGN_SOURCE = (
    "linepack.studies.design.compare_diameters (design basis: the case's [design] table)"
)


def _design_section(ctx: _Context, run: bool) -> Section:
    if not run:
        why = (
            "not run (--no-design-study): compare_diameters sites the stations of each "
            "diameter and target for least shaft power (a few seconds for the PSGP cases)"
        )
        return Section(DESIGN_TITLE, DESIGN_SOURCE, unavailable=why)

    def make() -> list[Any]:
        t0 = time.perf_counter()
        from linepack.studies.design import compare_diameters

        comparison = compare_diameters(ctx.net, ("42 in", "56 in"), design=ctx.design)
        ctx.timings["design"] = time.perf_counter() - t0
        from linepack.studies.design_costs import design_costs

        costs = design_costs(comparison, ctx.net, ctx.economics)
        return design_blocks(comparison.to_dict(), costs)

    return _guarded(DESIGN_TITLE, DESIGN_SOURCE, make)


def design_blocks(
    comparison: dict[str, Any], costs: list[dict[str, Any]] | None = None
) -> list[Any]:
    """Tables of a diameter comparison.

    Parameters
    ----------
    comparison : dict
        :meth:`linepack.studies.design.DiameterComparison.to_dict`.
    costs : list of dict, optional
        :func:`linepack.studies.design_costs.design_costs` of the same comparison.

    Returns
    -------
    list
        A paragraph, the per-diameter table and the per-target station table; with ``costs``
        also the cost table and what it says about the published 42" saving.
    """
    options = comparison["options"]
    basis = comparison.get("design_basis", {})
    text = (
        "Each diameter gets the wall of the design basis (ASME B31.8 at the MAOP, corrosion "
        "allowance, rounded up to the commercial increment); the case's stations are removed; "
        "per target throughput, the fewest stations that carry it are sited for least total "
        "shaft power."
    )
    if basis:
        text += (
            f" Design basis: {basis.get('steel_grade')}, MAOP {basis.get('maop_barg', 0):.1f} "
            f"barg, inlet {basis.get('inlet_pressure_barg', 0):.1f} barg, minimum delivery "
            f"{basis.get('min_delivery_pressure_barg', 0):.1f} barg, stations of up to "
            f"{basis.get('station_max_power_mw', 0):.0f} MW."
        )
    per_diameter = Table.from_records(
        [
            {
                "diameter": o["diameter"],
                "outer diameter_mm": o["outer_diameter_mm"],
                "wall required_mm": o["wall_required_mm"],
                "wall_mm": o["wall_mm"],
                "inner diameter_mm": o["inner_diameter_mm"],
                "steel_t_per_km": o["steel_t_per_km"],
                "steel_kt": o["steel_t"] / 1e3,
                "route_km": o["route_length_km"],
                "free-flow capacity_mmscfd": o["free_flow_mmscfd"],
                "free flow limited by": o["free_flow_binding"],
            }
            for o in options
        ],
        caption="Diameters: wall, steel and capacity without compression",
        formats={
            "outer diameter_mm": ".1f",
            "wall required_mm": ".2f",
            "wall_mm": ".1f",
            "inner diameter_mm": ".1f",
            "steel_t_per_km": ".1f",
            "steel_kt": ",.0f",
            "route_km": ",.0f",
            "free-flow capacity_mmscfd": ",.0f",
        },
    )
    rows = []
    for o in options:
        for t in o["targets"]:
            rows.append(
                {
                    "diameter": o["diameter"],
                    "target_mmscfd": t["target_mmscfd"],
                    "feasible": t["feasible"],
                    "stations_n": t["n_stations"],
                    "sites": ", ".join(f"km {c:.0f}" for c in t["chainages_km"]) or "–",
                    "shaft power_mw": t["total_power_mw"],
                    "installed power_mw": t["installed_power_mw"],
                    "fuel_mmscfd": t["fuel_mmscfd"],
                    "delivery pressure_barg": t["delivery_pressure_barg"],
                    "siting": t["method"] + (f" ({t['note']})" if t["note"] else ""),
                }
            )
    per_target = Table.from_records(
        rows,
        caption="Stations per diameter and target throughput",
        units={"stations_n": "-"},
        names={"stations_n": "stations"},
        formats={
            "target_mmscfd": ",.0f",
            "stations_n": "d",
            "shaft power_mw": ".1f",
            "installed power_mw": ".0f",
            "fuel_mmscfd": ".2f",
            "delivery pressure_barg": ".2f",
        },
    )
    blocks: list[Any] = [Paragraph(text), per_diameter, per_target]
    return blocks + (cost_blocks(costs) if costs else [])


#: The published claim the cost table is read against (FACTS sec. 2).
SAVING_CLAIM = (
    'a 42" line built by local companies "saves up to $500 m" (SAPM Tabish Gauhar, The News, '
    "27 Aug 2021)"
)


def cost_blocks(costs: list[dict[str, Any]]) -> list[Any]:
    """The cost table of the designs and, per target, the 56" minus 42" capex in words."""
    table = Table.from_records(
        [
            {
                "diameter": c["diameter"],
                "target_mmscfd": c["target_mmscfd"],
                "stations_n": c["n_stations"],
                "capex_musd": c["capex_musd"],
                "line pipe_musd": c["steel_musd"],
                "construction_musd": c["construction_musd"],
                "compressors_musd": c["compressors_musd"],
                "tariff_usd_per_mmbtu": c["tariff_usd_per_mmbtu"],
            }
            for c in costs
        ],
        caption="Cost of each design (the case's [economics] inputs; the target throughput as "
        "design throughput)",
        units={"stations_n": "-"},
        names={"stations_n": "stations"},
        formats={
            "target_mmscfd": ",.0f",
            "stations_n": "d",
            "capex_musd": ",.0f",
            "line pipe_musd": ",.0f",
            "construction_musd": ",.0f",
            "compressors_musd": ",.0f",
            "tariff_usd_per_mmbtu": ".3f",
        },
    )
    lines = []
    by = {(c["diameter"], round(c["target_mmscfd"])): c for c in costs}
    for target in sorted({round(c["target_mmscfd"]) for c in costs}):
        a, b = by.get(("42 in", target)), by.get(("56 in", target))
        if not (a and b and a["capex_musd"] is not None and b["capex_musd"] is not None):
            continue
        saving = b["capex_musd"] - a["capex_musd"]
        lines.append(
            f"At {target:,} MMSCFD the 42 in design costs {abs(saving):,.0f} MUSD "
            f"{'less' if saving > 0 else 'more'} than the 56 in "
            f"({a['capex_musd']:,.0f} against {b['capex_musd']:,.0f} MUSD; tariff "
            f"{a['tariff_usd_per_mmbtu']:.2f} against {b['tariff_usd_per_mmbtu']:.2f} USD/MMBtu)."
        )
    if lines:
        lines.append(f"Published: {SAVING_CLAIM}.")
    return [table, *(Paragraph(x) for x in lines)]
