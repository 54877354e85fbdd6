"""The plots every road draws: prediction error against the horizon, training losses, and an
agent's episodes against the environment steps it has used.

Curves are keyed by a model's name, and each name keeps the book's colour for it
(`style.color_for`): the truth black, learning-free baselines grey and dashed.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import ROAD_COLORS, color_for, is_baseline, to_numpy


def error_by_horizon(curves: dict, ylabel: str, title: str, *, dt: float | None = None,
                     first: int = 1, ax=None, logy: bool = False) -> plt.Figure:
    """One line per model: an error at each step ahead, e.g. {"copy last": mse, ...}.

    curves: {name: (H,) errors}; the first value is `first` steps ahead (0 when it is the
    seen frame or the start of the rollout). dt: seconds per step; given, x is in seconds.
    """
    if not curves:
        raise ValueError("curves must name at least one model")
    if dt is not None and not dt > 0:
        raise ValueError(f"dt must be > 0 seconds, got {dt}")
    fig, ax = plt.subplots(figsize=(6.5, 3.6)) if ax is None else (ax.figure, ax)
    for i, (name, values) in enumerate(curves.items()):
        values = to_numpy(values)
        if values.ndim != 1:
            raise ValueError(f"curves[{name!r}] must be one value per step, got shape "
                             f"{values.shape}")
        steps = np.arange(first, first + len(values))
        ax.plot(steps * dt if dt else steps, values, "--" if is_baseline(name) else "-",
                marker="o", ms=3, lw=2, color=color_for(name, i), label=name)
    ax.set(xlabel="time ahead (s)" if dt else "steps ahead", ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    return fig


def training_curves(curves: dict, ylabel: str, title: str, window: int = 20,
                    log: bool = False) -> plt.Figure:
    """Per-step losses {name: values}, each smoothed by a running mean of `window` steps."""
    if not curves:
        raise ValueError("curves must name at least one list of losses")
    if window < 1:
        raise ValueError(f"window must be >= 1 step, got {window}")
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for i, (name, values) in enumerate(curves.items()):
        values = to_numpy(values)
        k = max(1, min(window, len(values)))
        smooth = np.convolve(values, np.ones(k) / k, mode="valid")
        ax.plot(np.arange(len(smooth)) + k // 2, smooth, color=color_for(name, i), lw=2,
                label=name)
    ax.set(xlabel="gradient step", ylabel=ylabel, title=title)
    if log:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    return fig


def learning_curves(runs: dict, title: str, ylabel: str = "episode return",
                    bar: float | None = None, bar_label: str = "") -> plt.Figure:
    """What each learner's own episodes scored (return, or success 0/1) against the
    environment steps it had used when each ended.

    runs: {"Dreamer": (steps, returns), "SAC": (steps, returns)}; a moving average of 5
    episodes is drawn over the raw points.
    """
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for i, (name, (steps, values)) in enumerate(runs.items()):
        steps, values = to_numpy(steps), to_numpy(values)
        color = color_for(name, i)
        ax.plot(steps, values, ".", color=color, alpha=0.35)
        window = min(5, len(values))
        smooth = np.convolve(values, np.ones(window) / window, mode="valid")
        ax.plot(steps[window - 1:], smooth, color=color, lw=2.5, label=name)
    if bar is not None:
        ax.axhline(bar, color=ROAD_COLORS["truth"], ls="--", lw=1, label=bar_label)
    ax.set_xlabel("environment steps")
    ax.set_ylabel(ylabel)
    ax.legend(loc="best")
    ax.set_title(title)
    fig.tight_layout()
    return fig
