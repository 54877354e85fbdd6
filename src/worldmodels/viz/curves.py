"""The two plots every road draws: prediction error against the horizon, and training losses.

Curves are keyed by a model's name, and each name keeps the book's colour for it
(`style.color_for`): the truth black, learning-free baselines grey and dashed.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import color_for, is_baseline, to_numpy


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
