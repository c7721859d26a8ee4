"""What a station holds is typed (:class:`Held`); its text is only for display.

Also: a policy step whose settle fails is named in the error (not an older change, and no
IndexError when it is the first change of the solve).
"""

from __future__ import annotations

from typing import Any

import pytest

from linepack.errors import CaseError, ConvergenceError
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.steady import policy
from linepack.steady import solve as solve_module
from linepack.steady.changes import LIMIT_HOLDS, OWN, ChangeKind, Held, Hold, ModeChange
from linepack.steady.solve import SteadyOptions, solve

BAR = 1e5


@pytest.mark.parametrize("hold", list(Hold))
def test_every_hold_reads_back_from_its_label(hold: Hold) -> None:
    held = Held(hold, "node 'a'" if hold is Hold.FOLLOWER else None)
    assert Held.from_label(held.label) == held


def test_the_labels_are_the_texts_shown_before_the_holds_were_typed() -> None:
    # results, state files and capacity reports show these exact texts
    assert OWN.label == ""
    assert Held(Hold.MAX_RATIO).label == "max_ratio"
    assert Held(Hold.REVERSE).label == "reverse flow blocked"
    assert Held(Hold.SCHEDULE_OFF).label == "schedule: off"
    assert Held(Hold.FOLLOWER, "node 'a'").label == "follower: pressure held by node 'a'"


def test_the_limit_holds_are_the_named_limits_reverse_and_bypass() -> None:
    assert Hold.SET_POINT not in LIMIT_HOLDS
    assert Hold.POLICY not in LIMIT_HOLDS
    assert {Hold.MAX_RATIO, Hold.MAX_POWER, Hold.REVERSE, Hold.BYPASS} <= LIMIT_HOLDS


def test_an_unknown_label_is_a_case_error() -> None:
    with pytest.raises(CaseError, match="not the label of a station's hold"):
        Held.from_label("max_ratios")


def _low_delivery(methane: Any) -> Network:
    """A supply at 50 bar feeding a delivery that falls below its 45 bar minimum: the policy's
    first step (raising the supply) is the first change of the solve."""
    return Network(
        name="low-delivery",
        gas=methane,
        settings=Settings(
            eos="ideal",
            friction="constant",
            friction_value=0.01,
            gas_temperature=288.15,
            viscosity=1.1e-5,
            gas_constant=500.0,
            control="bounds",
        ),
        nodes=[Node("a", p_max=80 * BAR), Node("b", p_min=45 * BAR)],
        pipes=[Pipe("p", "a", "b", 100e3, 0.5)],
        supplies=[Supply("s", "a", pressure=50 * BAR)],
        demands=[Demand("d", "b", flow=30.0)],  # 42.7 bar at b from 50 bar at a
    )


def test_a_failed_first_policy_step_is_named_and_undone(
    methane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = _low_delivery(methane)
    options = SteadyOptions(enforce_limits=False)
    plain = solve(net, options)
    assert plain.report.mode_changes  # the policy did raise the supply
    assert plain.report.mode_changes[0].kind is ChangeKind.POLICY

    # every Newton after the policy's first step fails
    stepped: list[list[ModeChange]] = []
    real_apply, real_newton = policy.apply_shifts, solve_module.newton

    def apply(*args: Any, **kwargs: Any) -> list[ModeChange]:
        made = real_apply(*args, **kwargs)
        stepped.append(made)
        return made

    def newton(*args: Any, **kwargs: Any) -> Any:
        if stepped:
            raise ConvergenceError("stubbed: no convergence")
        return real_newton(*args, **kwargs)

    monkeypatch.setattr(policy, "apply_shifts", apply)
    monkeypatch.setattr(solve_module, "newton", newton)
    sol = solve(net, options)  # raised IndexError before the fix
    first = stepped[0][0]
    [undone] = sol.report.mode_changes
    assert undone.kind is ChangeKind.UNDONE
    assert undone.element == first.element == "node 'a'"
    # the settle's error names the step it failed after
    assert f"no solution (after {first.text}, the network has no solution" in undone.text
