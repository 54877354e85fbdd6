"""Model-predictive control of ArmPush-v0: what the task costs, and the true engine as the
model a planner searches (the oracle every learned model is compared with).

    controller = OracleMPC(seed=0)
    obs, _ = env.reset(seed=1)
    action = controller.act(env.unwrapped)   # plans through copies of the true world

A model for `worldmodels.planning` maps (start, actions (K, H, 2)) to a `Rollout` of the arm
and the cup over the horizon; `push_cost` scores rollouts. Any model that produces a Rollout
(a learned ensemble, in the next notebook) plugs into the same cost and the same planner.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .. import planning
from ..world import native
from ..world import step as torch_step
from ..world.scenes import CUP_RADIUS, HAND_RADIUS
from .arm import Arm
from .envs import MAX_JOINT_SPEED, advance

REACH_WEIGHT = 0.5     # per metre between the hand and the point behind the cup
FINAL_WEIGHT = 5.0     # the cup's last distance to the target counts this many times more
STOP_WEIGHT = 0.5      # per m/s of the cup's last speed: arrive, and stop
GENTLE_WEIGHT = 0.3    # per m/s of the cup's speed on the way: push it, do not strike it
DISAGREEMENT_WEIGHT = 1.0   # per unit of spread of an ensemble's costs for one plan


@dataclass
class Rollout:
    """K predicted futures over a horizon of H env steps (index 0 is the start)."""

    hand: Tensor        # (K, H + 1, 2) m
    cup: Tensor         # (K, H + 1, 2) m
    cup_vel: Tensor     # (K, H + 1, 2) m/s
    target_x: float     # m
    members: int = 1    # futures per candidate, member-major: rows are (members * K)
    cup_radius: float = CUP_RADIUS   # m, for the point behind the cup


def push_cost(rollout: Rollout, actions: Tensor) -> Tensor:
    """Cost (K,) of pushing the cup to the target: its distance to the target at every step
    (FINAL_WEIGHT times more at the end) and its final speed, plus a reaching term that draws
    the hand to the point behind the cup, on the side away from the target, and a small price
    on the cup's speed, which prefers steady pushes (predictable, for a learned model too) to
    strikes that send it sliding. A rollout with
    several members per candidate (an ensemble's) costs the mean over its members."""
    cup_x = rollout.cup[..., 0]                                            # (K, H + 1)
    gap = (cup_x - rollout.target_x).abs()
    side = torch.sign(rollout.target_x - rollout.cup[:, :1, 0])            # (K, 1)
    behind = rollout.cup.clone()
    behind[..., 0] -= side * (rollout.cup_radius + HAND_RADIUS)
    reach = (rollout.hand - behind).norm(dim=-1)
    speed = rollout.cup_vel.norm(dim=-1)
    running = (gap + REACH_WEIGHT * reach + GENTLE_WEIGHT * speed)[:, 1:].mean(-1)
    final = FINAL_WEIGHT * gap[:, -1] + STOP_WEIGHT * rollout.cup_vel[:, -1].norm(dim=-1)
    per_member = (running + final).view(rollout.members, -1)              # (members, K)
    if rollout.members == 1:
        return per_member[0]
    # Where the members disagree the model does not know: charge for it, so that a plan
    # cannot win by exploiting the errors of some of them.
    return per_member.mean(0) + DISAGREEMENT_WEIGHT * per_member.std(0)


class EngineModel:
    """The true dynamics, batched: K copies of the world, stepped by the compiled engine
    (`world.native`, no gradients needed) or by the PyTorch step where no compiler exists."""

    def __init__(self, arm: Arm = Arm(), frame_skip: int = 2):
        self.arm, self.frame_skip = arm, frame_skip
        self.step_fn = native.step if native.available() else torch_step

    def __call__(self, start, actions: Tensor) -> Rollout:
        state, params, q, target_x = start
        K, H, _ = actions.shape
        state, params, q = state.repeat(K), params.repeat(K), q.expand(K, 2)
        hands, cups, vels = [state.hand], [state.pos[:, 0]], [state.vel[:, 0]]
        joint_velocity = actions.double() * MAX_JOINT_SPEED
        with torch.no_grad():
            for t in range(H):
                state, q = advance(self.arm, state, params, q, joint_velocity[:, t],
                                   self.frame_skip, self.step_fn)
                hands.append(state.hand)
                cups.append(state.pos[:, 0])
                vels.append(state.vel[:, 0])
        return Rollout(torch.stack(hands, 1), torch.stack(cups, 1), torch.stack(vels, 1),
                       target_x, cup_radius=float(params.radius[0, 0]))


class OracleMPC:
    """Receding-horizon CEM through the true engine: plan `horizon` env steps, act one.
    `cost(rollout, actions) -> (K,)` is the task's (push_cost unless told)."""

    def __init__(self, *, horizon: int = 15, samples: int = 64, elites: int = 8,
                 iterations: int = 2, first_iterations: int = 6, seed: int = 0,
                 arm: Arm = Arm(), cost=push_cost):
        self.model = EngineModel(arm)
        self.controller = planning.RecedingHorizon(
            "cem", self.model, cost, horizon, 2, seed=seed, samples=samples,
            elites=elites, iterations=iterations, first_iterations=first_iterations)

    def reset(self) -> None:
        self.controller.reset()

    def act(self, env) -> Tensor:
        """The next action for an ArmPushEnv (its `world()` is the oracle's start)."""
        return self.controller.act(env.world()).numpy()
