"""Figures of Part 5, the Architecture Debate: what each representation keeps of the cup,
how that changes with the distractors' strength, collapse over training, episodes planned to
a goal image, and a clip's surprise frame by frame.

R² values are probe scores in [0, 1] (higher: the cup is read better); 1 - R² is drawn
nowhere, so every panel reads the same way up.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import color_for, to_numpy, to_numpy_frames

KIND_STYLES = {"changing": "-", "fixed": "--", "none": ":"}


def probe_bars(scores: dict, title: str, ylabel: str = "probe R² of the cup's position"):
    """Grouped bars: {model: {world: R²}}, one group per world, one bar per model."""
    models = list(scores)
    worlds = list(next(iter(scores.values())))
    width = 0.8 / len(models)
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    x = np.arange(len(worlds))
    for i, model in enumerate(models):
        values = [scores[model][w] for w in worlds]
        bars = ax.bar(x + (i - (len(models) - 1) / 2) * width, values, width * 0.92,
                      label=model, color=color_for(model, i))
        ax.bar_label(bars, fmt="%.2f", padding=2, fontsize=10)
    ax.set_xticks(x, worlds)
    ax.set(ylim=(0, 1.3), ylabel=ylabel, title=title)
    ax.legend(loc="upper center", ncols=len(models))
    fig.tight_layout()
    return fig


def strength_explorer(strengths, curves: dict, chosen: float, frames: dict, title: str):
    """What each model keeps as the distractors grow, with frames at the chosen strength.

    strengths: (S,) values in [0, 1]; curves: {(model, kind): (S,) R²};
    frames: {kind: (3, H, W)} one frame with that kind of noise at `chosen`.
    """
    fig = plt.figure(figsize=(8.4, 3.4))
    grid = fig.add_gridspec(2, 3, width_ratios=[1, 1, 3.2])
    for row, (kind, frame) in enumerate(frames.items()):
        ax = fig.add_subplot(grid[row, 0:2])
        ax.imshow(to_numpy_frames(frame[None])[0], interpolation="nearest")
        ax.set_title(f"{kind} noise", fontsize=10, fontweight="normal")
        ax.set_axis_off()
    ax = fig.add_subplot(grid[:, 2])
    for i, ((model, kind), values) in enumerate(curves.items()):
        ax.plot(to_numpy(strengths), to_numpy(values), KIND_STYLES[kind], marker="o", lw=2,
                color=color_for(model, i), label=f"{model}, {kind} noise")
    ax.axvline(chosen, color="0.4", lw=1)
    ax.set(xlabel="distractor strength (its share of every pixel)", ylim=(-0.05, 1.05),
           ylabel="probe R² of position", title=title)
    ax.legend(loc="lower left", fontsize=9)
    fig.tight_layout()
    return fig


def collapse_over_training(histories: dict, title: str, size: int):
    """Effective rank and probe R² against the training step: {cure: history of `jepa.train`}.

    size: the embedding's dimension D, the rank's ceiling.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.3))
    for i, (name, history) in enumerate(histories.items()):
        color = color_for(name, i)
        left.plot(history["watch_step"], history["rank"], lw=2, color=color, label=name)
        right.plot(history["watch_step"], history["probe"], lw=2, color=color, label=name)
    left.axhline(size, color="0.4", ls="--", lw=1)
    left.axhline(2, color="0.4", ls=":", lw=1)
    left.set(yscale="log", xlabel="training step", ylabel=f"effective rank (of D = {size})",
             title="directions used")
    right.set(xlabel="training step", ylabel="probe R² of position", ylim=(-0.05, 1.05),
              title="cup kept")
    right.legend(loc="lower right")
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def episodes(rows: dict, goals, every: int = 4, scale: float = 1.1, title: str | None = None):
    """Planned episodes, one row each, with the goal image in the last column.

    rows: {label: (T, 3, H, W) frames of one episode}; goals: (len(rows), 3, H, W).
    """
    goals = to_numpy_frames(goals)
    strips = {name: to_numpy_frames(f)[::every] for name, f in rows.items()}
    T = min(len(strip) for strip in strips.values())
    fig, axes = plt.subplots(len(strips), T + 1, squeeze=False,
                             figsize=(scale * (T + 1), scale * len(strips) + 0.5))
    for r, (name, strip) in enumerate(strips.items()):
        for t, image in enumerate([*strip[:T], goals[r]]):
            ax = axes[r, t]
            ax.imshow(image, interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            if t == T:
                for side in ax.spines.values():
                    side.set(color="0.1", lw=2.5)
            if r == 0:
                ax.set_title("goal" if t == T else f"step {t * every}", fontsize=9,
                             fontweight="normal")
        axes[r, 0].set_ylabel(name, fontsize=9)
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def surprise_over_time(curves: dict, onset: int, fps: float, title: str):
    """A clip's surprise frame by frame: {label: (T,)}; a line where the clips part."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for i, (name, values) in enumerate(curves.items()):
        values = to_numpy(values)
        ax.plot(np.arange(len(values)) / fps, values, marker="o", ms=3, lw=2,
                ls=("-", "--", ":")[i % 3], color=color_for(name, i), label=name)
    ax.axvline(onset / fps, color="0.4", ls=":", lw=1)
    ax.annotate("the clips part", (onset / fps, ax.get_ylim()[1]), xytext=(4, -12),
                textcoords="offset points", fontsize=9, color="0.3")
    ax.set(xlabel="time (s)", ylabel="surprise (mean squared, per dimension)", title=title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def spectrum(shares: dict, chosen: str, title: str):
    """How a batch's embeddings spread over directions: {label: (D,) singular values, each
    divided by their sum}; `chosen` in bars, the others as lines, each with its effective rank."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for i, (name, values) in enumerate(shares.items()):
        values = to_numpy(values)
        rank = float(np.exp(-(values * np.log(values + 1e-12)).sum()))
        k = np.arange(1, len(values) + 1)
        label = f"{name} (effective rank {rank:.1f})"
        color = f"C{i}"                       # one colour per run, whatever its name
        if name == chosen:
            ax.bar(k, values, color=color, alpha=0.85, label=label)
        else:
            ax.plot(k, values, lw=1.5, ls=("--", ":", "-.")[i % 3], color=color, label=label)
    ax.set(yscale="log", ylim=(1e-5, 1.5), xlabel="direction (singular value, largest first)",
           ylabel="share of the spread", title=title)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig
