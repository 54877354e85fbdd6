"""Figures of Part 2, the Physicist's Road: integrators, energy, bounces, fits, landscapes, and
the learned models' orbits, paths and bars.

Every function takes plain numbers or tensors (computed elsewhere) and returns a Figure. Losses
and errors against the horizon are `viz.training_curves` and `viz.error_by_horizon`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from .style import ROAD_COLORS, color_for, is_baseline, to_numpy

# One colour per integrator, the same in every figure of the part (Okabe-Ito, as ROAD_COLORS).
INTEGRATOR_COLORS = {"explicit Euler": "#D55E00", "semi-implicit Euler": "#0072B2",
                     "leapfrog": "#009E73", "RK4": "#CC79A7", "exact": "#000000"}
PARAMETER_LABELS = {"mass_ratio": "mass ratio", "friction": "friction μ",
                    "restitution": "restitution e", "gravity": "gravity g"}


def integrator_paths(times, paths: dict, title: str) -> plt.Figure:
    """Position over time and the phase portrait for each integrator.

    paths: {name: (x (T,), v (T,))}, "exact" drawn as a thin black line.
    """
    fig, (ax_t, ax_p) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [1.6, 1]})
    for name, (x, v) in paths.items():
        style = dict(color=INTEGRATOR_COLORS.get(name), label=name,
                     lw=1 if name == "exact" else 1.8, ls="--" if name == "exact" else "-")
        ax_t.plot(to_numpy(times), to_numpy(x), **style)
        ax_p.plot(to_numpy(x), to_numpy(v), **style)
    ax_t.set(xlabel="time (s)", ylabel="position x (m)")
    ax_p.set(xlabel="position x (m)", ylabel="velocity v (m/s)")
    ax_p.set_aspect("equal", adjustable="datalim")
    ax_t.legend(loc="upper left", ncols=3, fontsize=9)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def energy_drift(dts, drifts: dict, title: str) -> plt.Figure:
    """Largest relative energy error against the time step, log-log; drifts: {name: (len(dts),)}."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for name, drift in drifts.items():
        ax.loglog(to_numpy(dts), to_numpy(drift), "o-", color=INTEGRATOR_COLORS.get(name), label=name)
    ax.set(xlabel="time step dt (s)", ylabel="largest |E(t) − E(0)| / E(0)", title=title)
    ax.legend(fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    return fig


def energy_explorer(times, energies: dict, chosen: str, orbit, exact, dt: float) -> plt.Figure:
    """Every integrator's energy at one dt (left, `chosen` in bold) and `chosen`'s orbit (right).

    energies: {name: (T,)}; orbit and exact: (x (T,), v (T,)).
    """
    fig, (ax_e, ax_p) = plt.subplots(1, 2, figsize=(9.5, 3.8), gridspec_kw={"width_ratios": [1.5, 1]})
    start = float(to_numpy(next(iter(energies.values())))[0])
    for name, energy in energies.items():
        ax_e.plot(to_numpy(times), to_numpy(energy), color=INTEGRATOR_COLORS.get(name), label=name,
                  lw=2.6 if name == chosen else 1.2, alpha=1.0 if name == chosen else 0.6)
    ax_e.set(xlabel="time (s)", ylabel="energy (J)", ylim=(0, 2.0 * start))
    ax_e.legend(fontsize=8, loc="upper left")
    color = INTEGRATOR_COLORS.get(chosen)
    ax_p.plot(to_numpy(exact[0]), to_numpy(exact[1]), "k--", lw=1, label="exact")
    ax_p.plot(to_numpy(orbit[0]), to_numpy(orbit[1]), color=color, lw=1.2, label=chosen)
    ax_p.set(xlabel="x (m)", ylabel="v (m/s)", xlim=(-2, 2), ylim=(-2, 2))
    ax_p.set_aspect("equal")
    ax_p.legend(loc="upper right", fontsize=8)
    change = float(to_numpy(energies[chosen])[-1]) / start - 1
    fig.suptitle(f"dt = {dt:g} s: {chosen}'s energy changed by {change:+.1%} "
                 f"in {float(to_numpy(times)[-1]):.0f} s", fontweight="bold")
    fig.tight_layout()
    return fig


def bounce_heights(times, height, law_times, law_height, title: str) -> plt.Figure:
    """A ball's height over time (the engine) against the law of restitution's bounces."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(to_numpy(law_times), to_numpy(law_height), "--", color=ROAD_COLORS["baseline"], lw=1.5,
            label="law of restitution (exact)")
    ax.plot(to_numpy(times), to_numpy(height), color=ROAD_COLORS["physicist"], lw=1.8, label="our engine")
    ax.set(xlabel="time (s)", ylabel="height of the ball's bottom (m)", title=title)
    ax.legend()
    fig.tight_layout()
    return fig


def throughput(batch_sizes, body_steps_per_s: dict, title: str) -> plt.Figure:
    """Simulated body-steps per second of wall-clock time against the number of worlds.

    body_steps_per_s: {engine name: rates, one per batch size}; the first is drawn in the
    Physicist's colour, the others in grey with other markers.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    styles = [("o-", ROAD_COLORS["physicist"]), ("s--", "0.35"), ("^:", "0.6")]
    for (name, rates), (style, color) in zip(body_steps_per_s.items(), styles):
        ax.loglog(to_numpy(batch_sizes), to_numpy(rates), style, color=color, label=name)
    ax.set(xlabel="worlds stepped at once (batch size)", ylabel="body-steps per second",
           title=title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------ differentiable physics

def loss_landscapes(xs, ys, panels: dict, xlabel: str, ylabel: str, title: str,
                    truth=None) -> plt.Figure:
    """Side-by-side contours of losses over one grid, log colour scale, the true point starred.

    xs (X,), ys (Y,); panels: {panel title: losses (Y, X)}.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.4), squeeze=False)
    for ax, (name, losses) in zip(axes[0], panels.items()):
        losses = to_numpy(losses)
        levels = np.geomspace(max(losses.min(), 1e-8), losses.max(), 16)
        filled = ax.contourf(to_numpy(xs), to_numpy(ys), losses, levels=levels, norm=LogNorm(),
                             cmap="viridis")
        fig.colorbar(filled, ax=ax, label="loss (m²)", format="%.0e")
        if truth is not None:
            ax.plot(*truth, "*", color=ROAD_COLORS["physicist"], ms=16, mec="white", label="truth")
            ax.legend(loc="upper right", fontsize=9, labelcolor="white")
        ax.set(xlabel=xlabel, ylabel=ylabel, title=name)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def fit_history(history: dict, truth, names, title: str) -> plt.Figure:
    """Loss (left) and each parameter's relative error (right) at every optimiser step."""
    fig, (ax_l, ax_p) = plt.subplots(1, 2, figsize=(10, 3.6))
    steps = np.arange(len(history["loss"]))
    ax_l.semilogy(steps, history["loss"], "o-", color=ROAD_COLORS["physicist"])
    windows = np.asarray(history["window"])
    for s in np.nonzero(np.diff(windows))[0]:
        for ax in (ax_l, ax_p):
            ax.axvline(s + 0.5, color="k", ls=":", lw=1)
    for s, w in zip([0, *(np.nonzero(np.diff(windows))[0] + 1)], dict.fromkeys(windows)):
        ax_l.text(s, ax_l.get_ylim()[1], f" {w} steps", va="top", fontsize=8)
    ax_l.set(xlabel="optimiser step", ylabel="loss on the window (m²)")
    values, truth = np.stack([to_numpy(v) for v in history["values"]]), to_numpy(truth)
    for i, name in enumerate(names):
        ax_p.semilogy(steps, np.abs(values[:, i] / truth[i] - 1), "o-", ms=3,
                      label=PARAMETER_LABELS.get(name, name))
    ax_p.axhline(0.05, color="k", lw=1, ls="--")
    ax_p.text(0, 0.055, "5%", fontsize=8)
    ax_p.set(xlabel="optimiser step", ylabel="|estimate / truth − 1|")
    ax_p.legend(fontsize=8, ncols=2)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def compare_paths(paths: dict, title: str, table=None) -> plt.Figure:
    """Disk paths in the world (x, y in metres) from several sources.

    paths: {label: (T, N, 2) positions}; a label containing "observed" is drawn as dots.
    table: a world.Table to draw.
    """
    fig, ax = plt.subplots(figsize=(8, 4.2))
    if table is not None:
        ax.add_patch(plt.Rectangle((table.left, 0), table.right - table.left, table.height,
                                   color="#8C5C33", alpha=0.35, zorder=0))
    colors = [ROAD_COLORS["truth"], ROAD_COLORS["physicist"], ROAD_COLORS["dreamer"],
              ROAD_COLORS["baseline"]]
    for (label, pos), color in zip(paths.items(), colors):
        pos = to_numpy(pos)
        for n in range(pos.shape[1]):
            style = dict(ls="none", marker=".", ms=3) if "observed" in label else dict(lw=1.6)
            ax.plot(pos[:, n, 0], pos[:, n, 1], color=color, label=label if n == 0 else None,
                    **style)
    ax.set(xlabel="x (m)", ylabel="y (m)", title=title)
    ax.set_aspect("equal")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig


def identifiability(windows, names, relative_error, title: str) -> plt.Figure:
    """Heat map of each parameter's relative standard error (len(windows), P) per observation."""
    error = to_numpy(relative_error)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(windows) + 1.6))
    shown = np.clip(error, 1e-4, 1e2)
    ax.imshow(shown, norm=LogNorm(1e-4, 1e2), cmap="RdYlGn_r", aspect="auto")
    for (i, j), value in np.ndenumerate(error):
        text = "not identifiable" if value > 1 else f"±{value:.2%}"
        ax.text(j, i, text, ha="center", va="center", fontsize=9)
    ax.set_xticks(range(len(names)), [PARAMETER_LABELS.get(n, n) for n in names])
    ax.set_yticks(range(len(windows)), list(windows))
    ax.set(title=title)
    fig.tight_layout()
    return fig


