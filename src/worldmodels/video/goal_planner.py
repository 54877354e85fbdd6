"""Planning to a goal image through the playable pixel model: search in the space of frames.

The way a video-generation model plans (UniPi, Du et al. 2023; the video planner V-JEPA 2-AC
is compared with): imagine the frames each candidate sequence of pushes would produce, and
keep the sequence whose last imagined frame looks most like the goal image.

    planner = PixelPlanner(action_conditioned.load_pretrained())
    action = planner(frames, goal, steps_left)    # (2, 3, H, W), (3, H, W), int -> m/s

The call is the one Part 5's `jepa.goals.reach` carries out in the true engine, so the same
start/goal pairs score a planner in pixels and one in representations.
"""
from __future__ import annotations

import torch
from torch import Tensor

from ..planning import cem
from .action_conditioned import CONTEXT, HAND_SPEED, ActionVideoModel


class PixelPlanner:
    """CEM over the hand's velocities; cost: mean squared pixel error of the last frame.

    buttons: round the candidates' velocities to the game's three buttons, the only pushes the
    model was trained on (as Part 5's latent planner does); False searches all velocities.
    """

    def __init__(self, model: ActionVideoModel, samples: int = 256, elites: int = 32,
                 iterations: int = 4, buttons: bool = True, seed: int = 0):
        self.model, self.buttons = model.eval(), buttons
        self.options = dict(samples=samples, elites=elites, iterations=iterations)
        self.generator = torch.Generator().manual_seed(seed)
        self.previous: Tensor | None = None

    @torch.no_grad()
    def __call__(self, frames: Tensor, goal: Tensor, steps_left: int) -> float:
        if frames.ndim != 4 or len(frames) < CONTEXT:
            raise ValueError(f"frames must be (>= {CONTEXT}, 3, H, W), got {tuple(frames.shape)}")
        if goal.shape != frames.shape[1:]:
            raise ValueError(f"goal must be one frame of shape {tuple(frames.shape[1:])}, "
                             f"got {tuple(goal.shape)}")

        def rollout(context: Tensor, actions: Tensor) -> Tensor:     # actions (K, T, 1)
            frames = context.expand(len(actions), *context.shape)
            for t in range(actions.shape[1]):
                next_frame = self.model(frames, self.pushes(actions[:, t, 0])).clamp(0, 1)
                frames = torch.stack([frames[:, -1], next_frame], dim=1)
            return frames[:, -1]                                      # (K, 3, H, W)

        def cost(last: Tensor, actions: Tensor) -> Tensor:
            return (last - goal).pow(2).mean(dim=(1, 2, 3))

        warm = None
        if self.previous is not None and len(self.previous) == steps_left + 1:
            warm = self.previous[1:]
        plan = cem(rollout, cost, frames[-CONTEXT:], steps_left, 1, init_mean=warm,
                   generator=self.generator, **self.options)
        self.previous = plan.actions
        return float(self.pushes(plan.actions[0, 0]))

    def pushes(self, actions: Tensor) -> Tensor:
        """The planner's actions in [-1, 1] as hand velocities (m/s), buttons if `buttons`."""
        return HAND_SPEED * (actions.round() if self.buttons else actions)
