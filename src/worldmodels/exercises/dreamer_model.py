"""Exercises of Part 1's first two notebooks: the VAE's KL term and KL balancing with free bits."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .check import call_learner, check_function


def check_vae_kl(user_fn: Callable) -> bool:
    """Exercise 'the VAE's KL term': user_fn(mu, logvar) -> KL to N(0, I), (B, D) -> (B,)."""
    from ..dreamer.vae import kl_divergence

    def sample(rng):
        B, D = int(rng.integers(1, 6)), int(rng.integers(1, 9))
        return {"mu": torch.tensor(rng.normal(0, 2, (B, D)), dtype=torch.float64),
                "logvar": torch.tensor(rng.normal(0, 1.5, (B, D)), dtype=torch.float64)}
    return check_function(user_fn, kl_divergence, sample, name="vae_kl")


def _value_and_gradients(fn: Callable, post_logits, prior_logits, balance, free_bits):
    """fn's loss and its gradients with respect to both log-probability tensors.

    The two sides of KL balancing have the same value and differ only in where the gradient
    goes, so a check on values alone could not tell a balanced loss from an unbalanced one.
    """
    post = post_logits.clone().requires_grad_(True)
    prior = prior_logits.clone().requires_grad_(True)
    loss = fn(post, prior, balance, free_bits)
    if not (isinstance(loss, torch.Tensor) and loss.dim() == 0):
        raise TypeError(f"the loss must be a scalar tensor, got {type(loss).__name__} "
                        f"of shape {tuple(getattr(loss, 'shape', ()))}")
    grads = torch.autograd.grad(loss, (post, prior), allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for g, x in zip(grads, (post, prior))]
    return loss.detach(), grads[0], grads[1]


def _sample_kl_inputs(rng) -> dict:
    B, T, S = (int(n) for n in rng.integers(1, 5, size=3))
    K = int(rng.integers(2, 6))  # classes per latent variable

    def log_probs():
        raw = torch.tensor(rng.normal(0, 1.5, (B, T, S, K)), dtype=torch.float64)
        return torch.log_softmax(raw, dim=-1)
    return {"post_logits": log_probs(), "prior_logits": log_probs(),
            "balance": float(rng.uniform(0.5, 1.0)), "free_bits": float(rng.uniform(0, 2.0))}


def check_kl_balance(user_fn: Callable, num_trials: int = 20, seed: int = 0) -> bool:
    """Exercise 'KL balancing with free bits': user_fn(post_logits, prior_logits, balance,
    free_bits) -> scalar loss, log-probabilities of shape (B, T, S, K). Compares the value and
    the gradients with respect to both arguments with `dreamer.rssm.kl_loss`."""
    from ..dreamer.rssm import kl_loss
    name = getattr(user_fn, "__name__", "your function")
    rng = np.random.default_rng(seed)
    for trial in range(num_trials):
        inputs = _sample_kl_inputs(rng)
        expected = _value_and_gradients(kl_loss, **inputs)
        ok, got = call_learner(lambda: _value_and_gradients(user_fn, **inputs), name)
        if not ok:
            return False
        where = (f"(shape {tuple(inputs['post_logits'].shape)}, balance "
                 f"{inputs['balance']:.2f}, free_bits {inputs['free_bits']:.2f})")
        for part, hint, mine, ref in zip(
                ("value", "gradient into the posterior", "gradient into the prior"),
                ("clamp each step's KL at free_bits before averaging",
                 "the posterior should feel only (1 - balance) of the KL: stop the prior's "
                 "gradient in that term", "the prior should feel balance times the KL: stop "
                 "the posterior's gradient in that term"), got, expected):
            if not torch.allclose(mine.double(), ref, rtol=1e-4, atol=1e-7):
                print(f"✗ {name}: the {part} differs from the reference on trial {trial + 1} "
                      f"{where}.\n  Hint: {hint}.")
                return False
    print(f"✓ {name} matches the reference's value and both gradients on {num_trials} random "
          f"inputs. Well done!")
    return True
