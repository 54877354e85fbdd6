"""A linear probe: how much of what matters a frozen representation keeps in plain sight.

    probe = fit_probe(features, targets)            # closed-form ridge regression
    r2(probe(held_out_features), held_out_targets)  # 1 = everything, 0 = the mean's guess

The probe is linear and fitted in closed form, so what it reads is what the representation
holds plainly, not what a second network could dig out of it (Alain & Bengio 2016). Part 4
probes what a recogniser knows about pushes with it, Part 5 what a JEPA keeps of the cup.
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor


def fit_probe(features: Tensor, targets: Tensor, ridge: float = 1e-3) -> Callable[[Tensor], Tensor]:
    """Ridge regression from features (N, F) to targets (N, K); returns features -> targets.

    Features are divided by their root-mean-square size, one number for the whole set, so
    `ridge` means the same for every representation while each keeps its shape: a variation
    a thousand times smaller than the embeddings themselves (what is left of a collapsed
    representation) is shrunk away, as it would be lost to anything that measures distances.
    """
    _check_pair(features, targets, "features", "targets")
    if not ridge > 0:
        raise ValueError(f"ridge must be > 0, got {ridge!r}")
    x, y = features.double(), targets.double()
    scale = x.pow(2).mean().sqrt().clamp_min(1e-30)
    mean = x.mean(0)                                      # centred, so the intercept is free
    z = torch.cat([(x - mean) / scale, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)
    penalty = ridge * len(x) * torch.eye(z.shape[1], dtype=x.dtype)
    penalty[-1, -1] = 0                                   # the intercept is not shrunk
    weights = torch.linalg.solve(z.T @ z + penalty, z.T @ y)    # (F+1, K)

    def probe(new_features: Tensor) -> Tensor:
        if new_features.ndim != 2 or new_features.shape[1] != features.shape[1]:
            raise ValueError(f"features must be (N, {features.shape[1]}), "
                             f"got {tuple(new_features.shape)}")
        x = (new_features.double() - mean) / scale
        return (torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], 1) @ weights).to(targets)

    return probe


def r2(pred: Tensor, targets: Tensor) -> float:
    """The share of the targets' variance (N, K) that pred explains, pooled over the K columns."""
    _check_pair(pred, targets, "pred", "targets")
    residual = ((pred.double() - targets.double()) ** 2).sum()
    spread = ((targets.double() - targets.double().mean(0)) ** 2).sum()
    if spread == 0:
        raise ValueError("targets must vary: their variance is 0, so R² is undefined")
    return float(1 - residual / spread)


def _check_pair(a: Tensor, b: Tensor, a_name: str, b_name: str) -> None:
    if not (isinstance(a, Tensor) and a.ndim == 2):
        raise ValueError(f"{a_name} must be a (N, F) tensor, got {getattr(a, 'shape', type(a))}")
    if not (isinstance(b, Tensor) and b.ndim == 2 and len(b) == len(a)):
        raise ValueError(f"{b_name} must be a (N, K) tensor with N = {len(a)}, "
                         f"got {getattr(b, 'shape', type(b))}")
    if len(a) < 2:
        raise ValueError(f"{a_name} must have at least 2 rows, got {len(a)}")
    for name, t in ((a_name, a), (b_name, b)):
        if not torch.isfinite(t).all():
            raise ValueError(f"{name} must be finite; it holds NaN or infinity")
