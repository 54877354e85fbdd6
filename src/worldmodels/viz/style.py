"""The book's look, shared by every figure: road and model colours, the style, arrays, tables."""
from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch

# The world's objects keep the renderer's colours, so a figure and a frame of the same scene match.

# One colour per road, used on every page (colour-blind-safe Okabe–Ito palette).
ROAD_COLORS = {
    "dreamer": "#0072B2",          # Part 1, blue
    "physicist": "#D55E00",        # Part 2, vermillion
    "cinematographer": "#CC79A7",  # Part 3, pink
    "robot": "#009E73",            # Part 4, green
    "jepa": "#E69F00",             # Part 5, orange
    "truth": "#000000",            # the real world / the engine
    "baseline": "#999999",         # trivial baselines
}

# One colour per kind of model, wherever a figure names it; matched on the start of a name, in
# this order ("engine alone" before "engine"). Learning-free baselines are also drawn dashed.
MODEL_COLORS = {
    "engine alone": ROAD_COLORS["baseline"], "copy": ROAD_COLORS["baseline"],
    "mean frame": "#CCCCCC", "mean": ROAD_COLORS["baseline"],
    "constant velocity": ROAD_COLORS["baseline"],
    "truth": ROAD_COLORS["truth"], "real": ROAD_COLORS["truth"], "engine": ROAD_COLORS["truth"],
    "interaction network": ROAD_COLORS["physicist"], "hnn": ROAD_COLORS["physicist"],
    "hybrid": ROAD_COLORS["physicist"],
    "mlp": "#56B4E9", "sac": "#56B4E9",   # Okabe–Ito sky blue: the unstructured, model-free ones
    "dreamer": ROAD_COLORS["dreamer"], "generative": ROAD_COLORS["dreamer"],
    "deterministic": ROAD_COLORS["cinematographer"],
    "action-conditioned": ROAD_COLORS["robot"],
    "pets": ROAD_COLORS["robot"], "ensemble": ROAD_COLORS["robot"],
    "one model": "#555555",      # an ensemble of one: the same model, without the guard
    "jepa": ROAD_COLORS["jepa"],
    "autoencoder": ROAD_COLORS["cinematographer"], "pixel": ROAD_COLORS["cinematographer"],
}
BASELINES = ("engine alone", "copy", "mean", "constant velocity")
OTHER_COLORS = [ROAD_COLORS[r] for r in ("dreamer", "jepa", "physicist", "robot", "cinematographer")]


def color_for(name: str, index: int = 0) -> str:
    """The book's colour for a model called `name`; the index-th of OTHER_COLORS if it has none."""
    lowered = name.lower()
    for prefix, color in MODEL_COLORS.items():
        if lowered.startswith(prefix):
            return color
    return OTHER_COLORS[index % len(OTHER_COLORS)]


def is_baseline(name: str) -> bool:
    return name.lower().startswith(BASELINES)


def use_book_style() -> None:
    """Matplotlib defaults shared by every figure of the book."""
    matplotlib.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 100, "font.size": 11,
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.titlesize": 12, "axes.titleweight": "bold", "legend.frameon": False,
        "animation.embed_limit": 20,  # MB; a page's animations stay well below this
    })


def to_numpy(values) -> np.ndarray:
    """A tensor, array or list of numbers as a float numpy array, for plotting."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().double().numpy()
    return np.asarray(values, dtype=float)


def to_numpy_frames(frames) -> np.ndarray:
    """(T, 3, H, W) tensor or array in [0, 1] -> (T, H, W, 3) numpy array."""
    if isinstance(frames, torch.Tensor):
        frames = frames.detach().cpu().float().numpy()
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[1] != 3:
        raise ValueError(f"frames must have shape (T, 3, H, W), got {frames.shape}")
    return np.clip(frames.transpose(0, 2, 3, 1), 0.0, 1.0)


def figure_to_png(fig: plt.Figure, close: bool = True) -> bytes:
    """PNG bytes of a figure, for precomputed explorables (see `widgets`)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    if close:
        plt.close(fig)
    return buffer.getvalue()


def html_table(header: list[str], rows: list[list], style: str = "", wrap: bool = False):
    """Rows of formatted values as an HTML table, which notebooks and the website both render
    (the book renders a cell's Markdown output as CommonMark, which has no tables). Cells keep
    to one line unless `wrap` (for tables of sentences)."""
    from IPython.display import HTML

    pad = "padding: 0.2em 0.6em"  # the book's theme sets none: columns would touch
    head = "".join(f'<th style="{pad}">{h}</th>' for h in header)
    nowrap = "" if wrap else "; white-space: nowrap"
    body = "".join("<tr>" + "".join(f'<td style="{pad}{nowrap}">{v}</td>'
                                    for v in row) + "</tr>" for row in rows)
    styled = f' style="{style}"' if style else ""
    return HTML(f"<table{styled}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

