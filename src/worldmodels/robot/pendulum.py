"""The same planner and the same kind of learned ensemble on a standard task with a known cost:
Gymnasium's Pendulum-v1 (swing a pendulum up with a motor too weak to lift it directly, and
hold it upright).

    controller = PendulumMPC(true_step)              # the oracle: Pendulum-v1's own equations
    model, history = train(PendulumConfig())         # PETS: learned from a few episodes
    controller = PendulumMPC(model.step)             # ... and planned through

The state is the angle and angular velocity (theta, theta'), theta = 0 upright; the
observation is (cos theta, sin theta, theta'); the action a in [-1, 1] is the torque / 2 N m.
The cost is the environment's own, theta^2 + 0.1 theta'^2 + 0.001 torque^2 per step (its
reward is minus that), so the planner minimises exactly what the task scores.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import gymnasium
import numpy as np
import torch
from torch import Tensor
from tqdm.auto import tqdm

from .. import planning
from .ensemble import GaussianEnsemble, fit_gaussian

ENV_ID = "Pendulum-v1"
# Pendulum-v1's constants: gravity (m/s^2), mass (kg), length (m), time step (s), limits.
GRAVITY, MASS, LENGTH, DT, MAX_SPEED, MAX_TORQUE = 10.0, 1.0, 1.0, 0.05, 8.0, 2.0


def wrap(angle: Tensor) -> Tensor:
    """Angles to [-pi, pi)."""
    return (angle + math.pi) % (2 * math.pi) - math.pi


def true_step(state: Tensor, action: Tensor) -> Tensor:
    """Pendulum-v1's equations, batched: (..., 2) state, (..., 1) action -> next state."""
    theta, speed = state[..., 0], state[..., 1]
    torque = MAX_TORQUE * action[..., 0].clamp(-1, 1)
    speed = speed + (3 * GRAVITY / (2 * LENGTH) * torch.sin(theta)
                     + 3.0 / (MASS * LENGTH ** 2) * torque) * DT
    speed = speed.clamp(-MAX_SPEED, MAX_SPEED)
    return torch.stack([theta + speed * DT, speed], -1)


def state_of(obs) -> Tensor:
    """Observation (cos, sin, theta') -> state (theta, theta')."""
    obs = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
    return torch.stack([torch.atan2(obs[1], obs[0]), obs[2]])


def cost(states: Tensor, actions: Tensor) -> Tensor:
    """Pendulum-v1's cost summed over a plan: states (K, H + 1, 2), actions (K, H, 1) -> (K,)."""
    theta, speed = wrap(states[:, :-1, 0]), states[:, :-1, 1]
    torque = MAX_TORQUE * actions[..., 0]
    return (theta ** 2 + 0.1 * speed ** 2 + 0.001 * torque ** 2).sum(-1)


class Rollouts:
    """dynamics(start, actions) for the planner: K plans rolled out under `step`, `members`
    futures each (member-major rows, as an ensemble's step takes them) -> (members K, H + 1, 2)
    states. step maps (members K, 2) states and (members K, 1) actions to next states."""

    def __init__(self, step, members: int = 1):
        self.step, self.members = step, members

    def __call__(self, start: Tensor, actions: Tensor) -> Tensor:
        K, H, _ = actions.shape
        state = start.expand(self.members * K, 2)
        path = [state]
        for t in range(H):
            state = self.step(state, actions[:, t].repeat(self.members, 1))
            path.append(state)
        return torch.stack(path, 1)


def ensemble_cost(states: Tensor, actions: Tensor) -> Tensor:
    """`cost` for rollouts with several futures per plan (rows member-major): their mean."""
    K = len(actions)
    members = len(states) // K
    return cost(states, actions.repeat(members, 1, 1)).view(members, K).mean(0)


class PendulumMPC:
    """Receding-horizon CEM for Pendulum-v1 through `step` (true_step, or a model's step).
    act(obs) -> action (1,) float32 in [-1, 1]."""

    def __init__(self, step, *, horizon: int = 25, samples: int = 100, elites: int = 10,
                 iterations: int = 3, first_iterations: int = 8, seed: int = 0,
                 members: int = 1):
        self.controller = planning.RecedingHorizon(
            "cem", Rollouts(step, members), cost if members == 1 else ensemble_cost, horizon, 1,
            seed=seed, samples=samples, elites=elites, iterations=iterations,
            first_iterations=first_iterations, init_std=1.0)

    def reset(self) -> None:
        self.controller.reset()

    def act(self, obs) -> np.ndarray:
        with torch.no_grad():
            return self.controller.act(state_of(obs)).numpy().astype(np.float32)


