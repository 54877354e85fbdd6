"""Figures of Part 4, the Robot's Road: the arm in the toddler's scene, its workspace and its
singularities, and the arm following a target.

Angles are (..., 2) tensors (q1, q2) in rad, as `robot.arm` takes them; positions in metres.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Circle, Rectangle

from ..robot import arm as kin
from ..world.render import HAND_COLOR, TABLE_COLOR
from .style import ROAD_COLORS, color_for, to_numpy

ARM_COLOR = ROAD_COLORS["robot"]


def _scene(ax, table, world_size: float = 2.0, cup=None, cup_radius: float = 0.12,
           target_x: float | None = None) -> None:
    """The table, the floor, the cup and the target mark, in world coordinates."""
    ax.add_patch(Rectangle((table.left, 0), table.right - table.left, table.height,
                           color=TABLE_COLOR, zorder=0))
    ax.axhline(0, color="k", lw=1)
    if cup is not None:
        ax.add_patch(Circle(tuple(to_numpy(cup)), cup_radius, color=(0.15, 0.35, 0.85), zorder=2))
    if target_x is not None:
        ax.plot([target_x, target_x], [table.height - 0.06, table.height], color="#22AA44",
                lw=4, solid_capstyle="butt", zorder=3)
    ax.set(xlim=(0, world_size), ylim=(0, world_size), aspect="equal", xlabel="x (m)",
           ylabel="y (m)")


def draw_arm(ax, arm: kin.Arm, q, color: str = ARM_COLOR, alpha: float = 1.0,
             label: str | None = None, hand: bool = True, table_height: float = 0.8) -> None:
    """One pose of the arm: the post, both links, the joints and (optionally) the hand."""
    q = torch.as_tensor(q, dtype=torch.float64)
    shoulder, elbow, wrist = (to_numpy(p) for p in (torch.tensor(arm.base), kin.elbow(arm, q),
                                                     kin.forward(arm, q)))
    ax.plot([arm.base[0]] * 2, [table_height, arm.base[1]], color="#555555", lw=5, zorder=3,
            alpha=alpha, solid_capstyle="butt")
    xs, ys = zip(shoulder, elbow, wrist)
    ax.plot(xs, ys, "-o", color=color, lw=4, ms=7, alpha=alpha, label=label, zorder=4)
    if hand:
        ax.add_patch(Circle(tuple(wrist), 0.08, color=HAND_COLOR, alpha=alpha, zorder=5))


def arm_poses(arm: kin.Arm, poses: dict, table, title: str, cup=None,
              target=None) -> plt.Figure:
    """Several poses of the arm in the scene, {label: q (2,)}, each in its own colour; a
    target point (2,), if given, is marked with a cross."""
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    _scene(ax, table, cup=cup)
    colors = [ARM_COLOR, ROAD_COLORS["jepa"], ROAD_COLORS["dreamer"], ROAD_COLORS["baseline"]]
    for i, (name, q) in enumerate(poses.items()):
        draw_arm(ax, arm, q, color=colors[i % len(colors)], label=name, hand=i == 0,
                 table_height=table.height)
    if target is not None:
        ax.plot(*to_numpy(target), "x", color="k", ms=12, mew=3, zorder=6, label="target")
    ax.legend(loc="upper right", fontsize=9)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def workspace(arm: kin.Arm, table, title: str, resolution: int = 160) -> plt.Figure:
    """Where the hand can go, shaded by manipulability |det J| = l1 l2 |sin q2|: zero on the
    outer and inner rims of the reach (the singularities), largest with the elbow square."""
    base = np.array(arm.base)
    xs = np.linspace(0, 2.0, resolution)
    grid = torch.tensor(np.stack(np.meshgrid(xs, xs), -1))          # (R, R, 2) x, y
    r = (grid - torch.tensor(base)).norm(dim=-1)
    inner, outer = arm.reach
    reachable = (r >= inner) & (r <= outer)
    value = torch.full(r.shape, float("nan"), dtype=grid.dtype)     # nan: out of reach
    value[reachable] = kin.manipulability(arm, kin.inverse(arm, grid[reachable]))
    fig, ax = plt.subplots(figsize=(5.8, 4.6))
    image = ax.imshow(to_numpy(value), origin="lower", extent=(0, 2, 0, 2), cmap="viridis",
                      zorder=1, alpha=0.85)
    fig.colorbar(image, ax=ax, label="manipulability |det J| (m²)")
    _scene(ax, table)
    for radius in (inner, outer):
        ax.add_patch(Circle(tuple(base), radius, fill=False, ls="--", color="k", lw=1, zorder=2))
    ax.plot(*base, "o", color="k", ms=6, zorder=3)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def follow(arm: kin.Arm, path, target, table, title: str, every: int = 6,
           solutions: dict | None = None, note: str = "") -> plt.Figure:
    """The arm following a target: faint poses along its path of joint angles (T, 2), the
    hand's trail, its final pose, and optionally the closed-form solutions {label: q}."""
    path = torch.as_tensor(path, dtype=torch.float64)
    trail = to_numpy(kin.forward(arm, path))
    fig, ax = plt.subplots(figsize=(5.4, 4.6))
    _scene(ax, table)
    for q in path[:-1:every]:
        draw_arm(ax, arm, q, alpha=0.15, hand=False, table_height=table.height)
    for i, (name, q) in enumerate((solutions or {}).items()):
        draw_arm(ax, arm, q, color="#999999", alpha=0.6, hand=False, label=name,
                 table_height=table.height)
    draw_arm(ax, arm, path[-1], label="the arm, following", table_height=table.height)
    ax.plot(trail[:, 0], trail[:, 1], ":", color="k", lw=1.5, label="the hand's path")
    ax.plot(*to_numpy(target), "x", color="k", ms=12, mew=3, zorder=6, label="target")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"{title}\n{note}" if note else title)
    fig.tight_layout()
    return fig


