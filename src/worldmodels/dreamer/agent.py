"""Dreamer: an actor and a critic that learn only from trajectories imagined by the world model.

One update (Hafner et al. 2020, Algorithm 1; Hafner et al. 2023, Sec. 3):
  1. fit the world model to a batch of real sequences (`WorldModel.loss`);
  2. from `starts` posterior states of that batch, imagine `horizon` steps with the prior,
     choosing actions with the actor;
  3. the critic scores the imagined states; λ-returns combine predicted rewards and values;
  4. the actor improves the imagined return. By default it backpropagates the normalised
     λ-return through the model's dynamics into its actions (Dreamer 1; Hafner et al. 2020,
     Sec. 4): on a budget of a few thousand CPU updates this gradient learns far faster than
     the alternative, REINFORCE on normalised advantages (λ-return minus the critic's value),
     which DreamerV3 uses for every action type (Williams 1992) and which `actor_grad =
     "reinforce"` selects. The critic regresses onto the λ-return.

Letters: N imagined start states (at most B * L), H horizon, F features, A action.
"""
from __future__ import annotations

import copy
import functools
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Callable

import torch
from torch import nn

from ..nn import mlp
from .returns import ReturnNormalizer, lambda_return
from .rssm import WorldModel, WorldModelConfig
from .symlog import symexp, symlog

ACTOR_GRADS = ("dynamics", "reinforce")


@functools.cache
def _worker() -> ThreadPoolExecutor:
    """The second thread of `Dreamer.update_many`; torch runs on one thread inside it."""
    return ThreadPoolExecutor(1, initializer=torch.set_num_threads, initargs=(1,))


