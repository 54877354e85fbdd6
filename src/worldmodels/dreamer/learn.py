"""Dreamer in a real environment: collect experience, learn in imagination, evaluate.

Works with any Gymnasium environment whose observations and actions are Boxes (state
observations; a multi-dimensional Box is flattened). Actions are chosen in [-1, 1] and mapped
onto the environment's action bounds.

    from worldmodels.dreamer.learn import train, evaluate
    from worldmodels.dreamer.agent import Config
    agent, history = train(Config(), "Pendulum-v1")
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import gymnasium
import numpy as np
import torch
from tqdm.auto import tqdm

from ..world.envs import make_env, obs_tensor, sizes, to_env_action
from .agent import Config, Dreamer
from .replay import Replay


def train(cfg: Config, env_id: str, progress: bool = True) -> tuple[Dreamer, dict]:
    """Train Dreamer for cfg.env_steps real steps. history: dict of lists.

    history["episode_step"], ["episode_return"], ["episode_success"]: every finished training
    episode (step count at its end); ["update_step"] and the update metrics every 10 updates;
    ["eval_return"], ["eval_success"]: cfg.eval_episodes final evaluation episodes;
    ["wall_seconds"]: [time spent]; ["updates"]: [gradient updates made].
    """
    if not cfg.train_every > 0:
        raise ValueError(f"cfg.train_every must be > 0 environment steps, got {cfg.train_every}")
    if cfg.prefill < cfg.seq_len or cfg.env_steps <= cfg.prefill:
        raise ValueError(f"need seq_len <= prefill < env_steps, got seq_len={cfg.seq_len}, "
                         f"prefill={cfg.prefill}, env_steps={cfg.env_steps}")
    with one_thread():
        return _train(cfg, env_id, progress)


@contextmanager
def one_thread():
    """Run torch on one thread, then restore the caller's setting.

    Networks this small run fastest on one thread: with more, each tiny operation is split
    and the threads spend their time waiting on each other (acting ran about nine times
    slower on two threads than on one).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _train(cfg: Config, env_id: str, progress: bool) -> tuple[Dreamer, dict]:
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    env = make_env(env_id, cfg.seed)
    obs_size, action_size = sizes(env)
    agent, replay = Dreamer(obs_size, action_size, cfg), Replay(cfg.replay_capacity, obs_size,
                                                                action_size)
    history = {"episode_step": [], "episode_return": [], "episode_success": [], "update_step": []}
    start_time, bar = time.perf_counter(), tqdm(total=cfg.env_steps, desc="Dreamer",
                                                disable=not progress)
    obs, _ = env.reset(seed=cfg.seed)
    state, prev, is_first, episode_return = None, torch.zeros(1, action_size), True, 0.0
    step, next_update, updates = 0, cfg.prefill + cfg.train_every, 0
    while step < cfg.env_steps:
        action, state = agent.act(state, prev, obs_tensor(obs))
        if step < cfg.prefill:  # uniform random actions fill the buffer first
            action = torch.as_tensor(rng.uniform(-1, 1, (1, action_size)), dtype=torch.float32)
        a = action[0].numpy()
        next_obs, reward, terminated, truncated, info, taken = repeat_step(env, a,
                                                                           cfg.action_repeat)
        replay.add(np.ravel(obs), a, reward, 0.0 if terminated else 1.0, is_first)
        obs, prev, is_first, episode_return = next_obs, action, False, episode_return + reward
        step += taken
        bar.update(taken)
        if terminated or truncated:  # store the final observation, then start afresh
            replay.add(np.ravel(obs), np.zeros(action_size), 0.0, 1.0, False)
            _log_episode(history, step, episode_return, info)
            bar.set_postfix(last_return=f"{episode_return:.1f}")
            obs, _ = env.reset()
            state, prev, is_first, episode_return = None, torch.zeros(1, action_size), True, 0.0
        batches = []  # one gradient update per train_every environment steps
        while step >= next_update:
            batches.append(replay.sample(cfg.batch_size, cfg.seq_len, rng))
            next_update += cfg.train_every
        for metrics in agent.update_many(batches):  # the same as one update() per batch
            updates += 1
            if updates % 10 == 0:
                _log_update(history, step, metrics)
    bar.close()
    env.close()
    returns, successes = evaluate(agent, env_id, cfg.eval_episodes, seed=10_000 + cfg.seed)
    history["eval_return"], history["eval_success"] = returns, successes
    history["wall_seconds"], history["updates"] = [time.perf_counter() - start_time], [updates]
    return agent, history