def joint_speed_near_singularity(angles, speeds: dict, title: str) -> plt.Figure:
    """Joint speed needed for one hand velocity, against the elbow angle q2 (rad) near the
    stretched-out singularity, one curve per method: {"plain inverse": (T,), ...}."""
    fig, ax = plt.subplots(figsize=(7.4, 3.6))
    for i, (name, values) in enumerate(speeds.items()):
        ax.plot(to_numpy(angles), to_numpy(values), lw=2, label=name, color=color_for(name, i),
                ls="--" if "plain" in name else "-")
    ax.set(xscale="log", yscale="log", xlabel="elbow angle |q2| (rad): 0 is stretched out",
           ylabel="joint speed |q'| (rad/s)", title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def planner_convergence(gaps: dict, title: str) -> plt.Figure:
    """How far above a known optimum each planner's best plan is, after every iteration:
    {"CEM": (I,) relative gaps, ...}, on a log axis."""
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    for i, (name, gap) in enumerate(gaps.items()):
        gap = np.maximum(to_numpy(gap), 1e-6)
        ax.plot(np.arange(1, len(gap) + 1), 100 * gap, lw=2, marker="o", ms=3, label=name,
                color=color_for(name, i))
    ax.axhline(2.0, color="0.4", ls="--", lw=1, label="2% above the optimum")
    ax.set(yscale="log", xlabel="iteration", ylabel="cost above the optimum (%)", title=title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def promised_against_real(trials: dict, title: str) -> plt.Figure:
    """Each plan's progress towards the mark as its model promised it (x) against what the
    same actions did in the true world (y), in mm: {"one model": (promised, real), ...}.
    Points below the diagonal are plans the model oversold."""
    fig, ax = plt.subplots(figsize=(5.6, 5.0))
    everything = np.concatenate([to_numpy(v) for pair in trials.values() for v in pair]) * 1000
    low, high = float(everything.min()), float(everything.max())
    ax.plot([low, high], [low, high], color="0.4", ls="--", lw=1, label="as promised")
    for i, (name, (promised, real)) in enumerate(trials.items()):
        ax.plot(1000 * to_numpy(promised), 1000 * to_numpy(real), "o", ms=3.5, alpha=0.45,
                color=color_for(name, i), label=name)
    ax.set(xlabel="progress the model promised (mm)", ylabel="progress in the true world (mm)",
           title=title, aspect="equal")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def demonstration_curve(counts, curves: dict, planner: float, title: str) -> plt.Figure:
    """Success against the number of demonstrations a policy was cloned from.

    counts: (N,) demonstrations; curves: {"held-out scenes": (S, N) success per seed, ...}
    drawn as the mean over seeds with each seed's points; planner: its success, a line."""
    counts = to_numpy(counts)
    fig, ax = plt.subplots(figsize=(7.0, 4.6))
    for i, (name, rates) in enumerate(curves.items()):
        rates = 100 * np.atleast_2d(to_numpy(rates))
        color = color_for(name, i)
        for seed_rates in rates:
            ax.plot(counts, seed_rates, "o", ms=4, alpha=0.35, color=color)
        ax.plot(counts, rates.mean(0), lw=2.5, marker="o", color=color,
                label=f"{name} (mean of {len(rates)} seeds)" if len(rates) > 1
                else f"{name} (1 seed)")
    ax.axhline(100 * planner, color="0.3", ls="--", lw=1, label="the planner it learned from")
    ax.axhline(80 * planner, color="0.6", ls=":", lw=1, label="80% of the planner")
    ax.set_xscale("log")
    ax.set_xticks(counts, [f"{int(c)}" for c in counts])
    ax.minorticks_off()
    ax.set(xlabel="planner demonstrations (episodes)", ylabel="success (%)", ylim=(-3, 103),
           title=title)
    # Below the axes: inside, it would sit on the planner's line near the top.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9)
    fig.tight_layout()
    return fig


def smoothed_actions(raw, smooth, title: str, dt: float = 0.02) -> plt.Figure:
    """A planner's executed actions (T, 2) and their moving average, one panel per joint."""
    raw, smooth = to_numpy(raw), to_numpy(smooth)
    t = dt * np.arange(len(raw))
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 2.9), sharey=True)
    for j, ax in enumerate(axes):
        ax.plot(t, raw[:, j], color="0.6", lw=1, label="what the planner did")
        ax.plot(t, smooth[:, j], color=ARM_COLOR, lw=2.2, label="its moving average")
        ax.set(xlabel="time (s)", title=("shoulder", "elbow")[j])
    axes[0].set_ylabel("joint velocity (action)")
    axes[0].legend(loc="lower left", fontsize=9)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def outcomes(truth, predictions: dict, title: str) -> plt.Figure:
    """Where each push left the cup (N,) in m against where each probe put it: one panel per
    {name: (N,) predictions}, the diagonal a perfect prediction."""
    truth = to_numpy(truth)
    fig, axes = plt.subplots(1, len(predictions), figsize=(3.6 * len(predictions), 3.7),
                             sharex=True, sharey=True, squeeze=False)
    low, high = float(truth.min()) - 0.05, float(truth.max()) + 0.05
    for i, (ax, (name, guess)) in enumerate(zip(axes[0], predictions.items())):
        ax.plot([low, high], [low, high], color="0.4", ls="--", lw=1)
        ax.plot(truth, to_numpy(guess), "o", ms=3, alpha=0.5, color=color_for(name, i))
        ax.set(xlabel="where the cup ended (m)", title=name, xlim=(low, high),
               ylim=(low, high), aspect="equal")
    axes[0, 0].set_ylabel("where the probe said (m)")
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig
