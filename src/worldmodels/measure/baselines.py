"""Predictors that learn nothing: the bars every video model must clear.

Shapes: N clips, C context frames, H horizon frames; frames are (3, Hpx, Wpx) in [0, 1].

- copy_last: the world stands still; repeat the last frame seen. Hard to beat at short
  horizons, because most pixels (sky, table, floor) never change.
- mean_frame: the average picture, repeated: of the context, or of a training set of clips.
- constant_velocity: in the physical state, every disk keeps its velocity: no forces, no
  collisions. A model of physics that cannot beat it has learned nothing useful.
"""
from __future__ import annotations

import torch
from torch import Tensor

from ..world.state import Params, State
from . import metrics


def copy_last(context: Tensor, horizon: int) -> Tensor:
    """Repeat the last context frame: (N, C, 3, H, W) -> (N, horizon, 3, H, W)."""
    _check_context(context, horizon)
    return context[:, -1:].expand(-1, horizon, -1, -1, -1).clone()


def mean_frame(context: Tensor, horizon: int, frames: Tensor | None = None) -> Tensor:
    """Repeat a per-pixel average: of `frames` (M, T, 3, H, W) if given, else of the context.

    context: (N, C, 3, H, W); returns (N, horizon, 3, H, W).
    """
    _check_context(context, horizon)
    if frames is None:
        mean = context.mean(dim=1, keepdim=True)                   # (N, 1, 3, H, W)
    else:
        if frames.ndim != 5 or frames.shape[-3:] != context.shape[-3:]:
            raise ValueError(f"frames must have shape (M, T, {', '.join(map(str, context.shape[-3:]))}), "
                             f"got {tuple(frames.shape)}")
        mean = frames.mean(dim=(0, 1))[None, None].to(context)     # (1, 1, 3, H, W)
    return mean.expand(context.shape[0], horizon, -1, -1, -1).clone()


def copy_last_error(context: Tensor, future: Tensor) -> Tensor:
    """The copy-last baseline's mean squared error at each future frame, averaged over clips: (H,)."""
    if future.ndim != 5:
        raise ValueError(f"future must have shape (N, H, 3, H, W), got {tuple(future.shape)}")
    return metrics.error_by_horizon(copy_last(context, future.shape[1]), future, "mse")


def constant_velocity(state: State, params: Params, steps: int) -> State:
    """The baseline that knows no physics: every disk keeps its velocity, (B, steps+1, N, 2)."""
    t = torch.arange(steps + 1, dtype=state.pos.dtype, device=state.pos.device)
    pos = state.pos[:, None] + t[None, :, None, None] * params.dt * state.vel[:, None]
    vel = state.vel[:, None].expand_as(pos)
    return State(pos=pos, vel=vel, hand=state.hand[:, None].expand(-1, steps + 1, -1))


def _check_context(context: Tensor, horizon: int) -> None:
    if not isinstance(context, Tensor):
        raise TypeError(f"context must be a torch.Tensor, got {type(context).__name__}")
    if context.ndim != 5 or context.shape[2] != 3:
        raise ValueError(f"context must have shape (N, C, 3, H, W), got {tuple(context.shape)}")
    if isinstance(horizon, bool) or not (isinstance(horizon, int) and horizon >= 1):
        raise ValueError(f"horizon must be an int >= 1, got {horizon!r}")
