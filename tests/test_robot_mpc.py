"""Model-predictive control of ArmPush-v0: the cost ranks futures as the task does, the engine
model predicts what the environment then does, and the oracle solves held-out targets."""
import gymnasium
import numpy as np
import pytest
import torch

from worldmodels.robot import envs
from worldmodels.robot.mpc import EngineModel, OracleMPC, Rollout, push_cost

pytestmark = pytest.mark.usefixtures("one_thread")


def rollout_with_cup_at(xs, target_x=0.5, hand_x=None, speed=0.0) -> Rollout:
    """K = len(xs) futures of 2 steps in which the cup ends at xs."""
    K = len(xs)
    cup = torch.tensor([[[0.7, 0.92], [x, 0.92], [x, 0.92]] for x in xs])
    hand = cup.clone()
    hand[..., 0] = cup[..., 0] + 0.2 if hand_x is None else hand_x   # behind it, for a left push
    vel = torch.zeros(K, 3, 2)
    vel[:, -1, 0] = speed
    return Rollout(hand=hand, cup=cup, cup_vel=vel, target_x=target_x)


def test_push_cost_prefers_the_cup_at_the_target_at_rest_with_the_hand_behind_it():
    actions = torch.zeros(3, 2, 2)
    cost = push_cost(rollout_with_cup_at([0.5, 0.6, 0.7]), actions)
    assert cost[0] < cost[1] < cost[2]
    moving = push_cost(rollout_with_cup_at([0.5], speed=1.0), actions[:1])
    assert moving > cost[0]
    far_hand = push_cost(rollout_with_cup_at([0.5], hand_x=1.5), actions[:1])
    assert far_hand > cost[0]


def test_the_engine_model_predicts_what_the_environment_does():
    env = envs.ArmPushEnv()
    env.reset(seed=5)
    start = env.world()
    rng = np.random.default_rng(0)
    actions = torch.tensor(rng.uniform(-1, 1, (1, 10, 2)), dtype=torch.float32)
    predicted = EngineModel()(start, actions.repeat(3, 1, 1))       # K = 3 identical candidates
    for t in range(10):
        obs, *_ = env.step(actions[0, t].numpy())
        np.testing.assert_allclose(predicted.cup[:, t + 1], np.tile(obs[4:6], (3, 1)), atol=1e-4)
        np.testing.assert_allclose(predicted.hand[:, t + 1], np.tile(obs[2:4], (3, 1)), atol=1e-4)


def test_the_oracle_solves_held_out_targets():
    env, oracle = gymnasium.make(envs.ENV_ID), OracleMPC(seed=0)
    wins = 0
    for seed in (30_000, 30_001, 30_002):
        obs, info = env.reset(seed=seed)
        oracle.reset()
        for _ in range(100):
            obs, _, terminated, truncated, info = env.step(oracle.act(env.unwrapped))
            if terminated or truncated:
                break
        wins += info["is_success"]
    assert wins == 3
