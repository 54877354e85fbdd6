"""Short video clips of the toddler's scene, cut into a context the model sees and a future it predicts.

    from worldmodels.video import make_clips
    video = make_clips(256, context=4, horizon=10, scene="random_push", seed=0)  # (N, 14, 3, 32, 32)
    context, future = video[:, :4], video[:, 4:]

Shapes: N clips, T = context + horizon frames, 3 colour channels, H = W = frame_size pixels.

Two scenes differ in one thing only: whether the context tells you how hard the cup is pushed.

- "determined_push": the hand is already moving when the clip starts, so the context frames show
  its speed; the future follows from the context (the engine is deterministic).
- "random_push": the hand rests beside the cup during the context and starts to push at the
  first future frame, at a speed drawn at random. The same context has many futures.

"mixed" gives half of each (the first half determined), the data the book's models train on.
In both the push speed is uniform in [MIN_SPEED, MAX_SPEED] m/s and the hand keeps pushing to
the end of the clip; hard pushes carry the cup off the table's edge, gentle ones do not.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ..world.actions import push
from ..world.datasets import thin
from ..world.engine import rollout
from ..world.render import render
from ..world.scenes import cup_on_table

SCENES = ("determined_push", "random_push")
MIN_SPEED = 0.4      # m/s; the gentlest push
MAX_SPEED = 2.0      # m/s; the hand's top speed (Params.hand_max_speed)
FRAME_STEPS = 4      # engine steps (of 0.01 s) between frames: 25 frames per second


@dataclass(frozen=True)
class Clips:
    """Clips with what produced them, for checks that need the truth behind the pixels.

    frames:    (N, T, 3, H, W) in [0, 1]
    cup:       (N, T, 2) the cup's centre at each frame (m)
    hand:      (N, T, 2) the hand's centre at each frame (m)
    speed:     (N,) the push's speed (m/s)
    frame_dt:  seconds between frames
    context:   how many of the T frames are context
    """

    frames: Tensor
    cup: Tensor
    hand: Tensor
    speed: Tensor
    frame_dt: float
    context: int


def make_clips(num_clips: int, context: int = 4, horizon: int = 10, frame_size: int = 32,
               scene: str = "random_push", seed: int = 0, same_cup: bool = False) -> Tensor:
    """Render `num_clips` clips of `context + horizon` frames: a tensor (N, T, 3, H, W) in [0, 1].

    scene: "random_push" (the push starts after the context, at a random speed),
           "determined_push" (the push is under way and visible in the context), or
           "mixed" (the first half determined, the second half random; needs num_clips >= 2).
    same_cup: every clip starts from the same cup (the first clip's), only the pushes differ;
           with "random_push" all clips then share one context and show its possible futures.
    The same arguments always give the same clips; different seeds give different cups and pushes.
    """
    return simulate_clips(num_clips, context, horizon, frame_size, scene, seed, same_cup).frames


def simulate_clips(num_clips: int, context: int = 4, horizon: int = 10, frame_size: int = 32,
                   scene: str = "random_push", seed: int = 0, same_cup: bool = False) -> Clips:
    """Like `make_clips`, but also returns the cup's and hand's positions and the push speeds."""
    _check_args(num_clips, context, horizon, frame_size, scene, seed)
    if scene == "mixed":
        half = num_clips // 2
        parts = [simulate_clips(half, context, horizon, frame_size, "determined_push", seed,
                                same_cup),
                 simulate_clips(num_clips - half, context, horizon, frame_size, "random_push",
                                seed + 7919, same_cup)]  # another seed: other cups, other pushes
        return Clips(*(torch.cat([getattr(p, name) for p in parts])
                       for name in ("frames", "cup", "hand", "speed")),
                     frame_dt=parts[0].frame_dt, context=context)
    N, T = num_clips, context + horizon
    if same_cup:
        state, params = cup_on_table(batch_size=1, seed=seed)
        state, params = state.repeat(N), params.repeat(N)
    else:
        state, params = cup_on_table(batch_size=N, seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)  # the pushes: independent of the cups
    speed = MIN_SPEED + (MAX_SPEED - MIN_SPEED) * torch.rand(N, generator=generator)  # (N,)
    # The engine step at which the hand starts to push: at the first frame (the context shows
    # the push), or at the last context frame (the first future frame is the first that moves).
    start = (context - 1) * FRAME_STEPS if scene == "random_push" else 0
    steps = (T - 1) * FRAME_STEPS
    with torch.no_grad():
        trajectory = rollout(state, push(speed, steps, start), params)  # pos (N, steps+1, 1, 2)
        kept = thin(trajectory, FRAME_STEPS)                  # pos (N, T, 1, 2): one per frame
        frames = render(kept, params, size=frame_size)        # (N, T, 3, H, W)
    return Clips(frames=frames, cup=kept.pos[:, :, 0], hand=kept.hand, speed=speed,
                 frame_dt=FRAME_STEPS * params.dt, context=context)


def _check_args(num_clips, context, horizon, frame_size, scene, seed) -> None:
    if isinstance(num_clips, bool) or not (isinstance(num_clips, int) and num_clips >= 1):
        raise ValueError(f"num_clips must be an int >= 1, got {num_clips!r}")
    if isinstance(context, bool) or not (isinstance(context, int) and 1 <= context <= 16):
        raise ValueError(f"context must be an int in [1, 16] frames, got {context!r}")
    if isinstance(horizon, bool) or not (isinstance(horizon, int) and 1 <= horizon <= 32):
        raise ValueError(f"horizon must be an int in [1, 32] frames, got {horizon!r}")
    if frame_size not in (16, 32, 64, 128):
        raise ValueError(f"frame_size must be 16, 32, 64 or 128 pixels, got {frame_size!r}")
    if scene not in SCENES + ("mixed",):
        raise ValueError(f"scene must be one of {SCENES + ('mixed',)}, got {scene!r}")
    if scene == "mixed" and num_clips < 2:
        raise ValueError(f"num_clips must be >= 2 for scene='mixed', got {num_clips}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
