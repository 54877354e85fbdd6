"""Symlog: squash large magnitudes so one network can predict small and huge targets alike.

DreamerV3 (Hafner et al. 2023, "symlog predictions") predicts observations, rewards and values
in symlog space, so the same hyperparameters work whether rewards are ±1 or ±1000:

    symlog(x) = sign(x) * log(1 + |x|)        symexp(x) = sign(x) * (exp(|x|) - 1)

Near zero symlog is the identity (slope 1), far away it grows like a logarithm, and unlike
log it is defined for negative numbers. symexp is its exact inverse.
"""
from __future__ import annotations

import torch


def symlog(x: torch.Tensor) -> torch.Tensor:
    """sign(x) * log(1 + |x|), elementwise."""
    return torch.sign(x) * torch.log1p(torch.abs(x))


def symexp(x: torch.Tensor) -> torch.Tensor:
    """sign(x) * (exp(|x|) - 1), elementwise: the inverse of `symlog`."""
    return torch.sign(x) * torch.expm1(torch.abs(x))
