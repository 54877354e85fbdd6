"""Figures of Part 3, the Cinematographer's Road: errors against the horizon, and sharpness against error.

Clips and frames are drawn with `viz.compare_rollouts` and `viz.animation`; this module adds
the plots of measured results.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from .style import ROAD_COLORS

# Who is who in Part 3's figures: the truth in black, learning-free baselines in greys, the
# deterministic predictor in the road's pink, samples of the generative model in blue.
VIDEO_COLORS = {"truth": ROAD_COLORS["truth"], "real": ROAD_COLORS["truth"],
                "copy last": ROAD_COLORS["baseline"], "mean frame": "#CCCCCC",
                "deterministic": ROAD_COLORS["cinematographer"],
                "generative": ROAD_COLORS["dreamer"]}


def _color(name: str, index: int) -> str:
    for key, color in VIDEO_COLORS.items():
        if name.lower().startswith(key):
            return color
    return f"C{index}"


def _numpy(values) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=float)


def error_curves(curves: dict, ylabel: str, title: str, frame_dt: float | None = None,
                 ax=None, logy: bool = False) -> plt.Figure:
    """One line per predictor: a metric (T,) at each future frame, e.g. {"copy last": mse, ...}.

    frame_dt: seconds between frames; given, the x axis is in seconds ahead, else in frames.
    """
    if not curves:
        raise ValueError("curves must name at least one predictor")
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(6.2, 3.6))
    for i, (name, values) in enumerate(curves.items()):
        values = _numpy(values)
        if values.ndim != 1:
            raise ValueError(f"curves[{name!r}] must be one value per frame, got shape {values.shape}")
        steps = np.arange(1, len(values) + 1)
        x = steps * frame_dt if frame_dt else steps
        ax.plot(x, values, "o-", ms=3.5, lw=2, color=_color(name, i), label=name)
    ax.set_xlabel("time ahead (s)" if frame_dt else "frames ahead")
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def sharpness_vs_error(points: dict, real_sharpness: float, title: str,
                       xlabel: str = "mean squared error over the horizon") -> plt.Figure:
    """The trade-off: each predictor as a point (error, sharpness); a line at real frames' sharpness.

    points: {"deterministic": (error, sharpness), "generative, one sample": (...), ...}
    """
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    for i, (name, (error, sharp)) in enumerate(points.items()):
        ax.scatter([error], [sharp], s=90, color=_color(name, i), zorder=3,
                   marker="D" if "best" in name else "o")
        ax.annotate(name, (error, sharp), textcoords="offset points", xytext=(8, 6), fontsize=9)
    ax.margins(x=0.35)
    ax.set_ylim(0, 1.2 * max([real_sharpness] + [sharp for _, sharp in points.values()]))
    ax.axhline(real_sharpness, color=VIDEO_COLORS["real"], ls="--", lw=1.2)
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
    positions = _numpy(positions)
    fig, ax = plt.subplots(figsize=(6.2, 2.8))
    ax.hist(positions, bins=24, color=VIDEO_COLORS["truth"], alpha=0.35, label="true futures")
    ax.axvline(mean_position, color=VIDEO_COLORS["deterministic"], lw=2.5,
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
    ks, errors = _numpy(ks), _numpy(errors)
    if ks.shape != errors.shape or ks.ndim != 1:
        raise ValueError(f"ks and errors must be 1-D of one length, got {ks.shape} and {errors.shape}")
    fig, ax = plt.subplots(figsize=(6.2, 3.4))
    ax.plot(ks, errors, "o-", lw=2, color=VIDEO_COLORS["generative"], label="generative, best of K")
    ax.axhline(deterministic_error, color=VIDEO_COLORS["deterministic"], lw=2, ls="--",
               label="deterministic")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [f"{k:g}" for k in ks])
    ax.set_xlabel("samples drawn per context, K")
    ax.set_ylabel("MSE over the horizon")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig
