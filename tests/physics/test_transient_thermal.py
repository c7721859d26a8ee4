"""The energy equation in the implicit transient (``thermal = "energy"``).

Truths: the scheme's discrete conservation identities (mass and energy per step, see
:mod:`linepack.transient.energy`); the steady state of the transient's own scheme
(``solve_energy(..., pipe_model="volume")``) as the rest point; transport of a temperature
step at the residence time (the mean delay of N first-order cells in series is the sum of their
time constants, i.e. the line pack over the flow, whatever the Courant number); and the
relaxation of gas at rest towards the soil temperature with the time constant derived in
``docs/thermal.md`` (at constant pressure: τ = ρ c_p A / (π D U)).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from linepack.gas.composition import Gas
from linepack.network.compile import compile_network
from linepack.network.model import (
    Compressor,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Settings,
    Supply,
    Thermal,
    Valve,
)
from linepack.steady.solve import SteadyOptions, solve_energy
from linepack.transient import Schedule, Series, simulate
from linepack.transient.state import TransientState

BAR = 1e5
GAS = {"methane": 0.9, "ethane": 0.07, "nitrogen": 0.03}
NODES = ["s", "a", "b", "b2", "c", "d", "d2", "e", "f", "h"]


def meshed() -> Network:
    """A meshed network with a station, a regulator, a valve and two supplies, with heat
    exchange (U = 2.5 W/(m² K), soil 283.15 K, gas supplied at 308.15 K)."""
    return Network(
        "mesh-thermal",
        Gas.from_mapping(GAS),
        settings=Settings(
            eos="papay",
            segment_length=5e3,
            viscosity=1.1e-5,
            thermal=Thermal.ENERGY,
            heat_transfer_coefficient=2.5,
            ground_temperature=283.15,
        ),
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
        compressors=[Compressor("k", "d", "d2", setpoint=65 * BAR)],
        regulators=[Regulator("r", "e", "h", setpoint=40 * BAR)],
        valves=[Valve("v", "b2", "c")],
        supplies=[
            Supply("src", "s", pressure=60 * BAR, temperature=308.15),
            Supply("inj", "b", flow=5.0, temperature=298.15),
        ],
        demands=[
            Demand("dh", "h", flow=25.0),
            Demand("df", "f", flow=10.0),
            Demand("de", "e", flow=15.0),
        ],
    )


def disturbances() -> Schedule:
    """Demand step, valve closure, station trip and restart, supply temperature and soil
    temperature steps."""
    s = Schedule()
    s.event("demand", "dh", at="01:00", fraction=1.4)
    s.event("valve", "v", at="02:00", to=0)
    s.set("compressor", "k", "on", Series.step([0, 3 * 3600, 3.5 * 3600], [1, 0, 1]))
    s.set("supply", "src", "temperature", Series.linear([0, 3600, 7200], [308.15, 318.15, 303.15]))
    s.event("pipe", "cd", at="01:30", quantity="soil_temperature", to=278.15)
    return s


@pytest.mark.parametrize("scheme", ["be", "bdf2"])
def test_mass_and_energy_are_conserved_every_step(scheme: str) -> None:
    r = simulate(meshed(), disturbances(), hours=5, dt=300, scheme=scheme, output_every=300)
    assert r.temperature is not None
    assert r.energy_error is not None
    # the supply temperature ramp arrived and the station trip happened
    assert np.ptp(r.temperature[:, r.compiled.node_names.index("a")]) > 3.0
    # per step: the node balances of mass hold to round-off (as isothermal, < 1e-11 of the
    # throughput); the energy balance, summed over the nodes in conservative in-out form with
    # the stored energy E = M u, holds to round-off of the throughput's enthalpy ṁ c_p T
    # (measured ~1e-14; 1e-12 is the bar). Its Newton solves the mixing form: the two
    # agree because the mass balance holds at the same masses.
    assert max(s.mass_defect for s in r.steps) < 1e-11
    assert max(s.energy_defect for s in r.steps) < 1e-12
    assert np.max(r.energy_error) < 1e-12
    # every step converged its coupling (else it raises), in a median of 8-10 rounds here
    # (Anderson-accelerated; MAX_ROUNDS = 40): a bound that catches a coupling gone slow
    assert float(np.median([s.thermal_rounds for s in r.steps])) <= 15


def test_frozen_boundary_values_keep_the_steady_state() -> None:
    r = simulate(meshed(), hours=24, dt=600, scheme="bdf2", output_every=3600)
    assert r.temperature is not None
    # the start is the steady state of the transient's own ("volume") scheme, solved to 1e-9 K
    # between rounds: nothing drives a drift. 1e-8 K over 24 h (the bar); measured
    # below 1e-10 K
    assert np.max(np.abs(r.temperature - r.temperature[0])) < 1e-8
    # pressure at the isothermal transient's level (1e-8 relative over 24 h)
    assert np.max(np.abs(r.pressure / r.pressure[0] - 1)) < 1e-8
    assert np.max(np.abs(r.flow - r.flow[0])) < 1e-8 * 55.0


def test_a_long_run_ends_at_the_volume_steady_state() -> None:
    sched = disturbances()
    r = simulate(meshed(), sched, hours=40, dt=900, output_every=3600)
    assert r.temperature is not None
    # the boundary values as they stand after 4 h, solved by the steady coupled solve with the
    # transient's heat-exchange model
    from linepack.transient.boundary import compiled_at

    cn = compiled_at(compile_network(meshed()), sched, 4 * 3600)
    final = solve_energy(cn, SteadyOptions(), pipe_model="volume")
    assert final.thermal is not None
    # 36 h after the last change the slowest thermal mode (τ = ρ c_p A/(π D U) ≈ 1.7 d for the
    # 0.6 m pipe at 60 bar) has not decayed fully: e^{-36/41} ≈ 0.4 of a ~0.1 K remainder.
    # The pressures and flows settle in hours. So temperatures to 0.05 K, pressures to 1e-5
    assert r.temperature[-1] == pytest.approx(final.thermal.temperature, abs=0.05)
    assert r.pressure[-1] == pytest.approx(final.pressure, rel=1e-5)


def long_pipe(u: float = 0.5) -> Network:
    """200 km of 0.9 m pipe, 1 km segments, 120 kg/s, a pressure-set supply at 70 bar."""
    return Network(
        "long",
        Gas.from_mapping(GAS),
        settings=Settings(
            eos="papay",
            segment_length=1e3,
            viscosity=1.1e-5,
            thermal=Thermal.ENERGY,
            heat_transfer_coefficient=u,
            ground_temperature=288.15,
        ),
        nodes=[Node("in"), Node("out")],
        pipes=[Pipe("p", "in", "out", 200e3, 0.9)],
        supplies=[Supply("s", "in", pressure=70 * BAR, temperature=298.15)],
        demands=[Demand("d", "out", flow=120.0)],
    )


def test_a_supply_temperature_step_arrives_at_the_residence_time() -> None:
    step = Schedule().set("supply", "s", "temperature", Series.step([0, 3600], [298.15, 308.15]))
    base = simulate(long_pipe(), hours=30, dt=300, scheme="bdf2", output_every=600)
    run = simulate(long_pipe(), step, hours=30, dt=300, scheme="bdf2", output_every=600)
    assert run.temperature is not None
    assert base.temperature is not None
    out = run.compiled.node_names.index("out")
    rise = run.temperature[:, out] - base.temperature[:, out]
    # residence time: the line pack over the flow (the mean delay of the cells in series)
    residence = float(base.linepack[0]) / 120.0
    # about 16 h at v ≈ 3.5 m/s: Courant number v Δt / Δx ≈ 1 here; the scheme is implicit
    # and stable at any Courant number, which the coarse-step run below checks
    assert 8 * 3600 < residence < 20 * 3600
    final = rise[-1]
    assert final > 1.0  # the step survives the heat loss (U = 0.5) in part
    t_half = float(np.interp(0.5 * final, rise, run.time)) - 3600.0
    # the half-rise time of the smeared front is the residence time within 10 % (first-order
    # upwind diffusion spreads the front by ~sqrt(2 Δx / L) ≈ 10 % of it, symmetric about it)
    assert t_half == pytest.approx(residence, rel=0.10)
    # no overshoot beyond the final rise, no undershoot below 0 (monotone to 1e-6 K)
    assert np.min(rise) > -1e-6
    assert np.max(rise) < final + 1e-6
    # the same step with Δt = 1800 s (Courant ≈ 6): stable and monotone, arrival within 15 %
    coarse = simulate(long_pipe(), step, hours=30, dt=1800, scheme="be", output_every=1800)
    base_c = simulate(long_pipe(), hours=30, dt=1800, scheme="be", output_every=1800)
    assert coarse.temperature is not None
    assert base_c.temperature is not None
    rise_c = coarse.temperature[:, out] - base_c.temperature[:, out]
    assert np.min(rise_c) > -1e-6
    assert np.max(rise_c) < rise_c[-1] + 1e-6
    t_half_c = float(np.interp(0.5 * rise_c[-1], rise_c, coarse.time)) - 3600.0
    assert t_half_c == pytest.approx(residence, rel=0.15)


def test_gas_at_rest_relaxes_to_the_soil_with_the_derived_time_constant() -> None:
    """A 20 km pipe held at 60 bar at one end, closed at the other, gas 10 K above the soil.

    At a node with constant pressure, d(M u)/dt − h dM/dt = −Q gives
    ``M [u_T + (p/ρ)(1/T)(1 + T Z_T/Z)] dT/dt = M c_p dT/dt = −π D U L (T − T_s)``, so
    ``τ = ρ c_p A / (π D U)`` (c_p, not c_v: the gas contracts as it cools and more gas flows
    in from the held end, bringing its p v work).
    """
    soil, d, u = 288.15, 0.5, 2.5
    net = Network(
        "rest",
        Gas.from_mapping(GAS),
        settings=Settings(
            eos="papay",
            segment_length=1e3,
            viscosity=1.1e-5,
            thermal=Thermal.ENERGY,
            heat_transfer_coefficient=u,
            ground_temperature=soil,
        ),
        nodes=[Node("a"), Node("b")],
        pipes=[Pipe("p", "a", "b", 20e3, d)],
        supplies=[Supply("s", "a", pressure=60 * BAR, temperature=soil)],
        demands=[Demand("x", "b", flow=0.0)],
    )
    cn = compile_network(net)
    start = solve_energy(cn, SteadyOptions(), pipe_model="volume")
    assert start.thermal is not None
    assert np.allclose(start.thermal.temperature, soil, atol=1e-6)  # at rest: at the soil
    warm = TransientState(
        0.0,
        start.pressure.copy(),
        start.flow.copy(),
        start.modes,
        temperature=start.thermal.temperature + 10.0,
    )
    hours = 3.0
    r = simulate(cn, hours=hours, dt=60, scheme="bdf2", initial=warm, output_every=600)
    assert r.temperature is not None
    far = r.compiled.node_names.index("b")
    excess = r.temperature[:, far] - soil
    # τ from the gas at the mean excess (5 K above the soil) at 60 bar
    th = cn.thermal
    assert th is not None
    t_mid = np.array([soil + 5.0])
    p = np.array([60 * BAR])
    rho = float(p[0] / (cn.eos.z(p, t_mid)[0] * cn.gas.gas_constant * t_mid[0]))
    cp = float(th.caloric.cp(p, t_mid)[0])
    area = math.pi * d * d / 4
    tau = rho * cp * area / (math.pi * d * u)
    # fitted decay rate of log(excess) over the run: within 3 % of 1/τ (ρ and c_p change by
    # ~3 % over the 10 K; the pressure at the closed end stays within 1e-3 of 60 bar)
    rate = -np.polyfit(r.time, np.log(excess), 1)[0]
    assert rate * tau == pytest.approx(1.0, rel=0.03)
    # and with c_v it would be off by c_p/c_v ≈ 1.5: the derivation matters
    assert excess[-1] == pytest.approx(10.0 * math.exp(-hours * 3600 / tau), rel=0.05)
    assert r.pressure[-1, far] == pytest.approx(60 * BAR, rel=1e-3)
    # the energy balance closes here too (heat to soil against the stored energy)
    assert max(s.energy_defect for s in r.steps) < 1e-12


def test_restart_continues_the_temperatures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sched = disturbances()
    whole = simulate(meshed(), sched, hours=2, dt=600)
    half = simulate(meshed(), sched, hours=1, dt=600)
    path = tmp_path / "state.npz"
    half.save_state(path)
    rest = simulate(meshed(), sched, hours=1, dt=600, initial=path)
    assert whole.temperature is not None
    assert rest.temperature is not None
    # the saved state carries temperatures and the BDF2 history: the same steps, the same
    # arithmetic up to the restart's recomputed stored energy (round-off). (It once differed
    # by 0.07 K: the energy Newton stalled at round-off above its 1e-11 K tolerance in one
    # step of the uninterrupted run, which was then halved, a different discretisation.)
    assert rest.temperature[-1] == pytest.approx(whole.temperature[-1], abs=1e-8)
    assert dataclasses.is_dataclass(rest.final_state)
