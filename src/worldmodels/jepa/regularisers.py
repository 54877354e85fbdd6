"""What keeps a joint-embedding model from collapsing, and how to see whether it did.

    vicreg_variance(z), vicreg_covariance(z)   # Bardes, Ponce & LeCun 2022, VICReg
    sigreg(z, generator)                       # Balestriero & LeCun 2025, LeJEPA
    effective_rank(z)                          # Garrido et al. 2023, RankMe

z: embeddings (B, D) of a batch. A model that only asks its prediction to match its own
target can make both the same constant, a perfect and useless score: collapse. The variance
term keeps every dimension spread out, the covariance term keeps dimensions from copying each
other, and SIGReg pulls the whole cloud towards a standard normal by testing random
one-dimensional projections of it. The effective rank counts how many directions the batch
really uses: 1 for a constant, D for a cloud that fills every dimension evenly.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

EPSILON = 1e-4          # keeps the square root of a zero variance differentiable


def vicreg_variance(z: Tensor, target_std: float = 1.0) -> Tensor:
    """Mean hinge on each dimension's standard deviation: max(0, target_std - std)."""
    _check(z)
    std = torch.sqrt(z.var(dim=0) + EPSILON)                 # (D,)
    return torch.relu(target_std - std).mean()


def vicreg_covariance(z: Tensor) -> Tensor:
    """Sum of squared off-diagonal covariances, divided by D."""
    _check(z)
    B, D = z.shape
    centred = z - z.mean(dim=0)
    cov = centred.T @ centred / (B - 1)                      # (D, D)
    off_diagonal = cov - torch.diag(torch.diag(cov))
    return (off_diagonal ** 2).sum() / D


def sigreg(z: Tensor, generator: torch.Generator | None = None, directions: int = 64,
           knots: int = 17, t_max: float = 3.0) -> Tensor:
    """The Epps-Pulley statistic of `directions` random projections of z against N(0, 1), averaged.

    For a projection p of the batch, its empirical characteristic function
    phi(t) = mean(exp(i t p)) is compared with the normal's exp(-t²/2), weighted by
    exp(-t²/2), and integrated over t in [-t_max, t_max] by the trapezoid rule.
    """
    _check(z)
    D = z.shape[1]
    u = torch.randn(D, directions, generator=generator).to(z)
    u = u / u.norm(dim=0, keepdim=True)                      # unit directions (D, M)
    p = z @ u                                                # (B, M)
    t = torch.linspace(0, t_max, knots).to(z)                # the integrand is even in t
    tp = p[:, :, None] * t                                   # (B, M, K)
    normal = torch.exp(-t ** 2 / 2)
    gap = (torch.cos(tp).mean(0) - normal) ** 2 + torch.sin(tp).mean(0) ** 2   # (M, K)
    integrand = gap * normal
    step = t_max / (knots - 1)
    integral = step * (integrand.sum(-1) - (integrand[:, 0] + integrand[:, -1]) / 2)
    return 2 * integral.mean()


def effective_rank(z: Tensor) -> float:
    """RankMe: exp of the entropy of the normalised singular values of z (B, D).

    As in RankMe the embeddings are not centred, so a batch of near-copies of one vector
    counts as one direction, however finely the copies differ.
    """
    _check(z)
    sigma = torch.linalg.svdvals(z.double())
    if sigma.sum() == 0:
        return 1.0                                           # all zeros: one point, a constant
    p = sigma / sigma.sum() + 1e-12
    return float(math.exp(-(p * p.log()).sum()))


def _check(z: Tensor) -> None:
    if not (isinstance(z, Tensor) and z.ndim == 2 and len(z) >= 2):
        raise ValueError(f"z must be a (B, D) tensor with B >= 2, "
                         f"got {getattr(z, 'shape', type(z).__name__)}")
    if not torch.isfinite(z).all():
        raise ValueError("z must be finite; the embeddings hold NaN or infinity")
