"""Clips of the toddler's scene played with random buttons, and distractors laid over them.

    clips = play(256, steps=8, seed=0)                  # frames (N, T+1, 3, H, W), clean
    noisy = add_distractors(clips.frames, "changing", strength=0.5, seed=0)

Letters: N clips, T steps (frames T+1), H = W pixels. The action at step t is the hand's
horizontal velocity (m/s) held from frame t to frame t+1.

A distractor is a pattern of coloured squares the physics does not explain, blended over the
frame: (1 - strength) * frame + strength * pattern. Sobal et al. (2022) asked which of two
kinds a joint-embedding model ignores:

- "changing": a new pattern every frame. Nothing predicts it, so a model that predicts the
  next frame's representation gains nothing by representing it.
- "fixed": one pattern for a whole clip. It is perfectly predictable from the frame before,
  and differs between clips: a "slow feature" a representation can latch onto.
- "none": clean frames.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from ..world.actions import random_buttons, repeat
from ..world.datasets import thin
from ..world.engine import rollout
from ..world.render import render
from ..world.scenes import cup_on_table
from ..world.state import Params, State

DISTRACTORS = ("none", "changing", "fixed")
HAND_SPEED = 1.5        # m/s; how fast a button moves the hand
BUTTONS = (-HAND_SPEED, 0.0, HAND_SPEED)
FRAME_STEPS = 4         # engine steps (0.01 s) per frame: 25 frames per second
MEAN_HOLD = 4.0         # frames a random button is held, on average
SQUARE = 4              # pixels per side of a distractor's squares


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


def add_distractors(frames: Tensor, kind: str, strength: float = 0.5, seed: int = 0) -> Tensor:
    """frames (N, T, 3, H, W) blended with patterns of coloured squares; the same shape.

    kind: "changing" (a new pattern every frame), "fixed" (one per clip) or "none".
    strength in [0, 1]: the pattern's share of every pixel.
    """
    if kind not in DISTRACTORS:
        raise ValueError(f"kind must be one of {DISTRACTORS}, got {kind!r}")
    if not (isinstance(frames, Tensor) and frames.ndim == 5 and frames.shape[2] == 3):
        raise ValueError(f"frames must be a (N, T, 3, H, W) tensor, "
                         f"got {getattr(frames, 'shape', type(frames).__name__)}")
    if not (isinstance(strength, (int, float)) and 0 <= strength <= 1):
        raise ValueError(f"strength must be a number in [0, 1], got {strength!r}")
    N, T, _, H, W = frames.shape
    if kind == "none" or strength == 0:
        return frames
    if H % SQUARE or W % SQUARE:
        raise ValueError(f"frames must be a multiple of {SQUARE} pixels per side, got {H}x{W}")
    generator = torch.Generator().manual_seed(seed)
    patterns = torch.rand(N, 1 if kind == "fixed" else T, 3, H // SQUARE, W // SQUARE,
                          generator=generator).to(frames)
    patterns = F.interpolate(patterns.flatten(0, 1), scale_factor=SQUARE, mode="nearest")
    patterns = patterns.view(N, -1, 3, H, W).expand(N, T, 3, H, W)
    return (1 - strength) * frames + strength * patterns
