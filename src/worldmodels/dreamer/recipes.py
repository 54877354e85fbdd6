"""The shipped Dreamer agents: how each is trained (`python -m worldmodels.train NAME`) and loaded.

Each recipe trains Dreamer from a fixed seed, then SAC (`worldmodels.measure.model_free`) on
the same number of environment steps, and records both learning curves in the checkpoint's
metrics, so pages can compare them without training anything.
"""
from __future__ import annotations

import numpy as np
import torch

from .. import checkpoints
from ..measure.model_free import SACConfig, train_sac
from ..world.envs import make_env, sizes
from .agent import Config, Dreamer
from .learn import evaluate, train  # noqa: F401  (the road contract: Config, train, evaluate)

# name -> (environment id, Dreamer's config, SAC's config): both get the same env_steps.
SETUPS = {
    # Both tasks must be learned within a few thousand steps: a faster actor, and twice the
    # imagined trajectories per update to keep its gradient steady. With the defaults, one seed
    # in three missed each task's bar (benchmarks/dreamer_pendulum.py).
    "dreamer_pendulum": ("Pendulum-v1", Config(env_steps=10_000, actor_lr=6e-4, starts=128),
                         SACConfig(env_steps=10_000)),
    "dreamer_cup": ("worldmodels/CupPush-v0", Config(env_steps=5_000, actor_lr=6e-4, starts=128),
                    SACConfig(env_steps=5_000)),
}


CHECKPOINTS = tuple(SETUPS)


def recipe(name: str) -> tuple[dict, dict]:
    """Train the shipped agent `name` (one of CHECKPOINTS) and SAC on the same steps."""
    checkpoints.check_name(name, CHECKPOINTS)
    # Small networks run fastest with torch on one thread; Dreamer's updates give part of
    # their work to a second thread of their own (Dreamer.update_many), SAC's do not.
    torch.set_num_threads(1)
    env_id, cfg, sac_cfg = SETUPS[name]
    agent, history = train(cfg, env_id, progress=True)
    _, sac_history = train_sac(sac_cfg, env_id, progress=True)
    curves = ("episode_step", "episode_return", "episode_success", "eval_return",
              "eval_success", "wall_seconds")
    metrics = {
        "env_id": env_id, "env_steps": cfg.env_steps,
        "eval_return_mean": float(np.mean(history["eval_return"])),
        "eval_success_rate": float(np.mean(history["eval_success"])),
        "sac_eval_return_mean": float(np.mean(sac_history["eval_return"])),
        "sac_eval_success_rate": float(np.mean(sac_history["eval_success"])),
        "dreamer": {k: history[k] for k in curves},
        "sac": {k: sac_history[k] for k in curves},
    }
    return {"env_id": env_id, **agent.payload()}, metrics


def load_pretrained(device: str | torch.device = "cpu", name: str = "dreamer_cup"
                    ) -> tuple[Dreamer, str]:
    """A shipped agent and its environment id: `agent, env_id = load_pretrained(name=...)`.

    "dreamer_pendulum": Gymnasium's Pendulum-v1 (state observations), 10,000 steps;
    "dreamer_cup": the cup task worldmodels/CupPush-v0 (push the cup off the table), 5,000.
    """
    checkpoints.check_name(name, CHECKPOINTS)
    payload = checkpoints.load(name, device=device)
    env = make_env(payload["env_id"])
    agent = Dreamer.from_payload(payload, *sizes(env))
    env.close()
    return agent.to(device).eval(), payload["env_id"]

