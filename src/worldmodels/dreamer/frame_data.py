"""Frame sequences for the Dreamer's Road: what an agent sees of the world, and what it did.

    frames, actions = frame_sequences(num_rollouts=256, steps=25, skip=2, seed=0)
    frames   # (B, T+1, 3, H, W) in [0, 1]
    actions  # (B, T, 2) hand velocities scaled to [-1, 1]

Letters: B rollouts, T steps between frames, H = W = frame_size. One frame is kept every `skip`
engine steps (0.01 s each), and the action between two kept frames is the mean hand velocity
over those engine steps, divided by the hand's top speed so networks see numbers of order one.
"""
from __future__ import annotations

import torch
from torch import Tensor

from ..world.datasets import make_dataset


def frame_sequences(num_rollouts: int = 256, steps: int = 25, *, skip: int = 2,
                    frame_size: int = 32, scene: str = "cup", seed: int = 0,
                    device: str | torch.device = "cpu") -> tuple[Tensor, Tensor]:
    """Random-push rollouts of a scene as (frames (B, T+1, 3, H, W), actions (B, T, 2)).

    num_rollouts: B, how many independent worlds (each with its own start and pushes)
    steps:        T, frames after the first; the rollout lasts steps * skip * 0.01 s
    skip:         engine steps between kept frames (1 to 10)
    frame_size:   side of the frames in pixels (a power of two >= 16 for the conv nets)
    """
    if not (isinstance(skip, int) and 1 <= skip <= 10):
        raise ValueError(f"skip must be an int in [1, 10] engine steps, got {skip!r}")
    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    data = make_dataset(scene, num_rollouts, steps * skip, policy="random",
                        frame_size=frame_size, seed=seed, device=device).thin(skip)
    return data.frames, data.actions / data.params.hand_max_speed   # (B, T+1, 3, H, W), (B, T, 2)