@dataclass(frozen=True)
class PendulumConfig:
    members: int = 5            # networks in the ensemble
    hidden: int = 64            # width of each member's two hidden layers
    lr: float = 2e-3            # Adam learning rate
    batch_size: int = 128       # transitions per gradient step, per member
    fit_steps: int = 300        # gradient steps after each episode
    beta: float = 0.5           # beta-NLL, as for the arm
    episodes: int = 4           # planner episodes after one episode of random torques
    seed: int = 0               # seeds the networks, the data and the planner


class PendulumModel(GaussianEnsemble):
    """E Gaussians over the change of (theta, theta') given (cos, sin, theta', action)."""

    def __init__(self, cfg: PendulumConfig):
        if not (isinstance(cfg.members, int) and cfg.members >= 1):
            raise ValueError(f"cfg.members must be an int >= 1, got {cfg.members!r}")
        super().__init__(cfg.members, 4, 2, cfg.hidden, layers=2)
        self.cfg = cfg

    @staticmethod
    def inputs(state: Tensor, action: Tensor) -> Tensor:
        theta = state[..., :1]
        return torch.cat([torch.cos(theta), torch.sin(theta), state[..., 1:], action], -1)

    def step(self, state: Tensor, action: Tensor) -> Tensor:
        """(E K, 2) states and (E K, 1) actions, member-major -> (E K, 2): each member's
        mean next state for its own K rows (with a planner's many candidates, sampling each
        member's noise adds little here)."""
        E = self.cfg.members
        x = self.inputs(state, action).view(E, -1, 4)
        mean, _ = self(x)
        return state + (mean * self.out_std).reshape(-1, 2)


def play(env: gymnasium.Env, act, seed: int) -> tuple[dict, float]:
    """One episode of 200 steps: its transitions (state, action, next state) and its return."""
    obs, _ = env.reset(seed=seed)
    rows, total = {"state": [], "action": [], "next": []}, 0.0
    for _ in range(200):
        action = np.asarray(act(obs), dtype=np.float32).reshape(1)
        next_obs, reward, terminated, truncated, _ = env.step(MAX_TORQUE * action)
        rows["state"].append(state_of(obs))
        rows["action"].append(torch.from_numpy(action))
        rows["next"].append(state_of(next_obs))
        obs, total = next_obs, total + float(reward)
        if terminated or truncated:
            break
    return {k: torch.stack(v) for k, v in rows.items()}, total


def fit(model: PendulumModel, optimiser: torch.optim.Optimizer, data: dict,
        generator: torch.Generator) -> list[float]:
    inputs = PendulumModel.inputs(data["state"], data["action"])
    change = data["next"] - data["state"]
    change[:, 0] = wrap(change[:, 0])            # the observed angle jumps by 2 pi at the bottom
    return fit_gaussian(model, optimiser, inputs, change,
                        model.cfg.fit_steps, generator, model.cfg.batch_size, model.cfg.beta)


def train(cfg: PendulumConfig, progress: bool = True) -> tuple[PendulumModel, dict]:
    """PETS on Pendulum-v1: one episode of random torques, then `episodes` rounds of (fit,
    one episode planned through the ensemble). history: each planner episode's return and the
    real steps used when it ended; timing."""
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    env = gymnasium.make(ENV_ID)
    model = PendulumModel(cfg)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    episodes = [play(env, lambda obs: rng.uniform(-1, 1, 1), seed=cfg.seed * 1000)[0]]
    history, start = {"episode_step": [], "episode_return": []}, time.perf_counter()
    for i in tqdm(range(cfg.episodes), desc="PETS on Pendulum, episodes", disable=not progress):
        data = {k: torch.cat([e[k] for e in episodes]) for k in episodes[0]}
        fit(model, optimiser, data, generator)
        controller = PendulumMPC(model.step, seed=cfg.seed * 1000 + i, members=cfg.members)
        episode, total = play(env, controller.act, seed=cfg.seed * 1000 + 1 + i)
        episodes.append(episode)
        history["episode_step"].append(sum(len(e["state"]) for e in episodes))
        history["episode_return"].append(total)
    data = {k: torch.cat([e[k] for e in episodes]) for k in episodes[0]}
    fit(model, optimiser, data, generator)
    history["wall_seconds"] = [time.perf_counter() - start]
    return model.eval(), history
