"""Caloric models: GERG-2008 tables and departure functions against direct pyaga8 evaluation."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from gas_data import PSGP
from scipy.optimize import brentq

from linepack.errors import EosError, PropertyRangeError
from linepack.gas.caloric import (
    Caloric,
    DepartureCaloric,
    IdealGasPart,
    TabulatedCaloric,
    compression_outlet,
    isenthalpic_outlet,
    make_caloric,
)
from linepack.gas.composition import Gas
from linepack.gas.eos import _aga8_model, direct_properties, make_eos

P_RANGE = (0.5e5, 120e5)  # [Pa]: as the hydraulics builds its tables (from 0.5 bar), margin
T_RANGE = (240.0, 360.0)  # [K]: margin around the 250-350 K test states
LEAN = Gas.from_mapping(PSGP)
H2_BLEND = Gas.from_mapping({**{k: 0.8 * v for k, v in PSGP.items()}, "H2": 20.0})
GASES = {"lean": LEAN, "h2-20": H2_BLEND}


# ------------------------------------------------------------------------ direct pyaga8


class Direct:
    """GERG-2008 evaluated point by point with pyaga8 (no table): the reference."""

    def __init__(self, gas: Gas) -> None:
        self.gas = gas
        self.model = _aga8_model("gerg2008", gas)

    def _at(self, p: float, T: float) -> Any:
        m = self.model
        m.pressure, m.temperature = p * 1e-3, T  # pyaga8: kPa
        m.calc_density(0)
        m.calc_properties()
        return m

    def h(self, p: float, T: float) -> float:
        m = self._at(p, T)
        return float(m.h / (m.mm * 1e-3))  # J/mol -> J/kg

    def s(self, p: float, T: float) -> float:
        m = self._at(p, T)
        return float(m.s / (m.mm * 1e-3))  # J/(mol K) -> J/(kg K)


@pytest.fixture(scope="module", params=sorted(GASES))
def gas(request: pytest.FixtureRequest) -> Gas:
    return GASES[request.param]


_TABLES: dict[int, TabulatedCaloric] = {}


@pytest.fixture(scope="module")
def table(gas: Gas) -> TabulatedCaloric:
    key = id(gas)
    if key not in _TABLES:
        _TABLES[key] = TabulatedCaloric.from_model("gerg2008", gas, P_RANGE, T_RANGE)
    return _TABLES[key]


def _states(n: int = 25) -> tuple[np.ndarray, np.ndarray]:
    """Off-grid states in 10-100 bar, 250-350 K."""
    rng = np.random.default_rng(20081)
    return rng.uniform(10e5, 100e5, n), rng.uniform(250.0, 350.0, n)


# ------------------------------------------------------------------------ tabulated GERG


def test_table_h_s_match_direct(gas: Gas, table: TabulatedCaloric) -> None:
    ref = Direct(gas)
    p, T = _states()
    h_ref = np.array([ref.h(a, b) for a, b in zip(p, T, strict=True)])
    s_ref = np.array([ref.s(a, b) for a, b in zip(p, T, strict=True)])
    # The table is refined to these bounds at cell midpoints, where a spline's error peaks.
    assert np.max(np.abs(table.h(p, T) - h_ref)) <= 0.5
    assert np.max(np.abs(table.s(p, T) - s_ref)) <= 1e-3
    assert table.max_error[0] <= 0.5
    assert table.max_error[1] <= 1e-3


def test_table_cp_and_joule_thomson_match_direct(gas: Gas, table: TabulatedCaloric) -> None:
    p, T = _states()
    d = direct_properties("gerg2008", gas, p, T)
    cp = table.cp(p, T)
    # The spline derivative of an h accurate to 0.5 J/kg over ~2 K cells: cp to ~1e-5
    # relative (measured 1e-8); 1e-4 leaves margin and is far below any thermal effect.
    np.testing.assert_allclose(cp, d["cp"], rtol=1e-4)
    mu = -table.dh_dp(p, T) / cp
    # mu_JT = -(dh/dp)/cp from the spline: measured ~1e-7 relative; 1e-3 is well inside the
    # 1 % a pipeline temperature needs.
    np.testing.assert_allclose(mu, d["joule_thomson"], rtol=1e-3)


def test_table_specific_volume_matches_direct(gas: Gas, table: TabulatedCaloric) -> None:
    p, T = _states()
    rho = direct_properties("gerg2008", gas, p, T)["density"]
    # p v / T is refined to 2e-6 R, i.e. v to ~2e-6 relative (Z is ~0.8-1).
    np.testing.assert_allclose(table.v(p, T), 1.0 / rho, rtol=5e-6)


def test_table_range_errors_name_the_range(table: TabulatedCaloric) -> None:
    with pytest.raises(PropertyRangeError) as err:
        table.h(130e5, 300.0)
    assert err.value.quantity == "pressure"
    assert err.value.high == pytest.approx(P_RANGE[1])  # the range is named (exact copy)
    with pytest.raises(PropertyRangeError) as err:
        table.cp(50e5, 200.0)
    assert err.value.quantity == "temperature"
    assert err.value.low == pytest.approx(T_RANGE[0])
    assert "240" in str(err.value)
    # an enthalpy no temperature in the range gives: a typed error naming the state
    h_hot = float(table.h(50e5, 359.0)) + 1e5
    with pytest.raises(PropertyRangeError, match="p = 5e"):
        table.temperature_ph([50e5, 50e5], [h_hot, float(table.h(50e5, 300.0))])


# ------------------------------------------------------------------ inversion (both kinds)


@pytest.fixture(scope="module")
def papay_lean() -> DepartureCaloric:
    eos = make_eos("papay", LEAN)
    return DepartureCaloric.from_gas(
        eos, LEAN, gas_constant=LEAN.specific_gas_constant, p_range=P_RANGE, T_range=T_RANGE
    )


def test_temperature_ph_ps_invert(table: TabulatedCaloric, papay_lean: DepartureCaloric) -> None:
    p, T = _states()
    for cal in (table, papay_lean):
        # Newton stops at steps <= 1e-9 K; quadratic convergence leaves far less than 1e-8 K.
        np.testing.assert_allclose(cal.temperature_ph(p, cal.h(p, T)), T, rtol=0, atol=1e-8)
        t_s = cal.temperature_ps(p, cal.s(p, T), T0=np.full(p.shape, 260.0))
        np.testing.assert_allclose(t_s, T, rtol=0, atol=1e-8)
    # shapes broadcast: (3, 1) pressures with (4,) enthalpies
    h = table.h(50e5, np.array([260.0, 280.0, 300.0, 320.0]))
    out = table.temperature_ph(np.array([[50e5], [50e5], [50e5]]), h)
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out[1], [260.0, 280.0, 300.0, 320.0], rtol=0, atol=1e-8)


# ------------------------------------------------------------------------- station helpers


def test_throttling_matches_direct(gas: Gas, table: TabulatedCaloric) -> None:
    ref = Direct(gas)
    h_in = ref.h(70e5, 300.0)
    t_ref = brentq(lambda t: ref.h(40e5, t) - h_in, 250.0, 310.0, xtol=1e-10)
    t_out = float(isenthalpic_outlet(table, 70e5, 300.0, 40e5))
    # table h within 0.5 J/kg and cp ~2.5 kJ/(kg K): |dT| <= 2 * 0.5 / 2500 = 4e-4 K < 0.01 K
    assert abs(t_out - t_ref) < 0.01
    # 30 bar at ~0.3-0.5 K/bar. Lean gas: about 14 K (hand estimate 12-16 K); the 20 % H2
    # blend cools less, about 9.5 K (hydrogen has a negative JT coefficient here).
    low, high = (12.0, 16.0) if gas is LEAN else (8.0, 11.0)
    assert low < 300.0 - t_out < high


def _direct_compression(ref: Direct, p_s: float, t_s: float, p_d: float, eta: float) -> float:
    """Isentropic-efficiency discharge temperature by brentq on direct GERG-2008 s, then h."""
    s_s, h_s = ref.s(p_s, t_s), ref.h(p_s, t_s)
    t_is = brentq(lambda t: ref.s(p_d, t) - s_s, t_s, t_s + 80.0, xtol=1e-10)
    h_d = h_s + (ref.h(p_d, t_is) - h_s) / eta
    return float(brentq(lambda t: ref.h(p_d, t) - h_d, t_s, t_s + 120.0, xtol=1e-10))


def test_isentropic_compression_matches_direct(gas: Gas, table: TabulatedCaloric) -> None:
    ref = Direct(gas)
    p_s = np.array([40e5, 50e5, 60e5])
    t_s = np.array([290.0, 300.0, 280.0])
    h_d, t_d = compression_outlet(table, p_s, t_s, 1.4 * p_s, 0.8, False)
    t_ref = [_direct_compression(ref, a, b, 1.4 * a, 0.8) for a, b in zip(p_s, t_s, strict=True)]
    # table s within 1e-3 J/(kg K) (cp/T ~ 9: 1e-4 K) and h within 0.5 J/kg (2e-4 K), each
    # step and the 1/eta amplification together stay far below 0.05 K
    np.testing.assert_allclose(t_d, t_ref, rtol=0, atol=0.05)
    # the returned enthalpy is the table's at the returned temperature (consistency, round-off)
    np.testing.assert_allclose(table.h(1.4 * p_s, t_d), h_d, rtol=0, atol=1e-6)


def test_polytropic_at_unit_efficiency_is_isentropic(table: TabulatedCaloric) -> None:
    p_s = np.array([40e5, 50e5, 60e5, 30e5])
    t_s = np.array([290.0, 300.0, 280.0, 310.0])
    p_d = np.array([56e5, 70e5, 84e5, 42e5])
    kinds = np.array([False, True, False, True])
    _, t_isen = compression_outlet(table, p_s, t_s, p_d, 1.0, False)
    _, t_poly = compression_outlet(table, p_s, t_s, p_d, 1.0, True)
    # dh = v dp along an isentrope: the two agree to the RK4 error plus the table's h-s-v
    # consistency (~1e-4 K); 2e-3 K is a state tolerance well below a sensor's resolution
    np.testing.assert_allclose(t_poly, t_isen, rtol=0, atol=2e-3)
    # mixed stations: each station takes its own path
    _, t_mix = compression_outlet(table, p_s, t_s, p_d, 1.0, kinds)
    np.testing.assert_allclose(t_mix, np.where(kinds, t_poly, t_isen), rtol=0, atol=1e-12)


def test_polytropic_steps_converged(table: TabulatedCaloric) -> None:
    args = (np.array([40e5, 30e5]), np.array([290.0, 300.0]), np.array([56e5, 45e5]), 0.78, True)
    h16, t16 = compression_outlet(table, *args)
    h64, t64 = compression_outlet(table, *args, steps=64)
    # RK4 error falls as steps^-4: 16 steps are converged if 64 change T by < 1e-6 K
    np.testing.assert_allclose(t16, t64, rtol=0, atol=1e-6)
    np.testing.assert_allclose(h16, h64, rtol=0, atol=1e-3)
    # polytropic with eta < 1 heats more than the isentropic ideal
    _, t_is = compression_outlet(table, *args[:3], 1.0, False)
    assert np.all(t16 > t_is + 1.0)


def test_compression_efficiency_is_checked(table: TabulatedCaloric) -> None:
    from linepack.errors import CaseError

    with pytest.raises(CaseError, match="efficiency"):
        compression_outlet(table, 40e5, 290.0, 56e5, 1.2, False)


# ---------------------------------------------------------------------- departure models


@pytest.fixture(scope="module")
def gerg_departure() -> DepartureCaloric:
    eos = make_eos("gerg2008", LEAN, p_range=P_RANGE, T_range=T_RANGE)
    return DepartureCaloric.from_gas(
        eos, LEAN, gas_constant=LEAN.specific_gas_constant, p_range=P_RANGE, T_range=T_RANGE
    )


def test_departure_on_gerg_z_matches_gerg_h(gerg_departure: DepartureCaloric) -> None:
    ref = Direct(LEAN)
    p, T = _states()
    p0, t0 = 40e5, 290.0
    dh = gerg_departure.h(p, T) - gerg_departure.h(p0, t0)
    dh_ref = np.array([ref.h(a, b) for a, b in zip(p, T, strict=True)]) - ref.h(p0, t0)
    # The integrals of the tabulated Z (|dZ| <= 2e-6) and the virial continuation below
    # 0.5 bar: h differences of up to ~250 kJ/kg agree to 1 J/kg (measured ~0.3 J/kg).
    np.testing.assert_allclose(dh, dh_ref, rtol=0, atol=1.0)
    ds = gerg_departure.s(p, T) - gerg_departure.s(p0, t0)
    ds_ref = np.array([ref.s(a, b) for a, b in zip(p, T, strict=True)]) - ref.s(p0, t0)
    # same for s; R here is CODATA's, GERG's differs by 1e-6 relative (R ln 10 ~ 1e-3)
    np.testing.assert_allclose(ds, ds_ref, rtol=0, atol=1e-2)
    # JT from the departure functions vs GERG's own: to 1e-3 relative (Z table accuracy)
    d = direct_properties("gerg2008", LEAN, p, T)
    mu = -gerg_departure.dh_dp(p, T) / gerg_departure.cp(p, T)
    np.testing.assert_allclose(mu, d["joule_thomson"], rtol=1e-3)
    np.testing.assert_allclose(gerg_departure.cp(p, T), d["cp"], rtol=1e-3)


@pytest.mark.parametrize("name", ["ideal", "papay", "aga88", "cnga-full", "cnga-simple"])
def test_departure_derivatives_are_consistent(name: str) -> None:
    eos = make_eos(name, LEAN)
    r = LEAN.specific_gas_constant
    cal = make_caloric(name, LEAN, eos, gas_constant=r, p_range=P_RANGE, T_range=T_RANGE)
    assert isinstance(cal, DepartureCaloric)
    p, T = _states(8)
    dt, dp = 1e-3, 10.0
    cp_fd = (cal.h(p, T + dt) - cal.h(p, T - dt)) / (2 * dt)
    # central differences of h (~1e5 J/kg) with steps 1e-3 K / 10 Pa: truncation ~1e-7
    # relative, round-off ~1e-16 * 1e5 / 1e-3 = 1e-8 J/(kg K); 1e-6 relative covers both
    np.testing.assert_allclose(cal.cp(p, T), cp_fd, rtol=1e-6)
    dhdp_fd = (cal.h(p + dp, T) - cal.h(p - dp, T)) / (2 * dp)
    # dh/dp is ~1e-3 J/(kg Pa): round-off 1e-16 * 1e5 / 10 = 1e-12 -> atol 1e-9
    np.testing.assert_allclose(cal.dh_dp(p, T), dhdp_fd, rtol=1e-6, atol=1e-9)
    # Maxwell: (ds/dp)_T = -(dv/dT)_p, with v = Z R T / p of the same model
    dsdp = (cal.s(p + dp, T) - cal.s(p - dp, T)) / (2 * dp)
    dvdt = (cal.v(p, T + dt) - cal.v(p, T - dt)) / (2 * dt)
    np.testing.assert_allclose(dsdp, -dvdt, rtol=1e-6, atol=1e-12)
    # (ds/dT)_p = cp / T
    dsdt = (cal.s(p, T + dt) - cal.s(p, T - dt)) / (2 * dt)
    np.testing.assert_allclose(dsdt, cal.cp(p, T) / T, rtol=1e-6)


def test_ideal_gas_has_no_joule_thomson() -> None:
    r = LEAN.specific_gas_constant
    cal = DepartureCaloric.from_gas(
        make_eos("ideal", LEAN), LEAN, gas_constant=r, p_range=P_RANGE, T_range=T_RANGE
    )
    p, T = _states(8)
    assert np.all(cal.dh_dp(p, T) == 0.0)  # Z = 1: dZ/dT = 0 exactly
    np.testing.assert_allclose(cal.h(p, T), cal.ideal.h(T), rtol=0, atol=0)  # h = h_ig(T)
    # a throttle does not change an ideal gas's temperature (Newton to 1e-9 K)
    np.testing.assert_allclose(isenthalpic_outlet(cal, 70e5, 300.0, 40e5), 300.0, atol=1e-8)
    # cp = cp_ig: GERG-2008's ideal part, i.e. GERG's cp at a vanishing pressure
    cp0 = direct_properties("gerg2008", LEAN, 1.0, 300.0)["cp"]
    np.testing.assert_allclose(cal.cp(1e5, 300.0), cp0, rtol=1e-6)  # spline derivative


def test_residual_enthalpy_vanishes_at_low_pressure(papay_lean: DepartureCaloric) -> None:
    cal = DepartureCaloric(
        papay_lean.eos, papay_lean.gas_constant, papay_lean.ideal, p_range=(100.0, 120e5)
    )
    T = np.array([250.0, 300.0, 350.0])
    h_ig = cal.ideal.h(T)
    res = [np.max(np.abs(cal.h(p, T) - h_ig)) for p in (1e5, 1e4, 1e3)]
    # Papay's dZ/dT is linear in p at low p, so h_res shrinks tenfold per decade of p (to 1 %:
    # the p^2 term is 1e-3 of the linear one at 1 bar): at 1 kPa it is 1 % of its value at
    # 1 bar (~1.5 kJ/kg at 250 K), i.e. it tends to 0 with p
    for a, b in itertools.pairwise(res):
        assert a / b == pytest.approx(10.0, rel=1e-2)
    assert res[-1] < 0.0101 * res[0]


@pytest.mark.parametrize("name", ["papay", "cnga-full"])
def test_quadrature_is_converged(name: str) -> None:
    eos = make_eos(name, LEAN)
    r = LEAN.specific_gas_constant
    ideal = IdealGasPart.from_gas(LEAN, T_RANGE)
    coarse = DepartureCaloric(eos, r, ideal, P_RANGE)
    fine = DepartureCaloric(eos, r, ideal, P_RANGE, nodes=96)
    p, T = _states()
    # 24 Gauss-Legendre nodes vs 96: the integrands are smooth in p (rational), so the two
    # agree to round-off-level amounts (1e-6 J/kg, 1e-9 J/(kg K))
    np.testing.assert_allclose(coarse.h(p, T), fine.h(p, T), rtol=0, atol=1e-6)
    np.testing.assert_allclose(coarse.s(p, T), fine.s(p, T), rtol=0, atol=1e-9)


# ---------------------------------------------------------------------------- factory


def test_make_caloric_picks_the_model() -> None:
    r = LEAN.specific_gas_constant
    eos = make_eos("papay", LEAN)
    kw: dict[str, Any] = {"gas_constant": r, "p_range": P_RANGE, "T_range": T_RANGE}
    cal: Caloric = make_caloric("PAPAY", LEAN, eos, **kw)
    assert isinstance(cal, DepartureCaloric)
    assert cal.name == "papay"
    full = make_caloric("full_cnga", LEAN, make_eos("cnga-full", LEAN), **kw)
    assert full.name == "cnga-full"
    tab = make_caloric("GERG-2008", LEAN, eos, **kw)
    assert isinstance(tab, TabulatedCaloric)
    assert tab.name == "gerg2008"
    with pytest.raises(EosError):
        make_caloric("peng-robinson", LEAN, eos, **kw)
    with pytest.raises(EosError):
        TabulatedCaloric.from_model("gerg2008", LEAN, P_RANGE, (300.0, 300.0))
