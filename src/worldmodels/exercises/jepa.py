"""Part 5's exercises: VICReg's variance and covariance terms, the cure for collapse; the
effective rank that shows whether it worked; and a clip's surprise in embedding space."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ..jepa.latent_dynamics import surprise_from
from ..jepa.regularisers import effective_rank, vicreg_covariance, vicreg_variance
from .check import check_function, to_numpy


def _reference(z):
    z = torch.as_tensor(z, dtype=torch.float64)
    return np.array([vicreg_variance(z).item(), vicreg_covariance(z).item()])


def check_vicreg_terms(user_fn: Callable) -> bool:
    """Exercise 'VICReg's two terms': user_fn(z) -> (variance, covariance), z a (B, D) tensor.

    variance: the mean over dimensions of max(0, 1 - sqrt(var + 1e-4)), with the unbiased
    variance (ddof 1); covariance: the sum of the squared off-diagonal entries of the
    (ddof 1) covariance matrix, divided by D. Checked on random batches, some nearly
    collapsed, against `jepa.regularisers`.
    """
    def sample(rng):
        B, D = int(rng.integers(4, 64)), int(rng.integers(2, 12))
        scale = rng.uniform(0.01, 3.0, size=D)               # some dimensions nearly constant
        mixing = np.eye(D) + rng.normal(scale=0.5, size=(D, D))   # correlated dimensions
        return {"z": rng.normal(size=(B, D)) * scale @ mixing}

    def both(z):
        variance, covariance = user_fn(torch.as_tensor(z, dtype=torch.float64))
        return np.array([float(to_numpy(variance)), float(to_numpy(covariance))])
    both.__name__ = getattr(user_fn, "__name__", "vicreg_terms")
    return check_function(both, _reference, sample, rtol=1e-5, atol=1e-8)


def check_effective_rank(user_fn: Callable) -> bool:
    """Exercise 'How many directions': user_fn(z) -> the effective rank of z (B, D), a float.

    RankMe (Garrido et al. 2023): exp of the entropy of the singular values of z (not centred),
    each divided by their sum, plus 1e-12 so that zeros have a logarithm. Checked on
    random batches of known rank, some collapsed to a line, against `jepa.regularisers`.
    """
    def sample(rng):
        B, D = int(rng.integers(8, 64)), int(rng.integers(2, 12))
        rank = int(rng.integers(1, D + 1))                    # the directions actually used
        return {"z": rng.normal(size=(B, rank)) @ rng.normal(size=(rank, D))}

    def reference(z):
        return effective_rank(torch.as_tensor(z, dtype=torch.float64))

    def users(z):
        return float(to_numpy(user_fn(torch.as_tensor(z, dtype=torch.float64))))
    users.__name__ = getattr(user_fn, "__name__", "effective_rank")
    return check_function(users, reference, sample, rtol=1e-5, atol=1e-8)


def check_surprise(user_fn: Callable) -> bool:
    """Exercise 'Surprise': user_fn(z, predicted) -> (N, T), z (N, T, D) the embeddings of a
    clip's frames, predicted (N, T-2, D) the predictor's guesses for frames 2..T-1.

    A frame's surprise is the mean over dimensions of the squared difference between its
    embedding and the guess; the first two frames, which nothing predicts, score 0. Checked
    on random embeddings against `jepa.latent_dynamics.surprise_from`.
    """
    def sample(rng):
        N, T, D = int(rng.integers(1, 6)), int(rng.integers(3, 10)), int(rng.integers(2, 9))
        return {"z": rng.normal(size=(N, T, D)), "predicted": rng.normal(size=(N, T - 2, D))}

    def reference(z, predicted):
        return to_numpy(surprise_from(torch.as_tensor(z), torch.as_tensor(predicted)))

    def users(z, predicted):
        return to_numpy(user_fn(torch.as_tensor(z), torch.as_tensor(predicted)))
    users.__name__ = getattr(user_fn, "__name__", "surprise")
    return check_function(users, reference, sample, rtol=1e-6, atol=1e-9)
