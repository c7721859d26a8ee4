"""Sweeps over economic inputs report each scenario's levelised tariff."""

from __future__ import annotations

import math

import pytest

from linepack.io.economics_toml import read_economics
from linepack.io.load import load
from linepack.steady.solve import solve
from linepack.studies.tariff import economics_summary
from linepack.sweep.evaluate import Evaluator, evaluate_batch
from linepack.sweep.spec import parse_params, scenario_table

PHASE1 = "psgp-56in-phase1"


def _rows(specs: list[str], fast: bool = True):  # type: ignore[no-untyped-def]
    net = load(PHASE1)
    params = parse_params(specs, net)
    return evaluate_batch(Evaluator(net, [p.name for p in params]), scenario_table(params), fast)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "general"])
def test_wacc_sweep_gives_the_tornado_ends(fast: bool) -> None:
    """The WACC bar of the economics study's tornado (6 % and 14 %), reached another way: the
    sweep's rows (throughput in MMSCFD converted back to kg/s) instead of the solution."""
    rows = _rows(["economics.wacc=0.06,0.1,0.14"], fast)
    net = load(PHASE1)
    summ = economics_summary(net, solve(net), read_economics(net))
    bar = next(b for b in summ["tornado"] if b["input"] == "wacc")
    want = [bar["tariff_low_usd_per_mmbtu"], summ["tariff_usd_per_mmbtu"]]
    want.append(bar["tariff_high_usd_per_mmbtu"])
    # the only difference is the MMSCFD round trip of the throughput: round-off (1e-12)
    assert rows["tariff_usd_per_mmbtu"].tolist() == pytest.approx(want, rel=1e-12)


def test_tariff_falls_with_throughput_and_is_nan_without_a_solution() -> None:
    rows = _rows(["throughput=1000,1200,2600 MMSCFD", "economics.utilisation=0.8"])
    t = rows["tariff_usd_per_mmbtu"].tolist()
    # the same fixed costs over more gas (no fuel without stations): tariff ∝ 1/throughput
    assert t[1] == pytest.approx(t[0] * 1000 / 1200, rel=1e-9)
    assert math.isnan(t[2])  # 2,600 MMSCFD: pressure runs out, no design point


def test_no_tariff_column_without_economic_parameters() -> None:
    rows = _rows(["throughput=1000,1200 MMSCFD"])
    assert "tariff_usd_per_mmbtu" not in rows


def test_economic_sample_out_of_range_is_recorded() -> None:
    rows = _rows(["economics.wacc=0.1,1.5"])
    assert rows["ok"].tolist() == [True, False]
    assert "economics.wacc: 1.5 must lie strictly between 0 and 1" in rows.loc[1, "error"]
    assert math.isnan(rows.loc[1, "tariff_usd_per_mmbtu"])


def test_unknown_economic_input_is_an_input_error() -> None:
    from linepack.errors import CaseError

    with pytest.raises(CaseError, match=r"economics\.wac.*did you mean 'wacc'"):
        _rows(["economics.wac=0.1"])
