"""Exercises of Part 2, the Physicist's Road: an integrator, a collision, a loss.

Each check runs the learner's function on random inputs and compares it with the library's
reference: `physics.integrators.semi_implicit_euler`, `collision_impulse` below (the law the
engine's impacts follow, checked against the engine in the tests) and `physics.sysid.loss`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ..physics import integrators, sysid
from .check import check_function, to_numpy

# --- Semi-implicit Euler ----------------------------------------------------------------------

def _pendulum_like(strength: float) -> Callable:
    """A nonlinear, position-dependent acceleration, so the order of the updates matters."""
    return lambda x, v: -strength * np.sin(x)


def check_semi_implicit_euler(user_fn: Callable) -> bool:
    """Exercise: user_fn(x, v, dt, accel) -> (x_next, v_next), one semi-implicit Euler step."""
    def sample(rng):
        return {"x": rng.uniform(-2, 2, size=3), "v": rng.uniform(-2, 2, size=3),
                "dt": float(rng.uniform(0.01, 0.3)), "strength": float(rng.uniform(0.5, 5.0))}

    def call(fn):
        def run(x, v, dt, strength):
            return np.stack([to_numpy(part) for part in fn(x, v, dt, _pendulum_like(strength))])
        return run

    return check_function(call(user_fn), call(integrators.semi_implicit_euler), sample,
                          name=getattr(user_fn, "__name__", "semi_implicit_euler"))


# --- The impulse of a disk-disk collision -----------------------------------------------------

def collision_impulse(m1: float, m2: float, v1, v2, normal, restitution: float) -> np.ndarray:
    """The impulse (N s, a 2-vector) that disk 1 receives when it collides with disk 2.

    normal: unit vector from disk 2's centre to disk 1's. Newton's law of restitution asks
    the normal part of the relative velocity to flip and shrink by e; momentum is conserved,
    so the impulse J n, applied +J n to disk 1 and -J n to disk 2, has
        J = -(1 + e) (v1 - v2) . n / (1/m1 + 1/m2)
    while the disks approach, (v1 - v2) . n < 0, and J = 0 once they separate.
    """
    n = np.asarray(normal, dtype=float)
    approach = float(np.dot(np.asarray(v1, dtype=float) - np.asarray(v2, dtype=float), n))
    if approach >= 0:
        return np.zeros(2)
    return -(1 + restitution) * approach / (1 / m1 + 1 / m2) * n


def check_collision_impulse(user_fn: Callable) -> bool:
    """Exercise: user_fn(m1, m2, v1, v2, normal, restitution) -> impulse on disk 1 (2,)."""
    def sample(rng):
        angle = rng.uniform(0, 2 * np.pi)
        return {"m1": float(rng.uniform(0.1, 3)), "m2": float(rng.uniform(0.1, 3)),
                "v1": rng.uniform(-2, 2, size=2), "v2": rng.uniform(-2, 2, size=2),
                "normal": np.array([np.cos(angle), np.sin(angle)]),
                "restitution": float(rng.uniform(0, 1))}
    return check_function(user_fn, collision_impulse, sample, num_trials=40,
                          name=getattr(user_fn, "__name__", "collision_impulse"))


# --- The system-identification loss -----------------------------------------------------------

def check_sysid_loss(user_fn: Callable) -> bool:
    """Exercise: user_fn(pred (T, N, 2), target (T, N, 2)) -> the mean squared distance."""
    def sample(rng):
        T, N = int(rng.integers(2, 30)), int(rng.integers(1, 4))
        return {"pred": torch.from_numpy(rng.normal(size=(T, N, 2))),
                "target": torch.from_numpy(rng.normal(size=(T, N, 2)))}
    return check_function(user_fn, sysid.loss, sample, rtol=1e-6,
                          name=getattr(user_fn, "__name__", "loss"))

