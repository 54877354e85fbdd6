"""Figures for Part 2's learned physics: error against horizon, energy over time, paths, losses.

Every function takes plain arrays or tensors keyed by a model's name and returns a Figure.
Names in `COLORS` keep one colour per model across the page; others get the default cycle.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from .style import ROAD_COLORS

COLORS = {
    "truth": ROAD_COLORS["truth"], "engine": ROAD_COLORS["truth"],
    "reality": ROAD_COLORS["truth"],
    "interaction network": ROAD_COLORS["physicist"], "HNN": ROAD_COLORS["physicist"],
    "hybrid": ROAD_COLORS["physicist"],
    "MLP": "#56B4E9",                     # Okabe–Ito sky blue: the unstructured network
    "constant velocity": ROAD_COLORS["baseline"], "engine alone": ROAD_COLORS["baseline"],
}


def _np(x) -> np.ndarray:
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _style(name: str) -> dict:
    return {"color": COLORS[name]} if name in COLORS else {}


def error_vs_horizon(errors: dict, dt: float, title: str, ylabel: str = "position error (m)",
                     ax=None) -> plt.Figure:
    """Curves of error (T+1,) against time, one per model: {"MLP": errors, ...}."""
    if dt <= 0:
        raise ValueError(f"dt must be > 0 s, got {dt}")
    fig, ax = plt.subplots(figsize=(6.5, 3.6)) if ax is None else (ax.figure, ax)
    for name, values in errors.items():
        values = _np(values)
        ax.plot(np.arange(len(values)) * dt, values, lw=2, label=name, **_style(name))
    ax.set(xlabel="time into the rollout (s)", ylabel=ylabel, title=title)
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.tight_layout()
    return fig


def loss_curves(histories: dict, title: str, smooth: int = 20) -> plt.Figure:
    """Training losses on a log scale, each smoothed by a running mean of `smooth` steps."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    for name, history in histories.items():
        loss = _np(history["loss"]).astype(float)
        k = max(1, min(smooth, len(loss)))
        smoothed = np.convolve(loss, np.ones(k) / k, mode="valid")
        ax.plot(np.arange(len(smoothed)) + k, smoothed, lw=2, label=name, **_style(name))
    ax.set(xlabel="gradient step", ylabel="training loss (normalised MSE)", title=title,
           yscale="log")
    ax.legend()
    fig.tight_layout()
    return fig


def phase_and_energy(trajectories: dict, energies: dict, dt: float, title: str) -> plt.Figure:
    """Left: orbits in the (angle, momentum) plane; right: true energy against time.

    trajectories: {name: (T+1, 2) states (q, p)}; energies: {name: (T+1,) energies in J}.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for name, states in trajectories.items():
        states = _np(states)
        left.plot(states[:, 0], states[:, 1], lw=1, label=name, **_style(name))
    left.set(xlabel="angle q (rad)", ylabel="momentum p (kg m²/s)", title="orbits")
    for name, energy in energies.items():
        energy = _np(energy)
        right.plot(np.arange(len(energy)) * dt, energy, lw=2, label=name, **_style(name))
    right.set(xlabel="time (s)", ylabel="true energy H (J)", title="energy along the orbit")
    right.legend()
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def paths(positions: dict, world_size: float, title: str) -> plt.Figure:
    """One disk's path in the box for each model: {name: (T+1, 2) positions in m}."""
    fig, ax = plt.subplots(figsize=(4.8, 4.8))
    for name, xy in positions.items():
        xy = _np(xy)
        ax.plot(xy[:, 0], xy[:, 1], lw=2, label=name, **_style(name),
                ls="--" if name in ("engine alone", "constant velocity") else "-")
        ax.plot(*xy[0], "o", color="k", ms=5)
    top = max(world_size, max(float(_np(xy)[:, 1].max()) for xy in positions.values()) + 0.1)
    ax.set(xlabel="x (m)", ylabel="y (m)", title=title, xlim=(0, world_size), ylim=(0, top),
           aspect="equal")
    ax.axhline(0, color="k", lw=1)
    ax.legend(loc="best", fontsize=9)
    fig.tight_layout()
    return fig


def bars(values: dict, ylabel: str, title: str) -> plt.Figure:
    """One bar per model: {name: number}, each labelled with its value."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    names = list(values)
    heights = [float(values[n]) for n in names]
    colors = [COLORS.get(n, "#777777") for n in names]
    ax.bar(names, heights, color=colors)
    for k, h in enumerate(heights):
        ax.text(k, h, f"{h:.3g}", ha="center", va="bottom", fontsize=10)
    ax.set(ylabel=ylabel, title=title)
    fig.tight_layout()
    return fig
