"""Clips of the toddler's scene played with three buttons, as a game is: the hand moves
left, waits or moves right, each button held for a few frames, 25 frames a second.

    clips = play(256, steps=8, seed=0)        # frames (N, T+1, 3, H, W) and the truth behind
    states = press(state, params, actions)    # the world while buttons (B, T) are held

Letters: N clips, T steps (frames T+1), H = W pixels. The action at step t is the hand's
horizontal velocity (m/s) held from frame t to frame t+1. Parts 5 and 6 learn from these.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .actions import random_buttons, repeat
from .datasets import thin
from .engine import rollout
from .render import render
from .scenes import cup_on_table
from .state import Params, State

HAND_SPEED = 1.5        # m/s; how fast a button moves the hand
BUTTONS = (-HAND_SPEED, 0.0, HAND_SPEED)
FRAME_STEPS = 4         # engine steps (0.01 s) per frame: 25 frames per second
MEAN_HOLD = 4.0         # frames a random button is held, on average


@dataclass(frozen=True)
class Play:
    """Played clips with the truth behind the pixels.

    frames:  (N, T+1, 3, H, W) in [0, 1], clean
    actions: (N, T) the hand's horizontal velocity (m/s) from frame t to frame t+1
    cup:     (N, T+1, 2) the cup's centre (m)
    cup_vel: (N, T+1, 2) the cup's velocity (m/s)
    """

    frames: Tensor
    actions: Tensor
    cup: Tensor
    cup_vel: Tensor


def play(num_clips: int, steps: int = 8, seed: int = 0, frame_size: int = 32) -> Play:
    """`num_clips` clips of `steps` random button presses from a cup on the table."""
    for name, value, low in (("num_clips", num_clips, 1), ("steps", steps, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    state, params = cup_on_table(batch_size=num_clips, seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)
    actions = random_buttons(num_clips, steps, BUTTONS, MEAN_HOLD, generator)      # (N, T)
    trajectory = press(state, params, actions)
    with torch.no_grad():
        frames = render(trajectory, params, size=frame_size)                     # (N, T+1, ...)
    return Play(frames=frames, actions=actions, cup=trajectory.pos[:, :, 0],
                cup_vel=trajectory.vel[:, :, 0])


def press(state: State, params: Params, actions: Tensor) -> State:
    """The world, one state per frame (B, T+1, ...), while the hand holds each horizontal
    velocity of actions (B, T) m/s for a frame."""
    velocity = torch.stack([actions, torch.zeros_like(actions)], dim=-1).to(state.pos)
    with torch.no_grad():
        return thin(rollout(state, repeat(velocity, FRAME_STEPS), params), FRAME_STEPS)
