"""Part 3, the Cinematographer's Road: checks for the video exercises.

The references live in `worldmodels.video`; each check draws small random clips or latents,
runs the learner's function and the reference on them, and compares.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ..measure import baselines
from ..video import generative
from .check import check_function


def _frames(rng: np.random.Generator, *lead: int) -> torch.Tensor:
    return torch.from_numpy(rng.random((*lead, 3, 8, 8))).float()


def check_copy_last_error(user_fn: Callable) -> bool:
    """Exercise 'the bar to beat': user_fn(context, future) -> (H,) mean squared error per frame.

    context (N, C, 3, S, S) and future (N, H, 3, S, S); the copy-last prediction repeats
    context[:, -1] for every future frame; the error is averaged over clips, channels, pixels.
    """
    def sample(rng):
        n, c, h = (int(v) for v in rng.integers(1, 5, size=3))
        return {"context": _frames(rng, n, c), "future": _frames(rng, n, h)}
    return check_function(user_fn, baselines.copy_last_error, sample, rtol=1e-4, atol=1e-7,
                          name="copy_last_error")


def check_reparameterise(user_fn: Callable) -> bool:
    """Exercise 'the reparameterised sample': user_fn(mean, log_var, noise) -> z, all (B, D)."""
    def sample(rng):
        b, d = (int(v) for v in rng.integers(1, 5, size=2))
        draw = lambda scale: torch.from_numpy(scale * rng.standard_normal((b, d))).float()  # noqa: E731
        return {"mean": draw(1.0), "log_var": draw(2.0), "noise": draw(1.0)}
    return check_function(user_fn, generative.reparameterise, sample, rtol=1e-4, atol=1e-6,
                          name="reparameterise")
