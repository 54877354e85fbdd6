"""The cup tasks as Gymnasium environments: API compliance, determinism, solvable, not trivial."""
import subprocess
import sys
import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from worldmodels.world.envs import (
    ENV_IDS,
    MAX_EPISODE_STEPS,
    SUCCESS_BONUS,
    TARGET_COLOR,
    CupPushEnv,
)


def test_importing_the_envs_module_registers_the_ids():
    # Nothing in this file calls register_envs(): importing worldmodels.world.envs did.
    for env_id, task in ENV_IDS.items():
        env = gymnasium.make(env_id)
        assert isinstance(env.unwrapped, CupPushEnv) and env.unwrapped.task == task


@pytest.mark.parametrize("env_id", sorted(ENV_IDS))
@pytest.mark.parametrize("obs_type", ["state", "pixels"])
def test_check_env_passes_without_warnings(env_id, obs_type):
    env = gymnasium.make(env_id, obs_type=obs_type, render_mode="rgb_array")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any of the checker's warnings fails the test
        check_env(env.unwrapped)
    assert env.spec.max_episode_steps == MAX_EPISODE_STEPS
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.shape[0] >= 64 and frame.shape[2] == 3


def test_observation_layout():
    env = CupPushEnv(task="target")
    obs, info = env.reset(seed=1)
    assert obs.shape == (7,) and obs.dtype == np.float32
    state = env.unwrapped._state
    np.testing.assert_allclose(obs[:2], state.hand[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(obs[2:4], state.pos[0, 0].numpy(), atol=1e-6)
    assert obs[6] == pytest.approx(info["target_x"])
    pixels = CupPushEnv(obs_type="pixels", size=48).reset(seed=1)[0]
    assert pixels.shape == (48, 48, 3) and pixels.dtype == np.uint8


def test_same_seed_same_episode_and_new_seed_new_scene():
    def episode(seed):
        env = gymnasium.make("worldmodels/CupTarget-v0")
        obs = [env.reset(seed=seed)[0]]
        rng = np.random.default_rng(0)
        for _ in range(10):
            obs.append(env.step(rng.uniform(-1, 1, 2).astype(np.float32))[0])
        return np.stack(obs)

    np.testing.assert_array_equal(episode(3), episode(3))
    assert not np.array_equal(episode(3)[0], episode(4)[0])


def push_right(obs):
    """The toddler's policy: move right, steering to the cup's height."""
    return np.array([1.0, np.clip(10 * (obs[3] - obs[1]), -1, 1)], dtype=np.float32)


def run_episode(env, seed, policy):
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    total, steps = 0.0, 0
    while True:
        obs, reward, terminated, truncated, info = env.step(policy(obs))
        total, steps = total + reward, steps + 1
        if terminated or truncated:
            return info["is_success"], total, steps


def test_scripted_push_knocks_the_cup_off():
    env = gymnasium.make("worldmodels/CupPush-v0")
    for seed in range(4):
        success, total, steps = run_episode(env, seed, push_right)
        assert success and steps < MAX_EPISODE_STEPS // 2
        assert total > SUCCESS_BONUS  # shaping adds the cup's progress to the bonus


def test_random_policy_rarely_succeeds():
    env = gymnasium.make("worldmodels/CupPush-v0")
    results = [run_episode(env, seed, lambda obs: env.action_space.sample()) for seed in range(10)]
    assert sum(success for success, _, _ in results) <= 3  # well under half (~15 % measured)


def push_to_target(obs, cup_radius=0.12, hand_radius=0.08):
    """Get behind the cup (over it if need be), then push at a speed friction can stop in time."""
    hand_x, hand_y, cup_x, cup_y, _, _, target_x = obs
    side = 1.0 if target_x > cup_x else -1.0            # the direction to push in
    behind_x = cup_x - side * (cup_radius + hand_radius + 0.02)
    if side * (behind_x - hand_x) >= -0.03:             # the hand is on the pushing side
        if abs(hand_y - cup_y) > 0.03:                  # line up with the cup's centre
            action = [10 * (behind_x - hand_x), 10 * (cup_y - hand_y)]
        else:  # a cup pushed at v slides v^2 / (2 mu g) further: mu g ~ 2.9 m/s^2
            speed = 0.8 * np.sqrt(2 * 2.9 * max(abs(target_x - cup_x) - 0.02, 0.0))
            action = [side * speed / 2.0, 10 * (cup_y - hand_y)]  # / 2 m/s, the top speed
    else:                                               # go over the cup
        clear_y = cup_y + cup_radius + hand_radius + 0.05
        action = [0.0, 1.0] if hand_y < clear_y - 0.02 else [10 * (behind_x - hand_x),
                                                             10 * (clear_y - hand_y)]
    return np.clip(np.array(action), -1, 1).astype(np.float32)


def test_scripted_push_reaches_targets_on_both_sides():
    env = gymnasium.make("worldmodels/CupTarget-v0")
    sides = set()
    for seed in range(4):
        obs, _ = env.reset(seed=seed)
        sides.add(bool(obs[6] > obs[2]))
        success, total, steps = run_episode(env, seed, push_to_target)
        assert success and total < 0
    assert sides == {True, False}


def test_target_reward_is_minus_distance():
    env = gymnasium.make("worldmodels/CupTarget-v0")
    obs, info = env.reset(seed=2)
    assert abs(obs[6] - obs[2]) >= 0.2 - 1e-6  # targets start away from the cup
    for _ in range(5):
        obs, reward, terminated, _, info = env.step(np.array([1.0, 0.0], dtype=np.float32))
        assert reward == pytest.approx(-abs(obs[2] - obs[6]), abs=1e-5)
        assert not terminated and not info["is_success"]


def test_target_is_painted_on_pixels():
    env = CupPushEnv(task="target", obs_type="pixels")
    frame, _ = env.reset(seed=0)
    assert (frame == TARGET_COLOR).all(axis=-1).any()
    plain, _ = CupPushEnv(task="off_table", obs_type="pixels").reset(seed=0)
    assert not (plain == TARGET_COLOR).all(axis=-1).any()


@pytest.mark.parametrize("kwargs, name", [
    ({"task": "fly"}, "task"), ({"obs_type": "rgb"}, "obs_type"), ({"size": 4}, "size"),
    ({"frame_skip": 0}, "frame_skip"), ({"render_mode": "human"}, "render_mode"),
    ({"render_size": 3}, "render_size"),
])
def test_bad_arguments_name_themselves(kwargs, name):
    with pytest.raises(ValueError, match=name):
        CupPushEnv(**kwargs)


def test_importing_the_world_alone_registers_nothing():
    # The world is plain simulation; only the envs module speaks to Gymnasium's registry.
    code = ("import gymnasium, worldmodels.world; "
            "assert not any(i.startswith('worldmodels/') for i in gymnasium.registry), 'registered'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_id_with_its_module_needs_no_import_first():
    code = ("import gymnasium; "
            "gymnasium.make('worldmodels.world.envs:worldmodels/CupPush-v0').reset(seed=0)")
    subprocess.run([sys.executable, "-c", code], check=True)