def phase_and_energy(trajectories: dict, energies: dict, dt: float, title: str) -> plt.Figure:
    """Left: orbits in the (angle, momentum) plane; right: true energy against time.

    trajectories: {name: (T+1, 2) states (q, p)}; energies: {name: (T+1,) energies in J}.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, (name, states) in enumerate(trajectories.items()):
        states = to_numpy(states)
        left.plot(states[:, 0], states[:, 1], lw=1, label=name, color=color_for(name, i))
    left.set(xlabel="angle q (rad)", ylabel="momentum p (kg m²/s)", title="orbits")
    for i, (name, energy) in enumerate(energies.items()):
        energy = to_numpy(energy)
        right.plot(np.arange(len(energy)) * dt, energy, lw=2, label=name, color=color_for(name, i))
    right.set(xlabel="time (s)", ylabel="true energy H (J)", title="energy along the orbit")
    right.legend()
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def paths(positions: dict, world_size: float, title: str) -> plt.Figure:
    """One disk's path in the box for each model: {name: (T+1, 2) positions in m}."""
    fig, ax = plt.subplots(figsize=(4.8, 4.8))
    for i, (name, xy) in enumerate(positions.items()):
        xy = to_numpy(xy)
        ax.plot(xy[:, 0], xy[:, 1], lw=2, label=name, color=color_for(name, i),
                ls="--" if is_baseline(name) else "-")
        ax.plot(*xy[0], "o", color="k", ms=5)
    top = max(world_size, max(float(to_numpy(xy)[:, 1].max()) for xy in positions.values()) + 0.1)
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
    colors = [color_for(n, i) for i, n in enumerate(names)]
    ax.bar(names, heights, color=colors)
    for k, h in enumerate(heights):
        ax.text(k, h, f"{h:.3g}", ha="center", va="bottom", fontsize=10)
    ax.set(ylabel=ylabel, title=title)
    fig.tight_layout()
    return fig
