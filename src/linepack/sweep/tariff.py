"""Levelised tariff of each scenario, for sweeps over ``economics.*`` parameters.

A sweep that varies an economic input (``economics.wacc=uniform(0.06, 0.14)``,
``economics.steel_price=normal(1300 USD/t, 150 USD/t)``...) gets one more metric per row,
``tariff_usd_per_mmbtu``: :func:`linepack.studies.economics.levelised_tariff` with the case's
``[economics]`` table, the row's economic values, and the row's own design point — its
delivered throughput, shaft power and fuel — on the base case's pipes and installed power.
Rows without a solution get NaN. Sweeps without ``economics.*`` parameters skip this (it costs
about 40 µs a row).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from linepack.io.economics_toml import out_of_range, read_economics
from linepack.network.economics import Economics
from linepack.network.model import Network
from linepack.steady.solve import SteadyOptions, solve
from linepack.studies.economics import PipelineFacts, levelised_tariff

#: Name of the metric, and its unit.
TARIFF = "tariff_usd_per_mmbtu"
TARIFF_UNIT = "USD/MMBtu"
PREFIX = "economics."
#: Standard cubic feet per day → m³ of gas at the scf conditions per second.
_SCFD = 0.3048**3 / 86_400.0


def economic_columns(table: pd.DataFrame) -> list[str]:
    """The ``economics.*`` parameter columns of a scenario table."""
    return [c for c in table.columns if str(c).startswith(PREFIX)]


class TariffModel:
    """The base case's economics and pipeline facts, ready for one tariff per row.

    Parameters
    ----------
    base : Network
        The sweep's base case (its ``[economics]`` table, pipes and compressors).
    """

    def __init__(self, base: Network) -> None:
        self.economics = read_economics(base)
        sol = solve(base, SteadyOptions(enforce_limits=False))
        self.facts = PipelineFacts.from_solution(base, sol)
        self.rho_scf = float(base.gas.density(base.settings.scf))  # [kg/m³]

    def tariff(
        self, values: dict[str, float], throughput: float, power: float, fuel: float
    ) -> float:
        """Levelised tariff [USD/MMBtu] of one scenario.

        Parameters
        ----------
        values : dict
            Economic inputs of the row by field name of :class:`Economics` (SI / USD).
        throughput, fuel : float
            Delivered flow and fuel of the row [MMSCFD].
        power : float
            Shaft power of the row [MW].
        """
        if not all(math.isfinite(v) for v in (throughput, power, fuel)) or throughput <= 0:
            return math.nan
        econ: Economics = dataclasses.replace(self.economics, **values)  # type: ignore[arg-type]
        facts = dataclasses.replace(
            self.facts,
            design_throughput_kg_s=throughput * 1e6 * _SCFD * self.rho_scf,
            shaft_power_w=power * 1e6,
            fuel_kg_s=fuel * 1e6 * _SCFD * self.rho_scf,
        )
        return levelised_tariff(econ, facts).tariff


def add_tariff(
    table: pd.DataFrame, rows: pd.DataFrame, model: Callable[[], TariffModel]
) -> pd.DataFrame:
    """``rows`` with a ``tariff_usd_per_mmbtu`` column if ``table`` sweeps economic inputs.

    Parameters
    ----------
    table : pandas.DataFrame
        Scenario table (``scenario`` and parameter columns, SI values), in the order of
        ``rows``.
    rows : pandas.DataFrame
        Metric rows of the same scenarios (``throughput_mmscfd``, ``power_mw``,
        ``fuel_mmscfd``).
    model : callable
        Gives the base case's :class:`TariffModel` (called only if economic inputs are swept;
        :meth:`linepack.sweep.evaluate.Evaluator.tariff_model` builds it once per sweep).

    Returns
    -------
    pandas.DataFrame
        ``rows`` itself when no ``economics.*`` column is swept, else a copy with the tariff.
    """
    cols = economic_columns(table)
    if not cols:
        return rows
    tm = model()
    fields = [c[len(PREFIX) :] for c in cols]
    econ = table[cols].to_numpy(dtype=float)
    q = rows["throughput_mmscfd"].to_numpy(dtype=float)
    pw = rows["power_mw"].to_numpy(dtype=float)
    fuel = rows["fuel_mmscfd"].to_numpy(dtype=float)
    rows = rows.copy()
    out = np.full(len(rows), math.nan)
    for i in range(len(rows)):
        values = dict(zip(fields, econ[i], strict=True))
        why = {k: out_of_range(k, v) for k, v in values.items()}
        bad = [f"{PREFIX}{k}: {values[k]:g} {w}" for k, w in why.items() if w]
        if bad:  # a sample outside the input's range: recorded, the sweep goes on
            row = rows.index[i]
            rows.loc[row, "ok"] = False
            rows.loc[row, "error"] = "; ".join(filter(None, [rows.loc[row, "error"], *bad]))
            if not rows.loc[row, "failed_at"]:  # the first economic input out of its range
                rows.loc[row, "failed_at"] = next(f"{PREFIX}{k}" for k, w in why.items() if w)
            continue
        out[i] = tm.tariff(values, q[i], pw[i], fuel[i])
    rows[TARIFF] = out
    return rows
