"""Figures of Part 3, the Cinematographer's Road: sharpness against error, the spread of
futures, best-of-K, and what the plausibility checks read out of clips and how often clips pass.

Clips and frames are drawn with `viz.compare_rollouts` and `viz.animation`, errors against the
horizon with `viz.error_by_horizon`; this module adds the part's other plots of results.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import ROAD_COLORS, color_for, html_table, to_numpy, to_numpy_frames


def sharpness_vs_error(points: dict, real_sharpness: float, title: str,
                       xlabel: str = "mean squared error over the horizon") -> plt.Figure:
    """The trade-off: each predictor as a point (error, sharpness); a line at real frames' sharpness.

    points: {"deterministic": (error, sharpness), "generative, one sample": (...), ...}
    """
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    for i, (name, (error, sharp)) in enumerate(points.items()):
        ax.scatter([error], [sharp], s=90, color=color_for(name, i), zorder=3,
                   marker="D" if "best" in name else "o")
        ax.annotate(name, (error, sharp), textcoords="offset points", xytext=(8, 6), fontsize=9)
    ax.margins(x=0.35)
    ax.set_ylim(0, 1.2 * max([real_sharpness] + [sharp for _, sharp in points.values()]))
    ax.axhline(real_sharpness, color=color_for("real"), ls="--", lw=1.2)
    ax.text(ax.get_xlim()[1], real_sharpness, "real frames ", ha="right", va="bottom", fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("sharpness (mean squared Laplacian)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def futures_spread(positions, mean_position: float, edge: float, title: str) -> plt.Figure:
    """Where the cup ends up over many pushes of one context, and where their average puts it.

    positions: (K,) the cup's final x in each future (m); mean_position: their mean (m).
    """
    positions = to_numpy(positions)
    fig, ax = plt.subplots(figsize=(6.2, 2.8))
    ax.hist(positions, bins=24, color=color_for("truth"), alpha=0.35, label="true futures")
    ax.axvline(mean_position, color=color_for("deterministic"), lw=2.5,
               label="their average (what MSE asks for)")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.6)   # headroom for the legend
    ax.axvline(edge, color="k", ls=":", lw=1)
    ax.text(edge, ax.get_ylim()[1] * 0.9, " table edge", fontsize=9)
    ax.set_xlabel("cup's x at the last frame (m)")
    ax.set_ylabel("futures")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


def best_of_k(ks, errors, deterministic_error: float, title: str) -> plt.Figure:
    """Best-of-K error of a generative model against K, with the deterministic model's as a line."""
    ks, errors = to_numpy(ks), to_numpy(errors)
    if ks.shape != errors.shape or ks.ndim != 1:
        raise ValueError(f"ks and errors must be 1-D of one length, got {ks.shape} and {errors.shape}")
    fig, ax = plt.subplots(figsize=(6.2, 3.4))
    ax.plot(ks, errors, "o-", lw=2, color=color_for("generative"), label="generative, best of K")
    ax.axhline(deterministic_error, color=color_for("deterministic"), lw=2, ls="--",
               label="deterministic")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [f"{k:g}" for k in ks])
    ax.set_xlabel("samples drawn per context, K")
    ax.set_ylabel("MSE over the horizon")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_readout(frame, path_px, times, area, height, fit=None, title: str | None = None):
    """What the checks see in one clip: its last frame with the object's path, the object's
    area over time, and its height over time with a fitted parabola.

    frame:   (3, H, W) the clip's last frame
    path_px: (T, 2) the object's centre in pixel coordinates (column, row)
    times:   (T,) seconds; area: (T,) px^2; height: (T,) m
    fit:     optional (times, heights, g) of the parabola fitted to the free fall
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 1.3, 1.3]})
    image = to_numpy_frames(to_numpy(frame)[None])[0]
    path = to_numpy(path_px)
    axes[0].imshow(image, interpolation="nearest")
    axes[0].plot(path[:, 0] - 0.5, path[:, 1] - 0.5, ".-", color="white", lw=1, ms=3)
    axes[0].set(xticks=[], yticks=[], title="last frame and path read out")
    times = to_numpy(times)
    axes[1].plot(times, to_numpy(area), "o-", color=ROAD_COLORS["cinematographer"], ms=3)
    axes[1].set(xlabel="time (s)", ylabel="area (pixels²)", title="pixel mass")
    axes[1].set_ylim(bottom=0)
    axes[2].plot(times, to_numpy(height), "o", color=ROAD_COLORS["cinematographer"], ms=3,
                 label="centre read from pixels")
    if fit is not None:
        fit_times, fit_height, g = fit
        axes[2].plot(to_numpy(fit_times), to_numpy(fit_height), "-", color=ROAD_COLORS["truth"],
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
        color = color_for(source, i)
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
    from ..measure.plausibility import format_cell

    columns = list(next(iter(table.values())))
    rows = [[name] + [format_cell(c, row[c]) for c in columns] for name, row in table.items()]
    return html_table(["clips"] + columns, rows, style="font-size: 0.8em")
