"""Part 6's exercise: an ensemble's disagreement, the curiosity of the learner that intervenes."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .check import check_function, to_numpy


def check_disagreement(user_fn: Callable) -> bool:
    """Exercise 'Where the members disagree': user_fn(predictions) -> (N,) disagreement.

    predictions: (E, N, O), each of E members' prediction of O numbers for N inputs. The
    disagreement of an input is the variance over the members (the population variance,
    ddof 0) of each number, summed over the O numbers. Checked on random predictions, some
    with members that agree exactly, against numpy.
    """
    def sample(rng):
        E, N, O = int(rng.integers(1, 7)), int(rng.integers(1, 40)), int(rng.integers(1, 6))
        spread = rng.choice([0.0, 0.01, 1.0, 5.0], size=(1, N, 1))    # some agree exactly
        centre = rng.normal(size=(1, N, O)) * 3
        return {"predictions": centre + spread * rng.normal(size=(E, N, O))}

    def reference(predictions):
        return np.asarray(predictions).var(axis=0).sum(axis=-1)

    def users(predictions):
        return to_numpy(user_fn(torch.as_tensor(predictions, dtype=torch.float64)))
    users.__name__ = getattr(user_fn, "__name__", "disagreement")
    return check_function(users, reference, sample, rtol=1e-6, atol=1e-10)
