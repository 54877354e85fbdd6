"""Part 6's exercises: the block-causal mask of the four-ingredients transformer, and an
ensemble's disagreement, the curiosity of the learner that intervenes."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ..convergence.four_ingredients import block_causal
from .check import check_function, to_numpy


def check_disagreement(user_fn: Callable) -> bool:
    """Exercise 'Where the members disagree': user_fn(predictions) -> (N,) disagreement.

    predictions: (E, N, O), each of E members' prediction of O numbers for N inputs. The
    disagreement of an input is the variance over the members (the population variance,
    ddof 0) of each number, summed over the O numbers. Checked on random predictions, some
    with members that agree exactly, against numpy.
    """
    def sample(rng):
        E, N, K = int(rng.integers(1, 7)), int(rng.integers(1, 40)), int(rng.integers(1, 6))
        spread = rng.choice([0.0, 0.01, 1.0, 5.0], size=(1, N, 1))    # some agree exactly
        centre = rng.normal(size=(1, N, K)) * 3
        return {"predictions": centre + spread * rng.normal(size=(E, N, K))}

    def reference(predictions):
        return np.asarray(predictions).var(axis=0).sum(axis=-1)

    def users(predictions):
        return to_numpy(user_fn(torch.as_tensor(predictions, dtype=torch.float64)))
    users.__name__ = getattr(user_fn, "__name__", "disagreement")
    return check_function(users, reference, sample, rtol=1e-6, atol=1e-10)


def check_block_causal(user_fn: Callable) -> bool:
    """Exercise 'A block-causal mask': user_fn(blocks, per_block) -> (L, L) booleans, with
    L = blocks * per_block tokens laid out frame after frame: True where token i (row) may
    attend to token j (column), which is where j's frame is not later than i's. Checked on
    random sizes against `convergence.four_ingredients.block_causal`."""
    def sample(rng):
        return {"blocks": int(rng.integers(1, 7)), "per_block": int(rng.integers(1, 6))}

    def reference(blocks, per_block):
        return block_causal(blocks, per_block).numpy().astype(float)

    def users(blocks, per_block):
        return np.asarray(to_numpy(user_fn(blocks, per_block)), dtype=float)
    users.__name__ = getattr(user_fn, "__name__", "block_causal")
    return check_function(users, reference, sample, rtol=0, atol=0)
