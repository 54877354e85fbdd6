"""The entrants that learned nothing: the engine itself (the oracle), and the trivial baselines
every model must beat."""
from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from ...measure import metrics
from ...measure.baselines import constant_velocity
from ...robot.mpc import OracleMPC
from ...world.actions import repeat
from ...world.datasets import thin
from ...world.engine import rollout
from ...world.render import render
from ..protocol import Context, Prediction
from ..suite import FRAME_SIZE, FRAME_STEPS


class Engine:
    """The world's own engine, given the true state and parameters: what perfect knowledge
    scores. Its surprise is how far the clip strays from what the engine says must happen."""

    name, kind, road = "engine (oracle)", "oracle", "the world"

    def compute(self) -> dict:
        return {"parameters": 0, "train_seconds": 0.0}

    def _play(self, state, params, actions: Tensor):
        with torch.no_grad():
            path = thin(rollout(state, repeat(actions, FRAME_STEPS), params), FRAME_STEPS)
            return path, render(path, params, size=FRAME_SIZE)

    def predict(self, context: Context) -> Prediction:
        path, frames = self._play(context.state, context.params, context.actions)
        return Prediction(frames=frames[:, 1:], cup=path.pos[:, 1:, 0])

    def surprise(self, frames: Tensor, actions: Tensor, start, params) -> Tensor:
        _, expected = self._play(start, params, actions)
        return metrics.mse(expected, frames)

    def policy(self, seed: int):
        mpc = OracleMPC(seed=seed)
        return lambda env, obs: mpc.act(env.unwrapped)


class CopyLast:
    """Nothing moves: the last frame seen, repeated. As a detector of
    impossible events, its surprise is the difference between two
    consecutive frames: the trivial baseline of IntPhys."""

    name, kind, road = "copy last frame", "baseline", "none"

    def compute(self) -> dict:
        return {"parameters": 0, "train_seconds": 0.0}

    def predict(self, context: Context) -> Prediction:
        last = context.frames[:, -1:]
        return Prediction(frames=last.expand(-1, context.horizon, -1, -1, -1))


class ConstantVelocity:
    """The cup keeps the velocity it has, given the true state: knows no forces at all."""

    name, kind, road = "constant velocity", "baseline", "none"
    needs_state = True

    def compute(self) -> dict:
        return {"parameters": 0, "train_seconds": 0.0}

    def predict(self, context: Context) -> Prediction:
        state, params = context.state, context.params
        steps = context.horizon * FRAME_STEPS
        path = thin(constant_velocity(state, params, steps), FRAME_STEPS)
        return Prediction(cup=path.pos[:, 1:, 0])


class RandomActions:
    """The arm's joints turned at random: the planning track's floor."""

    name, kind, road = "random actions", "baseline", "none"

    def compute(self) -> dict:
        return {"parameters": 0, "train_seconds": 0.0}

    def policy(self, seed: int):
        rng = np.random.default_rng(seed)
        return lambda env, obs: rng.uniform(-1, 1, size=env.action_space.shape)
