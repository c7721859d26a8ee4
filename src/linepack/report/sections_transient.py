"""Transient section of the report: choice of scenario, the run, survival time and line pack."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from linepack.errors import LinepackError
from linepack.report import figures
from linepack.report.context import _Context
from linepack.report.html import Figure, Paragraph, Section, Table

#: Bundled transient scenario run for PSGP cases on its network.
DEFAULT_TRANSIENT_SCENARIO = "psgp-56in-fsru-trip"
#: Longest transient run the report makes [h] (keeps ``linepack report`` short).
MAX_TRANSIENT_HOURS = 36.0


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
