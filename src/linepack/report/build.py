"""Assemble the report of a case: steady solution, studies and (for PSGP cases) a transient run.

:func:`build_report` solves the case, runs the studies that exist in this version of linepack
and writes ``report.html`` (self-contained, see :mod:`linepack.report.html`) with every figure
as a PNG next to it. A section whose study is missing or fails says so ("not available: ...");
no number in the report is made up.
"""

from __future__ import annotations

import datetime as dt
import importlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from linepack.errors import LinepackError
from linepack.report import figures
from linepack.report.html import (
    Card,
    Document,
    Facts,
    Figure,
    Paragraph,
    Section,
    Table,
    write,
)

#: Case reported when none is given.
DEFAULT_REPORT_CASE = "psgp-56in-phase1"
#: Bundled transient scenario run for PSGP cases on its network.
DEFAULT_TRANSIENT_SCENARIO = "psgp-56in-fsru-trip"
#: Most compressor stations of the capacity curve (as ``linepack capacity``'s default).
CAPACITY_STATIONS = 3
#: Longest transient run the report makes [h] (keeps ``linepack report`` short).
MAX_TRANSIENT_HOURS = 36.0


@dataclass
class _Context:
    """What the sections are built from."""

    case_arg: str
    sol: Any
    ds: Any
    summary: dict[str, Any]
    tmp: Path
    timings: dict[str, float] = field(default_factory=dict)
    #: Key figures from the studies, shown after the steady ones.
    cards: list[Card] = field(default_factory=list)

    @property
    def net(self) -> Any:
        return self.sol.compiled.network


def _barg(pa: float, atm: float) -> float | None:
    return (pa - atm) / 1e5 if np.isfinite(pa) and pa > 0 else None


def _mmscfd_per_kg_s(ctx: _Context) -> float:
    from linepack.results.steady import MMSCFD_PER_SCF_M3_S

    return float(MMSCFD_PER_SCF_M3_S / ctx.sol.compiled.gas.density_scf)


# -- key figures ------------------------------------------------------------------------------


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


# -- steady sections ----------------------------------------------------------------------------


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
    path = figures.steady_profile(ctx.sol, ds, s, ctx.tmp / "profile.png")
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


# -- studies ------------------------------------------------------------------------------------


