"""Reading the cup's position and velocity out of a frozen embedding of the JEPA's frames,
with the shared linear probe (`measure.probe`).

    read_out(embed, "changing", 0.5)   # {"position_r2": ..., "velocity_r2": ...}
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from ..measure.probe import fit_probe, r2
from .play import add_distractors, play


def read_out(embed: Callable[[Tensor], Tensor], distractor: str, strength: float,
             num_clips: int = 256, seed: int = 10_000) -> dict:
    """Probe R² of the cup's position and velocity from a frozen `embed` on unseen clips.

    embed: frames (B, 3, H, W) -> embeddings (B, D). The probe reads frame t+1's cup from the
    embeddings of frames t and t+1 side by side (one frame shows where, two show how fast).
    It is fitted on `num_clips` clips from `seed` and scored on as many from `seed + 1`.
    """
    fitted = {}
    for role, s in (("fit", seed), ("score", seed + 1)):
        clips = play(num_clips, steps=8, seed=s)
        frames = add_distractors(clips.frames, distractor, strength, seed=s + 2)
        with torch.no_grad():
            z = embed(frames.flatten(0, 1)).view(*frames.shape[:2], -1)     # (N, T+1, D)
        features = torch.cat([z[:, :-1], z[:, 1:]], dim=-1).flatten(0, 1)   # (N*T, 2D)
        fitted[role] = (features, clips.cup[:, 1:].flatten(0, 1), clips.cup_vel[:, 1:].flatten(0, 1))
    (fx, fpos, fvel), (sx, spos, svel) = fitted["fit"], fitted["score"]
    return {"position_r2": r2(fit_probe(fx, fpos)(sx), spos),
            "velocity_r2": r2(fit_probe(fx, fvel)(sx), svel)}
