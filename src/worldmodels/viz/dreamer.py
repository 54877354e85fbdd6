"""Figures of the Dreamer's Road (Part 1): dreams against reality, symlog, λ-returns. Its
training curves, learning curves and errors against the horizon are `viz.training_curves`,
`viz.learning_curves` and `viz.error_by_horizon`."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from .style import ROAD_COLORS, to_numpy, to_numpy_frames


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


def symlog_curve(x_max: float = 1000.0) -> plt.Figure:
    """symlog(x) next to the identity and log(x), on a linear and a logarithmic scale."""
    from ..dreamer.symlog import symlog
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, limit in zip(axes, (5.0, x_max)):
        x = torch.linspace(-limit, limit, 801)
        ax.plot(x, symlog(x), color=ROAD_COLORS["dreamer"], lw=2.5, label="symlog(x)")
        ax.plot(x, x, color=ROAD_COLORS["baseline"], ls="--", label="x")
        positive = x[x > 0]
        ax.plot(positive, torch.log(positive), color=ROAD_COLORS["jepa"], ls=":", lw=2,
                label="log(x)")
        ax.set_xlabel("x")
        top = 1.15 * float(symlog(torch.tensor(limit)))
        ax.set_ylim(-top, top)
        ax.set_title(f"|x| ≤ {limit:g}", fontsize=11, fontweight="normal")
    axes[0].set_ylabel("prediction target")
    axes[0].legend(loc="upper left")
    fig.suptitle("symlog is the identity near 0 and a logarithm far away, for either sign",
                 fontweight="bold")
    fig.tight_layout()
    return fig


def imagined_returns(reward, value, returns, lam: float, gamma: float) -> plt.Figure:
    """One imagined trajectory: predicted rewards, the critic's values and the λ-return."""
    reward, value, returns = (to_numpy(a) for a in (reward, value, returns))
    H = len(reward)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.bar(np.arange(1, H + 1), reward, color=ROAD_COLORS["baseline"], alpha=0.6,
           label="predicted reward $r_t$")
    ax.plot(np.arange(H + 1), value, "o-", color=ROAD_COLORS["jepa"], label="critic $v(s_t)$")
    ax.plot(np.arange(H), returns, "s-", color=ROAD_COLORS["dreamer"], lw=2.5,
            label=r"λ-return $R^\lambda_t$")
    ax.set_xlabel("imagined step t")
    ax.set_ylabel("return (reward units)")
    ax.legend(loc="best", fontsize=9)
    ax.set_title(f"λ = {lam:g}, γ = {gamma:g}: λ-return at step 0 = {returns[0]:.1f}")
    fig.tight_layout()
    return fig
