"""Returns in imagination: the λ-return, and DreamerV3's percentile return normalisation.

Letters: N imagined trajectories, H horizon.
"""
from __future__ import annotations

import torch


def lambda_return(reward: torch.Tensor, value: torch.Tensor, cont: torch.Tensor,
                  gamma: float = 0.99, lam: float = 0.95) -> torch.Tensor:
    """λ-returns of imagined trajectories (Hafner et al. 2020, Sec. 4; Sutton & Barto 12.1).

    reward (N, H), cont (N, H): reward and continue probability of the transition t -> t+1;
    value (N, H+1): the critic's value of every state, index H the last. Returns (N, H):

        R_H = v_H,     R_t = r_t + gamma * c_t * ((1 - lam) * v_{t+1} + lam * R_{t+1})

    lam = 0 is the one-step TD target r_t + gamma c_t v_{t+1}; lam = 1 the discounted sum of
    all H rewards plus the discounted value of the last state. In between, an exponentially
    weighted mix of every n-step return, trading the model's bias against the critic's.
    """
    if reward.dim() != 2 or cont.shape != reward.shape:
        raise ValueError(f"reward and cont must both have shape (N, H), got "
                         f"{tuple(reward.shape)} and {tuple(cont.shape)}")
    N, H = reward.shape
    if value.shape != (N, H + 1):
        raise ValueError(f"value must have shape (N, H+1) = {(N, H + 1)}, got {tuple(value.shape)}")
    if not (0.0 <= gamma <= 1.0 and 0.0 <= lam <= 1.0):
        raise ValueError(f"gamma and lam must lie in [0, 1], got gamma={gamma}, lam={lam}")
    returns, last = [], value[:, H]
    for t in reversed(range(H)):                    # the recursion runs backwards in time
        last = reward[:, t] + gamma * cont[:, t] * ((1 - lam) * value[:, t + 1] + lam * last)
        returns.append(last)
    return torch.stack(returns[::-1], dim=1)        # (N, H)


class ReturnNormalizer:
    """Divide returns by max(1, S), S a running estimate of their 5th-to-95th percentile range.

    DreamerV3 (Hafner et al. 2023, Sec. 3) scales the actor's objective by this S so that one
    entropy weight works for dense and sparse rewards alike: large returns are scaled down,
    while small ones (S < 1) are left alone instead of being blown up, which would amplify noise
    when rewards are rare. Percentiles rather than a standard deviation ignore outliers.
    """

    def __init__(self, decay: float = 0.99, low: float = 5.0, high: float = 95.0):
        if not (0.0 <= decay < 1.0 and 0.0 <= low < high <= 100.0):
            raise ValueError(f"need 0 <= decay < 1 and 0 <= low < high <= 100, got "
                             f"decay={decay}, low={low}, high={high}")
        self.decay, self.low, self.high = decay, low / 100, high / 100
        self.range: float | None = None  # the running S

    def update(self, returns: torch.Tensor) -> float:
        """Fold a batch of returns into S; returns the current scale max(1, S)."""
        flat = returns.detach().flatten().float()
        spread = float(torch.quantile(flat, self.high) - torch.quantile(flat, self.low))
        if self.range is None:
            self.range = spread
        else:
            self.range = self.decay * self.range + (1 - self.decay) * spread
        return self.scale

    @property
    def scale(self) -> float:
        return max(1.0, self.range if self.range is not None else 1.0)
