"""Part 3 exercises: checks that read physics out of pixels."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .check import check_function


def _reference_permanence(area):
    from ..measure.plausibility import permanence_score
    return permanence_score(torch.as_tensor(area, dtype=torch.float64)).numpy()


def check_permanence_score(user_fn: Callable) -> bool:
    """Exercise 'object permanence': user_fn(area) -> (B,) worst relative change of area.

    area is a (B, T) NumPy array: one object's area in pixels in each of T frames of B clips.
    """
    def sample(rng):
        B, T = int(rng.integers(1, 6)), int(rng.integers(2, 15))
        area = rng.uniform(8.0, 40.0, size=(B, 1)) * (1 + rng.normal(0, 0.05, size=(B, T)))
        gone = rng.random(B) < 0.4                      # some objects vanish part-way
        start = rng.integers(1, T, size=B)
        area[gone[:, None] & (np.arange(T)[None] >= start[:, None])] = 0.0
        return {"area": area}
    return check_function(user_fn, _reference_permanence, sample, name="permanence_score")
