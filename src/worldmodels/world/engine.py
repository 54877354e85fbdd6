"""The engine: one pure, batched, differentiable step of the disk world, and rollouts of it.

Shapes: B worlds, N disks, T time steps.

One step of length dt is semi-implicit (symplectic) Euler with contacts resolved on
velocities, the scheme of most game engines:

  1. the hand moves with the action (it is kinematic: nothing pushes it back);
  2. contacts are found: what each disk touches or will touch within the step (contacts.py);
  3. gravity changes every velocity, impulses bounce fast impacts at their time of impact
     within the step, and further impulses keep contacts from closing and apply friction
     (solver.py);
  4. positions move with the new velocities:            x <- x + v dt
     except that a bounce at time t of the step changes the velocity by dv only from t on,
     so a bounced disk moves dv t less:                  x <- x + v dt - dv t
     (it turns around at the floor, not wherever it was when the step began);
  5. a positional correction removes what overlap remains, so resting bodies never sink.

Disks slide but do not spin: friction only slows the relative sliding of two surfaces, and
no torque is ever computed, so a ball that would roll slides instead. That deliberate
simplification keeps the state to positions and velocities; Part 2 discusses what it costs.
"""
from __future__ import annotations

import torch
from torch import Tensor

from .bodies import Bodies, as_complex
from .contacts import find_contacts
from .solver import correct_positions, solve_velocities
from .state import Params, SimulationDiverged, State

MAX_SPEED = 1.0e3       # m/s; any faster and the step has blown up


def step(state: State, action: Tensor | None, params: Params) -> State:
    """Advance every world by params.dt seconds.

    state:  positions, velocities (B, N, 2) and the hand (B, 2)
    action: (B, 2) the hand's velocity in m/s, clipped to +-params.hand_max_speed per axis;
            None keeps the hand still
    Returns the next State. Raises SimulationDiverged if the step blows up.
    """
    check_step_inputs(state, action, params)
    dt = params.dt
    hand, hand_vel = _move_hand(state.hand, action, params)                 # (B, 2) each
    # Inside the step, 2-D vectors are complex numbers x + iy (see solver.py).
    pos, vel = as_complex(state.pos), as_complex(state.vel)                 # (B, N) each
    old_hand, hand_vel = as_complex(state.hand), as_complex(hand_vel)       # (B,) each
    kick = torch.complex(torch.zeros_like(params.gravity), -params.gravity * dt)   # (B,)

    # Contacts are searched for with the velocities after gravity: what the disks will do.
    contacts = find_contacts(pos, vel + kick[:, None], old_hand, hand_vel, params)
    bodies = Bodies(contacts, params)
    vel, moved = solve_velocities(vel, kick, hand_vel, bodies, params)      # (B, N) each
    pos = correct_positions(pos + moved, moved, as_complex(hand) - old_hand, bodies)
    pos, vel = torch.view_as_real(pos), torch.view_as_real(vel)             # (B, N, 2) each
    _check_finite(pos, vel, hand, params)
    return State(pos=pos, vel=vel, hand=hand)


def rollout(state: State, actions: Tensor | None, params: Params,
            steps: int | None = None) -> State:
    """Step T times and return the trajectory, initial state included.

    actions: (B, T, 2) hand velocities, or None for a still hand (then `steps` gives T)
    Returns a State whose tensors have a time axis after the batch axis:
    pos, vel (B, T + 1, N, 2) and hand (B, T + 1, 2).
    """
    if actions is None:
        if not (isinstance(steps, int) and steps >= 0):
            raise ValueError(f"steps must be an int >= 0 when actions is None, got {steps!r}")
    else:
        if not isinstance(actions, Tensor) or actions.ndim != 3 or actions.shape[-1] != 2:
            raise ValueError(f"actions must be a (B, T, 2) tensor, got "
                             f"{getattr(actions, 'shape', type(actions).__name__)}")
        if steps is not None and steps != actions.shape[1]:
            raise ValueError(f"steps ({steps}) must equal actions.shape[1] ({actions.shape[1]})")
        steps = actions.shape[1]
    trajectory = [state]
    for t in range(steps):
        state = step(state, None if actions is None else actions[:, t], params)
        trajectory.append(state)
    return State.stack(trajectory)  # pos, vel (B, T+1, N, 2), hand (B, T+1, 2)


