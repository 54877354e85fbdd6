"""Exercises of Part 2's "Learning physics": Hamilton's equations by autograd, message passing.

Each check runs the learner's function on random inputs and compares it with a reference:
the analytic vector field of a known Hamiltonian, and `physics.interaction_network.aggregate`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ..physics import interaction_network
from .check import check_function

# --- The Hamiltonian vector field -------------------------------------------------------------

def _hamiltonian(mass: float, gravity: float, stiffness: float) -> Callable:
    """A pendulum on a spring-loaded axle: H = p^2/2m + m g (1 - cos q) + k q^2 / 2."""
    def H(q, p):
        return p ** 2 / (2 * mass) + mass * gravity * (1 - torch.cos(q)) + 0.5 * stiffness * q ** 2
    return H


def _analytic_field(q, p, mass, gravity, stiffness) -> np.ndarray:
    """(dH/dp, -dH/dq) of `_hamiltonian`, worked out by hand: (B, 2)."""
    return np.stack([p / mass, -(mass * gravity * np.sin(q) + stiffness * q)], axis=-1)


def check_hamiltonian_field(user_fn: Callable) -> bool:
    """Exercise: user_fn(hamiltonian, q, p) -> (B, 2) tensor (dH/dp, -dH/dq), by autograd."""
    def sample(rng):
        return {"q": rng.uniform(-3, 3, size=5), "p": rng.uniform(-4, 4, size=5),
                "mass": float(rng.uniform(0.5, 2.0)), "gravity": float(rng.uniform(1, 12)),
                "stiffness": float(rng.uniform(0, 3))}

    def run(q, p, mass, gravity, stiffness):
        q64, p64 = torch.tensor(q), torch.tensor(p)
        field = user_fn(_hamiltonian(mass, gravity, stiffness), q64, p64)
        return field.detach().numpy() if isinstance(field, torch.Tensor) else field

    return check_function(run, _analytic_field, sample, rtol=1e-6, atol=1e-9,
                          name=getattr(user_fn, "__name__", "hamiltonian_field"))


# --- Message passing: sum the messages each body receives -------------------------------------

def check_aggregate(user_fn: Callable) -> bool:
    """Exercise: user_fn(messages (M, E), receivers (M,), num_bodies) -> (num_bodies, E)."""
    def sample(rng):
        num_bodies, edges = int(rng.integers(2, 7)), int(rng.integers(0, 12))
        return {"messages": rng.normal(size=(edges, 3)),
                "receivers": rng.integers(0, num_bodies, size=edges),
                "num_bodies": num_bodies}

    def call(fn):
        def run(messages, receivers, num_bodies):
            out = fn(torch.tensor(messages), torch.tensor(receivers), num_bodies)
            return out.detach().numpy() if isinstance(out, torch.Tensor) else out
        return run

    return check_function(call(user_fn), call(interaction_network.aggregate), sample,
                          name=getattr(user_fn, "__name__", "aggregate"))
