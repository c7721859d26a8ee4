"""Evaluate scenarios: one scenario → one metrics row; a batch of scenarios → a table of rows.

The general path (always available) applies each scenario to the base case and solves it with
:func:`linepack.steady.solve.solve`. Compiled networks are reused: parameters that only change
boundaries, pipe roughness/efficiency or compressor set-points patch the compiled arrays
(:func:`linepack.network.compile.patch_compiled`); the others compile the modified case once per
distinct set of their values (a small LRU cache).

Failures do not stop a batch. ``ok`` means the solve converged and no node pressure limit or
supply maximum flow is violated. A scenario whose solution passes such a limit keeps its
metrics (a planner wants to know *how far* below 50 barg Kasur falls), with ``ok`` False and
``error`` listing the violations as ``linepack run --allow-violations`` does
(``node 'kasur': pressure 41.89 barg below p_min = 50.00 barg by 8.105 bar``, several joined
by ``"; "``). A scenario without a solution has NaN metrics and ``error`` the message of the
typed error the solve raised (:class:`~linepack.errors.InfeasibleError` where pressure runs
out, naming the node; :class:`~linepack.errors.ConvergenceError`; a
:class:`~linepack.errors.CaseError` for a value out of range); any other exception (a bug) is
recorded the same way, its message prefixed by its type (``ValueError: ...``). The fast path
gives the same texts, so a table reads the same whichever path solved a row.

Each row also says where it failed, in ``failed_at``: the ``element`` of the typed error
(``"node 'kasur'"``) or of the first violation, else the error's type (``"ConvergenceError"``,
``"ValueError"``); "" for a row that is ok. The sweep summary counts failures by it.

The fast path, ``linepack.sweep.fast.evaluate_fast`` (a vectorised batch evaluator, optional),
is tried first by :func:`evaluate_batch`; rows it cannot do are re-run here.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import CaseError, LinepackError, SolverError
from linepack.network.compile import CompiledNetwork, compile_network, patch_compiled
from linepack.network.model import Network
from linepack.results.steady import MMSCFD_PER_SCF_M3_S, segment_state
from linepack.steady.solve import SteadyOptions, SteadySolution, solve
from linepack.sweep.apply import Target, apply_values, resolve
from linepack.sweep.tariff import TariffModel, add_tariff

__all__ = [
    "FALLBACK",
    "METRICS",
    "METRIC_UNITS",
    "Evaluator",
    "evaluate_batch",
    "failure_row",
    "metrics_from_solution",
]

log = logging.getLogger(__name__)

#: Metric columns of every scenario row, in order.
METRICS = (
    "delivery_pressure_barg",
    "min_pressure_barg",
    "max_velocity_m_s",
    "power_mw",
    "fuel_mmscfd",
    "linepack_mmscm",
    "throughput_mmscfd",
    "iterations",
)
#: Unit of each metric (for column metadata).
METRIC_UNITS = {
    "delivery_pressure_barg": "barg",
    "min_pressure_barg": "barg",
    "max_velocity_m_s": "m/s",
    "power_mw": "MW",
    "fuel_mmscfd": "MMSCFD",
    "linepack_mmscm": "MMSm3",
    "throughput_mmscfd": "MMSCFD",
    "iterations": "",
    "tariff_usd_per_mmbtu": "USD/MMBtu",  # only in sweeps over economics.* parameters
}
#: ``error`` of a fast-path row that the general path must redo.
FALLBACK = "fallback"
#: Most rows given to the fast path at once: its rate per row falls past ~1,000 rows, when the
#: batched arrays outgrow the cache (docs/benchmarks.md, "Sweep fast path").
FAST_BATCH = 1000
#: Compiled networks kept per evaluator (one per distinct set of structural values).
CACHE_SIZE = 16


def delivery_index(cn: CompiledNetwork) -> int:
    """Index of the delivery node: the case's ``delivery``, else the largest fixed offtake."""
    if cn.labels.delivery is not None:
        return cn.node_names.index(cn.labels.delivery)
    return int(np.argmin(cn.injection[: cn.n_case_nodes]))


