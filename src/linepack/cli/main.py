"""The ``linepack`` command.

Errors that linepack raises on purpose (:class:`~linepack.errors.LinepackError`) are printed as
one readable message, without a traceback, and the command exits with status 2 (bad input) or 3
(solver failure).
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from linepack.cli.capacity_cmd import capacity_cmd
from linepack.cli.common import console, err_console, guard
from linepack.cli.report_cmd import report_cmd
from linepack.cli.sweep_cmd import sweep_cmd
from linepack.errors import CaseError

if TYPE_CHECKING:
    from linepack.network.model import Network
    from linepack.studies.headline import HeadlineCases
    from linepack.studies.run import RunStudy

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="linepack: natural-gas pipeline and network simulation (default case: the Pakistan "
    "Stream Gas Pipeline).",
)
SCENARIO_HELP = "GasLib nomination (.scn) or morgen scenario (.ini)."
DECISIONS_HELP = "GasLib combined decisions (.cdf)."


@app.command()
def run(
    case: Annotated[
        str | None,
        typer.Argument(
            help="Bundled case name or case file (.toml, GasSteadySim network.json, GasLib .net, "
            "folder or .zip, morgen .net)."
        ),
    ] = None,
    scenario: Annotated[
        str | None, typer.Option("--scenario", help=SCENARIO_HELP, show_default=False)
    ] = None,
    decisions: Annotated[
        str | None, typer.Option("--decisions", help=DECISIONS_HELP, show_default=False)
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("linepack-out"),
    allow_violations: Annotated[
        bool,
        typer.Option(
            "--allow-violations", help="Report pressure-limit violations instead of failing."
        ),
    ] = False,
    plot: Annotated[bool, typer.Option(help="Write the pressure profile PNG.")] = True,
    headline: Annotated[
        bool,
        typer.Option(
            help="For the bundled PSGP cases, also compute and print the PSGP headline answers "
            "(free flow, power for 2,000 MMSCFD, 42-inch stations, tariff)."
        ),
    ] = True,
) -> None:
    """Solve the steady state of a case (default: the PSGP 56-inch phase-1 twin).

    The pipeline is :func:`linepack.studies.run.run_study`; this reads the case (and the
    headline cases), and prints and writes the result.
    """
    t0 = time.perf_counter()

    def work() -> dict[str, Any]:
        from linepack.io.load import load
        from linepack.steady.solve import SteadyOptions
        from linepack.studies.run import RunOptions, run_study

        net = load(case, scenario=scenario, decisions=decisions)
        options = RunOptions(SteadyOptions(enforce_limits=not allow_violations))
        heads = _headline_cases(case, net) if headline else None
        result = run_study(net, options, headline=heads)
        summ = result.to_dict()
        _write_outputs(result, summ, out, plot)
        return summ

    summary = guard(work)
    _print_summary(summary)
    if summary.get("headline"):
        _print_headlines(summary["headline"])
    files = ", ".join(
        sorted(p.name for p in out.iterdir() if p.suffix in (".json", ".csv", ".png"))
    )
    console.print(f"wrote {out}/ ({files}) in {time.perf_counter() - t0:.2f} s")


def _headline_cases(case: str | None, net: Network) -> HeadlineCases | None:
    """The PSGP headline cases, read once, when ``case`` is a bundled PSGP case; else None.

    ``net`` is the case as loaded: when it is the phase-1 case it is used as such (its solution
    is then the phase-1 answer).
    """
    from linepack.io.design_toml import read_design
    from linepack.io.economics_toml import read_economics
    from linepack.io.load import bundled_path, load
    from linepack.studies.headline import LINE_42, PHASE1, HeadlineCases

    name = case or PHASE1
    if not (name.startswith("psgp-") and bundled_path(name).is_file()):
        return None
    phase1 = net if name == PHASE1 else load(PHASE1)
    line_42 = load(LINE_42)
    return HeadlineCases(
        phase1, read_design(phase1), read_economics(phase1), line_42, read_design(line_42)
    )


def _print_headlines(heads: dict[str, Any]) -> None:
    t = Table(title="PSGP headline answers", show_header=True, header_style="bold")
    t.add_column("question", ratio=1)
    t.add_column("answer (computed by)", ratio=2)
    for h in heads.values():
        t.add_row(escape(h["label"]), f"{escape(h['text'])}\n[dim]{escape(h['study'])}[/dim]")
    console.print(t)


def _write_outputs(result: RunStudy, summ: dict[str, Any], out: Path, plot: bool) -> None:
    """Write the tables, ``summary.json`` and (if ``plot``) ``profile.png`` of a run."""
    from linepack.io.results_files import write_json, write_tables

    write_tables(result.dataset, out)
    write_json(summ, out / "summary.json")
    if plot:
        from linepack.plot.profile import plot_route

        plot_route(result.solution, result.dataset, result.summary, out / "profile.png")


#: Networks with more nodes than this print only their lowest pressures (:data:`SHOWN_ROWS`);
#: the same cap holds for compressors and violations. Everything is in the output files.
MAX_ROWS, SHOWN_ROWS = 40, 25


def _node_table(s: dict[str, Any]) -> Table:
    nodes = list(s["nodes"].items())
    caption = None
    if len(nodes) > MAX_ROWS:
        nodes = sorted(nodes, key=lambda kv: kv[1]["pressure_barg"])[:SHOWN_ROWS]
        total = len(s["nodes"])
        caption = f"the {SHOWN_ROWS} lowest pressures of {total:,} nodes (all in nodes.csv)"
    t = Table(
        title=f"linepack — {s['case']}", caption=caption, show_header=True, header_style="bold"
    )
    t.add_column("node")
    t.add_column("km", justify="right")
    t.add_column("barg", justify="right")
    t.add_column("elevation m", justify="right")
    for name, v in nodes:
        km = f"{v['chainage_km']:.0f}" if "chainage_km" in v else ""
        t.add_row(escape(name), km, f"{v['pressure_barg']:.2f}", f"{v['elevation_m']:.0f}")
    return t


def _station_rows(compressors: dict[str, Any]) -> list[tuple[str, str]]:
    items = list(compressors.items())
    idle = [kv for kv in items if kv[1]["mode"] in ("bypass", "off")]
    if len(items) > MAX_ROWS:  # the running stations first, then as many idle as fit
        items = [kv for kv in items if kv[1]["mode"] not in ("bypass", "off")] + idle
    rows = [
        (
            f"  {name}",
            f"{v['suction_barg']:.1f} -> {v['discharge_barg']:.1f} barg, "
            f"{v['power_mw']:.1f} MW, mode {v['mode']}"
            + (
                f", out at {v['outlet_temperature_c']:.1f} degC"
                if v.get("outlet_temperature_c") is not None
                and v["outlet_temperature_c"] == v["outlet_temperature_c"]  # not NaN
                else ""
            )
            + (f" (limit: {v['limit']})" if v["limit"] else ""),
        )
        for name, v in items[: SHOWN_ROWS if len(items) > MAX_ROWS else len(items)]
    ]
    if len(items) > MAX_ROWS:
        rows.append(
            (
                "  ...",
                f"{len(items) - SHOWN_ROWS:,} more stations ({len(idle):,} of all "
                f"{len(items):,} in bypass or off) in compressors.csv",
            )
        )
    return rows


def _network_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    """Totals over all exits, for networks with more than one."""
    if s["exits"] < 2:
        return []
    return [
        (
            "all exits",
            f"{s['total_withdrawal_mmscfd']:.0f} MMSCFD ({s['total_withdrawal_kg_s']:.1f} kg/s) "
            f"at {s['exits']:,} exits",
        ),
        (
            "lowest pressure",
            f"{s['lowest_pressure_barg']:.2f} barg at {s['lowest_pressure_node']}",
        ),
    ]


def _thermal_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    """Delivery temperature always; with the energy balance, the extremes and heat flows."""
    if s.get("thermal") != "energy":
        return [("delivery temperature", f"{s['delivery_temperature_c']:.1f} degC (isothermal)")]
    rows = [
        ("delivery temperature", f"{s['delivery_temperature_c']:.1f} degC (energy balance)"),
        (
            "gas temperature min / max",
            f"{s['min_temperature_c']:.1f} degC at {s['min_temperature_at']} / "
            f"{s['max_temperature_c']:.1f} degC at {s['max_temperature_at']}",
        ),
        (
            "heat to soil / cooler / heater",
            f"{s['heat_to_soil_mw']:.1f} MW / {s['cooler_duty_mw']:.1f} MW / "
            f"{s['heater_duty_mw']:.1f} MW",
        ),
    ]
    low = s.get("low_temperature") or []
    rows += [("WARNING", w) for w in low[:SHOWN_ROWS]]
    if len(low) > SHOWN_ROWS:
        rows.append(("WARNING", f"... {len(low) - SHOWN_ROWS:,} more in summary.json"))
    return rows


def _violation_rows(violations: list[str]) -> list[tuple[str, str]]:
    rows = [("VIOLATION", v) for v in violations[:SHOWN_ROWS]]
    if len(violations) > SHOWN_ROWS:
        rows.append(("VIOLATION", f"... {len(violations) - SHOWN_ROWS:,} more in summary.json"))
    return rows


def _print_summary(s: dict[str, Any]) -> None:
    console.print(_node_table(s))
    k = Table(show_header=False, box=None)
    rows = [
        (
            "throughput",
            f"{s['throughput_mmscfd']:.0f} MMSCFD = "
            f"{s['throughput_bcm_per_year']:.2f} bcm/yr at {s['delivery_node']}",
        ),
        ("delivery pressure", f"{s['delivery_pressure_barg']:.2f} barg"),
        *_thermal_rows(s),
        *_network_rows(s),
        ("margin to min delivery", _fmt(s["margin_to_min_delivery_bar"], "bar")),
        (
            "max pressure / margin to MAOP",
            f"{s['max_pressure_barg']:.2f} barg / {_fmt(s['margin_to_maop_bar'], 'bar')}",
        ),
        ("line pack", f"{s['linepack_mmscm']:.1f} MMSm3 ({s['linepack_tonnes']:.0f} t)"),
        ("max velocity", f"{s['max_velocity_m_s']:.2f} m/s"),
        (
            "compressor power / fuel",
            f"{s['compressor_power_mw']:.1f} MW / {s['fuel_mmscfd']:.2f} MMSCFD",
        ),
        (
            "converged",
            f"{s['converged']} in {s['iterations']} Newton iterations, "
            f"mass balance error {s['mass_balance_error_kg_s']:.1e} kg/s",
        ),
    ]
    rows += _station_rows(s["compressors"])
    rows += _violation_rows(s["violations"])
    for a, b in rows:
        k.add_row(escape(a), escape(b))
    console.print(k)


def _fmt(v: float | None, unit: str) -> str:
    return "n/a" if v is None else f"{v:.2f} {unit}"


class Scheme(StrEnum):
    """Time schemes of ``linepack simulate``."""

    bdf2 = "bdf2"
    be = "be"


#: Bundled case run by ``linepack simulate`` with no arguments.
DEFAULT_TRANSIENT_CASE = "psgp-56in-fsru-trip"


def _seconds(value: str, option: str) -> float:
    from linepack.units import parse

    t = parse(value, "time", key=option, default_unit="s")
    if not t > 0:
        raise CaseError("must be positive", key=option, value=value, expected="a time > 0")
    return t


@app.command("simulate")
def simulate_cmd(
    case: Annotated[
        str | None,
        typer.Argument(
            help="Bundled case name or TOML case with schedule and event sections (default: "
            f"{DEFAULT_TRANSIENT_CASE}); other case files run with constant boundary conditions.",
            show_default=False,
        ),
    ] = None,
    hours: Annotated[
        float | None,
        typer.Option(
            "--hours",
            help="Length of the run in hours (default: the case's simulation duration, else 24).",
            show_default=False,
        ),
    ] = None,
    dt: Annotated[
        str | None,
        typer.Option(
            "--dt",
            help="Time step, e.g. 60s or 5min (default: the case's simulation dt, else 60 s).",
            show_default=False,
        ),
    ] = None,
    scheme: Annotated[
        Scheme, typer.Option("--scheme", help="BDF2 (second order) or backward Euler.")
    ] = Scheme.bdf2,
    output_every: Annotated[
        str | None,
        typer.Option(
            "--output-every",
            help="Output interval, e.g. 5min (default: the case's, else 300 s or dt).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("linepack-transient"),
    plot: Annotated[bool, typer.Option(help="Write the PNG plots.")] = True,
    inertia: Annotated[
        bool, typer.Option(help="Keep the inertia term of the momentum equation.")
    ] = True,
    restart: Annotated[
        Path | None,
        typer.Option(
            "--restart",
            help="Start from a saved state (the state.npz an earlier run wrote) instead of the "
            "steady state; the run continues at that state's time.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Simulate a case over time: line pack, delivery pressures, survival time.

    The state at the end is written to OUT/state.npz, from which ``--restart`` continues.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    t_start = time.perf_counter()

    def work() -> tuple[dict[str, Any], list[str]]:
        from linepack.io.results_files import write_json
        from linepack.io.schedule_toml import load_scenario
        from linepack.transient import report
        from linepack.transient.simulate import simulate

        sc = load_scenario(case or DEFAULT_TRANSIENT_CASE)
        settings = sc.settings
        span = 3600.0 * hours if hours is not None else settings.duration or 24 * 3600.0
        if not span > 0:
            raise CaseError("must be positive", key="--hours", value=hours, expected="hours > 0")
        step = _seconds(dt, "--dt") if dt is not None else settings.dt or 60.0
        every = (
            _seconds(output_every, "--output-every")
            if output_every is not None
            else settings.output_every
        )
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err_console, transient=True) as bar:
            task = bar.add_task(f"simulating {sc.network.name}", total=1.0)
            t0 = time.perf_counter()
            res = simulate(
                sc.network,
                sc.schedule,
                hours=span / 3600.0,
                dt=step,
                scheme=scheme.value,
                inertia=inertia,
                output_every=every,
                initial=restart,
                on_failure="stop",
                progress=lambda f: bar.update(task, completed=f),
            )
            wall = time.perf_counter() - t0
        summ = report.summary(res, wall_time=wall, schedule=sc.schedule)
        ds = res.to_dataset()
        notes = report.write_results(res, out, ds)
        write_json(summ, out / "summary.json")
        res.save_state(out / "state.npz")
        if plot:
            from linepack.plot.transient import plot_run

            events = [(e.time, e.label) for e in sc.schedule.events]
            plot_run(res, out, schedule_events=events)
        return summ, notes

    summ, notes = guard(work)
    _print_transient(summ)
    for note in notes:
        err_console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    if summ["failure"]:
        err_console.print(
            f"[yellow]the run stopped early:[/] {escape(summ['failure'])}", highlight=False
        )
    pngs = ", pressure/linepack/pressure_map PNG" if plot else ""
    console.print(
        f"wrote {escape(str(out))}/ (summary.json, time-series CSV{pngs}, state.npz) "
        f"in {time.perf_counter() - t_start:.2f} s",
        highlight=False,
    )


def _print_transient(s: dict[str, Any]) -> None:
    t = Table(
        title=f"linepack simulate — {s['case']} ({s['scheme']}, dt {s['dt_s']:g} s, "
        f"{s['hours']:g} h, {s['steps']} steps, {s['wall_time_s']:.1f} s)",
        show_header=False,
        box=None,
    )
    rows = [
        (
            "line pack",
            f"{s['linepack_start_mmscm']:.2f} -> {s['linepack_end_mmscm']:.2f} MMSm3 "
            f"(min {s['linepack_min_mmscm']:.2f} at {s['linepack_min_time_h']:.1f} h, "
            f"max {s['linepack_max_mmscm']:.2f} at {s['linepack_max_time_h']:.1f} h)",
        ),
        (
            "supply / delivery",
            f"{s['supply_mmscfd']['min']:.0f}-{s['supply_mmscfd']['max']:.0f} / "
            f"{s['delivery_mmscfd']['min']:.0f}-{s['delivery_mmscfd']['max']:.0f} MMSCFD",
        ),
    ]
    for node, d in s["deliveries"].items():
        limit = f", minimum {d['p_min_barg']:.2f}" if d["p_min_barg"] is not None else ""
        rows.append(
            (
                f"pressure at {node}",
                f"{d['start_barg']:.2f} barg at start, lowest {d['min_barg']:.2f} at "
                f"{d['min_time_h']:.1f} h{limit}",
            )
        )
    if s["survival_time_h"] is None:
        rows.append(("survival time", "no delivery node falls below its minimum"))
    else:
        rows.append(
            (
                "survival time",
                f"{s['survival_time_h']:.2f} h at {s['survival_node']} (line pack drawn "
                f"{s['linepack_drawn_at_survival_mmscm']:.2f} MMSm3 by then)",
            )
        )
    rows.append(
        ("mass balance", f"largest defect {s['max_mass_balance_error_rel']:.1e} of the throughput")
    )
    for e in s["events"]:
        rows.append((f"  {e['time_h']:.2f} h", e["event"]))
    for a, b in rows:
        t.add_row(escape(a), escape(b))
    console.print(t)


@app.command()
def cases() -> None:
    """List the bundled cases."""
    from linepack.io.load import DEFAULT_CASE, bundled_cases

    t = Table("case", "description")
    for name, desc in bundled_cases().items():
        t.add_row(name + (" (default)" if name == DEFAULT_CASE else ""), desc)
    console.print(t)


@app.command()
def validate(
    case: Annotated[str, typer.Argument(help="Bundled case name or case file.")],
) -> None:
    """Check a case file without solving it."""

    def work() -> str:
        from linepack.io.load import load
        from linepack.network.compile import compile_network
        from linepack.network.kinds import KINDS

        net = load(case)
        segments = f" ({len(compile_network(net).segments.length)} segments)"
        counts = ", ".join(
            f"{len(k.elements(net))} {k.field.replace('_', ' ')}"
            + (segments if k.section == "pipe" else "")
            for k in KINDS
        )
        return f"{net.name}: OK — {counts}"

    console.print(guard(work))


@app.command()
def convert(
    source: Annotated[
        str,
        typer.Argument(
            help="Case to convert: GasLib .net, folder or .zip, morgen .net, GasSteadySim "
            "network.json, TOML case or bundled name."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="TOML case file to write.")],
    scenario: Annotated[
        str | None, typer.Option("--scenario", help=SCENARIO_HELP, show_default=False)
    ] = None,
    decisions: Annotated[
        str | None, typer.Option("--decisions", help=DECISIONS_HELP, show_default=False)
    ] = None,
) -> None:
    """Convert a network to a linepack TOML case file (lossless: it reads back equal)."""

    def work() -> list[str]:
        from linepack.io.case_write import write_case
        from linepack.io.load import load

        net = load(source, scenario=scenario, decisions=decisions)
        write_case(net, out)
        return sorted(net.extras)

    extras = guard(work)
    if extras:
        err_console.print(
            f"[yellow]not written[/] (importer data linepack does not model): {', '.join(extras)}",
            highlight=False,
        )
    console.print(f"wrote {escape(str(out))}", highlight=False)


app.command("report")(report_cmd)
app.command("sweep")(sweep_cmd)
app.command("capacity")(capacity_cmd)


def main() -> None:  # pragma: no cover - entry point for python -m
    """Run the CLI."""
    app(prog_name="linepack")


if __name__ == "__main__":  # pragma: no cover
    main()
