"""Steady sections of the report: key-figure cards, solution, route map, profile and tables."""

from __future__ import annotations

from typing import Any

from linepack.plot.profile import plot_route
from linepack.report import figures
from linepack.report.context import _barg, _Context, _mmscfd_per_kg_s
from linepack.report.html import Card, Facts, Figure, Paragraph, Section, Table


def key_cards(s: dict[str, Any], transient: dict[str, Any] | None = None) -> list[Card]:
    """The key-figure cards from a steady summary (and a transient summary, if any).

    Parameters
    ----------
    s : dict
        :func:`linepack.results.steady.summary`.
    transient : dict, optional
        :func:`linepack.transient.report.summary`.

    Returns
    -------
    list of Card
    """
    pmin = s.get("delivery_p_min_barg")
    margin = s.get("margin_to_min_delivery_bar")
    note = f"at {s['delivery_node']}"
    if pmin is not None and margin is not None:
        note += f"; minimum {pmin:.2f} barg, margin {margin:.2f} bar"
    maop = s.get("margin_to_maop_bar")
    cards = [
        Card("delivery pressure", s["delivery_pressure_barg"], "barg", ".2f", note),
        Card(
            "throughput",
            s["throughput_mmscfd"],
            "MMSCFD",
            ",.0f",
            f"{s['throughput_bcm_per_year']:.2f} bcm/yr at {s['delivery_node']}",
        ),
        Card("line pack", s["linepack_mmscm"], "MMSm³", ".1f", f"{s['linepack_tonnes']:,.0f} t"),
        Card("max velocity", s["max_velocity_m_s"], "m/s", ".2f", "largest in any pipe"),
        Card(
            "compressor power",
            s["compressor_power_mw"],
            "MW",
            ".1f",
            f"fuel {s['fuel_mmscfd']:.2f} MMSCFD; {len(s['compressors'])} station(s)",
        ),
        Card(
            "max pressure",
            s["max_pressure_barg"],
            "barg",
            ".2f",
            "no MAOP in the case" if maop is None else f"margin to MAOP {maop:.2f} bar",
        ),
    ]
    if transient is not None:
        if transient["survival_time_h"] is None:
            cards.append(
                Card(
                    "survival time",
                    f"> {transient['hours']:.0f} h",
                    "",
                    note=f"{transient['case']}: no delivery node below its minimum",
                )
            )
        else:
            cards.append(
                Card(
                    "survival time",
                    transient["survival_time_h"],
                    "h",
                    ".2f",
                    f"{transient['case']}: {transient['survival_node']} reaches its minimum",
                )
            )
    return cards


def _solution_section(ctx: _Context) -> Section:
    s, net = ctx.summary, ctx.net
    pmin, maop = s.get("delivery_p_min_barg"), s.get("margin_to_maop_bar")
    items = [
        Card("delivery node", s["delivery_node"], ""),
        Card("delivery pressure", s["delivery_pressure_barg"], "barg", ".2f"),
        Card("minimum delivery pressure", "none", "")
        if pmin is None
        else Card("minimum delivery pressure", pmin, "barg", ".2f"),
        Card("throughput", s["throughput_mmscfd"], "MMSCFD", ",.1f"),
        Card("throughput", s["throughput_bcm_per_year"], "bcm/yr", ".3f"),
        Card("throughput", s["throughput_kg_s"], "kg/s", ".1f"),
        Card("line pack", s["linepack_mmscm"], "MMSm³", ".2f"),
        Card("line pack", s["linepack_tonnes"], "t", ",.0f"),
        Card("max velocity", s["max_velocity_m_s"], "m/s", ".2f"),
        Card("max pressure", s["max_pressure_barg"], "barg", ".2f"),
        Card("margin to MAOP", "no MAOP in the case", "")
        if maop is None
        else Card("margin to MAOP", maop, "bar", ".2f"),
        Card("compressor power", s["compressor_power_mw"], "MW", ".2f"),
        Card("compressor fuel", s["fuel_mmscfd"], "MMSCFD", ".2f"),
        Card("Newton iterations", s["iterations"], "-", "d"),
        Card("largest mass imbalance", s["mass_balance_error_kg_s"], "kg/s", ".1e"),
    ]
    blocks: list[Any] = [
        Paragraph(net.description or net.name),
        Paragraph(
            f"Steady state solved with {net.settings.eos} and the {net.settings.friction} "
            f"friction law; converged: {s['converged']} in {s['iterations']} Newton "
            f"iterations. Pressures are gauge (barg) over an atmosphere of "
            f"{net.settings.atmosphere / 1e5:.5f} bar; standard volumes as in docs/results.md."
        ),
        Facts("Steady solution: key figures", tuple(items)),
    ]
    for v in s["violations"]:
        blocks.append(Paragraph(f"Limit violation: {v}"))
    for c in s["control_changes"]:
        blocks.append(Paragraph(f"Control change: {c}"))
    return Section(
        "Steady solution",
        f"linepack run {ctx.case_arg} (linepack.steady.solve.solve, "
        "linepack.results.steady.summary)",
        blocks,
    )


