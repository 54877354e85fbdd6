"""The notebooks' setup: seed everything and pick the device, in one call.

Every notebook starts with the same cell, which installs the library when running in Colab
and then calls `setup` (the cell is checked by tests/test_notebook_structure.py).
"""
from __future__ import annotations

import random

import numpy as np
import torch
import tqdm

from . import viz
from .devices import pick_device
from .widgets import building_book


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's global generators."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def silence_progress_bars() -> None:
    """Turn every progress bar off, even those asked for: on the website a bar would keep one
    machine's speed on one day, which is noise to a reader."""
    if getattr(tqdm.std.tqdm.__init__, "silenced", False):
        return
    shown = tqdm.std.tqdm.__init__

    def silent(self, *args, **kwargs):
        shown(self, *args, **{**kwargs, "disable": True})
    silent.silenced = True
    tqdm.std.tqdm.__init__ = silent


def setup(seed: int = 0, device: str = "auto") -> torch.device:
    """Seed everything, set the book's plotting style, and return the device to use.

    While the website is built (`make book`) progress bars are turned off.
    """
    seed_everything(seed)
    viz.use_book_style()
    if building_book():
        silence_progress_bars()
    chosen = pick_device(device)
    print(f"worldmodels ready: seed {seed}, device {chosen}, torch {torch.__version__}")
    return chosen
