"""The batched march (steady/march.py) and the sweep fast path against the general solver.

Reference: :func:`linepack.steady.solve.solve` on the network compiled afresh from each modified
case. The march iterates until no pressure moves by more than 1e-12 × p_ref in a round;
``solve`` stops by default when the largest scaled residual is below 1e-10, which can leave a
station's power ~3e-9 relative off where its ratio is close to 1 (the head ∝ r^e − 1 magnifies
the suction pressure's last digits; one more Newton step removes it), so the reference is
solved to 1e-12. Node pressures, edge flows, power, fuel and the summary figures are then
asserted to agree to 1e-9 relative. Rows where the solver switches a station's mode must come
back as ``"fallback"``, rows where it raises as not ok with the same diagnosis.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from linepack.errors import MarchError, SolverError
from linepack.gas.composition import Gas
from linepack.io.load import load
from linepack.network.compile import CompiledNetwork, compile_network
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Settings,
    ShortPipe,
    Supply,
)
from linepack.results.steady import MMSCFD_PER_SCF_M3_S, summary, to_dataset
from linepack.steady.march import FALLBACK, INFEASIBLE, OK, can_march, march
from linepack.steady.newton import NewtonOptions
from linepack.steady.solve import SteadyOptions, SteadySolution, solve
from linepack.sweep.fast import COLUMNS, evaluate_fast

RTOL = 1e-9  # both sides solved to 1e-12 (module docstring)
REFERENCE = SteadyOptions(newton=NewtonOptions(tol=1e-12))
ATM = 101_325.0
FIGURES = {  # evaluate_fast column -> linepack run summary key
    "delivery_pressure_barg": "delivery_pressure_barg",
    "max_velocity_m_s": "max_velocity_m_s",
    "power_mw": "compressor_power_mw",
    "fuel_mmscfd": "fuel_mmscfd",
    "linepack_mmscm": "linepack_mmscm",
    "throughput_mmscfd": "throughput_mmscfd",
}


def _kg_s(cn: CompiledNetwork, mmscfd: Any) -> Any:
    return np.asarray(mmscfd) * cn.gas.density_scf / MMSCFD_PER_SCF_M3_S


def _psgp_table(cn: CompiledNetwork, n: int, seed: int) -> pd.DataFrame:
    """The brief's ranges: 600-1,800 MMSCFD, inlet 70-95 barg, roughness 0.005-0.045 mm."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "scenario": np.arange(n),
            "throughput": _kg_s(cn, rng.uniform(600.0, 1800.0, n)),
            "inlet_pressure": rng.uniform(70e5, 95e5, n) + ATM,
            "pipe.*.roughness": rng.uniform(0.005e-3, 0.045e-3, n),
            "economics.gas_price": rng.uniform(5.0, 10.0, n),  # passed through, ignored
        }
    )


def _modified(net: Network, row: pd.Series) -> Network:
    """The case with one row applied by hand (independently of sweep/fast.py)."""
    demands = [
        dataclasses.replace(d, flow=float(row["throughput"])) if d.node == net.delivery else d
        for d in net.demands
    ]
    supplies = [dataclasses.replace(s, pressure=float(row["inlet_pressure"])) for s in net.supplies]
    pipes = [dataclasses.replace(p, roughness=float(row["pipe.*.roughness"])) for p in net.pipes]
    comps = [
        dataclasses.replace(c, setpoint=float(row.get(f"compressor.{c.name}.setpoint", c.setpoint)))
        for c in net.compressors
    ]
    return dataclasses.replace(
        net, demands=demands, supplies=supplies, pipes=pipes, compressors=comps
    )


@dataclasses.dataclass
class _Ref:
    cn: CompiledNetwork
    sol: SteadySolution | None
    exc: SolverError | None

    @property
    def switched(self) -> bool:
        """The solver changed a station's mode (the fast path must hand the row back)."""
        report = self.sol.report if self.sol is not None else getattr(self.exc, "report", None)
        return bool(report is not None and report.mode_changes)


Modify = Callable[[Network, pd.Series], Network]


def _reference(net: Network, table: pd.DataFrame, modify: Modify) -> list[_Ref]:
    out = []
    for _, row in table.iterrows():
        cn = compile_network(modify(net, row))
        try:
            out.append(_Ref(cn, solve(cn, REFERENCE), None))
        except SolverError as exc:
            out.append(_Ref(cn, None, exc))
    return out


