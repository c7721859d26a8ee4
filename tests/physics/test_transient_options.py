"""The transient's options reach its initial steady state (control mode, failure handling)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.physics.test_robustness import parallel_stations

from linepack.errors import OptionsError
from linepack.network.model import Control, Network
from linepack.steady.solve import SteadyOptions, solve
from linepack.transient import simulate
from linepack.transient.integrate import TransientOptions


def test_the_transient_control_mode_solves_the_initial_state(methane) -> None:  # type: ignore[no-untyped-def]
    # twin stations on set-points are infeasible; under the policy one runs: the initial
    # steady state must use the transient's mode (it used the case's and raised)
    net: Network = parallel_stations(methane, "setpoints")
    opts = TransientOptions(control=Control.BOUNDS)
    r = simulate(net, hours=0.5, dt=900, options=opts)
    steady = solve(net, SteadyOptions(control=Control.BOUNDS))
    # 1e-9 relative: the same steady problem solved to the steady solver's tolerance
    np.testing.assert_allclose(r.pressure[0], steady.pressure, rtol=1e-9)
    # nothing moves: the run stays at that state (1e-6 relative, the transient's settling)
    np.testing.assert_allclose(r.pressure[-1], steady.pressure, rtol=1e-6)


def test_steady_options_of_another_control_mode_are_refused(methane) -> None:  # type: ignore[no-untyped-def]
    net = parallel_stations(methane, "bounds")
    with pytest.raises(OptionsError) as err:
        simulate(
            net,
            hours=1,
            dt=600,
            options=TransientOptions(control=Control.BOUNDS),
            steady_options=SteadyOptions(control=Control.SETPOINTS),
        )
    assert err.value.key == "steady_options.control"
    # the case's mode counts when the transient's options give none
    with pytest.raises(OptionsError):
        simulate(net, hours=1, dt=600, steady_options=SteadyOptions(control=Control.SETPOINTS))


def test_unknown_failure_handling_is_refused_before_solving(methane) -> None:  # type: ignore[no-untyped-def]
    # the twin stations on set-points cannot be solved: the option error must come first
    with pytest.raises(OptionsError) as err:
        simulate(parallel_stations(methane, "setpoints"), hours=1, dt=600, on_failure="skip")
    assert err.value.key == "on_failure"