@dataclass(frozen=True)
class Config:
    env_steps: int = 10_000          # real environment steps in total
    prefill: int = 1_000             # steps of uniformly random actions before learning starts
    train_every: float = 1.0         # environment steps per gradient update; may be fractional
    action_repeat: int = 2           # environment steps each chosen action is held for
    batch_size: int = 16             # B: sequences per world-model batch
    seq_len: int = 16                # L: steps per sequence
    horizon: int = 10                # H: imagination steps per actor-critic update
    starts: int = 64                 # N: imagined trajectories per update (at most B * L used)
    gamma: float = 0.99              # discount per step
    lam: float = 0.95                # λ of the λ-return
    actor_lr: float = 3e-4           # Adam learning rate of the actor
    critic_lr: float = 3e-4          # Adam learning rate of the critic
    entropy: float = 3e-4            # weight of the actor's entropy bonus (on normalised returns)
    actor_grad: str = "dynamics"     # "dynamics": backprop the return; "reinforce": score function
    slow_critic_decay: float = 0.98  # EMA decay of the slow critic
    slow_critic_reg: float = 1.0     # weight of the pull of the critic towards the slow critic
    return_decay: float = 0.99       # EMA decay of the percentile range of returns
    hidden: int = 64                 # width of the actor's and critic's hidden layers
    replay_capacity: int = 100_000   # steps kept in the replay buffer
    eval_episodes: int = 10          # evaluation episodes at the end of training
    seed: int = 0                    # seeds torch, numpy and the environment
    model: WorldModelConfig = field(default_factory=lambda: WorldModelConfig(
        deter_size=64, hidden=64, embed_size=64))  # the world model, small for a 2-core CPU

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that runs the whole loop in a couple of seconds, for tests."""
        model = WorldModelConfig(deter_size=16, stoch_size=4, classes=4, hidden=16, embed_size=16)
        return cls(env_steps=300, prefill=100, train_every=20, action_repeat=2, batch_size=4,
                   seq_len=8, horizon=5, hidden=16, eval_episodes=1, model=model)


class Actor(nn.Module):
    """π(a | s): a Normal squashed by tanh into [-1, 1]^A (Hafner et al. 2020, Sec. 4)."""

    def __init__(self, feature_size: int, action_size: int, hidden: int = 128,
                 min_std: float = 0.1, max_std: float = 1.0):
        super().__init__()
        self.net = mlp(feature_size, 2 * action_size, hidden, layers=2)
        self.min_std, self.max_std = min_std, max_std

    def forward(self, features: torch.Tensor, sample: bool = True
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Features (N, F) -> (actions in [-1, 1] (N, A), entropy of the Normal (N,))."""
        mean, raw_std = self.net(features).chunk(2, dim=-1)
        std = self.min_std + (self.max_std - self.min_std) * torch.sigmoid(raw_std)
        noise = torch.randn_like(mean) if sample else torch.zeros_like(mean)
        action = torch.tanh(mean + std * noise)      # reparameterised: gradients reach mean, std
        # validate_args=False: std is positive by construction, and checking it costs a sync
        entropy = torch.distributions.Normal(mean, std, validate_args=False).entropy().sum(-1)
        return action, entropy

    def log_prob(self, features: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """log π(action | features), (N,): a Normal pushed through tanh (change of variables)."""
        mean, raw_std = self.net(features).chunk(2, dim=-1)
        std = self.min_std + (self.max_std - self.min_std) * torch.sigmoid(raw_std)
        action = action.clamp(-1 + 1e-5, 1 - 1e-5)
        pre_tanh = torch.atanh(action)
        log_prob = torch.distributions.Normal(mean, std, validate_args=False).log_prob(pre_tanh)
        return (log_prob - torch.log1p(-action ** 2)).sum(-1)


class Dreamer(nn.Module):
    """World model, actor, critic and slow critic, with their optimisers."""

    def __init__(self, obs_size: int, action_size: int, cfg: Config):
        super().__init__()
        if cfg.actor_grad not in ACTOR_GRADS:
            raise ValueError(f"cfg.actor_grad must be one of {ACTOR_GRADS}, got {cfg.actor_grad!r}")
        if cfg.starts < 1 or cfg.horizon < 1:
            raise ValueError(f"cfg.starts and cfg.horizon must be >= 1, got {cfg.starts}, "
                             f"{cfg.horizon}")
        self.cfg = cfg
        self.world_model = WorldModel((obs_size,), action_size, cfg.model)
        F_ = self.world_model.rssm.feature_size
        self.actor = Actor(F_, action_size, cfg.hidden)
        self.critic = mlp(F_, 1, cfg.hidden, layers=2)    # predicts symlog(value)
        # The slow critic is an exponential moving average of the critic (DreamerV3, Sec. 3):
        # the critic is pulled towards it, so it cannot drift fast while it learns from
        # targets built from its own values.
        self.slow_critic = copy.deepcopy(self.critic).requires_grad_(False)
        self.normalizer = ReturnNormalizer(cfg.return_decay)
        # foreach: one batched update for all of a model's tensors, the same numbers sooner
        self.wm_opt = torch.optim.Adam(self.world_model.parameters(), lr=cfg.model.lr,
                                       foreach=True)
        self.actor_opt = torch.optim.Adam(self.actor.parameters(), lr=cfg.actor_lr, foreach=True)
        self.critic_opt = torch.optim.Adam(self.critic.parameters(), lr=cfg.critic_lr,
                                           foreach=True)

    def value(self, features: torch.Tensor, slow: bool = False) -> torch.Tensor:
        """Values (...) of features (..., F): the critic works in symlog space."""
        return symexp((self.slow_critic if slow else self.critic)(features).squeeze(-1))

    def update(self, batch: dict) -> dict:
        """One world-model step and one actor-critic step in imagination; returns metrics."""
        return self.update_many([batch])[0]

    def update_many(self, batches: list[dict]) -> list[dict]:
        """`update` on each batch in turn: the same numbers as one call per batch, sooner.

        The second core does work that the first would otherwise do next. While the actor's
        backward pass runs, a worker thread computes the world model's loss and gradients on
        the next batch (after the last batch, the critic's gradients instead). That work
        changes no weight that the actor's backward pass reads and draws no random numbers,
        so the draws keep their order. Every optimiser steps on the calling thread, once the
        gradients it needs are in.
        """
        results = []
        following = _worker().submit(self._world_model_grads, batches[0]) if batches else None
        for i in range(len(batches)):
            metrics, out = following.result()
            nn.utils.clip_grad_norm_(self.world_model.parameters(), self.cfg.model.grad_clip)
            self.wm_opt.step()
            # Imagination starts from a random subset of the batch's posterior states:
            # neighbours in a sequence start nearly the same futures, and fewer starts cost less.
            pick = torch.randperm(len(out["post"]["deter"]))[:self.cfg.starts]
            start = {k: v[pick].detach() for k, v in out["post"].items()}  # N states
            alongside = (functools.partial(self._world_model_grads, batches[i + 1])
                         if i + 1 < len(batches) else None)
            actor_critic, following = self._imagination_step(start, alongside)
            results.append({**metrics, **actor_critic})
        return results

    def _world_model_grads(self, batch: dict) -> tuple[dict, dict]:
        """The world model's loss on `batch`, backpropagated into .grad: (metrics, observe's out)."""
        loss, metrics, out = self.world_model.loss(batch)
        self.wm_opt.zero_grad()
        loss.backward()
        return metrics, out

    def imagination_step(self, start: dict) -> dict:
        """Actor and critic learn from trajectories imagined from `start` (N states)."""
        return self._imagination_step(start)[0]

    def _imagination_step(self, start: dict, alongside: Callable | None = None
                          ) -> tuple[dict, Future | None]:
        """imagination_step, running `alongside()` on the worker during the actor's backward pass.

        Returns (metrics, the Future of alongside's result, or None)."""
        cfg, wm = self.cfg, self.world_model
        backprop = cfg.actor_grad == "dynamics"
        # Gradients may flow *through* the world model and critic to the actor, but only the
        # actor learns from this loss: their own weights are frozen while it is built.
        wm.requires_grad_(False)
        self.critic.requires_grad_(False)
        try:
            with torch.set_grad_enabled(backprop):
                traj = wm.rssm.imagine(start, lambda f: self.actor(f)[0], cfg.horizon)
                feats = traj["features"]                                    # (N, H+1, F)
                reward = symexp(wm.reward_head(feats[:, 1:]).squeeze(-1))   # (N, H)
                cont = torch.sigmoid(wm.cont_head(feats[:, 1:]).squeeze(-1))  # (N, H)
                values = self.value(feats)                                  # (N, H+1)
                returns = lambda_return(reward, values, cont, cfg.gamma, cfg.lam)  # (N, H)
        finally:  # an error inside must not leave the model frozen
            wm.requires_grad_(True)
            self.critic.requires_grad_(True)
        # A trajectory that the model thinks has ended counts less from then on.
        weight = torch.cumprod(torch.cat([torch.ones_like(cont[:, :1]), cont[:, :-1]], 1),
                               1).detach()                                  # (N, H)
        scale = self.normalizer.update(returns)
        states = feats[:, :-1].detach().flatten(0, 1)                       # (N*H, F)
        _, entropy = self.actor(states)
        if backprop:  # Dreamer 1: climb the gradient of the return itself
            objective = returns / scale                                     # (N, H)
        else:         # DreamerV3: REINFORCE, weighted by the normalised advantage
            advantage = ((returns - values[:, :-1]) / scale).detach()       # (N, H)
            log_prob = self.actor.log_prob(states, traj["actions"].detach().flatten(0, 1))
            objective = log_prob.view_as(returns) * advantage
        actor_loss = -(weight * objective).mean() - cfg.entropy * entropy.mean()
        # The last random draw is behind us: the worker may start (see update_many).
        self.actor_opt.zero_grad()
        self.critic_opt.zero_grad()
        # The worker takes `alongside` if there is one, else the critic's gradients.
        critic = functools.partial(self._critic_grads, feats.detach(), returns.detach(), weight)
        following = _worker().submit(alongside or critic)
        actor_loss.backward()
        nn.utils.clip_grad_norm_(self.actor.parameters(), 100.0)
        self.actor_opt.step()
        if alongside is None:
            critic_loss, following = following.result(), None
        else:
            critic_loss = critic()
        # The critic steps only now: the actor's backward pass read its weights.
        nn.utils.clip_grad_norm_(self.critic.parameters(), 100.0)
        self.critic_opt.step()
        self._update_slow_critic()
        return {"actor_loss": actor_loss.item(), "critic_loss": critic_loss.item(),
                "imagined_return": returns.mean().item(), "return_scale": scale,
                "mean_abs_action": traj["actions"].abs().mean().item(),
                "entropy": entropy.mean().item()}, following

    def _critic_grads(self, feats: torch.Tensor, returns: torch.Tensor, weight: torch.Tensor
                      ) -> torch.Tensor:
        """The critic's loss on imagined features (N, H+1, F); leaves its gradients in .grad."""
        pred = self.critic(feats[:, :-1]).squeeze(-1)                       # (N, H) symlog
        with torch.no_grad():
            slow = self.slow_critic(feats[:, :-1]).squeeze(-1)
        # Regress onto the λ-return, and stay close to the slow critic (DreamerV3, Sec. 3).
        critic_loss = (weight * ((pred - symlog(returns)) ** 2
                                 + self.cfg.slow_critic_reg * (pred - slow) ** 2)).mean()
        critic_loss.backward()
        return critic_loss

    @torch.no_grad()
    def _update_slow_critic(self) -> None:
        decay = self.cfg.slow_critic_decay
        for slow, fast in zip(self.slow_critic.parameters(), self.critic.parameters()):
            slow.lerp_(fast, 1 - decay)

    @torch.no_grad()
    def act(self, state: dict | None, prev_action: torch.Tensor, obs: torch.Tensor,
            sample: bool = True) -> tuple[torch.Tensor, dict]:
        """Filter one real observation (1, D) into the state, then act: ((1, A), new state)."""
        rssm = self.world_model.rssm
        state = state if state is not None else rssm.initial(1, obs.device)
        post, _ = rssm.obs_step(state, prev_action, self.world_model.encode(obs))
        action, _ = self.actor(rssm.features(post), sample=sample)
        return action, post

    def payload(self) -> dict:
        """The state to ship: weights and the config as plain values (no optimisers)."""
        cfg = asdict(self.cfg)
        return {"config": cfg, "world_model": self.world_model.state_dict(),
                "actor": self.actor.state_dict(), "critic": self.critic.state_dict()}

    @classmethod
    def from_payload(cls, payload: dict, obs_size: int, action_size: int) -> "Dreamer":
        cfg_dict = dict(payload["config"])
        cfg = Config(**{**cfg_dict, "model": WorldModelConfig(**cfg_dict["model"])})
        agent = cls(obs_size, action_size, cfg)
        agent.world_model.load_state_dict(payload["world_model"])
        agent.actor.load_state_dict(payload["actor"])
        agent.critic.load_state_dict(payload["critic"])
        return agent
