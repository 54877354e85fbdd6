"""Datasets from the world: batched rollouts of a scene under random or scripted actions.

    from worldmodels.world import make_dataset
    data = make_dataset("cup", num_rollouts=64, steps=50, frame_size=32, seed=0)
    data.states.pos   # (B, T+1, N, 2)
    data.actions      # (B, T, 2)
    data.frames       # (B, T+1, 3, H, W)

Shapes: B rollouts, T steps, N disks, H = W = frame_size. This is the data source of every
learned model in the book; nothing is downloaded, everything is simulated from a seed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from ..devices import pick_device
from .actions import mean_over, smooth_random_actions
from .engine import rollout, step
from .render import render
from .scenes import bouncing_balls, cup_on_table
from .state import Params, State

SCENES = {"cup": cup_on_table, "balls": bouncing_balls}
POLICIES = ("random", "push")

# A policy maps (state at time t, t, generator) to hand velocities (B, 2) in m/s.
Policy = Callable[[State, int, torch.Generator], Tensor]


@dataclass(frozen=True)
class Rollouts:
    """A batch of simulated trajectories.

    states:  trajectory State: pos, vel (B, T+1, N, 2), hand (B, T+1, 2); index 0 is the start
    actions: (B, T, 2) hand velocities in m/s, as the engine applied them (already clipped)
    frames:  (B, T+1, 3, H, W) renders of states in [0, 1], or None when frame_size was None
    params:  the scene's Params, shared by every time step
    """

    states: State
    actions: Tensor
    frames: Tensor | None
    params: Params

    @property
    def num_rollouts(self) -> int:
        return self.actions.shape[0]

    @property
    def steps(self) -> int:
        return self.actions.shape[1]

    def thin(self, skip: int) -> "Rollouts":
        """Every `skip`-th state and frame; each action the mean over the skipped steps.

        What a camera running slower than the engine records: T must be a multiple of skip.
        """
        if not (isinstance(skip, int) and 1 <= skip <= self.steps):
            raise ValueError(f"skip must be an int in [1, {self.steps}] steps, got {skip!r}")
        frames = None if self.frames is None else self.frames[:, ::skip].contiguous()
        return Rollouts(states=thin(self.states, skip), actions=mean_over(self.actions, skip),
                        frames=frames, params=self.params)


def thin(trajectory: State, skip: int) -> State:
    """A trajectory State (B, T+1, ...) thinned to every `skip`-th step, the first included."""
    return State(trajectory.pos[:, ::skip], trajectory.vel[:, ::skip], trajectory.hand[:, ::skip])


def make_dataset(scene: str = "cup", num_rollouts: int = 64, steps: int = 50, *,
                 policy: str | Policy = "random", frame_size: int | None = 32, seed: int = 0,
                 device: str | torch.device = "cpu", **scene_kwargs) -> Rollouts:
    """Roll out `num_rollouts` worlds of a scene for `steps` engine steps, all in one batch.

    scene:        "cup" (world.cup_on_table) or "balls" (world.bouncing_balls); extra
                  keyword arguments go to the scene function, e.g. num_balls=5, or dt=0.02
                  for steps twice as long as the default 0.01 s
    policy:       "random" (smooth random pushes), "push" (the hand pushes the first disk to
                  the right) or a callable (state, t, generator) -> (B, 2) hand velocity in m/s

    frame_size:   side of the rendered frames in pixels, or None for no frames
    seed:         fixes the scenes and the actions: same seed, same data
    device:       "cpu", "cuda", "auto" (CUDA when available) or a torch.device

    Returns Rollouts: states.at(0) is the scene's start, frames[:, t] renders states.at(t).
    """
    if scene not in SCENES:
        raise ValueError(f"scene must be one of {tuple(SCENES)}, got {scene!r}")
    if not (isinstance(num_rollouts, int) and num_rollouts >= 1):
        raise ValueError(f"num_rollouts must be an int >= 1, got {num_rollouts!r}")
    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if not (callable(policy) or policy in POLICIES):
        raise ValueError(f"policy must be one of {POLICIES} or a callable, got {policy!r}")
    if frame_size is not None and not (isinstance(frame_size, int) and 8 <= frame_size <= 512):
        raise ValueError(f"frame_size must be None or an int in [8, 512] pixels, "
                         f"got {frame_size!r}")
    if not isinstance(seed, int):
        raise ValueError(f"seed must be an int, got {seed!r}")
    device = pick_device(device)

    state, params = SCENES[scene](batch_size=num_rollouts, seed=seed, device=device, **scene_kwargs)
    # The generator lives on the CPU so that a seed gives the same actions on every device.
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        if policy == "random":
            actions = smooth_random_actions(num_rollouts, steps, params.hand_max_speed, generator)
            actions = actions.to(device=device, dtype=state.pos.dtype)
            states = rollout(state, actions, params)  # open loop: one batched call
        else:
            if policy == "push":
                policy = push_policy(params, generator)
            states, actions = _closed_loop(state, params, policy, steps, generator)
        frames = None if frame_size is None else render(states, params, size=frame_size)
    return Rollouts(states=states, actions=actions, frames=frames, params=params)


def push_policy(params: Params, generator: torch.Generator) -> Policy:
    """A scripted push: the hand moves right at a per-rollout speed and steers to disk 0's height.

    The speed is drawn once per rollout (30-100 % of the hand's top speed) so that a batch of
    pushes is not B copies of one; steering to the disk's height makes the push land centrally.
    """
    batch_size = params.batch_size
    fraction = 0.3 + 0.7 * torch.rand(batch_size, generator=generator)  # (B,)

    def policy(state: State, t: int, generator: torch.Generator) -> Tensor:
        speed = fraction.to(state.pos) * params.hand_max_speed
        steer = 10.0 * (state.pos[:, 0, 1] - state.hand[:, 1])  # 1/s gain on the height error
        return torch.stack([speed, steer], dim=-1)              # (B, 2)

    return policy


def _closed_loop(state: State, params: Params, policy: Policy, steps: int,
                 generator: torch.Generator) -> tuple[State, Tensor]:
    """Step a feedback policy through time; every step is still batched over the rollouts."""
    B, max_speed = state.batch_size, params.hand_max_speed
    trajectory, actions = [state], []
    for t in range(steps):
        action = torch.as_tensor(policy(state, t, generator), dtype=state.pos.dtype,
                                 device=state.pos.device)
        if action.shape != (B, 2):
            raise ValueError(f"policy must return a (B, 2) = ({B}, 2) action, "
                             f"got {tuple(action.shape)} at t={t}")
        action = action.clamp(-max_speed, max_speed)  # what the engine applies anyway
        state = step(state, action, params)
        trajectory.append(state)
        actions.append(action)
    return State.stack(trajectory), torch.stack(actions, dim=1)  # (B, T+1, ...), (B, T, 2)

