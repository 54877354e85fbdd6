"""Figures of Part 6's convergence: the four-ingredients model's attention mask and rollout
errors; for the toddler revisited, a model's error against the interactions it had, watching
or intervening, and a stream in which the world changes: surprise and error over time.

Errors are shares of the error of predicting that nothing moves (1: no better than that),
drawn on log scales, where halving is the same step everywhere.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

from .style import color_for

RULE_STYLES = {"frozen": ":", "recent": "--", "replay": "-"}


def watching_and_intervening(curves: dict, reached: float, title: str):
    """{learner: (interactions, raw errors, smoothed errors)}; reached: the interactions after
    which the second learner's smoothed error met the first's final one."""
    fig, ax = plt.subplots(figsize=(7.4, 3.6))
    (first, (_, _, first_smooth)), *_ = curves.items()
    for i, (name, (n, raw, smooth)) in enumerate(curves.items()):
        color = color_for(name, i)
        ax.plot(n, raw, color=color, lw=1, alpha=0.35)
        ax.plot(n, smooth, color=color, lw=2.2, label=name)
    ax.axhline(first_smooth[-1], color="0.4", lw=1, ls="--")
    ax.axvline(reached, color="0.4", lw=1, ls=":")
    ax.annotate(f"{first}'s final error, reached after {reached:,.0f}", (reached, first_smooth[-1]),
                xytext=(6, 8), textcoords="offset points", fontsize=9, color="0.25")
    ax.set(xscale="log", yscale="log", xlabel="interactions (pushes of 0.04 s, all tables)",
           ylabel="held-out error (1 = 'nothing moves')", title=title)
    for axis in (ax.xaxis, ax.yaxis):                  # plain numbers, no crowded minor labels
        axis.set_major_formatter(ScalarFormatter())
        axis.set_minor_formatter(NullFormatter())
    ax.set_xticks([250, 500, 1000, 2000, 4000, 8000])
    ax.set_yticks([0.2, 0.3, 0.5, 1.0])
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig


def surprise_and_error(runs: dict, title: str, recovered: float = 1.5):
    """Streams of `adapting.stream`, {rule: record}: surprise at every step (smoothed over 5)
    above, held-out error below, the change marked, and the band of "recovered"."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.4, 4.8), sharex=True)
    for i, (rule, run) in enumerate(runs.items()):
        color, style = color_for(rule, i), RULE_STYLES.get(rule, "-")
        surprise = run["surprise"]
        smooth = [sum(surprise[max(0, t - 4):t + 1]) / (t + 1 - max(0, t - 4))
                  for t in range(len(surprise))]
        top.plot(run["step"], smooth, color=color, ls=style, lw=1.8, label=rule)
        bottom.plot(run["checked"], run["error"], color=color, ls=style, lw=1.8, marker=".",
                    label=rule)
    level = next(iter(runs.values()))["level"]
    change = next(iter(runs.values()))["change"]
    bottom.axhspan(0, recovered * level, color="0.85", zorder=0)
    bottom.text(2, recovered * level * 0.92, f"within {recovered}x of the level before",
                fontsize=9, color="0.3", va="top")
    for ax in (top, bottom):
        ax.axvline(change, color="0.3", lw=1)
        ax.set_yscale("log")
    top.set(ylabel="surprise", title=title)
    top.legend(loc="upper left", ncols=len(runs), fontsize=9)
    bottom.set(xlabel="step (one push at each of the tables)", ylabel="held-out error")
    bottom.set_ylim(top=max(max(r["error"]) for r in runs.values()) * 1.3)
    fig.tight_layout()
    return fig


def attention_mask(allowed, per_block: int, title: str):
    """A block-causal mask (L, L) booleans: token i (row) may attend to token j (column)
    where it is dark; the frames' blocks are outlined."""
    allowed = np.asarray(allowed, dtype=float)
    L = len(allowed)
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.imshow(allowed, cmap="Greys", vmin=0, vmax=1.4, interpolation="nearest")
    for edge in np.arange(per_block, L, per_block) - 0.5:
        ax.axhline(edge, color="0.55", lw=0.8)
        ax.axvline(edge, color="0.55", lw=0.8)
    ticks = np.arange(per_block / 2 - 0.5, L, per_block)
    names = [f"frame {t}" for t in range(L // per_block)]
    ax.set_xticks(ticks, names, fontsize=9, rotation=90)
    ax.set_yticks(ticks, names, fontsize=9)
    ax.set(xlabel="attends to (each frame's patch tokens, then its button)",
           ylabel="token", title=title)
    fig.tight_layout()
    return fig


def rollout_errors(errors: dict, baseline: float, title: str):
    """Horizontal bars of rollout error {model: MSE}, the copy-last baseline as a line."""
    names = list(errors)
    fig, ax = plt.subplots(figsize=(7.4, 0.45 * len(names) + 1.3))
    y = np.arange(len(names))[::-1]
    bars = ax.barh(y, [errors[n] for n in names],
                   color=[color_for(n, i) for i, n in enumerate(names)])
    ax.bar_label(bars, fmt="%.5f", padding=3, fontsize=9)
    ax.axvline(baseline, color="0.3", ls="--", lw=1)
    ax.text(baseline, -0.6, " copy last frame", fontsize=9, color="0.3", va="bottom")
    ax.set_yticks(y, names)
    ax.set(xlabel="pixel MSE of the dreamed frames (lower is better)", title=title,
           xlim=(0, max(max(errors.values()), baseline) * 1.35), ylim=(-0.7, len(names) - 0.4))
    ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
    fig.tight_layout()
    return fig