def _study(module: str, *names: str) -> tuple[Any, str | None]:
    """The study module if it has every function named, else (None, why not)."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        return None, f"{module} is not in this version of linepack ({exc})"
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        return None, f"{module} has no {', '.join(missing)} in this version of linepack"
    return mod, None


def _as_dict(obj: Any) -> Any:
    to_dict = getattr(obj, "to_dict", None)
    return to_dict() if callable(to_dict) else obj


def _capacity_section(ctx: _Context) -> Section:
    title = "Capacity vs number of stations"
    src = (
        "linepack capacity (linepack.studies.capacity.max_throughput, capacity_vs_stations, "
        "calibrate_free_flow; limits from the case's [design] table)"
    )
    mod, why = _study("linepack.studies.capacity", "capacity_vs_stations", "max_throughput")
    if mod is None:
        return Section(title, src, unavailable=why)
    return _guarded(title, src, lambda: _capacity_blocks(ctx))


def _capacity_blocks(ctx: _Context) -> list[Any]:
    """The case's capacity and the capacity with 0 ... N stations (as ``linepack capacity``)."""
    from linepack.io.design_toml import read_design
    from linepack.studies.capacity import (
        calibrate_free_flow,
        capacity_vs_stations,
        max_throughput,
    )

    d = read_design(ctx.net)
    cap = max_throughput(ctx.net, design=d).to_dict()
    curve = capacity_vs_stations(
        ctx.net, CAPACITY_STATIONS, "optimal", design=d, supply_limit=False
    ).to_dict()
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
    if str(ctx.net.name).startswith("psgp"):
        statements = calibrate_free_flow(ctx.net, design=d).statements
        calibration = [
            Paragraph(
                "Against the published PSGP figures "
                "(linepack.studies.capacity.calibrate_free_flow):"
            ),
            *[Paragraph(text) for text in statements],
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
    mod, why = _study("linepack.studies.design", "compare_diameters")
    if mod is None:
        return Section(DESIGN_TITLE, DESIGN_SOURCE, unavailable=why)
    if not run:
        why = (
            "not run (--no-design-study): compare_diameters sites the stations of each "
            "diameter and target for least shaft power (a few seconds for the PSGP cases)"
        )
        return Section(DESIGN_TITLE, DESIGN_SOURCE, unavailable=why)

    def make() -> list[Any]:
        t0 = time.perf_counter()
        comparison = mod.compare_diameters(ctx.net, ("42 in", "56 in"))
        ctx.timings["design"] = time.perf_counter() - t0
        return design_blocks(comparison.to_dict())

    return _guarded(DESIGN_TITLE, DESIGN_SOURCE, make)


def design_blocks(comparison: dict[str, Any]) -> list[Any]:
    """Tables of a diameter comparison.

    Parameters
    ----------
    comparison : dict
        :meth:`linepack.studies.design.DiameterComparison.to_dict`.

    Returns
    -------
    list
        A paragraph, the per-diameter table and the per-target station table.
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
    return [Paragraph(text), per_diameter, per_target]


def _tariff_section(ctx: _Context) -> Section:
    title = "Tariff sensitivity"
    src = (
        "linepack.studies.economics.economics_summary, linepack.studies.tornado.tornado, "
        "linepack.plot.tornado.plot_tornado"
    )
    mod, why = _study("linepack.studies.economics", "economics_summary")
    if mod is None:
        return Section(title, src, unavailable=why)
    mod, why = _study("linepack.studies.tornado", "tornado")
    if mod is None:
        return Section(title, src, unavailable=why)
    plot, why = _study("linepack.plot.tornado", "plot_tornado")
    if plot is None:
        return Section(title, src, unavailable=why)
    return _guarded(title, src, lambda: _tariff_blocks(ctx))


def _with_unit(value: float, unit: str) -> str:
    from linepack.report.html import format_number

    return f"{format_number(value)} {unit}".strip()


def _tariff_blocks(ctx: _Context) -> list[Any]:
    """Levelised tariff, capex, tornado table and figure, published comparison, inputs."""
    from linepack.io.economics_toml import read_economics
    from linepack.plot.tornado import plot_tornado
    from linepack.studies.economics import PipelineFacts, economics_summary
    from linepack.studies.tornado import tornado

    econ = read_economics(ctx.net)
    e = economics_summary(ctx.net, ctx.sol, econ)
    bars = tornado(econ, PipelineFacts.from_solution(ctx.sol))
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


def _guarded(title: str, source: str, make: Callable[[], list[Any]]) -> Section:
    """A section from ``make``, or one saying why the study failed (its own error message)."""
    try:
        return Section(title, source, make())
    except LinepackError as exc:
        return Section(title, source, unavailable=f"the study failed: {exc}")


# -- transient --------------------------------------------------------------------------------


def _same_network(a: Any, b: Any) -> bool:
    """Same pipes (names, ends, lengths, diameters) and stations: the case and a scenario."""

    def key(net: Any) -> tuple[Any, ...]:
        pipes = sorted((p.name, p.from_node, p.to_node, p.length, p.diameter) for p in net.pipes)
        return (pipes, sorted(c.name for c in net.compressors))

    return key(a) == key(b)


def transient_scenario(case_name: str, net: Any, transient: str | bool | None) -> str | None:
    """The transient scenario to run for a report, or None.

    ``transient`` False: none; a string: that scenario; None or True: the case itself if it
    has a schedule or events, else the bundled FSRU-trip scenario for a PSGP case (run only if
    it is on the case's network: same pipes and stations).
    """
    if transient is False:
        return None
    if isinstance(transient, str):
        return transient
    from linepack.io.schedule_toml import load_scenario

    own = load_scenario(case_name).schedule
    if own.series or own.events:
        return case_name
    if not case_name.startswith("psgp") and not str(net.name).startswith("psgp"):
        return None
    return DEFAULT_TRANSIENT_SCENARIO


def _transient_section(
    ctx: _Context, transient: str | bool | None
) -> tuple[Section, dict[str, Any] | None]:
    title = "Transient: survival time and line pack"
    scenario = transient_scenario(ctx.case_arg, ctx.net, transient)
    if scenario is None:
        why = (
            "disabled (--no-transient)"
            if transient is False
            else "no transient scenario for this case (pass --transient-case NAME)"
        )
        return Section(title, "linepack simulate", unavailable=why), None
    from linepack.io.schedule_toml import load_scenario
    from linepack.transient import report
    from linepack.transient.simulate import simulate

    src = f"linepack simulate {scenario} (linepack.transient.simulate.simulate)"
    sc = load_scenario(scenario)
    if transient in (None, True) and not _same_network(sc.network, ctx.net):
        why = (
            f"the bundled scenario {scenario} is not on this case's network (its pipes or "
            "stations differ); pass --transient-case NAME"
        )
        return Section(title, src, unavailable=why), None
    st = sc.settings
    hours = min((st.duration or 24 * 3600.0) / 3600.0, MAX_TRANSIENT_HOURS)
    t0 = time.perf_counter()
    try:
        res = simulate(
            sc.network,
            sc.schedule,
            hours=hours,
            dt=st.dt or 60.0,
            output_every=st.output_every,
            on_failure="stop",
        )
    except LinepackError as exc:
        return Section(title, src, unavailable=f"the simulation failed: {exc}"), None
    wall = time.perf_counter() - t0
    ctx.timings["transient"] = wall
    summ = report.summary(res, wall_time=wall, schedule=sc.schedule)
    files = figures.transient_figures(
        res, ctx.tmp, events=[(e.time, e.label) for e in sc.schedule.events]
    )
    return Section(title, src, _transient_blocks(summ, files)), summ


def _transient_blocks(s: dict[str, Any], files: dict[str, Path]) -> list[Any]:
    if s["survival_time_h"] is None:
        survival = (
            f"No delivery node falls below its minimum pressure within {s['hours']:.1f} h: "
            "the survival time is longer than the run."
        )
    else:
        survival = (
            f"Survival time: {s['survival_time_h']:.2f} h, when {s['survival_node']} reaches its "
            f"minimum pressure; line pack drawn by then: "
            f"{s['linepack_drawn_at_survival_mmscm']:.2f} MMSm³."
        )
    blocks: list[Any] = [
        Paragraph(
            f"Scenario {s['case']}: {s['hours']:.1f} h with {s['scheme']} time steps of "
            f"{s['dt_s']:g} s ({s['steps']} steps, {s['wall_time_s']:.1f} s of computing)."
        ),
        Paragraph(survival),
        Table.from_records(
            [
                {"quantity": "line pack at start", "value_mmscm": s["linepack_start_mmscm"]},
                {"quantity": "line pack, lowest", "value_mmscm": s["linepack_min_mmscm"]},
                {"quantity": "line pack at end", "value_mmscm": s["linepack_end_mmscm"]},
                {"quantity": "line pack drawn", "value_mmscm": s["linepack_drawn_mmscm"]},
            ],
            caption="Line pack over the run",
            names={"value_mmscm": "value"},
        ),
        Table.from_records(
            [
                {
                    "node": k,
                    "minimum_barg": d["p_min_barg"],
                    "at start_barg": d["start_barg"],
                    "lowest_barg": d["min_barg"],
                    "time of lowest_h": d["min_time_h"],
                    "at end_barg": d["end_barg"],
                }
                for k, d in s["deliveries"].items()
            ],
            caption="Delivery pressures over the run",
        ),
    ]
    if s["events"]:
        blocks.append(
            Table.from_records(
                [{"time_h": e["time_h"], "event": e["event"]} for e in s["events"]],
                caption="Events",
            )
        )
    captions = {
        "pressure": "Pressure [barg] at route and delivery nodes against time [h], with the "
        "minimum delivery pressure and the survival time.",
        "linepack": "Supply and delivery [MMSCFD] and line pack [MMSm³] against time [h].",
        "pressure_map": "Pressure [barg] along the route (chainage [km]) over time [h].",
    }
    for key, caption in captions.items():
        if key in files:
            blocks.append(Figure.from_file(files[key], caption))
    if s["failure"]:
        blocks.append(Paragraph(f"The run stopped early: {s['failure']}"))
    return blocks


# -- the report -------------------------------------------------------------------------------


def build_document(
    case: str | Path | None = None,
    *,
    transient: str | bool | None = None,
    design_study: bool = True,
    work_dir: Path,
) -> Document:
    """Solve the case, run the studies and assemble the report's :class:`Document`.

    Parameters
    ----------
    case : str or Path, optional
        Bundled case name or case file (default :data:`DEFAULT_REPORT_CASE`).
    transient : str or bool, optional
        Transient scenario to run: a bundled name or case file; False for none; None (default)
        for the bundled FSRU-trip scenario when the case is a PSGP case on its network.
    design_study : bool
        Run the 42"/56" comparison (:func:`linepack.studies.design.compare_diameters`; about
        2.4 s of CPU for the PSGP cases).
    work_dir : Path
        Folder for the figures' PNG files while the document is built.

    Returns
    -------
    Document
    """
    from linepack.io.load import load
    from linepack.results.steady import summary, to_dataset
    from linepack.steady.solve import solve

    case_arg = str(case) if case is not None else DEFAULT_REPORT_CASE
    net = load(case_arg)
    sol = solve(net)
    ds = to_dataset(sol)
    ctx = _Context(case_arg, sol, ds, summary(sol, ds), work_dir)
    sections = [_solution_section(ctx), _route_map_section(ctx), _profile_section(ctx)]
    sections += [
        _capacity_section(ctx),
        _design_section(ctx, design_study),
        _tariff_section(ctx),
    ]
    tsec, tsumm = _transient_section(ctx, transient)
    sections.append(tsec)
    sections.append(
        Section(
            "Sources and assumptions",
            f"case file {case_arg}",
            [
                Paragraph(
                    "Every value in a bundled case file is marked [S] sourced or [A] assumed in "
                    "its comments; the PSGP sources and assumptions are collected in "
                    "docs/psgp.md. The figures above are model results for those inputs."
                )
            ],
        )
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    from linepack import __version__

    return Document(
        title=f"linepack report: {net.name}",
        subtitle=net.description or "",
        cards=key_cards(ctx.summary, tsumm) + ctx.cards,
        sections=sections,
        footer=f"linepack {__version__}, generated {stamp} by `linepack report {case_arg}`.",
    )


def build_report(
    case: str | Path | None,
    out_dir: Path,
    *,
    transient: str | bool | None = None,
    design_study: bool = True,
) -> Path:
    """Write ``report.html`` and its figures as PNG files to ``out_dir``.

    Parameters
    ----------
    case : str or Path, optional
        Bundled case name or case file (default :data:`DEFAULT_REPORT_CASE`).
    out_dir : Path
        Output folder (created if missing).
    transient : str or bool, optional
        As :func:`build_document`.
    design_study : bool
        As :func:`build_document`.

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    CaseError, InfeasibleError, ConvergenceError
        If the case cannot be read or its steady state solved.
    """
    with tempfile.TemporaryDirectory() as tmp:
        doc = build_document(
            case, transient=transient, design_study=design_study, work_dir=Path(tmp)
        )
        return write(doc, Path(out_dir))
