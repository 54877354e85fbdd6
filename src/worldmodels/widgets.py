"""Explorables: live ipywidgets in a kernel, and on the website a widget that still works.

The website has no kernel, so a slider wired to Python would be dead there. `scrubber` needs
no kernel: it precomputes one picture per value and links slider, play button and pictures in
the browser (`jslink`), so the page keeps every picture inside its saved widget state.
`explore` gives learners live sliders over every control; when the book is built
(`WORLDMODELS_BOOK=1`, set by `make book`) it becomes a scrubber over the most important one.
"""
from __future__ import annotations

import os
from typing import Callable, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from . import viz


def building_book() -> bool:
    """True while the website is being built, where no reader will have a kernel."""
    return os.environ.get("WORLDMODELS_BOOK", "") not in ("", "0")


def _png(picture) -> bytes:
    """A Matplotlib figure, PNG bytes, or an (H, W, 3) array in [0, 1] -> PNG bytes."""
    if isinstance(picture, bytes):
        return picture
    if isinstance(picture, Figure):
        return viz.figure_to_png(picture)
    array = np.asarray(picture)
    if array.ndim != 3 or array.shape[-1] != 3:
        raise ValueError(f"picture must be a Figure, PNG bytes or an (H, W, 3) array, "
                         f"got shape {array.shape}")
    return viz.figure_to_png(viz.show_frames(array.transpose(2, 0, 1)[None], scale=3))


def scrubber(pictures: Sequence, labels: Sequence[str], description: str = "value",
             fps: int = 2, start: int = 0) -> widgets.VBox:
    """A slider and play button over precomputed pictures; works with or without a kernel.

    pictures: one per label (Figures, PNG bytes or (H, W, 3) arrays).
    start:    the index of the picture shown first.
    """
    if len(pictures) != len(labels) or len(pictures) == 0:
        raise ValueError(f"pictures and labels must be non-empty and of equal length, got "
                         f"{len(pictures)} and {len(labels)}")
    if not 0 <= start < len(pictures):
        raise ValueError(f"start must index one of the {len(pictures)} pictures, got {start}")
    labels = [str(label) for label in labels]
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must be distinct, got {labels}")
    images = [widgets.Image(value=_png(p), format="png") for p in pictures]
    stack = widgets.Stack(images, selected_index=start)
    slider = widgets.SelectionSlider(options=labels, value=labels[start], description=description,
                                     continuous_update=True,
                                     style={"description_width": "initial"},
                                     layout=widgets.Layout(width="420px"))
    play = widgets.Play(value=start, min=0, max=len(labels) - 1, interval=int(1000 / fps))
    # Linked in the browser, so the website needs no kernel to move between pictures.
    box = widgets.VBox([widgets.HBox([play, slider]), stack])
    box.links = (widgets.jslink((slider, "index"), (stack, "selected_index")),
                 widgets.jslink((play, "value"), (slider, "index")))
    return box


def explore(draw: Callable[..., object], controls: dict[str, Sequence],
            scrub: str, defaults: dict | None = None,
            labels: dict[str, str] | None = None) -> widgets.Widget:
    """An explorable over `draw(**values) -> picture` (a Figure, PNG bytes or an image array).

    controls: the values each argument may take, e.g. {"speed": [0.5, 1.0, 1.5]}.
    scrub: the control the website's scrubber moves (the others stay at their defaults).
    defaults: starting values (the first of each list when missing).
    labels: what each slider says, in words with units, e.g. {"speed": "push speed (m/s)"}
            (the argument's name where missing).
    """
    if scrub not in controls:
        raise ValueError(f"scrub must name one of the controls {list(controls)}, got {scrub!r}")
    for name, values in controls.items():
        if len(values) == 0:
            raise ValueError(f"controls[{name!r}] must list at least one value")
    start = {name: values[0] for name, values in controls.items()}
    start.update(defaults or {})
    unknown = set(start) - set(controls)
    if unknown:
        raise ValueError(f"defaults names unknown controls {sorted(unknown)}")
    labels = {name: name for name in controls} | (labels or {})
    if set(labels) - set(controls):
        raise ValueError(f"labels names unknown controls {sorted(set(labels) - set(controls))}")

    if building_book():
        values = list(controls[scrub])
        pictures = [draw(**{**start, scrub: v}) for v in values]
        return scrubber(pictures, [_label(v) for v in values], description=labels[scrub],
                        start=values.index(start[scrub]))

    sliders = {name: widgets.SelectionSlider(
        options=[(_label(v), v) for v in values], value=start[name], description=labels[name],
        continuous_update=False, style={"description_width": "initial"})
        for name, values in controls.items()}
    picture = widgets.Image(format="png")

    def update(change=None):
        picture.value = _png(draw(**{name: s.value for name, s in sliders.items()}))

    for s in sliders.values():
        s.observe(update, names="value")
    update()
    return widgets.VBox([*sliders.values(), picture])


def _label(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