def metrics_from_solution(sol: SteadySolution) -> dict[str, Any]:
    """The metrics of one solved scenario (definitions as in ``linepack run``'s summary).

    Parameters
    ----------
    sol : SteadySolution

    Returns
    -------
    dict
        ``delivery_pressure_barg`` (delivery node: the case's ``delivery``),
        ``min_pressure_barg`` (lowest pressure anywhere, interior points of split pipes
        included), ``max_velocity_m_s``
        (largest gas speed at any pipe segment end), ``power_mw`` (shaft power, all stations),
        ``fuel_mmscfd`` (all stations), ``linepack_mmscm`` (gas in the pipes as Sm3 at the case's
        reference conditions), ``throughput_mmscfd`` (net withdrawal at the delivery node, scf
        at the case's reference conditions), ``iterations`` (Newton steps).
    """
    cn = sol.compiled
    atm = cn.atmosphere
    d = delivery_index(cn)
    st = segment_state(sol)
    # net withdrawal: found by the solver at a pressure-set node, else the fixed offtake
    fixed = not np.isfinite(cn.p_set[d])
    withdrawn = -float(cn.injection[d]) if fixed else float(sol.node_balance[d])
    speed = np.maximum(np.abs(st["v_in"]), np.abs(st["v_out"]))
    rho_scf = cn.gas.density_scf
    return {
        "delivery_pressure_barg": float((sol.pressure[d] - atm) / 1e5),
        "min_pressure_barg": float((sol.pressure.min() - atm) / 1e5),
        "max_velocity_m_s": float(speed.max()) if speed.size else 0.0,
        "power_mw": float(sol.power.sum() / 1e6),
        "fuel_mmscfd": float(sol.fuel.sum() / rho_scf * MMSCFD_PER_SCF_M3_S),
        "linepack_mmscm": float(st["mass"].sum() / cn.gas.density_sm3 / 1e6),
        "throughput_mmscfd": withdrawn / rho_scf * MMSCFD_PER_SCF_M3_S,
        "iterations": int(sol.report.iterations),
    }


def error_text(exc: BaseException) -> str:
    """The message of a typed error (it names element, bound and amount); ``Type: message``
    for any other exception."""
    return str(exc) if isinstance(exc, LinepackError) else f"{type(exc).__name__}: {exc}"


def failed_at(exc: BaseException) -> str:
    """Where a scenario failed: the typed error's ``element``, else the error's type."""
    element = exc.element if isinstance(exc, CaseError | SolverError) else None
    return element or type(exc).__name__


def failure_row(scenario: int, exc: BaseException) -> dict[str, Any]:
    """The row of a scenario whose evaluation raised: NaN metrics, the error's text and
    where it failed (:func:`failed_at`)."""
    report = getattr(exc, "report", None) if isinstance(exc, SolverError) else None
    row: dict[str, Any] = {
        "scenario": scenario,
        "ok": False,
        "error": error_text(exc),
        "failed_at": failed_at(exc),
    }
    row.update({m: math.nan for m in METRICS})
    row["iterations"] = int(report.iterations) if report is not None else -1
    return row


class Evaluator:
    """Evaluates scenarios of one base case on the general path.

    Parameters
    ----------
    base : Network
        The base case.
    names : sequence of str
        Parameter names (table columns), resolved against ``base``.
    options : SteadyOptions, optional
        Defaults to ``SteadyOptions(enforce_limits=False)``: a solution that passes a node
        pressure or supply flow limit keeps its figures, with ``ok`` False and the violations as
        the row's error.
    """

    def __init__(
        self, base: Network, names: Sequence[str], options: SteadyOptions | None = None
    ) -> None:
        self.base = base
        self.targets: list[Target] = [resolve(n, base) for n in names]
        self.options = options or SteadyOptions(enforce_limits=False)
        self._cache: OrderedDict[tuple[tuple[str, float], ...], CompiledNetwork] = OrderedDict()
        self._structural = [t for t in self.targets if t.stage == "structural"]
        self._patched = any(t.stage in ("boundary", "segment", "compressor") for t in self.targets)
        self._tariff: TariffModel | None = None

    def tariff_model(self) -> TariffModel:
        """The base case's economics and pipeline facts (built on first use, then kept)."""
        if self._tariff is None:
            self._tariff = TariffModel(self.base)
        return self._tariff

    @property
    def compiled(self) -> CompiledNetwork:
        """The compiled base case (compiled on first use)."""
        return self._compiled_structure(())

    def _compiled_structure(self, key: tuple[tuple[str, float], ...]) -> CompiledNetwork:
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        values = dict(key)
        net = apply_values(self.base, [t for t in self._structural if t.name in values], values)
        cn = compile_network(net)
        self._cache[key] = cn
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return cn

    def network(self, values: Mapping[str, float]) -> Network:
        """The base case with a scenario's values applied."""
        return apply_values(self.base, self.targets, values)

    def compile(self, values: Mapping[str, float]) -> CompiledNetwork:
        """The compiled network of a scenario (reusing compiled structure where possible)."""
        key = tuple((t.name, float(values[t.name])) for t in self._structural)
        cn = self._compiled_structure(key)
        if not self._patched:
            return cn
        return patch_compiled(cn, self.network(values))

    def solve(self, values: Mapping[str, float]) -> SteadySolution:
        """Solve one scenario (raises what :func:`~linepack.steady.solve.solve` raises)."""
        return solve(self.compile(values), self.options)

    def evaluate(self, scenario: int, values: Mapping[str, float]) -> dict[str, Any]:
        """The row of one scenario: ``scenario``, ``ok``, ``error``, ``failed_at`` and the
        metrics.

        Never raises for a failing scenario: the failure is the row's ``error``.
        """
        try:
            sol = self.solve(values)
            row = metrics_from_solution(sol)
        except LinepackError as exc:
            return failure_row(scenario, exc)
        except Exception as exc:  # a bug: recorded with its type, the sweep goes on
            log.exception("scenario %d raised %s", scenario, type(exc).__name__)
            return failure_row(scenario, exc)
        errors = [str(v) for v in sol.violations]  # only with enforce_limits=False
        where = sol.violations[0].element if sol.violations else ""
        return {
            "scenario": scenario,
            "ok": not errors,
            "error": "; ".join(errors),
            "failed_at": where,
            **row,
        }

    def evaluate_table(self, table: pd.DataFrame) -> pd.DataFrame:
        """Rows of every scenario of ``table`` (columns ``scenario`` and the parameters)."""
        names = [t.name for t in self.targets]
        rows = []
        for rec in table[["scenario", *names]].itertuples(index=False, name=None):
            rows.append(self.evaluate(int(rec[0]), dict(zip(names, rec[1:], strict=True))))
        return rows_frame(rows)


