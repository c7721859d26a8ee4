"""Tornado chart of the levelised tariff's sensitivity to the economic inputs (PNG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from linepack.studies.tornado import TornadoBar


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def plot_tornado(
    bars: Sequence[TornadoBar],
    path: Path,
    *,
    title: str = "Levelised tariff: sensitivity to each input",
    reference: float | None = 1.25,
    reference_label: str = "1.25 USD/MMBtu asked (Rostec 2016)",
) -> Path:
    """Draw one horizontal bar per input, from the tariff at its low to its high value.

    Parameters
    ----------
    bars : sequence of TornadoBar
        From :func:`linepack.studies.tornado.tornado` (drawn in the given order, top first).
    path : Path
        PNG file to write.
    title : str
        Figure title.
    reference : float, optional
        A tariff [USD/MMBtu] to mark with a vertical line (default: the published ask).
    reference_label : str
        Legend text of the reference line.

    Returns
    -------
    Path
        The file written.
    """
    from linepack.plot.common import pyplot, save

    plt = pyplot()
    n = len(bars)
    fig, ax = plt.subplots(figsize=(9, 1.0 + 0.45 * max(n, 1)), dpi=110)
    base = bars[0].tariff_base if bars else 0.0
    for i, b in enumerate(bars):
        y = n - 1 - i
        if abs(b.tariff_high - b.tariff_low) <= 1e-9 * max(abs(base), 1e-300):
            # an input that does not move the tariff (no stations: no compressor cost, no fuel)
            ax.annotate(
                "no effect",
                (base, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color="0.4",
            )
            continue
        for value, tariff, color, label in (
            (b.low_value, b.tariff_low, "C0", "input low"),
            (b.high_value, b.tariff_high, "C3", "input high"),
        ):
            ax.barh(
                y,
                tariff - base,
                left=base,
                color=color,
                alpha=0.75,
                label=label if i == 0 else None,
            )
            ax.annotate(
                _fmt(value),
                (tariff, y),
                xytext=(3 if tariff >= base else -3, 0),
                textcoords="offset points",
                ha="left" if tariff >= base else "right",
                va="center",
                fontsize=7,
                color="0.25",
            )
    ax.set_ylim(-0.6, n - 0.4)  # rows without a bar ("no effect") keep their space
    ax.set_yticks(range(n))
    ax.set_yticklabels(
        [f"{b.name.replace('_', ' ')} [{b.unit}]" for b in reversed(bars)], fontsize=8
    )
    ax.axvline(base, color="k", lw=1, label=f"base {base:.2f} USD/MMBtu")
    if reference is not None:
        ax.axvline(reference, color="C2", ls="--", lw=1, label=reference_label)
    ax.set_xlabel("levelised tariff [USD/MMBtu]")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title(title)
    fig.tight_layout()
    return save(fig, path)
