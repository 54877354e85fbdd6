"""Part 4 exercises: the arm's Jacobian, one update of the cross-entropy method, and the Euler
sampler of a flow-matching action head."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .check import check_function, to_numpy

STEP = 1e-6   # rad, for central differences


def _hand(q1: float, q2: float, l1: float, l2: float) -> np.ndarray:
    """Forward kinematics of the 2-link arm, shoulder at the origin."""
    return np.array([l1 * np.cos(q1) + l2 * np.cos(q1 + q2),
                     l1 * np.sin(q1) + l2 * np.sin(q1 + q2)])


def finite_difference_jacobian(q1: float, q2: float, l1: float, l2: float) -> np.ndarray:
    """d hand / d (q1, q2) by central differences: the reference, needing no calculus."""
    columns = [(_hand(q1 + STEP, q2, l1, l2) - _hand(q1 - STEP, q2, l1, l2)) / (2 * STEP),
               (_hand(q1, q2 + STEP, l1, l2) - _hand(q1, q2 - STEP, l1, l2)) / (2 * STEP)]
    return np.stack(columns, axis=1)                                       # (2, 2)


def check_jacobian(user_fn: Callable) -> bool:
    """Exercise 'the Jacobian': user_fn(q1, q2, l1, l2) -> (2, 2) array, d hand / d q.

    Row i is the hand's coordinate (x, y), column j the joint; checked against central
    finite differences of the forward kinematics on random angles and link lengths.
    """
    def sample(rng):
        return {"q1": float(rng.uniform(-np.pi, np.pi)), "q2": float(rng.uniform(-np.pi, np.pi)),
                "l1": float(rng.uniform(0.2, 1.0)), "l2": float(rng.uniform(0.2, 1.0))}
    return check_function(user_fn, finite_difference_jacobian, sample, rtol=1e-5, atol=1e-7,
                          name=getattr(user_fn, "__name__", "jacobian"))


def _reference_cem_update(candidates, costs, elites):
    import torch

    from ..planning import elite_refit
    mean, std = elite_refit(torch.as_tensor(candidates), torch.as_tensor(costs), elites)
    return np.stack([mean.numpy(), std.numpy()])


def check_cem_update(user_fn: Callable) -> bool:
    """Exercise 'one CEM update': user_fn(candidates, costs, elites) -> (mean, std).

    candidates: (K, H, A) NumPy array of action sequences; costs: (K,); elites: an int. The
    answer is the mean and the standard deviation (ddof 0) of the `elites` cheapest
    candidates, each (H, A), checked against `planning.elite_refit` on random inputs.
    """
    def sample(rng):
        K, H, A = int(rng.integers(4, 40)), int(rng.integers(1, 8)), int(rng.integers(1, 4))
        return {"candidates": rng.normal(size=(K, H, A)), "costs": rng.normal(size=K),
                "elites": int(rng.integers(1, K))}

    def both(candidates, costs, elites):
        mean, std = user_fn(candidates, costs, elites)
        return np.stack([to_numpy(mean), to_numpy(std)])
    both.__name__ = getattr(user_fn, "__name__", "cem_update")
    return check_function(both, _reference_cem_update, sample, rtol=1e-6, atol=1e-9)


def _reference_euler(velocity, noise, steps):
    import torch

    from ..robot.vla import euler_sample

    def field(context, x, tau):
        return torch.as_tensor(velocity(x.numpy(), float(tau[0])))
    return euler_sample(field, None, torch.as_tensor(noise), steps).numpy()


class _LinearField:
    """v(x, tau) = x M^T + tau b: a velocity field whose flow the Euler steps can follow."""

    def __init__(self, matrix: np.ndarray, drift: np.ndarray):
        self.matrix, self.drift = matrix, drift

    def __call__(self, x: np.ndarray, tau: float) -> np.ndarray:
        return x @ self.matrix.T + tau * self.drift

    def __repr__(self) -> str:
        return f"v(x, tau) = x M^T + tau b, M {self.matrix.shape}"


def check_euler_sampler(user_fn: Callable) -> bool:
    """Exercise 'the Euler sampler': user_fn(velocity, noise, steps) -> actions.

    velocity(x, tau) -> dx/dtau takes x (B, D) and a float tau in [0, 1); noise is x at
    tau = 0, (B, D); `steps` equal steps carry x to tau = 1, each x <- x + (1 / steps) v(x, tau)
    at the step's starting tau. Checked on random linear velocity fields against the policy's
    own sampler, `robot.vla.euler_sample`.
    """
    def sample(rng):
        D = int(rng.integers(1, 6))
        field = _LinearField(rng.normal(size=(D, D)) * 0.5, rng.normal(size=D))
        return {"velocity": field, "noise": rng.normal(size=(int(rng.integers(1, 5)), D)),
                "steps": int(rng.integers(1, 12))}
    return check_function(user_fn, _reference_euler, sample, rtol=1e-6, atol=1e-9,
                          name=getattr(user_fn, "__name__", "euler_sampler"))
