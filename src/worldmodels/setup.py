"""The notebooks' setup: seed everything and pick the device, in one call.

Every notebook starts with the same cell, which installs the library when running in Colab
and then calls `setup` (the cell is checked by tests/test_notebook_structure.py).
"""
from __future__ import annotations

import random

import numpy as np
import torch

from . import viz
from .devices import pick_device


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's global generators."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def setup(seed: int = 0, device: str = "auto") -> torch.device:
    """Seed everything, set the book's plotting style, and return the device to use."""
    seed_everything(seed)
    viz.use_book_style()
    chosen = pick_device(device)
    print(f"worldmodels ready: seed {seed}, device {chosen}, torch {torch.__version__}")
    return chosen
