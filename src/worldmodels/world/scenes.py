"""Ready-made worlds: the toddler's cup on a table, and balls bouncing in a box.

Shapes: B worlds (batch_size), N disks. Each scene returns (State, Params) for B worlds drawn
from one torch.Generator seeded with `seed`, so the same seed always gives the same worlds.
"""
from __future__ import annotations

import math

import torch

from .state import Params, State, Table

GRAVITY = 9.81            # m/s^2
CUP_RADIUS = 0.12         # m; a mug seen from the side, drawn as a disk
CUP_MASS = 0.3            # kg
CUP_FRICTION = 0.3        # Coulomb coefficient against the table (ceramic on wood)
CUP_RESTITUTION = 0.3     # a mug barely bounces
CUP_COLOR = (0.15, 0.35, 0.85)   # blue: stands out against the brown table and the skin hand
HAND_GAP = 0.10           # m between the hand and the cup at the start
HAND_RADIUS = 0.08        # m; the toddler's hand, a disk
BALL_DENSITY = 10.0       # kg per m^2 of disk: a ball of radius 0.1 m weighs 0.31 kg


def cup_on_table(batch_size: int = 1, seed: int = 0, *, table: Table = Table(),
                 dt: float = 0.01, dtype: torch.dtype = torch.float32,
                 device: str | torch.device = "cpu") -> tuple[State, Params]:
    """The toddler scene: a cup resting on a table, a hand to its left.

    The cup's x is drawn uniformly between the middle of the table and HAND_GAP short of the
    point where it would start to tip over the edge, so some pushes need to be longer than
    others. The hand's centre is at the height of the cup's centre, so a push to the right
    goes straight through the cup. Returns State (B, 1, 2) and Params for B = batch_size.
    """
    _check_scene_args(batch_size, seed)
    generator = torch.Generator().manual_seed(seed)
    B, like = batch_size, dict(dtype=dtype, device=device)
    hand_radius = HAND_RADIUS
    low = (table.left + table.right) / 2
    high = table.right - CUP_RADIUS - HAND_GAP
    x = low + (high - low) * torch.rand(B, generator=generator, dtype=torch.float64)   # (B,)
    y = torch.full_like(x, table.height + CUP_RADIUS)
    pos = torch.stack([x, y], dim=-1)[:, None].to(**like)                             # (B, 1, 2)
    hand = torch.stack([x - CUP_RADIUS - HAND_GAP - hand_radius, y], dim=-1).to(**like)  # (B, 2)
    state = State(pos=pos, vel=torch.zeros_like(pos), hand=hand)

    def per_cup(value: float) -> torch.Tensor:
        return torch.full((B, 1), value, **like)

    params = Params(mass=per_cup(CUP_MASS), radius=per_cup(CUP_RADIUS),
                    restitution=per_cup(CUP_RESTITUTION), friction=per_cup(CUP_FRICTION),
                    color=torch.tensor(CUP_COLOR, **like).expand(B, 1, 3).clone(),
                    gravity=torch.full((B,), GRAVITY, **like), dt=dt, table=table,
                    hand_radius=hand_radius)
    return state, params


def bouncing_balls(batch_size: int = 1, num_balls: int = 3, seed: int = 0, *,
                   restitution: float = 1.0, friction: float = 0.0, table: bool = False,
                   hand: bool = False, max_speed: float = 1.5,
                   radius_range: tuple[float, float] = (0.06, 0.12), dt: float = 0.01,
                   dtype: torch.dtype = torch.float32,
                   device: str | torch.device = "cpu") -> tuple[State, Params]:
    """Balls of random size, colour, position and velocity in a box with walls.

    By default the balls are perfectly elastic and frictionless, so energy is conserved up to
    the integrator's error (the scene Part 2 measures energy drift on). table=True adds the
    toddler's table (the benchmark's scene is num_balls=8, table=True); hand=True adds a still
    hand resting on the floor at the left wall, otherwise the world has no hand.
    Masses grow with area (BALL_DENSITY). Balls start apart, anywhere above the floor (and
    above the table top when there is one), low enough that an elastic bounce stays in view.
    Returns State (B, num_balls, 2) and Params for B = batch_size.
    """
    _check_scene_args(batch_size, seed)
    if not (isinstance(num_balls, int) and num_balls >= 1):
        raise ValueError(f"num_balls must be an int >= 1, got {num_balls!r}")
    if not 0.0 <= restitution <= 1.0:
        raise ValueError(f"restitution must lie in [0, 1], got {restitution}")
    if not friction >= 0.0:
        raise ValueError(f"friction must be >= 0, got {friction}")
    if not max_speed >= 0.0:
        raise ValueError(f"max_speed must be >= 0 m/s, got {max_speed}")
    r_min, r_max = radius_range
    if not 0.0 < r_min <= r_max <= 0.2:
        raise ValueError(f"radius_range must satisfy 0 < low <= high <= 0.2 m, got {radius_range}")
    generator = torch.Generator().manual_seed(seed)
    B, N, like = batch_size, num_balls, dict(dtype=dtype, device=device)
    world_size, table_ = 2.0, (Table() if table else None)
    hand_radius = HAND_RADIUS if hand else 0.0

    # A grid of cells each wide enough for the largest ball; every ball gets its own cell,
    # so balls never start overlapping. The top 20 % of the world is left free for bounces.
    cell = 2 * r_max + 0.02
    bottom = max(table_.height if table_ else 0.0, 2 * hand_radius)
    cols = int(world_size // cell)
    rows = int((0.8 * world_size - bottom) // cell)
    if N > rows * cols:
        raise ValueError(f"num_balls must be <= {rows * cols} for radius_range {radius_range}, "
                         f"got {N}")
    cells = torch.rand(B, rows * cols, generator=generator).argsort(dim=1)[:, :N]    # (B, N)
    corner = torch.stack([cells % cols, cells // cols], -1) * cell                     # (B, N, 2)
    corner = corner + torch.tensor([(world_size - cols * cell) / 2, bottom])
    radius = r_min + (r_max - r_min) * torch.rand(B, N, generator=generator)          # (B, N)
    room = cell - 2 * radius                                                           # (B, N)
    pos = corner + radius[..., None] + room[..., None] * torch.rand(B, N, 2, generator=generator)
    vel = max_speed * (2 * torch.rand(B, N, 2, generator=generator) - 1)              # (B, N, 2)
    color = 0.15 + 0.75 * torch.rand(B, N, 3, generator=generator)                    # (B, N, 3)
    hand_pos = torch.tensor([hand_radius, hand_radius]).expand(B, 2)                   # (B, 2)
    state = State(pos=pos.to(**like), vel=vel.to(**like), hand=hand_pos.to(**like))

    def per_ball(value: float) -> torch.Tensor:
        return torch.full((B, N), value, **like)

    params = Params(mass=(BALL_DENSITY * math.pi * radius ** 2).to(**like),
                    radius=radius.to(**like), restitution=per_ball(restitution),
                    friction=per_ball(friction), color=color.to(**like),
                    gravity=torch.full((B,), GRAVITY, **like), dt=dt, world_size=world_size,
                    table=table_, walls=True, hand_radius=hand_radius)
    return state, params


def _check_scene_args(batch_size: int, seed: int) -> None:
    if not (isinstance(batch_size, int) and batch_size >= 1):
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    if not isinstance(seed, int):
        raise ValueError(f"seed must be an int, got {seed!r}")
