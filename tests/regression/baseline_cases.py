"""The cases of the refactoring baseline: every bundled case, GasLib nominations, GasLib-4197,
the GasSteadySim and morgen test networks, and the two PSGP transient scenarios.

Shared by the generator (``make_baseline.py``) and the test (``test_baseline.py``) so that
both build each case the same way. Inputs come from ``tests/data`` only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).parents[1] / "data"
STORE = Path(__file__).parent / "baseline"

GASLIB = {
    "GasLib-11": ("GasLib-11.net", "GasLib-11.scn"),
    "GasLib-24": ("GasLib-24.net", "GasLib-24.scn"),
    "GasLib-40": ("GasLib-40.net", "GasLib-40.scn"),
    "GasLib-134": ("GasLib-134-v2.net", "GasLib-134_Nominations-134_2011-11-01.scn"),
    "GasLib-135": ("GasLib-135.net", "GasLib-135.scn"),
    "GasLib-582": ("GasLib-582.net", "GasLib-582.scn"),
}
BUNDLED = (
    "psgp-42in",
    "psgp-56in-daily-swing",
    "psgp-56in-freeflow",
    "psgp-56in-fsru-trip",
    "psgp-56in-phase1",
    "psgp-56in-phase2",
)
GASSTEADYSIM = ("8-node", "GasLib-24", "GasLib-135", "GasLib-40-multiple-slacks")
MORGEN = ("diamond", "pipeline", "LotH67d", "GasLib11")
TRANSIENTS = ("psgp-56in-fsru-trip", "psgp-56in-daily-swing")
N_TIMES = 10  # time points stored per transient


def gaslib_4197() -> Any:
    """GasLib-4197 (morgen's conversion) with sources at its supply ports (60 barg) and 400 kg/s
    spread over its demand ports by a fixed random draw, methane, flat (as the scaling benchmark).
    """
    from linepack.gas.composition import Gas
    from linepack.io.morgen import load_morgen
    from linepack.network.model import Demand, Supply

    net = load_morgen(DATA / "morgen" / "GasLib4197.net")
    ports = net.extras["morgen"]
    weight = np.random.default_rng(42).uniform(0.2, 1.0, len(ports["demand_nodes"]))
    flows = 400.0 * weight / weight.sum()
    return dataclasses.replace(
        net,
        name="GasLib-4197",
        gas=Gas.from_mapping({"methane": 1.0}),
        nodes=[dataclasses.replace(n, elevation=0.0) for n in net.nodes],
        supplies=[Supply(f"supply{n}", n, pressure=60e5 + 101325.0) for n in ports["supply_nodes"]],
        demands=[
            Demand(f"demand{n}", n, flow=float(q))
            for n, q in zip(ports["demand_nodes"], flows, strict=True)
        ],
    )


def steady_cases() -> dict[str, Callable[[], Any]]:
    """Name -> a function that loads the network."""
    from linepack.io.load import load

    cases: dict[str, Callable[[], Any]] = {}
    for name in BUNDLED:
        cases[name] = lambda name=name: load(name)
    for name, (net, scn) in GASLIB.items():
        g = DATA / "gaslib"
        cases[name] = lambda net=net, scn=scn, g=g: load(g / net, scenario=g / scn)
    cases["GasLib-4197"] = gaslib_4197
    for name in GASSTEADYSIM:
        cases[f"gassteadysim-{name}"] = lambda name=name: load(DATA / "gassteadysim" / name)
    for name in MORGEN:
        m = DATA / "morgen"
        ini = next(iter(sorted(m.glob(f"{name}__*.ini"))))
        cases[f"morgen-{name}"] = lambda name=name, ini=ini, m=m: load(
            m / f"{name}.net", scenario=ini
        )
    return cases


def steady_result(load_case: Callable[[], Any]) -> dict[str, np.ndarray]:
    """Node pressures [Pa], edge flows [kg/s], station power [W] and fuel [kg/s] of a steady
    solve (limits listed, not enforced, so that an infeasible nomination still has a state)."""
    from linepack.steady.solve import SteadyOptions, solve

    sol = solve(load_case(), SteadyOptions(enforce_limits=False))
    return {
        "pressure": np.asarray(sol.pressure, dtype=float),
        "flow": np.asarray(sol.flow, dtype=float),
        "power": np.asarray(sol.power, dtype=float),
        "fuel": np.asarray(sol.fuel, dtype=float),
    }


def transient_result(case: str) -> dict[str, np.ndarray]:
    """Pressures [Pa] and flows [kg/s] at ``N_TIMES`` evenly spread outputs of the case's own
    scenario (schedule, duration and step from its TOML)."""
    from linepack.io.schedule_toml import load_scenario
    from linepack.transient.simulate import simulate

    sc = load_scenario(case)
    s = sc.settings
    r = simulate(
        sc.network,
        sc.schedule,
        hours=(s.duration or 24 * 3600.0) / 3600.0,
        dt=s.dt or 60.0,
        output_every=s.output_every,
    )
    idx = np.unique(np.linspace(0, len(r.time) - 1, N_TIMES).round().astype(int))
    return {
        "time": np.asarray(r.time)[idx],
        "pressure": np.asarray(r.pressure)[idx],
        "flow": np.asarray(r.flow)[idx],
    }