def energy(state: State, params: Params) -> Tensor:
    """Kinetic plus potential energy of the disks (J), the hand not counted.

    Returns (B,) for a state, or (B, T) for a trajectory (tensors with a time axis).
    E = sum over disks of 0.5 m |v|^2 + m g y, with y measured from the floor.
    """
    mass, gravity = params.mass, params.gravity[:, None]                   # (B, N), (B, 1)
    if state.pos.ndim == 4:                                                 # a trajectory
        mass, gravity = mass[:, None], gravity[:, None]                     # (B, 1, N), (B, 1, 1)
    kinetic = 0.5 * mass * (state.vel * state.vel).sum(-1)
    potential = mass * gravity * state.pos[..., 1]
    return (kinetic + potential).sum(-1)


# ------------------------------------------------------------------------------ the pieces

def _move_hand(hand: Tensor, action: Tensor | None, params: Params) -> tuple[Tensor, Tensor]:
    """The hand's new centre, kept inside the world, and the velocity it actually had (B, 2)."""
    if action is None:
        return hand, torch.zeros_like(hand)
    speed = params.hand_max_speed
    r, w = params.hand_radius, params.world_size
    new_hand = (hand + action.clamp(-speed, speed) * params.dt).clamp(r, w - r)
    # Against the world's edge the hand stops, so the velocity it pushes with is what it moved.
    return new_hand, (new_hand - hand) / params.dt


# ------------------------------------------------------------------------------ checks

def check_step_inputs(state: State, action: Tensor | None, params: Params) -> None:
    """Raise a clear error unless (state, action, params) is a valid input to one step."""
    if not isinstance(state, State):
        raise TypeError(f"state must be a State, got {type(state).__name__}")
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    if state.pos.ndim != 3:
        raise ValueError(f"state.pos must be (B, N, 2) for one step, got {tuple(state.pos.shape)}; "
                         "a trajectory's states are picked with state.at(t)")
    B, N, _ = state.pos.shape
    if (params.batch_size, params.num_disks) != (B, N):
        raise ValueError(f"state and params disagree: state has B={B}, N={N} but params has "
                         f"B={params.batch_size}, N={params.num_disks}")
    dtype = params.mass.dtype
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"params.mass dtype must be torch.float32 or torch.float64, got {dtype}")
    for name in ("pos", "vel", "hand"):
        if getattr(state, name).dtype != dtype:
            raise ValueError(f"state.{name} dtype must be {dtype} like params.mass, "
                             f"got {getattr(state, name).dtype}")
    if action is not None:
        if not isinstance(action, Tensor):
            raise ValueError(f"action must be a (B, 2) tensor or None, got {type(action).__name__}")
        if tuple(action.shape) != (B, 2):
            raise ValueError(f"action must have shape (B, 2) = ({B}, 2), got {tuple(action.shape)}")
        if action.dtype != state.pos.dtype:
            raise ValueError(f"action dtype must be {state.pos.dtype} like the state, "
                             f"got {action.dtype}")


def _check_finite(pos: Tensor, vel: Tensor, hand: Tensor, params: Params) -> None:
    """Raise SimulationDiverged on NaN, inf or absurd speed: three reductions and one sync."""
    with torch.no_grad():
        # NaN or inf anywhere in pos or hand turns the sum into NaN, which fails the comparison.
        worst = vel.abs().amax() + 0.0 * (pos.sum() + hand.sum())
    check_speed(float(worst), params)


def check_speed(worst: float, params: Params) -> None:
    """Raise SimulationDiverged unless the largest speed component `worst` (m/s) is sane."""
    if not worst <= MAX_SPEED:   # also true for NaN
        raise SimulationDiverged(
            f"the simulation diverged (largest speed {worst:.3g} m/s, limit "
            f"{MAX_SPEED:g}); try a smaller params.dt (now {params.dt:g} s) or more "
            f"params.substeps (now {params.substeps})")
