"""Cross-implementation check against GasSteadySim.jl's published steady solutions.

The cases and their ``exact_sol_{ideal,simple_cnga,full_cnga}.json`` come from
kaarthiksundar/GasSteadySim.jl @ 2b284c5 (see ``tests/data/gassteadysim/PROVENANCE.md``). They
are another solver's outputs on the same equations (constant Darcy friction per pipe, one gas
temperature, ideal ratio compressors, exact potential integral of the pipe law), not physics
truth. Every case is loaded with :func:`load_gassteadysim`, solved with linepack's steady
solver, and its nodal pressures, pipe flows, compressor flows (and, where the reference has
them, short-pipe, resistor and control-valve flows) are compared with the reference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from linepack.io.gassteadysim import element_names, load_gassteadysim
from linepack.network.compile import CompiledNetwork
from linepack.network.model import Network
from linepack.steady.solve import SteadyOptions, SteadySolution, solve

DATA = Path(__file__).resolve().parents[1] / "data" / "gassteadysim"

# rtol 1e-4 is the tolerance GasSteadySim's own tests use (test/helper.jl,
# _check_correctness); the references are another implementation's converged outputs, so this is
# a cross-implementation check, not an exactness test. Measured errors are far below it.
RTOL = 1e-4

#: GasSteadySim EOS tag (file suffix) → linepack EOS name.
EOS = {"ideal": "ideal", "simple_cnga": "cnga-simple", "full_cnga": "cnga-full"}

#: Reference solution key → element kind in network.json, for link flows.
LINK_FLOWS = {
    "short_pipe_flow": "short_pipes",
    "resistor_flow": "resistors",
    "control_valve_flow": "control_valves",
    "valve_flow": "valves",
    "loss_resistor_flow": "loss_resistors",
}

CASES = [
    "8-node",
    "GasLib-24",
    "GasLib-40-multiple-slacks",
    # GasSteadySim's GasLib-135 solution runs compressor c21 backwards at ratio 1.5; the
    # importer sets allow_reverse=True so linepack's station model matches theirs.
    "GasLib-135",
]


def _reference(case: str, tag: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / case / f"exact_sol_{tag}.json").read_text())
    return data


def _load(case: str, tag: str) -> Network:
    # GasSteadySim's reference solutions pass resistors through without pressure change (the
    # GasLib-24 reference has equal pressures on both sides of r1), so load them that way.
    return load_gassteadysim(DATA / case, eos=EOS[tag], resistors="pass-through")


def _solve(case: str, tag: str) -> SteadySolution:
    # the GasLib test cases run nodes above their max_pressure: compare, do not enforce limits
    return solve(_load(case, tag), SteadyOptions(enforce_limits=False))


def _values(
    names: dict[int, str], ref: dict[str, float], lookup: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Ours and the reference's values, aligned by GasSteadySim id."""
    ids = sorted(names)
    ours = np.array([lookup[names[i]] for i in ids])
    theirs = np.array([ref[str(i)] for i in ids])
    return ours, theirs, [names[i] for i in ids]


def _check(what: str, ours: np.ndarray, theirs: np.ndarray, labels: list[str]) -> None:
    err = np.abs(ours - theirs) / np.abs(theirs)
    worst = int(np.argmax(err)) if err.size else 0
    assert np.all(err <= RTOL), (
        f"{what}: worst {labels[worst]} ours {ours[worst]:.10g} vs {theirs[worst]:.10g} "
        f"(rel. error {err[worst]:.2e})"
    )


def _compare(
    case: str, cn: CompiledNetwork, p: np.ndarray, q: np.ndarray, ref: dict[str, Any]
) -> None:
    """Compare pressures ``p`` [Pa] per node and flows ``q`` [kg/s] per edge of ``cn``."""
    names = element_names(DATA / case)
    pressure = {n: float(p[i]) for i, n in enumerate(cn.node_names[: cn.n_case_nodes])}
    _check("pressure", *_values(names["nodes"], ref["nodal_pressure"], pressure))
    first = {int(k): j for j, k in reversed(list(enumerate(cn.segments.pipe)))}
    pipe_flow = {name: float(q[first[k]]) for k, name in enumerate(cn.pipe_names)}
    _check("pipe flow", *_values(names["pipes"], ref["pipe_flow"], pipe_flow))
    edge = {n: float(v) for n, v in zip(cn.edge_names, q, strict=True)}
    _check("compressor flow", *_values(names["compressors"], ref["compressor_flow"], edge))
    for key, kind in LINK_FLOWS.items():
        if ref.get(key):
            _check(key, *_values(names[kind], ref[key], edge))


@pytest.mark.parametrize("tag", list(EOS))
@pytest.mark.parametrize("case", CASES)
def test_matches_gassteadysim(case: str, tag: str) -> None:
    sol = _solve(case, tag)
    _compare(case, sol.compiled, sol.pressure, sol.flow, _reference(case, tag))


def test_segment_length_does_not_matter_for_cnga() -> None:
    """With 1/Z linear in p (CNGA) the mean-pressure pipe law is the exact potential integral.

    So pipes split at 10 km or 1 km give the same pressures (measured: below 1e-11).
    """
    path = DATA / "GasLib-40-multiple-slacks"
    sols = [
        solve(load_gassteadysim(path, eos="cnga-full", segment_length=length))
        for length in (10_000.0, 1_000.0)
    ]
    n = sols[0].compiled.n_case_nodes
    np.testing.assert_allclose(sols[0].pressure[:n], sols[1].pressure[:n], rtol=1e-10)
