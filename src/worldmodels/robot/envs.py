"""The arm's task as a Gymnasium environment: push the cup to a mark on the table by joint
velocities.

    import gymnasium, worldmodels.robot.envs   # importing envs registers the id
    env = gymnasium.make("worldmodels/ArmPush-v0")                     # state observations
    env = gymnasium.make("worldmodels/ArmPush-v0", obs_type="pixels")  # frames with the arm

The task, the scene, the target and the rewards are those of worldmodels/CupTarget-v0 (see
`world.envs.CupPushEnv`); what changes is who moves the hand. The action is the arm's joint
velocities, a float32 (2,) in [-1, 1] scaled to MAX_JOINT_SPEED rad/s. In each engine step the
joints turn, forward kinematics says where that puts the hand, and the hand is moved there at
the velocity that takes it there in one step (to first order, J(q) q'): the engine itself is
unchanged. A joint stops at its limit (+-pi), and the arm stops where the hand would leave the
world.

Observation, obs_type="state": a float32 vector (rad, metres and m/s)
    [q1, q2, hand_x, hand_y, cup_x, cup_y, cup_vx, cup_vy, target_x]
obs_type="pixels": a uint8 (size, size, 3) frame with the arm drawn and the target marked.

What the simplification costs: the links pass through the cup and the table (only the hand
touches the world), and the arm has no inertia (joint velocities change at once), so nothing
here is about torques or dynamics of the arm itself.
"""
from __future__ import annotations

import math

import gymnasium
import numpy as np
import torch
from gymnasium import spaces
from torch import Tensor

from ..world import envs as world_envs
from ..world import step
from .arm import Arm, forward, inverse
from .frames import render_arm

MAX_JOINT_SPEED = 2.5   # rad/s at action +-1
JOINT_LIMIT = math.pi   # rad, each joint
# The hand's speed |J q'| stays below (|hand - base| + l2) * MAX_JOINT_SPEED <= 4.25 m/s for the
# default arm; the engine's own per-axis clip is raised above it, so it never bends the arm's path.
HAND_MAX_SPEED = 5.0    # m/s


class ArmPushEnv(world_envs.CupPushEnv):
    """The arm pushes the cup to a target x on the table; arguments as `CupPushEnv`'s, with
    `arm` the arm's geometry. `info["q"]` holds the joint angles at every step."""

    def __init__(self, obs_type: str = "state", *, size: int = 64, frame_skip: int = 2,
                 render_mode: str | None = None, render_size: int = 128, arm: Arm = Arm()):
        super().__init__("target", obs_type, size=size, frame_skip=frame_skip,
                         render_mode=render_mode, render_size=render_size)
        if not isinstance(arm, Arm):
            raise TypeError(f"arm must be an Arm, got {type(arm).__name__}")
        self.arm = arm
        self._q = torch.zeros(2, dtype=torch.float64)
        if obs_type == "state":
            box = self.observation_space
            low = np.concatenate([[-JOINT_LIMIT] * 2, box.low]).astype(np.float32)
            high = np.concatenate([[JOINT_LIMIT] * 2, box.high]).astype(np.float32)
            self.observation_space = spaces.Box(low, high, dtype=np.float32)

    def _new_scene(self, seed: int):
        state, params = super()._new_scene(seed)
        # The arm starts where the cup scene puts the hand, elbow up.
        self._q = inverse(self.arm, state.hand[0].double(), "up")
        return state, params.replace(hand_max_speed=HAND_MAX_SPEED)

    def _advance(self, action: np.ndarray) -> None:
        joint_velocity = torch.as_tensor(action, dtype=torch.float64)[None] * MAX_JOINT_SPEED
        with torch.no_grad():
            self._state, q = advance(self.arm, self._state, self._params, self._q[None],
                                     joint_velocity, self.frame_skip)
        self._q = q[0]

    def world(self):
        """The true state of the episode, for a planner that may use the real engine:
        (state, params, q (1, 2) float64, target_x)."""
        return self._state, self._params, self._q[None].clone(), self._target_x

    def _obs(self) -> np.ndarray:
        if self.obs_type == "pixels":
            return self._frame(self.size)
        vector = self._q.tolist() + self._state.hand[0].tolist() + list(self._cup())
        vector.append(self._target_x)
        space = self.observation_space
        return np.clip(np.asarray(vector, dtype=np.float32), space.low, space.high)

    def _image(self, size: int) -> torch.Tensor:
        with torch.no_grad():
            q = self._q.to(self._state.pos.dtype)[None]
            return render_arm(self._state, self._params, self.arm, q, size)[0]

    def _info(self, success: bool) -> dict:
        return {**super()._info(success), "q": self._q.tolist()}


def advance(arm: Arm, state, params, q: Tensor, joint_velocity: Tensor, steps: int,
            step_fn=step):
    """Turn the joints of B arms at `joint_velocity` (B, 2) rad/s for `steps` engine steps.

    q: (B, 2) float64 joint angles. In each step the joints turn (stopping at their limits),
    forward kinematics places the hand, and the engine (`step_fn`: `world.step`, or the
    compiled `world.native.step` for many worlds without gradients) moves it there at the
    velocity that takes it there in one step. An arm whose hand would leave the world stays
    where it is. Returns (state, q) after the steps.
    """
    dt, r, w = params.dt, params.hand_radius, params.world_size
    for _ in range(steps):
        turned = (q + joint_velocity * dt).clamp(-JOINT_LIMIT, JOINT_LIMIT)
        hand = forward(arm, turned)
        inside = ((hand >= r) & (hand <= w - r)).all(-1, keepdim=True)      # (B, 1)
        q = torch.where(inside, turned, q)
        hand = torch.where(inside, hand, forward(arm, q))
        velocity = (hand - state.hand.double()) / dt
        state = step_fn(state, velocity.to(state.pos.dtype), params)
    return state, q


ENV_ID = "worldmodels/ArmPush-v0"


def register_envs() -> None:
    """Register worldmodels/ArmPush-v0 with Gymnasium (safe to call more than once)."""
    if ENV_ID not in gymnasium.registry:
        gymnasium.register(id=ENV_ID, entry_point="worldmodels.robot.envs:ArmPushEnv",
                           max_episode_steps=world_envs.MAX_EPISODE_STEPS)


# Gymnasium's convention, as in world.envs: importing the module registers its id.
register_envs()