def _march_on(cn: CompiledNetwork, refs: list[_Ref]):  # type: ignore[no-untyped-def]
    """The kernel on the reference compiled arrays, all rows in one batch."""
    root = int(np.flatnonzero(np.isfinite(cn.p_set))[0])
    return march(
        cn,
        np.array([r.cn.p_set[root] for r in refs]),
        np.array([r.cn.injection for r in refs]),
        rel_roughness=np.array([r.cn.segments.rel_roughness for r in refs]),
        viscosity=np.array([r.cn.segments.viscosity for r in refs]),
        kappa=np.array([r.cn.gas.kappa for r in refs]),
        outlet_setpoint=np.array([r.cn.compressors.setpoint for r in refs]),
    )


def _check_against(
    net: Network, cn: CompiledNetwork, table: pd.DataFrame, modify: Modify = _modified
) -> dict[str, int]:
    """Assert every row against the solver; count the kinds of rows seen."""
    refs = _reference(net, table, modify)
    res = _march_on(cn, refs)
    out = evaluate_fast(net, cn, table)
    assert out is not None
    assert list(out.columns) == list(COLUMNS)
    assert out["scenario"].tolist() == table["scenario"].tolist()
    seen = {"agree": 0, "fallback": 0, "error": 0}
    for i, ref in enumerate(refs):
        row = out.iloc[i]
        if ref.switched:
            assert row["error"] == "fallback", (i, row["error"])
            assert res.status[i] == FALLBACK
            seen["fallback"] += 1
        elif ref.exc is not None:
            assert not row["ok"]
            assert res.status[i] == INFEASIBLE  # the kernel, limits enforced (its default)
            if ref.exc.bound == "pressure > 0":
                assert np.isnan(row["delivery_pressure_barg"])
                assert "[bound: pressure > 0]" in row["error"]
                assert "node '" in row["error"]
                # the march names the first node without a pressure (not always the node
                # Newton's diagnosis names): the place is its own error's element
                assert row["failed_at"].startswith("node '")
                assert row["error"].startswith(row["failed_at"] + ": ")
            else:
                # a solution that only passes a node or supply limit: the sweep keeps its
                # figures and lists the violations as ``linepack run --allow-violations`` does
                loose = solve(ref.cn, dataclasses.replace(REFERENCE, enforce_limits=False))
                assert row["error"] == "; ".join(str(v) for v in loose.violations)
                assert row["failed_at"] == loose.violations[0].element
                sm = summary(loose, to_dataset(loose))
                for col, key in FIGURES.items():
                    assert row[col] == pytest.approx(sm[key], rel=RTOL, abs=1e-12), col
            seen["error"] += 1
        else:
            assert ref.sol is not None
            assert row["error"] == "", (i, row["error"])
            assert row["failed_at"] == ""
            assert row["ok"]
            assert res.status[i] == OK
            sol = ref.sol
            np.testing.assert_allclose(res.pressure[i], sol.pressure, rtol=RTOL, atol=0)
            qtol = RTOL * np.abs(sol.flow).max()
            np.testing.assert_allclose(res.flow[i], sol.flow, rtol=RTOL, atol=qtol)
            np.testing.assert_allclose(res.power[i], sol.power, rtol=RTOL, atol=1e-3)  # W
            np.testing.assert_allclose(res.fuel[i], sol.fuel, rtol=RTOL, atol=1e-12)  # kg/s
            sm = summary(sol, to_dataset(sol))
            for col, key in FIGURES.items():
                assert row[col] == pytest.approx(sm[key], rel=RTOL, abs=1e-12), col
            p_min = (sol.pressure.min() - ATM) / 1e5
            assert row["min_pressure_barg"] == pytest.approx(p_min, rel=RTOL)
            seen["agree"] += 1
    return seen


def test_psgp_phase1_batch_agrees_with_solve() -> None:
    net = load("psgp-56in-phase1")
    cn = compile_network(net)
    seen = _check_against(net, cn, _psgp_table(cn, 20, seed=5))
    # the ranges hold both feasible rows and rows below Kasur's p_min or above flow_max
    assert seen["agree"] >= 8, seen
    assert seen["error"] >= 1, seen


