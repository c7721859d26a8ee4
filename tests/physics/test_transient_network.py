"""Transients on a small meshed network: rest, relaxation to the steady answer, conservation.

The network has two loops, a compressor station burning fuel, a regulator, a valve, a
pressure-set and a flow-set supply and three deliveries; real gas (Papay), Colebrook friction.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.gas.composition import Gas
from linepack.network.compile import compile_network, rederive
from linepack.network.model import (
    Compressor,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Settings,
    Supply,
    Valve,
)
from linepack.steady.changes import OWN, ChangeKind
from linepack.steady.solve import solve
from linepack.transient import Schedule, Series, TransientResult, simulate
from linepack.transient.boundary import compiled_at

BAR = 1e5
NODES = ["s", "a", "b", "b2", "c", "d", "d2", "e", "f", "h"]


def meshed(max_power: float | None = None) -> Network:
    gas = Gas.from_mapping({"methane": 0.9, "ethane": 0.07, "nitrogen": 0.03})
    return Network(
        "mesh",
        gas,
        settings=Settings(eos="papay", segment_length=5e3, viscosity=1.1e-5),
        nodes=[Node(n, elevation=10.0 * k) for k, n in enumerate(NODES)],
        pipes=[
            Pipe("sa", "s", "a", 20e3, 0.6),
            Pipe("ab", "a", "b", 15e3, 0.5),
            Pipe("ac", "a", "c", 12e3, 0.5),
            Pipe("bc", "b", "b2", 10e3, 0.4),
            Pipe("cd", "c", "d", 25e3, 0.5),
            Pipe("bd", "b", "d", 18e3, 0.4),
            Pipe("d2e", "d2", "e", 30e3, 0.5),
            Pipe("cf", "c", "f", 8e3, 0.3),
        ],
        compressors=[Compressor("k", "d", "d2", setpoint=65 * BAR, max_power=max_power)],
        regulators=[Regulator("r", "e", "h", setpoint=40 * BAR)],
        valves=[Valve("v", "b2", "c")],
        supplies=[Supply("src", "s", pressure=60 * BAR), Supply("inj", "b", flow=5.0)],
        demands=[
            Demand("dh", "h", flow=25.0),
            Demand("df", "f", flow=10.0),
            Demand("de", "e", flow=15.0),
        ],
    )


def disturbances() -> Schedule:
    """Demand step, valve closure, station trip and restart, supply pressure dip.

    The supply pressure returns to its start value: compiled gas constants (the isentropic
    exponent, at the case's mean set-point) then match those of the final steady case.
    """
    s = Schedule()
    s.event("demand", "dh", at="01:00", fraction=1.4)
    s.event("valve", "v", at="02:00", to=0)
    s.set("compressor", "k", "on", Series.step([0, 3 * 3600, 3.5 * 3600], [1, 0, 1]))
    dip = Series.linear([0, 2 * 3600, 4 * 3600], [60 * BAR, 55 * BAR, 60 * BAR])
    return s.set("supply", "src", "pressure", dip)


@pytest.mark.parametrize("scheme", ["be", "bdf2"])
def test_constant_boundary_conditions_keep_the_steady_state(scheme: str) -> None:
    r = simulate(meshed(), hours=24, dt=600, scheme=scheme)
    q_scale = 55.0  # kg/s through the network
    # 1e-8 relative over 24 h (the bar): the steady point solves the time-discrete
    # equations to Newton's tolerance, so nothing drives a drift (measured < 1e-11)
    assert np.max(np.abs(r.pressure / r.pressure[0] - 1)) < 1e-8
    assert np.max(np.abs(r.flow - r.flow[0])) < 1e-8 * q_scale
    assert r.survival_time is None


@pytest.mark.parametrize(("scheme", "inertia"), [("be", True), ("bdf2", True), ("bdf2", False)])
def test_frozen_boundary_conditions_end_at_the_steady_answer(scheme: str, inertia: bool) -> None:
    sched = disturbances()
    r = simulate(
        meshed(), sched, hours=36, dt=900, scheme=scheme, inertia=inertia, output_every=3600
    )
    # the steady solver's answer for the boundary conditions as they stand after 4 h
    final = solve(rederive(compiled_at(compile_network(meshed()), sched, 4 * 3600)))
    assert r.compiled.node_names == final.compiled.node_names
    # rtol 1e-6 (the bar): 32 h after the last change the slowest mode (about an
    # hour) has decayed by e^-30; the discrete equations' rest point is the steady one exactly
    assert r.pressure[-1] == pytest.approx(final.pressure, rel=1e-6)
    assert r.flow[-1] == pytest.approx(final.flow, rel=1e-6, abs=1e-6 * 55.0)
    assert r.fuel[-1] == pytest.approx(final.fuel, rel=1e-6)


def node_masses(r: TransientResult) -> np.ndarray:
    """Gas stored per node, recomputed from the pressures with the EOS directly."""
    cn = r.compiled
    seg = cn.segments
    rs = cn.gas.gas_constant
    out = np.zeros_like(r.pressure)
    for ends in (seg.from_node, seg.to_node):
        p = r.pressure[:, ends]
        t = np.broadcast_to(seg.temperature, p.shape)
        rho = p / (cn.eos.z(p, t) * rs * t)
        for k, i in enumerate(ends):
            out[:, i] += seg.area[k] * seg.length[k] / 2 * rho[:, k]
    return out


def check_discrete_conservation(r: TransientResult, throughput: float) -> float:
    """Largest defect of the scheme's mass identity over all steps, relative to h × throughput.

    backward Euler: M^{n+1} − M^n = h B^{n+1};
    BDF2 (first step BE): a₀ M^{n+1} + a₁ M^n + a₂ M^{n−1} = h B^{n+1},
    a₀ = (1+2ω)/(1+ω), a₁ = −(1+ω), a₂ = ω²/(1+ω), ω = h_{n+1}/h_n;
    M the total stored mass, B the net inflow from outside (supplies − deliveries − fuel).
    """
    assert len(r.steps) == len(r.time) - 1  # an output at every step, no step was split
    m = node_masses(r).sum(axis=1)
    b = r.inflow.sum(axis=1) - r.fuel.sum(axis=1)
    worst = 0.0
    for n in range(1, len(r.time)):
        h = r.time[n] - r.time[n - 1]
        if r.scheme == "be" or n == 1:
            lhs = m[n] - m[n - 1]
        else:
            w = h / (r.time[n - 1] - r.time[n - 2])
            lhs = (1 + 2 * w) / (1 + w) * m[n] - (1 + w) * m[n - 1] + w * w / (1 + w) * m[n - 2]
        worst = max(worst, abs(lhs - h * b[n]) / (h * throughput))
    return worst


@pytest.mark.parametrize("scheme", ["be", "bdf2"])
def test_mass_is_conserved_to_round_off_every_step(scheme: str) -> None:
    sched = disturbances()
    # the flow-set injection stops at 5 h; the pressure-set supply turns to a fixed flow at 5 h
    sched.event("supply", "inj", at="05:00", to=0.0)
    sched.set("supply", "src", "flow", Series.linear([5 * 3600, 6 * 3600], [60.0, 40.0]))
    r = simulate(meshed(), sched, hours=7, dt=300, scheme=scheme, output_every=300)
    scheduled = [c for _, c in r.events if c.kind is ChangeKind.SCHEDULE]  # typed, not text
    assert any(c.element is not None and c.element.startswith("valve ") for c in scheduled)
    assert any("closes" in str(c) for c in scheduled)
    assert any("off" in str(c) for c in scheduled)
    src = r.compiled.node_names.index("s")
    assert r.inflow[-1, src] == pytest.approx(40.0, rel=1e-12)  # on flow control at the end
    # Per step, relative to h × throughput (55 kg/s): the node balances hold to round-off
    # (about 1e-16 of the stored mass, ~1e6 kg, over h × 55 kg/s ~ 1e4 kg); 1e-11 leaves room
    # for summing ~30 node masses but is 10⁴ below what Newton's tolerance alone would allow
    assert check_discrete_conservation(r, 55.0) < 1e-11
    # the solver's own per-step report says the same
    assert max(s.mass_defect for s in r.steps) < 1e-11
    assert np.max(r.mass_error) < 1e-11


def test_power_limit_binds_and_releases() -> None:
    free = solve(meshed()).power[0]
    net = meshed(max_power=1.2 * free)
    sched = Schedule().set(
        "demand", "dh", "flow", Series.step([0, 3600, 4 * 3600], [25.0, 45.0, 25.0])
    )
    r = simulate(net, sched, hours=10, dt=300, output_every=300)
    changes = [c for _, c in r.events]
    assert any(c.kind is ChangeKind.LIMIT and "max_power" in str(c) for c in changes)
    released = [c for c in changes if c.kind is ChangeKind.RELEASED]
    assert released
    assert any("back to its set-point" in str(c) for c in released)
    held = np.isclose(r.power[:, 0], 1.2 * free, rtol=1e-9)
    # while held, the power is the limit (to Newton's tolerance) and the discharge below 65 bar
    d2 = r.compiled.node_names.index("d2")
    assert held.any()
    assert np.all(r.pressure[held, d2] < 65 * BAR)
    # at the end the station holds its own set-point again
    assert r.final_state.modes.limit == [OWN]
    assert r.pressure[-1, d2] == pytest.approx(65 * BAR, rel=1e-12)


def test_quasi_steady_is_close_for_slow_changes() -> None:
    """Inertia matters for fast transients only: over a 6 h swing both models agree."""
    t = np.arange(0, 6 * 3600 + 1, 600.0)
    sched = Schedule().set(
        "demand", "dh", "flow", Series.linear(t, 25 + 10 * np.sin(2 * np.pi * t / (6 * 3600)))
    )
    full = simulate(meshed(), sched, hours=6, dt=300, output_every=600)
    quasi = simulate(meshed(), sched, hours=6, dt=300, output_every=600, inertia=False)
    # inertia/friction ~ (L/A) dq/dt / Δp: ~1e-4 here; 1e-4 relative on pressures bounds it
    assert np.max(np.abs(quasi.pressure / full.pressure - 1)) < 1e-4


@pytest.mark.parametrize("scheme", ["be", "bdf2"])
def test_ten_metre_pipes_run_at_minute_steps(scheme: str) -> None:
    """Implicit and A-stable: 10 m pipes (acoustic transit 0.03 s) at 60 s steps."""
    net = Network(
        "short",
        Gas.from_mapping({"methane": 1.0}),
        settings=Settings(eos="papay", viscosity=1.1e-5),
        nodes=[Node(n) for n in "abcde"],
        pipes=[
            Pipe("s1", "a", "b", 10.0, 0.5),
            Pipe("s2", "b", "c", 10.0, 0.3),
            Pipe("long", "c", "d", 50e3, 0.5),
            Pipe("s3", "d", "e", 10.0, 0.2),
            Pipe("s4", "b", "d", 12.0, 0.1),
        ],
        supplies=[Supply("s", "a", pressure=60 * BAR)],
        demands=[Demand("x", "e", flow=30.0)],
    )
    sched = Schedule().event("demand", "x", at="00:30", to=45.0).event("demand", "x", at=3600, to=0)
    r = simulate(net, sched, hours=3, dt=60, scheme=scheme, output_every=60)
    # no step was split, Newton needed few iterations, mass held to round-off (as above)
    assert len(r.steps) == 180
    assert max(s.iterations for s in r.steps) <= 8
    assert max(s.mass_defect for s in r.steps) < 1e-11
    # two hours after the offtake stopped the line is at rest at the supply pressure
    # (to 1e-6: the slowest mode of the 50 km line, about 10 min, has decayed by e^-12)
    assert r.pressure[-1] == pytest.approx(60 * BAR, rel=1e-6)
