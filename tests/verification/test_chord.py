"""Chord (stale-factor) Newton steps: same solution as exact Newton, refactorisation rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from linepack.errors import OptionsError
from linepack.gas.composition import Gas
from linepack.io.load import load
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.steady import system as sy
from linepack.steady.newton import (
    NEWTON_RATIO_CAP,
    LinearSolver,
    NewtonOptions,
    NewtonReport,
    newton,
    refactorise,
)
from linepack.steady.solve import SteadyOptions, initial_guess, linear_start, solve

SIDE = 100  # 10,000 junctions: chord steps are forced ("always"), not chosen by cost here


def lattice(methane: Gas, side: int = SIDE, seed: int = 7) -> CompiledNetwork:
    """A side x side lattice of 1-5 km pipes, four 60 bar sources, 0.1 kg/s per junction.

    Many lattice pipes carry almost no flow and change its sign between iterates: the case
    on which exact Newton has its slow tail and old factors are poorest.
    """
    rng = np.random.default_rng(seed)
    name = [f"n{i}_{j}" for i in range(side) for j in range(side)]
    ends = [(i * side + j, i * side + j + 1) for i in range(side) for j in range(side - 1)]
    ends += [(i * side + j, (i + 1) * side + j) for i in range(side - 1) for j in range(side)]
    length = rng.uniform(1e3, 5e3, len(ends))
    diameter = rng.choice(np.array([0.2, 0.3, 0.4, 0.5]), len(ends))
    at = [side // 4, 3 * side // 4]
    sources = [i * side + j for i in at for j in at]
    sinks = [k for k in range(side * side) if k not in sources]
    return compile_network(
        Network(
            name="lattice",
            gas=methane,
            settings=Settings(eos="ideal", friction="swamee-jain", segment_length=10e3),
            nodes=[Node(n) for n in name],
            pipes=[
                Pipe(f"p{k}", name[a], name[b], float(length[k]), float(diameter[k]), 5e-5)
                for k, (a, b) in enumerate(ends)
            ],
            supplies=[Supply(f"s{k}", name[j], pressure=60e5) for k, j in enumerate(sources)],
            demands=[Demand(f"d{k}", name[j], flow=0.1) for k, j in enumerate(sinks)],
        )
    )


def run(cn: CompiledNetwork, options: NewtonOptions) -> tuple[np.ndarray, NewtonReport, int]:
    """One fixed-mode Newton solve as ``solve`` starts it; the point, report, factorisations."""
    system = sy.SteadySystem.of(cn)
    modes = sy.Modes.initial(cn)
    linear = LinearSolver()
    x0 = linear_start(system, modes, linear, initial_guess(cn))
    before = linear.factorisations
    free = np.concatenate([~system.is_set, np.zeros(cn.n_edges, dtype=bool)])
    x, report = newton(
        lambda v: system.residual(v, modes),
        lambda v: system.newton_direction(v, modes, linear),
        x0,
        free,
        options,
    )
    return x, report, linear.factorisations - before


@pytest.fixture(scope="module")
def grid() -> CompiledNetwork:
    return lattice(Gas.from_mapping({"methane": 1.0}))


def test_chord_and_exact_newton_reach_the_same_solution(grid: CompiledNetwork) -> None:
    exact, r_exact, f_exact = run(grid, NewtonOptions(chord="never"))
    # a fixed cost ratio: the steps taken do not depend on the clock
    chord, r_chord, f_chord = run(grid, NewtonOptions(chord="always", chord_cost_ratio=20.0))
    assert r_exact.converged
    assert r_chord.converged
    assert r_exact.chord_steps == 0
    assert f_exact == r_exact.iterations  # one factorisation per exact step
    # the chord machinery was used: a step on old factors, taken or discarded
    assert r_chord.chord_steps + r_chord.chord_rejected >= 1
    # chord steps cost no factorisation; a discarded one is replaced by a factorised step
    assert f_chord == r_chord.iterations - r_chord.chord_steps
    nn = grid.n_nodes
    # both stop at a scaled residual < 1e-10 (pressures relative to the 60 bar scale, the
    # balances to half the throughput), so pressures agree to ~1e-10 of 60 bar; 1e-9
    # relative leaves a factor ~10 for the conditioning of the lattice
    np.testing.assert_allclose(chord[:nn], exact[:nn], rtol=1e-9, atol=0.0)
    # flows: 1e-10 of the throughput (1,000 kg/s) is 1e-7 kg/s; 1e-6 kg/s leaves a factor 10
    np.testing.assert_allclose(chord[nn:], exact[nn:], rtol=0.0, atol=1e-6)


def test_chord_steps_continue_only_while_they_contract(grid: CompiledNetwork) -> None:
    _, report, _ = run(grid, NewtonOptions(chord="always", chord_cost_ratio=20.0))
    kinds, theta = report.step_kinds, report.contractions
    assert len(kinds) == len(theta) == report.iterations
    assert kinds[0] == "newton"  # the first step always factorises
    assert "chord" in kinds
    for k in range(len(kinds) - 1):
        assert theta[k] < 1.0  # every step taken reduced ‖F‖₂ (Armijo)
        if kinds[k] == "chord" and kinds[k + 1] == "chord":
            # kept factors after a chord step only if it paid: a Newton step is assumed to
            # gain at least NEWTON_RATIO_CAP, so at 1/20 of the cost the chord must gain
            # at least that to the power 1/20
            assert not refactorise(theta[k], NEWTON_RATIO_CAP, 1.0, 20.0)
    # on this lattice old factors are poor (flows near zero change sign): after
    # CHORD_STRIKES chord steps that did not pay the solve finishes with exact steps
    assert kinds[-1] == "newton"


@pytest.mark.parametrize(
    ("ratio", "newton_ratio", "cost", "newton_cost", "expected"),
    [
        # chord halves the residual at 1/20 of the cost of a Newton step that gains 1e3: per
        # e-fold 1/20/ln 2 = 0.072 vs 1/ln 1e3 = 0.145 -> keep the factors
        (0.5, 1e-3, 1.0, 20.0, False),
        # the same chord at 1/2 of the cost: 0.72 > 0.145 -> refactorise
        (0.5, 1e-3, 1.0, 2.0, True),
        # chord gains 0.9 per step at 1/13 of a Newton step's cost that gains 0.2:
        # 1/13/0.105 = 0.73 vs 1/1.61 = 0.62 -> refactorise
        (0.9, 0.2, 1.0, 13.0, True),
        # no gain at all: always refactorise, however cheap
        (1.0, 0.5, 1e-6, 1.0, True),
        (1.5, 0.5, 1e-6, 1.0, True),
    ],
)
def test_refactorise_compares_the_cost_per_e_fold(
    ratio: float, newton_ratio: float, cost: float, newton_cost: float, expected: bool
) -> None:
    assert refactorise(ratio, newton_ratio, cost, newton_cost) is expected


def test_refactorise_is_at_the_break_even() -> None:
    # equal cost per e-fold: cost / -ln(ratio) == newton_cost / -ln(newton_ratio)
    ratio = math.exp(-1.0)
    assert refactorise(ratio * 1.001, math.exp(-10.0), 1.0, 10.0)
    assert not refactorise(ratio * 0.999, math.exp(-10.0), 1.0, 10.0)


def test_options_reject_unknown_chord_modes() -> None:
    with pytest.raises(OptionsError, match="chord") as bad_mode:
        NewtonOptions(chord="sometimes")
    assert (bad_mode.value.key, bad_mode.value.value) == ("chord", "sometimes")
    with pytest.raises(OptionsError, match="chord_cost_ratio") as bad_ratio:
        NewtonOptions(chord_cost_ratio=0.5)
    assert (bad_ratio.value.key, bad_ratio.value.value) == ("chord_cost_ratio", 0.5)


def test_psgp_is_unchanged_by_the_automatic_choice() -> None:
    """PSGP factorisations take ~1 ms: "auto" keeps exact Newton, bit for bit."""
    case = load("psgp-56in-phase1")
    auto = solve(case, SteadyOptions(newton=NewtonOptions(chord="auto")))
    exact = solve(case, SteadyOptions(newton=NewtonOptions(chord="never")))
    assert auto.report.iterations == exact.report.iterations
    assert auto.report.factorisations == exact.report.factorisations
    # the same arithmetic in the same order: identical to the last bit
    assert np.array_equal(auto.pressure, exact.pressure)
    assert np.array_equal(auto.flow, exact.flow)
