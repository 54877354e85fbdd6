"""The world's state and parameters: what the engine steps and the renderer draws.

Shapes: B worlds in a batch, N disks per world. Positions in metres, velocities in m/s,
y points up, the floor is y = 0 and the world spans [0, world_size] in x and y.

State and Params are frozen dataclasses of tensors, so `step` is a pure function and Part 2
can make any parameter a leaf tensor with `requires_grad=True` via `dataclasses.replace`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import torch
from torch import Tensor


class SimulationDiverged(RuntimeError):
    """Raised when a step produces non-finite or absurdly large positions or velocities."""


@dataclass(frozen=True)
class Table:
    """A solid table seen from the side: the box [left, right] x [0, height], in metres."""

    left: float = 0.0     # x of the table's left side (m)
    right: float = 1.1    # x of the table's right edge, where the cup falls off (m)
    height: float = 0.8   # y of the table top (m)

    def __post_init__(self):
        if not self.left < self.right:
            raise ValueError(f"table: left ({self.left}) must be < right ({self.right})")
        if not self.height > 0:
            raise ValueError(f"table: height must be > 0, got {self.height}")


@dataclass(frozen=True)
class State:
    """Everything that changes during a rollout.

    pos:  (B, N, 2) disk centres (m)
    vel:  (B, N, 2) disk velocities (m/s)
    hand: (B, 2) centre of the hand, a kinematic pusher (m)

    A trajectory is a State with a time axis after the batch axis: (B, T, N, 2) and (B, T, 2).
    """

    pos: Tensor
    vel: Tensor
    hand: Tensor

    def __post_init__(self):
        if self.pos.ndim < 3 or self.pos.shape[-1] != 2:
            raise ValueError(f"state.pos must have shape (B, N, 2), got {tuple(self.pos.shape)}")
        if self.vel.shape != self.pos.shape:
            raise ValueError(f"state.vel must have the shape of state.pos {tuple(self.pos.shape)}, "
                             f"got {tuple(self.vel.shape)}")
        if self.hand.shape != self.pos.shape[:-2] + (2,):
            raise ValueError(f"state.hand must have shape {tuple(self.pos.shape[:-2]) + (2,)}, "
                             f"got {tuple(self.hand.shape)}")

    @property
    def batch_size(self) -> int:
        return self.pos.shape[0]

    @property
    def num_disks(self) -> int:
        return self.pos.shape[-2]

    def at(self, t: int) -> "State":
        """The state at time index t of a trajectory (B, T, ...) -> (B, ...)."""
        return State(self.pos[:, t], self.vel[:, t], self.hand[:, t])

    def to(self, device) -> "State":
        return State(*(getattr(self, f.name).to(device) for f in fields(self)))

    @staticmethod
    def stack(states: "list[State]") -> "State":
        """States of consecutive steps (B, ...) -> one trajectory State (B, T, ...)."""
        return State(*(torch.stack([getattr(s, f.name) for s in states], dim=1)
                       for f in fields(State)))

    def repeat(self, n: int) -> "State":
        """Each world repeated n times along the batch axis: (B, ...) -> (B * n, ...).

        The engine is batched, so asking "what if?" about one scene is one call on n copies.
        """
        return State(*(getattr(self, f.name).repeat_interleave(n, dim=0) for f in fields(self)))

    def select(self, index) -> "State":
        """Some worlds of a batch: `index` an index tensor, a mask or a slice of the batch axis."""
        return State(*(getattr(self, f.name)[index] for f in fields(self)))


PER_WORLD = ("mass", "radius", "restitution", "friction", "color", "gravity")  # batched fields


def _per_disk(name: str, value: Tensor, shape: tuple, low: float, high: float,
              low_inclusive: bool) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"params.{name} must be a torch.Tensor, got {type(value).__name__}")
    if tuple(value.shape) != shape:
        raise ValueError(f"params.{name} must have shape {shape}, got {tuple(value.shape)}")
    v = value.detach()
    if not torch.isfinite(v).all():
        raise ValueError(f"params.{name} must be finite")
    too_low = (v < low).any() if low_inclusive else (v <= low).any()
    if too_low or (v > high).any():
        bracket = "[" if low_inclusive else "("
        raise ValueError(f"params.{name} must lie in {bracket}{low}, {high}], "
                         f"got min {v.min().item():.4g}, max {v.max().item():.4g}")


@dataclass(frozen=True)
class Params:
    """What stays fixed during a rollout: the bodies' properties and the world's geometry.

    mass:        (B, N) kg, > 0
    radius:      (B, N) m, > 0
    restitution: (B, N) in [0, 1]; 1 is a perfectly elastic bounce
    friction:    (B, N) Coulomb coefficient, >= 0
    color:       (B, N, 3) RGB in [0, 1]; used only by the renderer
    gravity:     (B,) m/s^2 pointing down, >= 0
    """

    mass: Tensor
    radius: Tensor
    restitution: Tensor
    friction: Tensor
    color: Tensor
    gravity: Tensor
    dt: float = 0.01                  # time step (s)
    world_size: float = 2.0           # side of the square world (m)
    table: Table | None = field(default_factory=Table)  # None: an empty floor
    walls: bool = True                # solid walls at x = 0 and x = world_size
    hand_radius: float = 0.08         # m; 0 means the world has no hand
    hand_max_speed: float = 2.0       # m/s; actions are clipped to this speed per axis
    substeps: int = 4                 # collision-resolution iterations per step

    def __post_init__(self):
        if not isinstance(self.mass, Tensor) or self.mass.ndim != 2:
            raise ValueError(f"params.mass must be a (B, N) tensor, got "
                             f"{getattr(self.mass, 'shape', type(self.mass).__name__)}")
        B, N = self.mass.shape
        _per_disk("mass", self.mass, (B, N), 0.0, float("inf"), low_inclusive=False)
        _per_disk("radius", self.radius, (B, N), 0.0, self.world_size / 2, low_inclusive=False)
        _per_disk("restitution", self.restitution, (B, N), 0.0, 1.0, low_inclusive=True)
        _per_disk("friction", self.friction, (B, N), 0.0, float("inf"), low_inclusive=True)
        _per_disk("color", self.color, (B, N, 3), 0.0, 1.0, low_inclusive=True)
        _per_disk("gravity", self.gravity, (B,), 0.0, float("inf"), low_inclusive=True)
        if not (isinstance(self.dt, (int, float)) and 0 < self.dt <= 0.1):
            raise ValueError(f"params.dt must be a number in (0, 0.1] seconds, got {self.dt!r}")
        if not self.world_size > 0:
            raise ValueError(f"params.world_size must be > 0, got {self.world_size}")
        if self.table is not None and not isinstance(self.table, Table):
            raise TypeError(f"params.table must be a Table or None, got {type(self.table).__name__}")
        if self.hand_radius < 0:
            raise ValueError(f"params.hand_radius must be >= 0, got {self.hand_radius}")
        if not self.hand_max_speed > 0:
            raise ValueError(f"params.hand_max_speed must be > 0, got {self.hand_max_speed}")
        if not (isinstance(self.substeps, int) and self.substeps >= 1):
            raise ValueError(f"params.substeps must be an int >= 1, got {self.substeps!r}")

    @property
    def batch_size(self) -> int:
        return self.mass.shape[0]

    @property
    def num_disks(self) -> int:
        return self.mass.shape[1]

    def repeat(self, n: int) -> "Params":
        """Each world's parameters repeated n times along the batch axis (see State.repeat)."""
        return replace(self, **{name: getattr(self, name).repeat_interleave(n, dim=0)
                                for name in PER_WORLD})

    def select(self, index) -> "Params":
        """The parameters of some worlds of a batch (see State.select)."""
        return replace(self, **{name: getattr(self, name)[index] for name in PER_WORLD})

    def replace(self, **changes) -> "Params":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)
