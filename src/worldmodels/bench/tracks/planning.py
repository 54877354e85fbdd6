"""Track 3, planning: push the cup to a mark on the table with the robot arm
(`worldmodels/ArmPush-v0`, Part 4), on the same held-out targets for every model that can plan
or act. Success is the environment's own: the cup within 5 cm of the mark, nearly at rest.
"""
from __future__ import annotations

import time

import gymnasium
import numpy as np

from ...robot.envs import ENV_ID
from ..protocol import BenchError

TRACK = "planning"


def episode(env: gymnasium.Env, act, seed: int) -> tuple[bool, int]:
    """One episode with `act(env, obs) -> action`; returns (success, steps)."""
    obs, info = env.reset(seed=seed)
    steps, done = 0, False
    while not done:
        action = np.asarray(act(env, obs), dtype=np.float32)
        if action.shape != env.action_space.shape or not np.isfinite(action).all():
            raise ValueError(f"an action must be a finite {env.action_space.shape} array, "
                             f"got {action!r}")
        obs, _, terminated, truncated, info = env.step(action)
        steps, done = steps + 1, terminated or truncated
    return bool(info["is_success"]), steps


def run(adapter, suite) -> dict:
    env = gymnasium.make(ENV_ID)
    wins, steps, start = [], 0, time.perf_counter()
    for seed in suite.plan_seeds:
        try:
            won, n = episode(env, adapter.policy(seed), seed)
        except ValueError as error:
            raise BenchError(adapter.name, TRACK, str(error)) from error
        wins.append(won)
        steps += n
    seconds = time.perf_counter() - start
    env.close()
    return {"success": sum(wins) / len(wins), "targets": len(wins),
            "ms_per_action": 1000 * seconds / max(steps, 1)}
