"""Figures of the Dreamer's Road (Part 1): training curves, error against horizon, dreams."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import ROAD_COLORS, to_numpy_frames


def _smooth(values, window: int) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    window = max(1, min(window, len(values)))
    return np.convolve(values, np.ones(window) / window, mode="valid")


def training_curves(curves: dict, ylabel: str, title: str, window: int = 20,
                    log: bool = False) -> plt.Figure:
    """Per-step losses {name: list}, each smoothed by a running mean of `window` steps."""
    if not curves:
        raise ValueError("curves must name at least one list of losses")
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    colors = [ROAD_COLORS["dreamer"], ROAD_COLORS["jepa"], ROAD_COLORS["baseline"]]
    for (name, values), color in zip(curves.items(), colors * 3):
        smooth = _smooth(values, window)
        ax.plot(np.arange(len(smooth)) + window // 2, smooth, color=color, lw=2, label=name)
    ax.set(xlabel="gradient step", ylabel=ylabel, title=title)
    if log:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    return fig


def error_vs_horizon(errors: dict, title: str, ylabel: str = "pixel MSE",
                     dt: float | None = None) -> plt.Figure:
    """Prediction error per step ahead, {name: (H+1,) array}, index 0 the seen frame.

    The first name is drawn in the Dreamer's blue, a name containing "copy" or "mean" in grey.
    dt: seconds between frames, to label the top axis in time as well.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    styles = iter([("-", ROAD_COLORS["dreamer"]), ("-", ROAD_COLORS["jepa"]),
                   ("-", ROAD_COLORS["physicist"])])
    for name, values in errors.items():
        values = np.asarray(values, dtype=float)
        baseline = "copy" in name or "mean" in name
        style, color = ("--", ROAD_COLORS["baseline"]) if baseline else next(styles)
        ax.plot(np.arange(len(values)), values, style, color=color, lw=2, marker="o", ms=3,
                label=name)
    ax.set(xlabel="steps ahead (frames, predicted open loop)", ylabel=ylabel, title=title)
    if dt is not None:
        top = ax.secondary_xaxis("top", functions=(lambda s: s * dt, lambda s: s / dt))
        top.set_xlabel("seconds ahead")
    ax.legend()
    fig.tight_layout()
    return fig


def imagination_strip(truth, imagined, start: int, every: int = 2, scale: float = 1.1,
                      title: str | None = None) -> plt.Figure:
    """Frames the model saw (up to `start`), then reality against imagination after it.

    truth, imagined: (T, 3, H, W); imagined[t] for t <= start are the model's reconstructions
    of what it saw. Columns every `every` frames; imagined columns carry a blue frame.
    """
    truth, imagined = to_numpy_frames(truth), to_numpy_frames(imagined)
    if len(truth) != len(imagined):
        raise ValueError(f"truth and imagined must have the same length, got {len(truth)} "
                         f"and {len(imagined)}")
    times = list(range(0, len(truth), every))
    fig, axes = plt.subplots(2, len(times), figsize=(scale * len(times), 2 * scale + 0.7),
                             squeeze=False)
    for c, t in enumerate(times):
        for r, images in enumerate((truth, imagined)):
            ax = axes[r, c]
            ax.imshow(images[t], interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            dreaming = r == 1 and t > start
            for spine in ax.spines.values():
                spine.set_visible(dreaming)
                spine.set_color(ROAD_COLORS["dreamer"])
                spine.set_linewidth(2.5)
        axes[0, c].set_title(f"t={t}", fontsize=8, fontweight="normal")
    axes[0, 0].set_ylabel("reality", fontsize=9)
    axes[1, 0].set_ylabel("model", fontsize=9)
    if title:
        fig.suptitle(title, fontweight="bold", fontsize=11)
    fig.tight_layout()
    return fig