def test_psgp_phase2_batch_agrees_with_solve() -> None:
    net = load("psgp-56in-phase2")
    cn = compile_network(net)
    table = _psgp_table(cn, 20, seed=7)
    table["compressor.CS-A.setpoint"] = 95e5 + ATM
    # rows where a station limit binds (ratio: low inlet and a high set-point; bypass: suction
    # above the set-point; power, then the supply's flow_max), and where pressure runs out
    # before the first station
    extra = pd.DataFrame(
        {
            "scenario": [20, 21, 22, 23, 24],
            "throughput": _kg_s(cn, [1800.0, 600.0, 2600.0, 2300.0, 2000.0]),
            "inlet_pressure": np.array([70e5, 95e5, 85e5, 85e5, 60e5]) + ATM,
            "pipe.*.roughness": [0.02e-3] * 5,
            "economics.gas_price": [7.0] * 5,
            "compressor.CS-A.setpoint": np.array([99e5, 80e5, 95e5, 95e5, 95e5]) + ATM,
        }
    )
    seen = _check_against(net, cn, pd.concat([table, extra], ignore_index=True))
    assert seen["agree"] >= 15, seen
    assert seen["fallback"] >= 4, seen
    assert seen["error"] >= 1, seen


def _tree(gas: Gas, eos: str) -> Network:
    """A branched tree: a pipe laid against the flow, a short pipe, a fuelled station holding
    its outlet pressure, a bypassed one, a fixed-flow supply and two demands at the delivery.
    """
    nodes = [
        Node(n, elevation=h, p_max=80e5)  # p_max holds the GERG table's range
        for n, h in [
            ("src", 0.0),
            ("a", 30.0),
            ("b", 80.0),
            ("c", 10.0),
            ("c2", 10.0),
            ("d", 120.0),
            ("e", 80.0),
            ("f", 150.0),
            ("g", 60.0),
            ("h", 60.0),
        ]
    ]
    return Network(
        name="tree",
        gas=gas,
        settings=Settings(eos=eos, friction="colebrook", segment_length=8e3),
        nodes=nodes,
        pipes=[
            Pipe("p1", "src", "a", 40e3, 0.6, 2e-5),
            Pipe("p2", "a", "b", 30e3, 0.5, 3e-5),
            Pipe("p3", "c", "a", 20e3, 0.4, 2e-5),  # laid towards the root
            Pipe("p4", "b", "d", 25e3, 0.4, 2e-5),
            Pipe("p5", "e", "f", 30e3, 0.4, 2e-5),
            Pipe("p6", "d", "g", 12e3, 0.3, 2e-5),
        ],
        short_pipes=[ShortPipe("s1", "c", "c2")],
        compressors=[
            Compressor(
                "k1", "b", "e", mode=CompressorMode.OUTLET_PRESSURE, setpoint=62e5, max_ratio=2.0
            ),
            Compressor("k2", "h", "g", mode=CompressorMode.BYPASS),
        ],
        supplies=[Supply("in", "src", pressure=60e5), Supply("side", "h", flow=1.5)],
        demands=[
            Demand("c-load", "c2", flow=5.0),
            Demand("f1", "f", flow=8.0),
            Demand("f2", "f", flow=4.0),
            Demand("d-load", "d", flow=3.0),
        ],
        delivery="f",
    )


def _tree_table(cn: CompiledNetwork) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 12
    return pd.DataFrame(
        {
            "scenario": np.arange(n),
            "throughput": rng.uniform(6.0, 20.0, n),  # kg/s shared 2:1 by f1 and f2
            "demand.c-load.flow": rng.uniform(1.0, 8.0, n),
            "inlet_pressure": rng.uniform(55e5, 65e5, n),
            "pipe.p2.roughness": rng.uniform(5e-6, 5e-5, n),
            "compressor.k1.setpoint": rng.uniform(64e5, 68e5, n),
        }
    )


def _tree_modified(net: Network, row: pd.Series) -> Network:
    t = float(row["throughput"])
    flows = {"f1": t * (8.0 / 12.0), "f2": t * (4.0 / 12.0), "c-load": row["demand.c-load.flow"]}
    return dataclasses.replace(
        net,
        demands=[
            dataclasses.replace(d, flow=float(flows.get(d.name, d.flow))) for d in net.demands
        ],
        supplies=[
            dataclasses.replace(s, pressure=float(row["inlet_pressure"])) if s.pressure else s
            for s in net.supplies
        ],
        pipes=[
            dataclasses.replace(p, roughness=float(row["pipe.p2.roughness"]))
            if p.name == "p2"
            else p
            for p in net.pipes
        ],
        compressors=[
            dataclasses.replace(c, setpoint=float(row["compressor.k1.setpoint"]))
            if c.name == "k1"
            else c
            for c in net.compressors
        ],
    )