def rows_frame(rows: list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Metric rows as a DataFrame with fixed columns and dtypes."""
    cols = ["scenario", "ok", "error", "failed_at", *METRICS]
    if isinstance(rows, pd.DataFrame):
        df = rows.reset_index(drop=True).reindex(columns=cols)
    else:
        df = pd.DataFrame(rows, columns=cols)
    dtypes: dict[str, Any] = {
        "scenario": "int64",
        "ok": "bool",
        "error": "object",
        "failed_at": "object",
    }
    dtypes.update({m: "float64" for m in METRICS if m != "iterations"})
    dtypes["iterations"] = "int64"
    return df.astype(dtypes)


def _fast(ev: Evaluator, table: pd.DataFrame) -> pd.DataFrame | None:
    from linepack.sweep.fast import evaluate_fast

    parts = []
    for start in range(0, max(len(table), 1), FAST_BATCH):
        try:
            out = evaluate_fast(ev.base, ev.compiled, table.iloc[start : start + FAST_BATCH])
        except Exception:  # the fast path is an optimisation: the general path still answers
            log.exception("the fast path failed on a batch; using the general path")
            return None
        if out is None:
            return None
        parts.append(rows_frame(out))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def evaluate_batch(ev: Evaluator, table: pd.DataFrame, fast: bool = True) -> pd.DataFrame:
    """Rows of a batch of scenarios: the fast path where it can, else the general path.

    Parameters
    ----------
    ev : Evaluator
        Evaluator of the base case and parameters.
    table : pandas.DataFrame
        Scenario rows (``scenario`` and the parameter columns, SI).
    fast : bool
        Try ``linepack.sweep.fast.evaluate_fast`` first (if installed).

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``ok``, ``error``, ``failed_at`` and :data:`METRICS`, in the order of
        ``table``; with
        ``economics.*`` parameters also ``tariff_usd_per_mmbtu`` (:mod:`linepack.sweep.tariff`).
    """
    out = _fast(ev, table) if fast else None
    if out is None:
        return add_tariff(table, ev.evaluate_table(table), ev.tariff_model)
    redo = out["error"].eq(FALLBACK) & ~out["ok"]
    if redo.any():
        ids = set(out.loc[redo, "scenario"])
        general = ev.evaluate_table(table[table["scenario"].isin(ids)])
        out = pd.concat([out[~redo], general], ignore_index=True)
    order = pd.Index(out["scenario"]).get_indexer(table["scenario"])
    if (order < 0).any():
        missing = table["scenario"][order < 0]
        out = pd.concat([out, ev.evaluate_table(table[table["scenario"].isin(missing)])])
        order = pd.Index(out["scenario"]).get_indexer(table["scenario"])
    return add_tariff(table, out.iloc[order].reset_index(drop=True), ev.tariff_model)
