"""Drawing the shared world: frames, animations, strobes of a trajectory, and the map of the roads."""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
from matplotlib import animation as mpl_animation
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

# The world's objects keep the renderer's colours, so a figure and a frame of the same scene match.
from ..world.render import FLOOR_COLOR, HAND_COLOR, TABLE_COLOR
from .style import ROAD_COLORS, to_numpy_frames


# One colour per road, used on every page (colour-blind-safe Okabe–Ito palette).
def show_frames(frames, titles: list[str] | None = None, ncols: int = 8,
                scale: float = 1.4, suptitle: str | None = None) -> plt.Figure:
    """A grid of frames (T, 3, H, W), left to right, top to bottom."""
    images = to_numpy_frames(frames)
    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows + 0.4),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[i], fontsize=9, fontweight="normal")
    if suptitle:
        fig.suptitle(suptitle, fontweight="bold")
    fig.tight_layout()
    return fig


def compare_rollouts(rows: dict, every: int = 1, scale: float = 1.2,
                     suptitle: str | None = None) -> plt.Figure:
    """Rows of frames over time, e.g. {"truth": (T,3,H,W), "model": (T,3,H,W)}, one row each."""
    arrays = {name: to_numpy_frames(f)[::every] for name, f in rows.items()}
    T = min(len(a) for a in arrays.values())
    fig, axes = plt.subplots(len(arrays), T, figsize=(scale * T, scale * len(arrays) + 0.5),
                             squeeze=False)
    for r, (name, images) in enumerate(arrays.items()):
        for t in range(T):
            ax = axes[r, t]
            ax.imshow(images[t], interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            if t == 0:
                ax.set_ylabel(name, fontsize=10)
            if r == 0:
                ax.set_title(f"t={t * every}", fontsize=9, fontweight="normal")
    if suptitle:
        fig.suptitle(suptitle, fontweight="bold")
    fig.tight_layout()
    return fig


def animation(frames, fps: int = 20, titles: list[str] | None = None,
              scale: float = 2.6):
    """A scrubbable animation (play, pause, step, slider) that works in a kernel and on the website.

    frames: (T, 3, H, W), or a dict of such clips shown side by side ({"truth": ..., "model": ...}).
    Returns an IPython HTML object (matplotlib's JSHTML), so the website needs no kernel.
    """
    from IPython.display import HTML
    clips = frames if isinstance(frames, dict) else {"": frames}
    clips = {name: to_numpy_frames(f) for name, f in clips.items()}
    T = min(len(c) for c in clips.values())
    if fps <= 0:
        raise ValueError(f"fps must be > 0, got {fps}")
    fig, axes = plt.subplots(1, len(clips), figsize=(scale * len(clips), scale + 0.3),
                             squeeze=False)
    shown = []
    for ax, (name, clip) in zip(axes[0], clips.items()):
        shown.append(ax.imshow(clip[0], interpolation="nearest"))
        ax.set_title(name, fontsize=11)
        ax.axis("off")
    label = fig.text(0.5, 0.01, "", ha="center", fontsize=9)
    fig.tight_layout()

    def draw(t):
        for image, clip in zip(shown, clips.values()):
            image.set_data(clip[t])
        label.set_text(titles[t] if titles else f"frame {t}")
        return shown

    anim = mpl_animation.FuncAnimation(fig, draw, frames=T, interval=1000 / fps, blit=False)
    html = HTML(_self_contained(anim.to_jshtml(default_mode="once")))
    plt.close(fig)
    return html


# Matplotlib's player draws its buttons with Font Awesome fetched from a CDN; plain Unicode
# symbols look the same everywhere (JupyterLab, Colab, the website) and need no internet.
_BUTTON_SYMBOLS = {"minus": "−", "fast-backward": "|◀", "step-backward": "◀",
                   "play fa-flip-horizontal": "◁", "pause": "❚❚", "play": "▷",
                   "step-forward": "▶", "fast-forward": "▶|", "plus": "+"}


def _self_contained(html: str) -> str:
    html = re.sub(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">', "", html)
    return re.sub(r'<i class="fa fa-([^"]+)"></i>',
                  lambda m: f"<span>{_BUTTON_SYMBOLS.get(m.group(1), m.group(1))}</span>", html)


def draw_world(ax, state, params, index: int = 0, alpha: float = 1.0,
               draw_static: bool = True) -> None:
    """Draw world `index` of a (B, N, 2) state in world coordinates (metres) on `ax`."""
    size = params.world_size
    if draw_static:
        ax.add_patch(Rectangle((0, -0.05), size, 0.05, color=FLOOR_COLOR, zorder=1))
        if params.table is not None:
            t = params.table
            ax.add_patch(Rectangle((t.left, 0), t.right - t.left, t.height,
                                   color=TABLE_COLOR, zorder=1))
        ax.set_xlim(0, size), ax.set_ylim(-0.05, size)
        ax.set_aspect("equal")
        ax.set_xlabel("x (m)"), ax.set_ylabel("y (m)")
    pos = state.pos[index].detach().cpu().numpy()
    radius = params.radius[index].detach().cpu().numpy()
    color = params.color[index].detach().cpu().numpy()
    for p, r, c in zip(pos, radius, color):
        ax.add_patch(Circle(p, r, color=c, alpha=alpha, zorder=3))
    if params.hand_radius > 0:
        hand = state.hand[index].detach().cpu().numpy()
        ax.add_patch(Circle(hand, params.hand_radius, color=HAND_COLOR, alpha=alpha, zorder=4))


def strobe(trajectory, params, index: int = 0, every: int = 10, ax=None,
           title: str | None = None) -> plt.Figure:
    """A trajectory (B, T, N, 2) drawn as fading snapshots plus each disk's path: one image, all of time."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
    else:
        fig = ax.figure
    T = trajectory.pos.shape[1]
    times = list(range(0, T, every)) + ([T - 1] if (T - 1) % every else [])
    for k, t in enumerate(times):
        draw_world(ax, trajectory.at(t), params, index,
                   alpha=0.15 + 0.85 * (k + 1) / len(times), draw_static=(k == 0))
    paths = trajectory.pos[index].detach().cpu().numpy()  # (T, N, 2)
    for n in range(paths.shape[1]):
        ax.plot(paths[:, n, 0], paths[:, n, 1], "--", lw=1, color="k", alpha=0.5, zorder=5)
    if title:
        ax.set_title(title)
    return fig


def roads_map() -> plt.Figure:
    """The map of the book: five roads leading to one destination through four shared ingredients."""
    roads = [("Dreamer's Road", "imagine, then act", "dreamer", 1),
             ("Physicist's Road", "known laws, simulated", "physicist", 2),
             ("Cinematographer's Road", "predict the pixels", "cinematographer", 3),
             ("Robot's Road", "act, then predict", "robot", 4),
             ("Architecture Debate", "predict representations", "jepa", 5)]
    ingredients = ["transformers", "internet video", "action conditioning",
                   "multi-level prediction"]
    fig, ax = plt.subplots(figsize=(10, 5.2))
    ax.set_xlim(0, 10), ax.set_ylim(0, 6)
    ax.axis("off")
    for i, (name, idea, key, part) in enumerate(roads):
        y = 5.2 - i * 1.1
        box = FancyBboxPatch((0.1, y - 0.35), 3.0, 0.7, boxstyle="round,pad=0.05",
                             color=ROAD_COLORS[key], alpha=0.9)
        ax.add_patch(box)
        ax.text(1.6, y + 0.08, f"Part {part}: {name}", ha="center", va="center",
                color="white", fontsize=10, fontweight="bold")
        ax.text(1.6, y - 0.2, idea, ha="center", va="center", color="white", fontsize=9)
        ax.annotate("", xy=(5.2, 3.0), xytext=(3.2, y),
                    arrowprops=dict(arrowstyle="-|>", color=ROAD_COLORS[key], lw=2.5))
    ax.add_patch(FancyBboxPatch((5.2, 1.2), 2.1, 3.6, boxstyle="round,pad=0.1",
                                facecolor="#F4F4F4", edgecolor="#444444"))
    ax.text(6.25, 4.45, "shared\ningredients", ha="center", va="top", fontsize=10,
            fontweight="bold")
    for k, ingredient in enumerate(ingredients):
        ax.text(6.25, 3.35 - 0.6 * k, ingredient, ha="center", va="center", fontsize=9.5)
    ax.annotate("", xy=(8.0, 3.0), xytext=(7.4, 3.0),
                arrowprops=dict(arrowstyle="-|>", color="k", lw=2.5))
    ax.add_patch(FancyBboxPatch((8.05, 2.2), 1.8, 1.6, boxstyle="round,pad=0.1",
                                facecolor="white", edgecolor="k", lw=2))
    ax.text(8.95, 3.0, "Part 6\nThe Convergence:\none benchmark\nfor every road",
            ha="center", va="center", fontsize=9.5)
    ax.set_title("Five roads, four shared ingredients, one question: how do we measure progress?",
                 fontsize=12)
    fig.tight_layout()
    return fig
