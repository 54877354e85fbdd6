"""Clips of the toddler's scene played with random buttons (`world.play`), and distractors
laid over them.

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

import torch
import torch.nn.functional as F
from torch import Tensor

from ..world.play import BUTTONS, FRAME_STEPS, HAND_SPEED, MEAN_HOLD, Play, play, press

__all__ = ["BUTTONS", "DISTRACTORS", "FRAME_STEPS", "HAND_SPEED", "MEAN_HOLD", "Play",
           "add_distractors", "play", "press"]

DISTRACTORS = ("none", "changing", "fixed")
SQUARE = 4              # pixels per side of a distractor's squares


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
