"""worldmodels/ArmPush-v0: a valid Gymnasium environment whose hand is the arm's."""
import gymnasium
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env

from worldmodels.robot import arm as kin
from worldmodels.robot import envs


@pytest.mark.parametrize("obs_type", ["state", "pixels"])
def test_arm_push_passes_gymnasium_checks(obs_type):
    env = gymnasium.make(envs.ENV_ID, obs_type=obs_type)
    check_env(env.unwrapped, skip_render_check=True)
    obs, _ = env.reset(seed=0)
    assert obs.shape == ((9,) if obs_type == "state" else (64, 64, 3))


def test_the_hand_is_where_forward_kinematics_puts_it():
    env = envs.ArmPushEnv()
    obs, info = env.reset(seed=3)
    rng = np.random.default_rng(0)
    for _ in range(40):
        obs, *_, info = env.step(rng.uniform(-1, 1, 2).astype(np.float32))
        hand = kin.forward(env.arm, torch.tensor(info["q"], dtype=torch.float64))
        np.testing.assert_allclose(obs[2:4], hand.numpy(), atol=1e-5)
        np.testing.assert_allclose(obs[:2], info["q"], atol=1e-6)


def test_joint_velocities_move_the_hand_at_j_times_q_dot():
    env = envs.ArmPushEnv(frame_skip=1)
    obs, info = env.reset(seed=1)
    q = torch.tensor(info["q"], dtype=torch.float64)
    action = np.array([0.1, -0.08], np.float32)   # small: the second-order term is negligible
    predicted = kin.jacobian(env.arm, q) @ torch.tensor(action, dtype=torch.float64)
    after, *_ = env.step(action)
    moved = (after[2:4] - obs[2:4]) / env._params.dt / envs.MAX_JOINT_SPEED
    np.testing.assert_allclose(moved, predicted.numpy(), rtol=0.02, atol=1e-3)


def test_the_target_and_the_scene_are_the_cup_tasks():
    arm_env, cup_env = envs.ArmPushEnv(), gymnasium.make("worldmodels/CupTarget-v0").unwrapped
    a, _ = arm_env.reset(seed=7)
    c, _ = cup_env.reset(seed=7)
    np.testing.assert_allclose(a[2:], c, atol=1e-6)   # same hand, cup and target


def test_importing_the_world_does_not_register_the_arm():
    import subprocess
    import sys
    code = ("import gymnasium, worldmodels.world; assert 'worldmodels/ArmPush-v0' not in "
            "gymnasium.registry; import worldmodels.robot.envs; "
            "assert 'worldmodels/ArmPush-v0' in gymnasium.registry")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bad_arm_is_refused():
    with pytest.raises(TypeError, match="arm must be an Arm"):
        envs.ArmPushEnv(arm=(0.1, 1.2))


def run_episode(env, policy, seed: int) -> bool:
    obs, info = env.reset(seed=seed)
    done = False
    while not done:
        obs, _, terminated, truncated, info = env.step(policy(obs))
        done = terminated or truncated
    return info["is_success"]


def test_the_scripted_pusher_solves_the_task_and_standing_still_does_not():
    from worldmodels.robot.scripted import ScriptedPusher
    env, pusher = gymnasium.make(envs.ENV_ID), ScriptedPusher()
    seeds = range(500, 510)
    assert sum(run_episode(env, pusher.act, s) for s in seeds) >= 9
    assert sum(run_episode(env, lambda obs: np.zeros(2, np.float32), s) for s in seeds[:4]) == 0