def _route_map_section(ctx: _Context) -> Section:
    src = "linepack.report.figures.route_map (node lat/lon of the case file)"
    pressures = {k: v["pressure_barg"] for k, v in ctx.summary["nodes"].items()}
    path = figures.route_map(
        ctx.net,
        ctx.tmp / "route_map.png",
        pressure_barg=pressures,
        title=f"{ctx.net.name}: route, node pressure [barg]",
    )
    if path is None:
        return Section("Route map", src, unavailable="fewer than two nodes have lat/lon")
    return Section(
        "Route map",
        src,
        [
            Figure.from_file(
                path,
                "Route from the nodes' WGS84 coordinates (longitude [°E], latitude [°N]; "
                "scale bar in km); nodes coloured by steady pressure [barg].",
            )
        ],
    )


def _profile_section(ctx: _Context) -> Section:
    s, net, ds = ctx.summary, ctx.net, ctx.ds
    atm = net.settings.atmosphere
    blocks: list[Any] = []
    path = plot_route(
        ctx.sol,
        ds,
        s,
        ctx.tmp / "profile.png",
        title=f"{ctx.sol.compiled.labels.case}: pressure and elevation along the route",
    )
    if path is not None:
        blocks.append(
            Figure.from_file(
                path,
                "Pressure [barg] and ground elevation [m] against chainage [km], with MAOP and "
                "the minimum delivery pressure.",
            )
        )
    rate = _mmscfd_per_kg_s(ctx)
    nodes = []
    for i, name in enumerate(ds["node"].values):
        entry = s["nodes"][str(name)]
        nodes.append(
            {
                "node": str(name),
                "chainage_km": entry.get("chainage_km"),
                "pressure_barg": entry["pressure_barg"],
                "elevation_m": entry["elevation_m"],
                "p_min_barg": _barg(float(ds["p_min"].values[i]), atm),
                "p_max_barg": _barg(float(ds["p_max"].values[i]), atm),
                "injection_mmscfd": float(ds["injection"].values[i]) * rate,
            }
        )
    blocks.append(
        Table.from_records(
            nodes,
            caption="Nodes (injection: supply positive, delivery negative)",
            formats={"chainage_km": ".0f", "elevation_m": ".0f", "injection_mmscfd": ",.1f"},
        )
    )
    pipes = []
    for i, name in enumerate(ds["pipe"].values):
        pipes.append(
            {
                "pipe": str(name),
                "from": str(ds["pipe_from"].values[i]),
                "to": str(ds["pipe_to"].values[i]),
                "length_km": float(ds["length"].values[i]) / 1e3,
                "inner diameter_mm": float(ds["diameter"].values[i]) * 1e3,
                "inlet pressure_barg": (float(ds["p_in"].values[i]) - atm) / 1e5,
                "outlet pressure_barg": (float(ds["p_out"].values[i]) - atm) / 1e5,
                "flow_mmscfd": float(ds["mass_flow"].values[i]) * rate,
                "max velocity_m_s": float(ds["velocity_max"].values[i]),
                "line pack_mmscm": float(ds["linepack_std"].values[i]) / 1e6,
            }
        )
    if pipes:
        blocks.append(
            Table.from_records(
                pipes,
                caption="Pipes",
                formats={
                    "length_km": ".0f",
                    "inner diameter_mm": ".1f",
                    "flow_mmscfd": ",.1f",
                    "line pack_mmscm": ".2f",
                },
            )
        )
    if s["compressors"]:
        blocks.append(
            Table.from_records(
                [
                    {
                        "station": k,
                        "suction_barg": v["suction_barg"],
                        "discharge_barg": v["discharge_barg"],
                        "power_mw": v["power_mw"],
                        "mode": v["mode"],
                        "limit": v["limit"] or "–",
                    }
                    for k, v in s["compressors"].items()
                ],
                caption="Compressor stations",
            )
        )
    return Section(
        "Pressure and elevation profile",
        f"linepack run {ctx.case_arg} (profile.png, nodes.csv, pipes.csv)",
        blocks,
    )
