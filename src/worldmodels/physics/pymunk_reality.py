"""A second opinion: the same world stepped by pymunk, an independent engine, as "reality".

Shapes: B worlds, N disks, T time steps.

Part 2 fits our engine to trajectories of another engine, whose code it cannot see into, to
measure a sim-to-real gap without a laboratory. pymunk wraps Chipmunk2D, a widely used C
engine; its disks, floor, walls and table are built here with the same sizes, masses,
coefficients and time step as ours. Four differences remain, on purpose, as they would with
real objects:

- combination rules: Chipmunk multiplies two shapes' restitutions (and frictions), our engine
  takes their geometric mean; against the floor and the table both leave the disk's own;
- contacts: Chipmunk keeps a small overlap ("slop") and pushes bodies apart gradually, ours
  brakes bodies before they touch (speculative contacts);
- the order of a step: Chipmunk moves positions with the velocity of the previous step and
  then adds gravity, x' = x + v dt, v' = v + g dt. Ours adds gravity first. Both are
  semi-implicit Euler, half a step out of phase: handing Chipmunk the velocity v0 + g dt
  makes the two produce the same positions in free flight, and its velocities run one kick
  of gravity ahead of ours, which `simulate` subtracts when it reports them;
- the moment of a bounce: ours bounces at the time of impact within the step, with the
  speed the ball has there, so its apex follows the law of restitution, 0.1 + e^2 (h - 0.1)
  m for a drop from h, to a fraction of a millimetre at any time step. Chipmunk applies
  restitution to the velocity of the whole step and resolves the overlap gradually, so its
  soft bounces (small e) miss that apex by several percent at dt = 0.01 -- low or high,
  depending on where in a step the ball lands -- and converge to it as dt shrinks
  (benchmarks/physics_pymunk_agreement.py).

Disks never spin in our engine, so pymunk's bodies get infinite moment of inertia.
"""
from __future__ import annotations

import math

import pymunk
import torch
from torch import Tensor

from ..world.state import Params, State

COLLISION_SLOP = 1e-4   # m; Chipmunk's default 0.1 assumes pixels, not metres


def space_for(state: State, params: Params, world: int = 0) -> tuple[pymunk.Space, list, object]:
    """World `world` of a batch as a pymunk Space: (space, disk bodies, hand body or None)."""
    space = pymunk.Space()
    g, dt = float(params.gravity[world]), params.dt
    space.gravity = (0.0, -g)
    space.iterations = 10 * params.substeps   # more passes than ours: reality should be accurate
    space.collision_slop = COLLISION_SLOP
    for box in _static_boxes(params):
        shape = pymunk.Poly(space.static_body, box)
        shape.elasticity, shape.friction = 1.0, 1.0   # Chipmunk multiplies: the disk's own apply
        space.add(shape)
    bodies = []
    for i in range(params.num_disks):
        body = pymunk.Body(float(params.mass[world, i]), math.inf)   # never spins
        x, y = state.pos[world, i].tolist()
        vx, vy = state.vel[world, i].tolist()
        body.position, body.velocity = (x, y), (vx, vy - g * dt)     # half a step out of phase
        shape = pymunk.Circle(body, float(params.radius[world, i]))
        shape.elasticity = float(params.restitution[world, i])
        shape.friction = float(params.friction[world, i])
        space.add(body, shape)
        bodies.append(body)
    hand = None
    if params.hand_radius > 0:
        hand = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
        hand.position = tuple(state.hand[world].tolist())
        shape = pymunk.Circle(hand, params.hand_radius)
        shape.friction = 1.0
        space.add(hand, shape)
    return space, bodies, hand


