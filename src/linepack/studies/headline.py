"""The PSGP headline answers printed by ``linepack run``, each traced to the study behind it.

Five figures answer the questions argued over the Pakistan Stream Gas Pipeline (see
``docs/psgp.md``): the phase-1 delivery pressure, the 56" free-flow capacity, the compressor
power 2,000 MMSCFD needs, how many stations a 42" line needs for 1.2 bcfd, and the levelised
tariff. Each :class:`Headline` names the function that computed it and the command that shows
the whole study, so a reader can check the figure rather than trust it.

The studies run on the bundled cases ``psgp-56in-phase1`` and ``psgp-42in`` with the design
basis and economics of their ``[design]`` and ``[economics]`` tables, which the caller reads
once into :class:`HeadlineCases` (``linepack run`` does, in ``cli/main.py``); together they take
well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linepack.network.compile import compile_network
from linepack.network.design import DesignBasis
from linepack.network.economics import Economics
from linepack.network.model import Network
from linepack.steady.solve import SteadySolution, solve
from linepack.studies.capacity import max_throughput
from linepack.studies.design import fewest_stations, station_design
from linepack.studies.stations import remove_stations
from linepack.studies.tariff import economics_summary

#: Bundled cases the headline studies run on.
PHASE1 = "psgp-56in-phase1"
LINE_42 = "psgp-42in"
#: Published figures the headline is compared with (docs/psgp.md, FACTS sec. 2 and 4).
PUBLISHED_FREE_FLOW = (700.0, 800.0)  # [MMSCFD] Dawn, Heads of Terms, Jul 2021
PUBLISHED_TARIFF = 1.25  # [USD/MMBtu] Rostec's ask, Express Tribune, Aug 2016


@dataclass(frozen=True)
class Headline:
    """One headline answer.

    Attributes
    ----------
    key : str
        JSON key (units in the name).
    label : str
        What the figure is.
    value : float
        The figure, in the unit the key names.
    text : str
        The figure as printed, with its context (binding limit, layout, comparison).
    study : str
        The function that computed it and the command that shows the whole study.
    """

    key: str
    label: str
    value: float
    text: str
    study: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"label": self.label, "value": self.value, "text": self.text, "study": self.study}


@dataclass(frozen=True)
class HeadlineCases:
    """The bundled cases the headline studies run on, as the caller read them.

    Attributes
    ----------
    phase1 : Network
        The case :data:`PHASE1`.
    design : DesignBasis
        Its ``[design]`` table (the 2,000 MMSCFD target, the station, the limits).
    economics : Economics
        Its ``[economics]`` table (the tariff).
    line_42 : Network
        The case :data:`LINE_42`.
    design_42 : DesignBasis
        Its ``[design]`` table (limits and station of the 42" study; the target, 1,200
        MMSCFD, is the first of ``design.targets``).
    """

    phase1: Network
    design: DesignBasis
    economics: Economics
    line_42: Network
    design_42: DesignBasis


def psgp_headlines(cases: HeadlineCases, phase1: SteadySolution | None = None) -> list[Headline]:
    """Compute the five PSGP headline figures.

    Parameters
    ----------
    cases : HeadlineCases
        The two bundled cases and their tables.
    phase1 : SteadySolution, optional
        The solution of ``cases.phase1``, if the caller has it (it is solved otherwise).

    Returns
    -------
    list of Headline
    """
    net, design = cases.phase1, cases.design
    sol = phase1 if phase1 is not None else solve(net)
    return [
        _delivery(sol),
        _free_flow(net, design),
        _power_for(net, design, design.targets[-1]),
        _stations_42(cases.line_42, cases.design_42, design.targets[0]),
        _tariff(net, sol, cases.economics),
    ]


def _delivery(sol: SteadySolution) -> Headline:
    cn = sol.compiled
    delivery = cn.labels.delivery
    i = cn.node_names.index(delivery or cn.node_names[-1])
    barg = (sol.pressure[i] - cn.atmosphere) / 1e5
    return Headline(
        "phase1_delivery_pressure_barg",
        'phase-1 delivery pressure (56", 1,200 MMSCFD, no compression)',
        float(barg),
        f"{barg:.2f} barg at {delivery}",
        f"steady.solve.solve; linepack run {PHASE1}",
    )


def _free_flow(net: Network, design: DesignBasis) -> Headline:
    cap = max_throughput(net, design=design)
    d = cap.to_dict()
    q = float(d["max_throughput_mmscfd"])
    lo, hi = PUBLISHED_FREE_FLOW
    return Headline(
        "free_flow_56in_mmscfd",
        '56" free-flow capacity',
        q,
        f"{q:,.0f} MMSCFD ({d['binding_constraint']} at {d['binding_element']}; "
        f"published {lo:.0f}-{hi:.0f})",
        f"studies.capacity.max_throughput; linepack capacity {PHASE1}",
    )


def _power_for(net: Network, design: DesignBasis, target: float) -> Headline:
    bare = remove_stations(net)
    sd = station_design(bare, target, design=design, like=compile_network(bare)).to_dict()
    mw = float(sd["total_power_mw"])
    sites = ", ".join(f"{c:.0f}" for c in sd["chainages_km"])
    return Headline(
        "power_2000_mmscfd_mw",
        f'56" shaft power for {sd["target_mmscfd"]:,.0f} MMSCFD',
        mw,
        f"{mw:.1f} MW in {sd['n_stations']} station(s) at km {sites}, "
        f"{sd['installed_power_mw']:.0f} MW installed with spares, "
        f"fuel {sd['fuel_mmscfd']:.1f} MMSCFD",
        f"studies.design.station_design; linepack capacity {PHASE1}",
    )


def _stations_42(net: Network, design: DesignBasis, target: float) -> Headline:
    bare = remove_stations(net)
    n, sites, _ = fewest_stations(bare, target, design, compile_network(bare))
    where = ", ".join(f"{c / 1e3:.0f}" for c in sites or ())
    text = (
        f"{n} station(s), e.g. at km {where}"
        if sites is not None
        else f"more than {n - 1} stations (none of the layouts tried carries it)"
    )
    return Headline(
        "stations_42in_1200_mmscfd",
        f'42" compressor stations for {design.mmscfd(target):,.0f} MMSCFD',
        float(n),
        text + " (least-power siting: the 42/56 in comparison of linepack report)",
        f"studies.design.fewest_stations; linepack capacity {LINE_42}",
    )


def _tariff(net: Network, sol: SteadySolution, economics: Economics) -> Headline:
    e = economics_summary(net, sol, economics)
    t = float(e["tariff_usd_per_mmbtu"])
    return Headline(
        "tariff_usd_per_mmbtu",
        "levelised transport tariff (phase 1)",
        t,
        f"{t:.2f} USD/MMBtu at {e['utilisation']:.0%} utilisation, WACC {e['wacc']:.0%}, "
        f"{e['life_years']:.0f} yr; capex {e['capex_musd']:,.0f} MUSD "
        f"(ask {PUBLISHED_TARIFF} USD/MMBtu)",
        f"studies.tariff.economics_summary; linepack report {PHASE1}",
    )