def repeat_step(env: gymnasium.Env, action: np.ndarray, repeat: int):
    """Hold `action` (in [-1, 1]) for `repeat` steps, summing rewards; stops when the episode ends.

    Returns (obs, reward, terminated, truncated, info, steps taken). Acting every few steps is
    a standard trick of Dreamer and most control agents: decisions cover more time, so credit
    for a reward travels back over fewer steps.
    """
    total, taken = 0.0, 0
    for _ in range(repeat):
        obs, reward, terminated, truncated, info = env.step(to_env_action(action, env.action_space))
        total, taken = total + float(reward), taken + 1
        if terminated or truncated:
            break
    return obs, total, terminated, truncated, info, taken


def _log_episode(history: dict, step: int, episode_return: float, info: dict) -> None:
    history["episode_step"].append(step)
    history["episode_return"].append(float(episode_return))
    history["episode_success"].append(bool(info.get("is_success", False)))


def _log_update(history: dict, step: int, metrics: dict) -> None:
    history["update_step"].append(step)
    for key, value in metrics.items():
        history.setdefault(key, []).append(float(value))


@torch.no_grad()
def evaluate(agent: Dreamer, env_id: str, episodes: int = 10, seed: int = 10_000
             ) -> tuple[list[float], list[bool]]:
    """Run `episodes` episodes with the actor's mean action; returns (returns, successes).

    Episode i starts from env.reset(seed=seed + i), and `seed` also seeds the latents the model
    samples, so the result is reproducible. Success is info["is_success"] at the episode's end
    (False for environments that do not report it).
    """
    if not (isinstance(episodes, int) and episodes >= 1):
        raise ValueError(f"episodes must be an int >= 1, got {episodes!r}")
    env = make_env(env_id, seed)
    returns, successes = [], []
    # The model samples its latents: seed them, and leave the caller's generator alone.
    with one_thread(), torch.random.fork_rng():
        torch.manual_seed(seed)
        for episode in range(episodes):
            total, success, _ = _episode(agent, env, seed + episode)
            returns.append(total)
            successes.append(success)
    env.close()
    return returns, successes


def evaluate_random(env_id: str, episodes: int = 10, seed: int = 10_000
                    ) -> tuple[list[float], list[bool]]:
    """The trivial baseline: uniformly random actions on the same episodes as `evaluate`."""
    env, rng = make_env(env_id, seed), np.random.default_rng(seed)
    returns, successes = [], []
    for episode in range(episodes):
        env.reset(seed=seed + episode)
        total, done, info = 0.0, False, {}
        while not done:
            action = rng.uniform(-1, 1, env.action_space.shape)
            _, reward, terminated, truncated, info = env.step(
                to_env_action(action, env.action_space))
            total, done = total + float(reward), terminated or truncated
        returns.append(total)
        successes.append(bool(info.get("is_success", False)))
    env.close()
    return returns, successes


@torch.no_grad()
def record_episode(agent: Dreamer, env_id: str, seed: int = 10_000, size: int = 96
                   ) -> tuple[np.ndarray, float, bool]:
    """One evaluation episode with its pictures: (frames (T, 3, size, size) in [0, 1], return,
    success). Needs an environment that renders rgb_array frames, such as the cup tasks."""
    env = gymnasium.make(env_id, render_mode="rgb_array", render_size=size)
    with one_thread():
        total, success, frames = _episode(agent, env, seed, render=True)
    env.close()
    return np.stack(frames).transpose(0, 3, 1, 2).astype(np.float32) / 255.0, total, success


def _episode(agent: Dreamer, env: gymnasium.Env, seed: int, render: bool = False):
    obs, _ = env.reset(seed=seed)
    _, action_size = sizes(env)
    state, prev, total, done, info = None, torch.zeros(1, action_size), 0.0, False, {}
    frames = [env.render()] if render else []
    while not done:
        prev, state = agent.act(state, prev, obs_tensor(obs), sample=False)
        for _ in range(agent.cfg.action_repeat):  # as repeat_step, keeping every frame
            obs, reward, terminated, truncated, info = env.step(
                to_env_action(prev[0].numpy(), env.action_space))
            total, done = total + float(reward), terminated or truncated
            frames += [env.render()] if render else []
            if done:
                break
    return total, bool(info.get("is_success", False)), frames
