"""Tornado sensitivities of the levelised tariff to the economic inputs.

Each bar is the tariff at the low and the high value of one :class:`Economics` field, every
other input at base; bars are sorted by swing, largest first. The default swings
(:func:`default_swings`) are documented in ``docs/economics.md``; the figure is drawn by
:func:`linepack.plot.tornado.plot_tornado`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from linepack.network.economics import INPUTS, Economics
from linepack.studies.economics import PipelineFacts, levelised_tariff

__all__ = [
    "ABSOLUTE_SWINGS",
    "RELATIVE_SWINGS",
    "Swing",
    "TornadoBar",
    "default_swings",
    "tornado",
]


@dataclass(frozen=True)
class Swing:
    """Low and high value of one :class:`Economics` field [SI]."""

    name: str
    low: float
    high: float


@dataclass(frozen=True)
class TornadoBar:
    """The tariff at the low and high value of one input, the others at base.

    Attributes
    ----------
    name : str
        Field of :class:`Economics`.
    unit : str
        Display unit of the input values.
    low_value, base_value, high_value : float
        Input values in ``unit``.
    tariff_low, tariff_high : float
        Tariff [USD/MMBtu] at the low and high input value.
    tariff_base : float
        Tariff at base [USD/MMBtu].
    """

    name: str
    unit: str
    low_value: float
    base_value: float
    high_value: float
    tariff_low: float
    tariff_high: float
    tariff_base: float

    @property
    def swing(self) -> float:
        """|tariff_high − tariff_low| [USD/MMBtu]."""
        return abs(self.tariff_high - self.tariff_low)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, units in key names."""
        return {
            "input": self.name,
            "unit": self.unit,
            "low": self.low_value,
            "base": self.base_value,
            "high": self.high_value,
            "tariff_low_usd_per_mmbtu": self.tariff_low,
            "tariff_high_usd_per_mmbtu": self.tariff_high,
            "swing_usd_per_mmbtu": self.swing,
        }


#: Default swings: relative (×) for costs, absolute ranges [display units] for the rest.
RELATIVE_SWINGS: dict[str, tuple[float, float]] = {
    "steel_price": (0.7, 1.3),
    "construction_cost": (0.7, 1.3),
    "compressor_cost": (0.7, 1.3),
    "terminals_metering": (0.7, 1.3),
    "opex_fraction": (0.5, 1.5),
    "gas_price": (0.5, 1.5),
}
ABSOLUTE_SWINGS: dict[str, tuple[float, float]] = {
    "contingency": (0.05, 0.30),
    "wacc": (0.06, 0.14),
    "life": (25.0, 40.0),
    "utilisation": (0.5, 1.0),
}


def default_swings(econ: Economics) -> list[Swing]:
    """The documented default swings around ``econ``.

    Costs ±30 % (opex and gas price ±50 %); contingency 5–30 %; WACC 6–14 %; life 25–40 years
    (concession 25–30 [S], "next 30–40 years" [S]); utilisation 50–100 %. An absolute range is
    widened to include the base value, so every bar brackets the base.
    """
    out = [
        Swing(k, getattr(econ, k) * lo, getattr(econ, k) * hi)
        for k, (lo, hi) in RELATIVE_SWINGS.items()
    ]
    for k, (lo, hi) in ABSOLUTE_SWINGS.items():
        scale = INPUTS[k].scale
        base = getattr(econ, k)
        out.append(Swing(k, min(lo / scale, base), max(hi / scale, base)))
    return out


def _with(econ: Economics, name: str, value: float) -> Economics:
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(econ, **changes)


def tornado(
    econ: Economics, facts: PipelineFacts, swings: Sequence[Swing] | None = None
) -> list[TornadoBar]:
    """Tariff sensitivity to each input, largest swing first.

    Parameters
    ----------
    econ : Economics
        Base inputs.
    facts : PipelineFacts
    swings : sequence of Swing, optional
        Default: :func:`default_swings`.

    Returns
    -------
    list of TornadoBar
        Sorted by decreasing swing.
    """
    base = levelised_tariff(econ, facts).tariff
    bars = []
    for s in swings if swings is not None else default_swings(econ):
        scale = INPUTS[s.name].scale if s.name in INPUTS else 1.0
        unit = INPUTS[s.name].unit if s.name in INPUTS else ""
        lo = levelised_tariff(_with(econ, s.name, s.low), facts).tariff
        hi = levelised_tariff(_with(econ, s.name, s.high), facts).tariff
        bars.append(
            TornadoBar(
                name=s.name,
                unit=unit,
                low_value=s.low * scale,
                base_value=getattr(econ, s.name) * scale,
                high_value=s.high * scale,
                tariff_low=lo,
                tariff_high=hi,
                tariff_base=base,
            )
        )
    return sorted(bars, key=lambda b: b.swing, reverse=True)
