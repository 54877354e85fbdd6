"""Part 5 exercise: VICReg's variance and covariance terms, the cure for collapse."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ..jepa.regularisers import vicreg_covariance, vicreg_variance
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
