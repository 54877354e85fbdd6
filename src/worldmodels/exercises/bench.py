"""Part 6 exercise: the relative accuracy of a violation-of-expectation test."""
from __future__ import annotations

from typing import Callable

import torch

from .check import check_function


def _reference(possible, impossible):
    from ..bench.scores import relative_accuracy
    return relative_accuracy(torch.as_tensor(possible), torch.as_tensor(impossible))


def check_relative_accuracy(user_fn: Callable) -> bool:
    """Exercise 'relative accuracy': user_fn(possible, impossible) -> a float in [0, 1].

    possible, impossible: (N,) NumPy arrays, a model's surprise on N matched twins. The answer
    is the fraction of pairs in which the impossible twin is the more surprising, a tie
    counting a half; checked against `bench.scores.relative_accuracy` on random scores, with
    ties among them.
    """
    def sample(rng):
        n = int(rng.integers(1, 30))
        # Scores on a coarse grid, so that some twins tie.
        return {"possible": rng.integers(0, 5, n) / 4.0, "impossible": rng.integers(0, 5, n) / 4.0}

    return check_function(user_fn, _reference, sample, rtol=1e-9, atol=1e-12,
                          name=getattr(user_fn, "__name__", "relative_accuracy"))

