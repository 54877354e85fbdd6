"""The arm drawn into the world's frames: its post, links and shoulder as a chain of small
grey disks behind the cup, and the hand the renderer already draws.

The extra disks are only drawn, never simulated: the arm's links pass through everything.
"""
from __future__ import annotations

import torch
from torch import Tensor

from ..world import render
from ..world.state import Params, State
from .arm import Arm, links

LINK_RADIUS = 0.03               # m, the drawn thickness of a link
LINK_COLOR = (0.40, 0.42, 0.48)  # slate grey: apart from the blue cup, the skin hand, the table
BEADS = 10                       # disks per link (and for the post), enough to look solid at 64x64


def arm_points(arm: Arm, q: Tensor, table_height: float) -> Tensor:
    """Where the arm's disks go (..., P, 2): the post from the table top up to the shoulder,
    then both links."""
    base = torch.tensor(arm.base, dtype=q.dtype, device=q.device)
    t = torch.linspace(0, 1, BEADS + 1, dtype=q.dtype, device=q.device)[:-1, None]   # (BEADS, 1)
    foot = torch.tensor([arm.base[0], table_height], dtype=q.dtype, device=q.device)
    post = (foot + t * (base - foot)).expand(*q.shape[:-1], BEADS, 2)
    return torch.cat([post, links(arm, q, BEADS)], dim=-2)


def render_arm(state: State, params: Params, arm: Arm, q: Tensor, size: int = 32) -> Tensor:
    """Frames of the world with the arm in them, as `world.render` draws them: (B, 3, size, size).

    state, params: B worlds (state.pos (B, N, 2)); q: (B, 2) the arm's joint angles.
    """
    if q.shape != (state.pos.shape[0], 2):
        raise ValueError(f"q must have shape {(state.pos.shape[0], 2)} (one arm per world), "
                         f"got {tuple(q.shape)}")
    height = params.table.height if params.table is not None else 0.0
    points = arm_points(arm, q.to(state.pos.dtype), height)               # (B, P, 2)
    B, P, _ = points.shape
    like = params.radius
    extra = {"mass": like.new_ones(B, P), "radius": like.new_full((B, P), LINK_RADIUS),
             "restitution": like.new_zeros(B, P), "friction": like.new_zeros(B, P),
             "color": torch.tensor(LINK_COLOR, dtype=like.dtype).expand(B, P, 3)}
    # The arm first, so the cup is drawn over it; the renderer adds the hand last.
    drawn = params.replace(**{name: torch.cat([value, getattr(params, name)], dim=1)
                              for name, value in extra.items()})
    pos = torch.cat([points, state.pos], dim=1)
    return render(State(pos=pos, vel=torch.zeros_like(pos), hand=state.hand), drawn, size)
