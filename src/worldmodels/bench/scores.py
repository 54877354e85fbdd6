"""The scores of the intuitive-physics track, as IntPhys defines them (Riochet et al. 2021).

A model is shown possible and impossible clips and says how surprised it is by each; it is
never told which is which. Shapes: N clips (or matched pairs).

    relative_accuracy(possible, impossible)  # matched twins: how often the impossible one is
                                             # the more surprising (chance 0.5, perfect 1)
    auroc(possible, impossible)              # unmatched: any impossible clip against any
                                             # possible one (chance 0.5, perfect 1)
    flag_rate(ordinary, unusual)             # how many plausible-but-unusual clips score above
                                             # the 95th percentile of ordinary ones

Relative accuracy asks the easier question: twins share everything but the violation, so a
model only has to find *more* surprise in one of them. AUROC asks for one threshold that
separates all impossible clips from all possible ones.
"""
from __future__ import annotations

import torch
from torch import Tensor

FLAG_QUANTILE = 0.95   # ordinary clips above this quantile of their own scores are flagged too


def _check(name: str, scores: Tensor) -> Tensor:
    if not isinstance(scores, Tensor) or scores.ndim != 1 or len(scores) == 0:
        raise ValueError(f"{name} must be a non-empty (N,) tensor of scores, "
                         f"got {getattr(scores, 'shape', type(scores).__name__)}")
    if not torch.isfinite(scores).all():
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return scores.double()


def relative_accuracy(possible: Tensor, impossible: Tensor) -> float:
    """Fraction of matched pairs whose impossible clip scores higher; a tie counts a half."""
    possible, impossible = _check("possible", possible), _check("impossible", impossible)
    if possible.shape != impossible.shape:
        raise ValueError(f"possible and impossible must be matched pairs, got "
                         f"{tuple(possible.shape)} and {tuple(impossible.shape)}")
    wins = (impossible > possible).double() + 0.5 * (impossible == possible).double()
    return float(wins.mean())


def auroc(possible: Tensor, impossible: Tensor) -> float:
    """The area under the ROC curve of `impossible > possible`: the probability that a random
    impossible clip scores higher than a random possible one (ties a half)."""
    possible, impossible = _check("possible", possible), _check("impossible", impossible)
    above = (impossible[:, None] > possible[None]).double()
    ties = (impossible[:, None] == possible[None]).double()
    return float((above + 0.5 * ties).mean())


def threshold(ordinary: Tensor) -> float:
    """The score above which a clip is flagged: the 95th percentile of ordinary clips'."""
    return float(torch.quantile(_check("ordinary", ordinary), FLAG_QUANTILE))


def flag_rate(ordinary: Tensor, unusual: Tensor) -> float:
    """Fraction of `unusual` clips scoring above `threshold(ordinary)`."""
    return float((_check("unusual", unusual) > threshold(ordinary)).double().mean())
