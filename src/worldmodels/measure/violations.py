"""Break the laws on purpose: edit true object paths so that a check has something to catch.

A plausibility check is only worth its verdicts if it passes real clips *and* fails broken
ones. Each injector takes the true positions of the objects in clips and returns positions
that break one law from some frame on; `Scene.render` turns them back into frames.

    pos, applied = inject("teleport", pos, scene, seed=0)   # (B, T, K, 2), (B,)

Shapes: B clips, T frames, K objects; positions in metres, y up. Only object 0 is edited.
`applied` says for which clips the violation could be made (a clip in which nothing falls
cannot fall with the wrong gravity, a cup that never stands on the table cannot sink into it).
"""
from __future__ import annotations

import torch
from torch import Tensor

from .plausibility import table_gap
from .tracker import Scene

VIOLATIONS = ("vanish", "teleport", "wrong_gravity", "sink")
OUT_OF_VIEW = -10.0          # m; an object drawn here leaves no pixel in the frame
TELEPORT_RANGE = (0.5, 0.9)  # m; how far a teleport jumps, more than any one-frame move
GRAVITY_FACTORS = ((0.25, 0.6), (1.6, 2.0))  # too weak or too strong, as factors of g
SINK_SPEED = (1.0, 2.0)      # m/s; how fast an object sinks into the table


def inject(kind: str, pos: Tensor, scene: Scene, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Positions (B, T, K, 2) with violation `kind` (one of VIOLATIONS) in object 0.

    Returns the edited positions and applied (B,), a bool per clip.
    """
    if kind not in VIOLATIONS:
        raise ValueError(f"kind must be one of {VIOLATIONS}, got {kind!r}")
    if not isinstance(pos, Tensor) or pos.ndim != 4 or pos.shape[-1] != 2 or pos.shape[1] < 3:
        raise ValueError(f"pos must be a (B, T, K, 2) tensor with T >= 3 frames, "
                         f"got {getattr(pos, 'shape', type(pos).__name__)}")
    if not isinstance(scene, Scene):
        raise TypeError(f"scene must be a Scene, got {type(scene).__name__}")
    generator = torch.Generator().manual_seed(seed)
    injector = {"vanish": vanish, "teleport": teleport, "wrong_gravity": wrong_gravity,
                "sink": sink}[kind]
    return injector(pos.clone(), scene, generator)


def _uniform(low: float, high: float, n: int, generator: torch.Generator) -> Tensor:
    return low + (high - low) * torch.rand(n, generator=generator, dtype=torch.float64)


def _onset(B: int, T: int, generator: torch.Generator, last: int | None = None) -> Tensor:
    """(B,) a frame in [1, last] (default T - 2) at which each violation starts."""
    last = T - 2 if last is None else last
    return torch.randint(1, last + 1, (B,), generator=generator)


def vanish(pos: Tensor, scene: Scene, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """From a random frame on, the object is gone."""
    B, T = pos.shape[:2]
    start = _onset(B, T, generator)
    after = torch.arange(T)[None] >= start[:, None]                  # (B, T)
    pos[:, :, 0][after] = OUT_OF_VIEW
    return pos, torch.ones(B, dtype=torch.bool)


def teleport(pos: Tensor, scene: Scene, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """From a random frame on, the object is somewhere else, 0.5-0.9 m to the side."""
    B, T = pos.shape[:2]
    start = _onset(B, T, generator)
    distance = _uniform(*TELEPORT_RANGE, B, generator).to(pos)       # (B,)
    x = pos[torch.arange(B), start, 0, 0]                            # (B,) where it was
    radius = scene.radii[0]
    room_right = scene.world_size - radius - x
    # Jump right where there is room for the longest jump, else left.
    sign = torch.where(room_right >= TELEPORT_RANGE[1], 1.0, -1.0).to(pos)
    after = torch.arange(T)[None] >= start[:, None]                  # (B, T)
    shifted = pos[:, :, 0, 0] + sign[:, None] * distance[:, None]
    pos[:, :, 0, 0] = torch.where(after, shifted.clamp(radius, scene.world_size - radius),
                                  pos[:, :, 0, 0])
    return pos, torch.ones(B, dtype=torch.bool)


def wrong_gravity(pos: Tensor, scene: Scene, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Once the object falls freely, it falls with a g 0.25-0.6 or 1.6-2 times the world's.

    From the first frame f at which the object is clear of the table and the floor, its height
    follows y(t) = y_f + v_f (t - t_f) - g' (t - t_f)^2 / 2 down to the floor, where it stays.
    """
    B, T = pos.shape[:2]
    dt, radius = scene.frame_dt, scene.radii[0]
    y = pos[:, :, 0, 1]                                               # (B, T)
    free = (table_gap(pos[:, :, 0], scene.table) > radius + 0.02) & (y > radius + 0.02)
    free[:, 0] = False                                                # need a velocity
    applied = free[:, : T - 4].any(dim=1)                             # leaves 4+ frames of fall
    start = free.int().argmax(dim=1)                                  # (B,) first free frame
    strong = torch.rand(B, generator=generator) < 0.5
    factor = torch.where(strong, _uniform(*GRAVITY_FACTORS[1], B, generator),
                         _uniform(*GRAVITY_FACTORS[0], B, generator)).to(pos)
    rows = torch.arange(B)
    y_f, v_f = y[rows, start], (y[rows, start] - y[rows, start - 1]) / dt  # (B,)
    tau = (torch.arange(T)[None] - start[:, None]).to(pos) * dt      # (B, T) seconds after f
    fall = y_f[:, None] + v_f[:, None] * tau - 0.5 * factor[:, None] * scene.gravity * tau ** 2
    edit = (tau > 0) & applied[:, None]
    pos[:, :, 0, 1] = torch.where(edit, fall.clamp_min(radius), y)
    return pos, applied


def sink(pos: Tensor, scene: Scene, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """From a frame at which the object stands on the table, it sinks into it at 1-2 m/s,
    down to twice its radius."""
    B, T = pos.shape[:2]
    if scene.table is None:
        return pos, torch.zeros(B, dtype=torch.bool)
    start = _onset(B, T, generator, last=T // 2)
    rows = torch.arange(B)
    x0 = pos[rows, start, 0, 0]
    applied = (x0 > scene.table.left) & (x0 < scene.table.right)      # over the table then
    speed = _uniform(*SINK_SPEED, B, generator).to(pos)
    tau = (torch.arange(T)[None] - start[:, None]).clamp_min(0).to(pos) * scene.frame_dt
    depth = (speed[:, None] * tau).clamp_max(2 * scene.radii[0])      # (B, T) metres
    sunk = pos[:, :, 0, 1] - depth * applied[:, None]
    pos[:, :, 0, 1] = sunk.clamp_min(scene.radii[0])                  # the floor still holds
    return pos, applied