@pytest.mark.parametrize("eos", ["papay", "gerg2008"])
def test_branched_tree_agrees_with_solve(methane: Gas, eos: str) -> None:
    net = _tree(methane, eos)
    cn = compile_network(net)
    assert can_march(cn) is None
    assert cn.eos.name == eos  # the march takes Z from cn.eos, as the solver does
    seen = _check_against(net, cn, _tree_table(cn), _tree_modified)
    assert seen["agree"] == 12, seen  # the ranges keep k1 compressing within its limits


def test_eos_choice_matters_at_this_tolerance(methane: Gas) -> None:
    """Papay and GERG-2008 give pressures far apart compared with RTOL: the agreement above
    cannot come from ignoring cn.eos."""
    p = {}
    for eos in ("papay", "gerg2008"):
        cn = compile_network(_tree(methane, eos))
        p[eos] = march(cn, np.array([60e5])).pressure[0]
    assert np.max(np.abs(p["papay"] / p["gerg2008"] - 1.0)) > 1e3 * RTOL


def test_meshed_network_is_rejected_with_the_reason() -> None:
    data = "tests/data/gaslib/"
    net = load(data + "GasLib-40.net", scenario=data + "GasLib-40.scn")
    cn = compile_network(net)
    reason = can_march(cn)
    assert reason is not None
    assert "not a tree" in reason
    assert "6 independent loop(s)" in reason
    with pytest.raises(MarchError, match="not a tree") as err:
        march(cn, np.array([50e5]))
    assert err.value.reason == reason
    assert evaluate_fast(net, cn, pd.DataFrame({"scenario": [0]})) is None


def test_two_pressure_references_are_rejected() -> None:
    cn = compile_network(load("psgp-56in-freeflow"))
    assert can_march(cn) == "2 pressure-set nodes (the march needs exactly one)"


def test_infeasible_throughput_names_the_node_where_pressure_runs_out() -> None:
    net = load("psgp-56in-phase1")
    cn = compile_network(net)
    table = pd.DataFrame(
        {
            "scenario": [0, 1],
            "throughput": _kg_s(cn, [6000.0, 1200.0]),
            "inlet_pressure": [85e5 + ATM] * 2,
            "pipe.*.roughness": [0.02e-3] * 2,
        }
    )
    with pytest.raises(SolverError, match="pressure > 0"):
        solve(compile_network(_modified(net, table.iloc[0])))
    out = evaluate_fast(net, cn, table)
    assert out is not None
    assert not out["ok"][0]
    assert out["ok"][1]
    err = out["error"][0]
    assert err.startswith("node '")
    assert out["failed_at"][1] == ""
    assert err.startswith(out["failed_at"][0] + ": ")  # the typed element the text names
    assert "[bound: pressure > 0]" in err
    assert out.iloc[0][list(FIGURES)].isna().all()  # no numbers for a state that cannot exist
    # the named node is the first one without a pressure: the segment into it starts from a
    # node that still has one (a positive gauge pressure is quoted)
    named = err.split("'")[1]
    i = cn.node_names.index(named)
    before = cn.node_names[cn.segments.from_node[cn.segments.to_node == i][0]]
    quoted = err.split(f"from '{before}' (")[1].split(" barg")[0]
    assert float(quoted) > 0.0


def test_unhandled_columns_and_bad_rows(methane: Gas) -> None:
    net = load("psgp-56in-phase1")
    cn = compile_network(net)
    base = {"scenario": [0, 1, 2], "inlet_pressure": [85e5 + ATM, 120e5 + ATM, -1.0]}
    assert evaluate_fast(net, cn, pd.DataFrame({**base, "pipe.L01.diameter": [1.0] * 3})) is None
    assert evaluate_fast(net, cn, pd.DataFrame({**base, "pipe.nope.roughness": [1e-5] * 3})) is None
    out = evaluate_fast(net, cn, pd.DataFrame({**base, "design.stations": [0, 1, 2]}))
    assert out is not None
    # 120 barg moves the GERG table's range (compile would build a new one); -1 Pa is invalid
    assert out["error"].tolist() == ["", "fallback", "fallback"]
    assert out["ok"].tolist() == [True, False, False]
