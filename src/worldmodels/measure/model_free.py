"""A model-free learner for comparison: soft actor-critic (SAC; Haarnoja et al. 2018).

SAC learns a policy and two Q-functions straight from replayed real transitions, with no world
model: every gradient comes from experience the agent actually had. It is the standard
sample-efficient model-free baseline for continuous control, run here with the usual
hyperparameters of its authors (two Q-networks, target networks with Polyak averaging, an
entropy temperature tuned towards a target entropy of -A, one update per environment step).

Letters: B batch, D obs size, A action size.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ..nn import mlp
from ..world.envs import make_env, obs_tensor, sizes, to_env_action


@dataclass(frozen=True)
class SACConfig:
    env_steps: int = 10_000      # real environment steps in total
    prefill: int = 1_000         # steps of uniformly random actions before learning starts
    updates_per_step: int = 1    # gradient updates per environment step after prefill
    batch_size: int = 256        # transitions per update
    hidden: int = 256            # width of the two hidden layers of every network
    lr: float = 3e-4             # Adam learning rate of actor, critics and temperature
    gamma: float = 0.99          # discount per step
    tau: float = 0.005           # Polyak rate of the target Q-networks
    eval_episodes: int = 10      # evaluation episodes at the end of training
    eval_every: int = 0          # steps between evaluations during training (0: at the end only)
    eval_seed: int | None = None # first seed of the evaluation episodes (None: 10,000 + seed)
    seed: int = 0                # seeds torch, numpy and the environment

    @classmethod
    def tiny(cls) -> "SACConfig":
        """A preset that runs the whole loop in a few seconds, for tests."""
        return cls(env_steps=60, prefill=40, batch_size=8, hidden=8, eval_episodes=1)


class SAC(nn.Module):
    """Tanh-Gaussian actor, twin Q-critics with targets, learned temperature."""

    def __init__(self, obs_size: int, action_size: int, cfg: SACConfig):
        super().__init__()
        self.cfg = cfg
        self.actor = mlp(obs_size, 2 * action_size, cfg.hidden, layers=2, activation=nn.ReLU)
        self.q1 = mlp(obs_size + action_size, 1, cfg.hidden, layers=2, activation=nn.ReLU)
        self.q2 = mlp(obs_size + action_size, 1, cfg.hidden, layers=2, activation=nn.ReLU)
        self.q1_target = copy.deepcopy(self.q1).requires_grad_(False)
        self.q2_target = copy.deepcopy(self.q2).requires_grad_(False)
        self.log_alpha = nn.Parameter(torch.zeros(()))
        self.target_entropy = -float(action_size)
        self.actor_opt = torch.optim.Adam(self.actor.parameters(), lr=cfg.lr)
        self.q_opt = torch.optim.Adam([*self.q1.parameters(), *self.q2.parameters()], lr=cfg.lr)
        self.alpha_opt = torch.optim.Adam([self.log_alpha], lr=cfg.lr)

    def policy(self, obs: torch.Tensor, sample: bool = True
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """obs (B, D) -> (actions in [-1, 1] (B, A), log-probabilities (B,))."""
        mean, log_std = self.actor(obs).chunk(2, dim=-1)
        std = log_std.clamp(-5.0, 2.0).exp()
        u = mean + std * torch.randn_like(mean) if sample else mean
        action = torch.tanh(u)
        # Change of variables for the tanh squashing (Haarnoja et al. 2018, Appendix C).
        log_prob = torch.distributions.Normal(mean, std).log_prob(u).sum(-1)
        log_prob = log_prob - (2 * (np.log(2.0) - u - F.softplus(-2 * u))).sum(-1)
        return action, log_prob

    def update(self, obs, action, reward, next_obs, cont) -> None:
        """One SAC step on a batch: soft Bellman targets, then actor, then temperature."""
        alpha = self.log_alpha.exp().detach()
        with torch.no_grad():
            next_action, next_log_prob = self.policy(next_obs)
            next_in = torch.cat([next_obs, next_action], -1)
            next_q = torch.min(self.q1_target(next_in), self.q2_target(next_in)).squeeze(-1)
            target = reward + self.cfg.gamma * cont * (next_q - alpha * next_log_prob)   # (B,)
        q_in = torch.cat([obs, action], -1)
        q_loss = F.mse_loss(self.q1(q_in).squeeze(-1), target) + \
            F.mse_loss(self.q2(q_in).squeeze(-1), target)
        self.q_opt.zero_grad()
        q_loss.backward()
        self.q_opt.step()

        new_action, log_prob = self.policy(obs)
        new_in = torch.cat([obs, new_action], -1)
        q_new = torch.min(self.q1(new_in), self.q2(new_in)).squeeze(-1)
        actor_loss = (alpha * log_prob - q_new).mean()
        self.actor_opt.zero_grad()
        actor_loss.backward(inputs=list(self.actor.parameters()))
        self.actor_opt.step()

        alpha_loss = -(self.log_alpha * (log_prob.detach() + self.target_entropy)).mean()
        self.alpha_opt.zero_grad()
        alpha_loss.backward()
        self.alpha_opt.step()
        with torch.no_grad():
            for target_net, net in ((self.q1_target, self.q1), (self.q2_target, self.q2)):
                for slow, fast in zip(target_net.parameters(), net.parameters()):
                    slow.lerp_(fast, self.cfg.tau)


def train_sac(cfg: SACConfig, env_id: str, progress: bool = True) -> tuple[SAC, dict]:
    """Train SAC for cfg.env_steps real steps; history like `learn.train`'s, with the success
    rate of `eval_episodes` evaluation episodes every `eval_every` steps if asked."""
    if not (isinstance(cfg.eval_every, int) and cfg.eval_every >= 0):
        raise ValueError(f"cfg.eval_every must be an int >= 0 steps, got {cfg.eval_every!r}")
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    env = make_env(env_id, cfg.seed)
    obs_size, action_size = sizes(env)
    agent = SAC(obs_size, action_size, cfg)
    n = cfg.env_steps
    buffer = {"obs": np.zeros((n, obs_size), np.float32),
              "next_obs": np.zeros((n, obs_size), np.float32),
              "action": np.zeros((n, action_size), np.float32),
              "reward": np.zeros(n, np.float32), "cont": np.zeros(n, np.float32)}
    history = {"episode_step": [], "episode_return": [], "episode_success": [],
               "eval_step": [], "eval_success_rate": []}
    eval_seed = 10_000 + cfg.seed if cfg.eval_seed is None else cfg.eval_seed
    start_time, (obs, _), episode_return = time.perf_counter(), env.reset(seed=cfg.seed), 0.0
    bar = tqdm(range(n), desc="SAC", disable=not progress)
    for step in bar:
        if step < cfg.prefill:
            action = rng.uniform(-1, 1, action_size).astype(np.float32)
        else:
            with torch.no_grad():
                action = agent.policy(obs_tensor(obs))[0][0].numpy()
        next_obs, reward, terminated, truncated, info = env.step(
            to_env_action(action, env.action_space))
        for key, value in (("obs", np.ravel(obs)), ("next_obs", np.ravel(next_obs)),
                           ("action", action), ("reward", reward),
                           ("cont", 0.0 if terminated else 1.0)):
            buffer[key][step] = value
        obs, episode_return = next_obs, episode_return + reward
        if terminated or truncated:
            history["episode_step"].append(step + 1)
            history["episode_return"].append(float(episode_return))
            history["episode_success"].append(bool(info.get("is_success", False)))
            bar.set_postfix(last_return=f"{episode_return:.1f}")
            (obs, _), episode_return = env.reset(), 0.0
        if step >= cfg.prefill:
            for _ in range(cfg.updates_per_step):
                index = rng.integers(0, step + 1, cfg.batch_size)
                agent.update(*(torch.as_tensor(buffer[k][index]) for k in
                               ("obs", "action", "reward", "next_obs", "cont")))
        if cfg.eval_every and (step + 1) % cfg.eval_every == 0:
            _, successes = evaluate_sac(agent, env_id, cfg.eval_episodes, seed=eval_seed)
            history["eval_step"].append(step + 1)
            history["eval_success_rate"].append(float(np.mean(successes)))
    env.close()
    history["eval_return"], history["eval_success"] = evaluate_sac(agent, env_id, cfg.eval_episodes,
                                                                   seed=eval_seed)
    history["wall_seconds"] = [time.perf_counter() - start_time]
    return agent, history


@torch.no_grad()
def evaluate_sac(agent: SAC, env_id: str, episodes: int = 10, seed: int = 10_000
                 ) -> tuple[list[float], list[bool]]:
    """Episodes with the mean action: (returns, successes)."""
    env = make_env(env_id, seed)
    returns, successes = [], []
    for episode in range(episodes):
        (obs, _), total, done, info = env.reset(seed=seed + episode), 0.0, False, {}
        while not done:
            action = agent.policy(obs_tensor(obs), sample=False)[0][0].numpy()
            obs, reward, terminated, truncated, info = env.step(
                to_env_action(action, env.action_space))
            total, done = total + reward, terminated or truncated
        returns.append(float(total))
        successes.append(bool(info.get("is_success", False)))
    env.close()
    return returns, successes