def simulate(state: State, params: Params, steps: int, actions: Tensor | None = None) -> State:
    """pymunk's trajectory from `state`, comparable with `world.rollout`'s.

    actions: (B, T, 2) hand velocities (m/s), or None for a still hand.
    Returns a float64 State with pos, vel (B, T + 1, N, 2) and hand (B, T + 1, 2).
    """
    if not isinstance(state, State) or not isinstance(params, Params):
        raise TypeError("state must be a State and params a Params")
    if state.pos.ndim != 3:
        raise ValueError(f"state.pos must be (B, N, 2), got {tuple(state.pos.shape)}")
    if not (isinstance(steps, int) and steps >= 0):
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    if actions is not None and tuple(actions.shape) != (state.batch_size, steps, 2):
        raise ValueError(f"actions must have shape (B, steps, 2) = ({state.batch_size}, {steps}, "
                         f"2), got {tuple(actions.shape)}")
    worlds = [_simulate_world(state, params, steps, actions, b) for b in range(state.batch_size)]
    return State(*(torch.stack(parts) for parts in zip(*worlds)))


def _simulate_world(state: State, params: Params, steps: int, actions: Tensor | None,
                    world: int) -> tuple[Tensor, Tensor, Tensor]:
    """One world's (pos (T+1, N, 2), vel (T+1, N, 2), hand (T+1, 2)), float64."""
    space, bodies, hand = space_for(state, params, world)
    g, dt = float(params.gravity[world]), params.dt
    speed, r, size = params.hand_max_speed, params.hand_radius, params.world_size
    pos, vel, hands = [], [], []

    def record():
        pos.append([tuple(b.position) for b in bodies])
        vel.append([(b.velocity.x, b.velocity.y + g * dt) for b in bodies])   # back in phase
        hands.append(tuple(hand.position) if hand is not None else tuple(state.hand[world].tolist()))

    record()
    for t in range(steps):
        if hand is not None:
            a = (0.0, 0.0) if actions is None else actions[world, t].clamp(-speed, speed).tolist()
            target = [min(max(p + v * dt, r), size - r) for p, v in zip(hand.position, a)]
            hand.velocity = tuple((q - p) / dt for q, p in zip(target, hand.position))
        space.step(dt)
        record()
    as_tensor = lambda values: torch.tensor(values, dtype=torch.float64)   # noqa: E731
    return as_tensor(pos), as_tensor(vel), as_tensor(hands)


def _static_boxes(params: Params) -> list[list[tuple[float, float]]]:
    """Floor, walls and table as polygons (corner lists), as solid as ours."""
    size = params.world_size
    far = 10.0 * size
    boxes = [(-far, -far, far, 0.0)]
    if params.walls:
        boxes += [(-far, -far, 0.0, far), (size, -far, far, far)]
    if params.table is not None:
        t = params.table
        boxes.append((t.left, 0.0, t.right, t.height))
    return [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, y0, x1, y1 in boxes]


# ------------------------------------------------------------------------------ agreement

def falling_ball(restitution: float, dt: float = 0.01, height: float = 1.0,
                 speed: float = 0.3) -> tuple[State, Params]:
    """One frictionless ball of radius 0.1 m dropped from `height` (m) with a sideways `speed`
    (m/s) on an empty floor, float64: the scene on which the two engines are compared."""
    like = dict(dtype=torch.float64)
    state = State(pos=torch.tensor([[[0.5, height]]], **like),
                  vel=torch.tensor([[[speed, 0.0]]], **like), hand=torch.zeros(1, 2, **like))
    params = Params(mass=torch.ones(1, 1, **like), radius=torch.full((1, 1), 0.1, **like),
                    restitution=torch.full((1, 1), restitution, **like),
                    friction=torch.zeros(1, 1, **like), color=torch.full((1, 1, 3), 0.5, **like),
                    gravity=torch.full((1,), 9.81, **like), dt=dt, table=None, hand_radius=0.0)
    return state, params


def first_apex(height: Tensor, vertical_velocity: Tensor) -> float:
    """The highest point (m) after the first bounce of a trajectory's heights (T,) and v_y (T,)."""
    rising = (vertical_velocity > 0).nonzero()
    if len(rising) == 0:
        raise ValueError("the trajectory never bounces: no step moves upwards")
    up = int(rising[0])
    falling = (vertical_velocity[up:] <= 0).nonzero()
    down = up + (int(falling[0]) if len(falling) else len(height) - up - 1)
    return float(height[up:down + 1].max())
