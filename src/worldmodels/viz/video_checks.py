"""Figures for Part 3's plausibility checks: what the checks read out of a clip, and how often
each kind of clip passes them."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from .style import ROAD_COLORS, to_numpy_frames

SOURCE_COLORS = {"real": ROAD_COLORS["truth"], "deterministic": ROAD_COLORS["baseline"],
                 "generative": ROAD_COLORS["cinematographer"],
                 "action-conditioned": ROAD_COLORS["robot"]}


def _numpy(x) -> np.ndarray:
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def plot_readout(frame, path_px, times, area, height, fit=None, title: str | None = None):
    """What the checks see in one clip: its last frame with the object's path, the object's
    area over time, and its height over time with a fitted parabola.

    frame:   (3, H, W) the clip's last frame
    path_px: (T, 2) the object's centre in pixel coordinates (column, row)
    times:   (T,) seconds; area: (T,) px^2; height: (T,) m
    fit:     optional (times, heights, g) of the parabola fitted to the free fall
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 1.3, 1.3]})
    image = to_numpy_frames(_numpy(frame)[None])[0]
    path = _numpy(path_px)
    axes[0].imshow(image, interpolation="nearest")
    axes[0].plot(path[:, 0] - 0.5, path[:, 1] - 0.5, ".-", color="white", lw=1, ms=3)
    axes[0].set(xticks=[], yticks=[], title="last frame and path read out")
    times = _numpy(times)
    axes[1].plot(times, _numpy(area), "o-", color=ROAD_COLORS["cinematographer"], ms=3)
    axes[1].set(xlabel="time (s)", ylabel="area (pixels²)", title="pixel mass")
    axes[1].set_ylim(bottom=0)
    axes[2].plot(times, _numpy(height), "o", color=ROAD_COLORS["cinematographer"], ms=3,
                 label="centre read from pixels")
    if fit is not None:
        fit_times, fit_height, g = fit
        axes[2].plot(_numpy(fit_times), _numpy(fit_height), "-", color=ROAD_COLORS["truth"],
                     label=f"parabola, g = {g:.2f} m/s²")
        axes[2].legend(loc="lower left", fontsize=9)
    axes[2].set(xlabel="time (s)", ylabel="height (m)", title="height")
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def check_bars(rates: dict, title: str = "Which clips pass which check"):
    """Grouped bars: rates[source][check] is the fraction of clips passing (nan: not applicable)."""
    sources = list(rates)
    checks = list(next(iter(rates.values())))
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    width = 0.8 / len(sources)
    for i, source in enumerate(sources):
        values = [rates[source][c] for c in checks]
        x = np.arange(len(checks)) + (i - (len(sources) - 1) / 2) * width
        color = SOURCE_COLORS.get(source, ROAD_COLORS["cinematographer"])
        ax.bar(x, np.nan_to_num(values), width, label=source, color=color)
        for xi, v in zip(x, values):
            if np.isnan(v):
                ax.text(xi, 0.02, "n/a", ha="center", fontsize=8, rotation=90)
    ax.set_xticks(np.arange(len(checks)), checks)
    ax.set(ylabel="fraction of clips that pass", ylim=(0, 1.05), title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def table_html(table: dict):
    """`plausibility.compare`'s table (rows of {column: value}) as an HTML table for notebooks:
    check pass rates in %, other columns as numbers."""
    from ..measure.plausibility import CHECKS
    from .style import html_table

    columns = list(next(iter(table.values())))

    def cell(column, value):
        if np.isnan(value):
            return "n/a"
        if np.isinf(value):
            return "∞"
        return f"{value:.0%}" if column in CHECKS or column == "plausible" else f"{value:.2f}"

    rows = [[name] + [cell(c, row[c]) for c in columns] for name, row in table.items()]
    return html_table(["clips"] + columns, rows, style="font-size: 0.8em")
