"""The recurrent state-space model (RSSM) of PlaNet and Dreamer, with categorical latents.

The model state at time t has two parts (Hafner et al. 2019, Sec. 3; Hafner et al. 2023, Sec. 2):

    h_t = f(h_{t-1}, z_{t-1}, a_{t-1})     deterministic: a GRU that carries memory
    z_t ~ q(z_t | h_t, e_t)                stochastic, *posterior*: sees the embedding e_t of x_t
    ẑ_t ~ p(ẑ_t | h_t)                     stochastic, *prior*: must guess z_t without seeing it

z is S independent categorical variables with K classes each (DreamerV2/V3), sampled as one-hot
vectors with straight-through gradients. The features s_t = [h_t, z_t] feed every head.
Learning pulls the prior towards the posterior (the KL term), so that later the model can
*imagine*: roll forward with the prior alone, never seeing an observation.

Letters: B batch, T time, H horizon, S latent variables, K classes, E embedding, A action,
F features (= deter_size + S * K).

Conventions: `actions[:, t]` is the action taken between observation t and observation t+1,
so T observations come with T-1 actions, as in `worldmodels.world.datasets.make_dataset` (frames
(B, T+1), actions (B, T)). Likewise `reward[:, t]` and `cont[:, t]` (1 - terminated) belong
to that transition.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from ..nn import ConvDecoder, ConvEncoder, mlp
from .symlog import symlog

State = dict  # {"deter": (B, D_h), "stoch": (B, S*K), "logits": (B, S, K)}


@dataclass
class WorldModelConfig:
    deter_size: int = 128       # size of the GRU state h (units)
    stoch_size: int = 8         # S: number of categorical latent variables in z
    classes: int = 8            # K: classes per categorical variable
    hidden: int = 128           # width of every hidden layer (units)
    embed_size: int = 128       # size of the observation embedding e_t (units)
    unimix: float = 0.01        # share of the uniform distribution mixed into every categorical
    kl_balance: float = 0.8     # weight of the dynamics side of the KL (prior towards posterior)
    free_bits: float = 1.0      # nats: KL below this is not penalised (per time step)
    kl_scale: float = 1.0       # weight of the KL term against reconstruction
    lr: float = 1e-3            # Adam learning rate of the world model
    grad_clip: float = 100.0    # max gradient norm of a world-model update


class RSSM(nn.Module):
    """Deterministic GRU state h plus S categorical latents z; posterior q(z|h,e), prior p(z|h)."""

    def __init__(self, embed_size: int, action_size: int, deter_size: int = 128,
                 stoch_size: int = 8, classes: int = 8, hidden: int = 128, unimix: float = 0.01):
        super().__init__()
        if min(embed_size, action_size, deter_size, stoch_size, classes, hidden) < 1:
            raise ValueError("embed_size, action_size, deter_size, stoch_size, classes and hidden "
                             "must all be positive integers")
        if not 0.0 <= unimix < 1.0:
            raise ValueError(f"unimix must lie in [0, 1), got {unimix}")
        self.deter_size, self.stoch_size, self.classes = deter_size, stoch_size, classes
        self.action_size, self.unimix = action_size, unimix
        latent = stoch_size * classes
        self.img_in = nn.Sequential(nn.Linear(latent + action_size, hidden),
                                    nn.LayerNorm(hidden), nn.SiLU())
        self.gru = nn.GRUCell(hidden, deter_size)
        self.prior_net = mlp(deter_size, latent, hidden, layers=1)
        self.post_net = mlp(deter_size + embed_size, latent, hidden, layers=1)

    @property
    def feature_size(self) -> int:
        return self.deter_size + self.stoch_size * self.classes

    def initial(self, batch_size: int, device: torch.device | str = "cpu") -> State:
        """The state before the first observation: all zeros, uniform logits."""
        S, K = self.stoch_size, self.classes
        return {"deter": torch.zeros(batch_size, self.deter_size, device=device),
                "stoch": torch.zeros(batch_size, S * K, device=device),
                "logits": torch.zeros(batch_size, S, K, device=device)}

    def features(self, state: State) -> torch.Tensor:
        """s = [h, z], (B, F): what every head and the actor-critic read."""
        return torch.cat([state["deter"], state["stoch"]], dim=-1)

    def _logits(self, raw: torch.Tensor) -> torch.Tensor:
        """Raw outputs (..., S*K) -> log-probabilities (..., S, K) with a uniform mix.

        DreamerV3 (Sec. 2, "unimix") mixes 1 % of the uniform distribution into every
        categorical, so no class ever has probability zero: the KL stays finite and the
        gradients never vanish because a latent became deterministic.
        """
        probs = F.softmax(raw.unflatten(-1, (self.stoch_size, self.classes)), dim=-1)
        probs = (1 - self.unimix) * probs + self.unimix / self.classes
        return torch.log(probs)

    def _sample(self, logits: torch.Tensor) -> torch.Tensor:
        """One-hot samples (B, S*K) with straight-through gradients (Bengio et al. 2013)."""
        probs = logits.exp()                                               # (B, S, K)
        # Gumbel-max: argmax(log p + Gumbel noise) is a draw from p, cheaper than multinomial.
        gumbel = -torch.log(-torch.log(torch.rand_like(logits).clamp(min=1e-20)))
        index = (logits.detach() + gumbel).argmax(-1, keepdim=True)       # (B, S, 1)
        one_hot = torch.zeros_like(probs).scatter_(-1, index, 1.0)         # (B, S, K)
        return (one_hot + probs - probs.detach()).flatten(-2)             # (B, S*K)

    def img_step(self, state: State, action: torch.Tensor) -> State:
        """One step of imagination: h' = GRU(h, [z, a]); z' ~ p(z' | h'). Returns the prior."""
        x = self.img_in(torch.cat([state["stoch"], action], dim=-1))        # (B, hidden)
        deter = self.gru(x, state["deter"])                                 # (B, D_h)
        logits = self._logits(self.prior_net(deter))                        # (B, S, K)
        return {"deter": deter, "stoch": self._sample(logits), "logits": logits}

    def obs_step(self, state: State, action: torch.Tensor, embed: torch.Tensor
                 ) -> tuple[State, State]:
        """One filtering step: advance with the action, then correct z with the observation.

        Returns (posterior, prior); both share h, they differ in how z was drawn.
        """
        prior = self.img_step(state, action)
        logits = self._logits(self.post_net(torch.cat([prior["deter"], embed], dim=-1)))
        post = {"deter": prior["deter"], "stoch": self._sample(logits), "logits": logits}
        return post, prior

    def observe(self, embeds: torch.Tensor, actions: torch.Tensor,
                is_first: torch.Tensor | None = None, start: State | None = None) -> dict:
        """Filter a sequence: posteriors and priors for every observation.

        embeds (B, T, E); actions (B, T-1, A), actions[:, t] taken after observation t;
        is_first (B, T) optional, 1 where an episode starts (the state is reset there);
        start: the state before observation 0 (default: `initial`).
        Returns {"post_logits", "prior_logits": (B, T, S, K), "features": (B, T, F),
        "post": posterior State of every step, flattened to (B*T, ...), "last": State at T-1}.
        """
        B, T = _check_sequence(embeds, actions, self.action_size)
        state = start if start is not None else self.initial(B, embeds.device)
        prev_action = torch.zeros(B, self.action_size, device=embeds.device)
        posts, priors = [], []
        for t in range(T):
            if t > 0:
                prev_action = actions[:, t - 1]
            if is_first is not None:  # a new episode: forget the old one
                keep = (1.0 - is_first[:, t].float())[:, None]              # (B, 1)
                state = {k: v * (keep if v.dim() == 2 else keep[..., None])
                         for k, v in state.items()}
                prev_action = prev_action * keep
            post, prior = self.obs_step(state, prev_action, embeds[:, t])
            posts.append(post)
            priors.append(prior)
            state = post
        stack = lambda states, key: torch.stack([s[key] for s in states], dim=1)  # noqa: E731
        post_all = {k: stack(posts, k) for k in posts[0]}                  # (B, T, ...)
        return {"post_logits": post_all["logits"], "prior_logits": stack(priors, "logits"),
                "features": torch.cat([post_all["deter"], post_all["stoch"]], dim=-1),
                "post": {k: v.flatten(0, 1) for k, v in post_all.items()}, "last": state}

    def imagine(self, start: State, policy: Callable | torch.Tensor, horizon: int) -> dict:
        """Roll forward with the prior only, never seeing an observation.

        start: State with batch B; policy: a function features (B, F) -> actions (B, A), or a
        tensor of actions (B, horizon, A). Returns {"features": (B, horizon+1, F), index 0 the
        start; "actions": (B, horizon, A); "prior_logits": (B, horizon, S, K)}.
        """
        if not (isinstance(horizon, int) and horizon >= 1):
            raise ValueError(f"horizon must be an int >= 1, got {horizon!r}")
        B = start["deter"].shape[0]
        if isinstance(policy, torch.Tensor) and policy.shape != (B, horizon, self.action_size):
            raise ValueError(f"actions must have shape (B, horizon, A) = "
                             f"{(B, horizon, self.action_size)}, got {tuple(policy.shape)}")
        if not (isinstance(policy, torch.Tensor) or callable(policy)):
            raise TypeError("policy must be a callable features -> actions or a tensor of actions")
        state, features, actions, logits = start, [self.features(start)], [], []
        for t in range(horizon):
            action = policy[:, t] if isinstance(policy, torch.Tensor) else policy(features[-1])
            state = self.img_step(state, action)
            features.append(self.features(state))
            actions.append(action)
            logits.append(state["logits"])
        return {"features": torch.stack(features, 1), "actions": torch.stack(actions, 1),
                "prior_logits": torch.stack(logits, 1)}


def kl_divergence(post_logits: torch.Tensor, prior_logits: torch.Tensor) -> torch.Tensor:
    """KL[q || p] between S independent categoricals, summed over S: (..., S, K) -> (...)."""
    return (post_logits.exp() * (post_logits - prior_logits)).sum(dim=(-2, -1))


def kl_loss(post_logits: torch.Tensor, prior_logits: torch.Tensor, balance: float = 0.8,
            free_bits: float = 1.0) -> torch.Tensor:
    """KL balancing (Hafner et al. 2021) and free bits (Kingma et al. 2016), a scalar.

        balance * max(free_bits, KL[sg(q) || p]) + (1 - balance) * max(free_bits, KL[q || sg(p)])

    sg is stop-gradient. The first term trains the prior towards the posterior (dynamics), the
    second the posterior towards the prior (representation); balance > 0.5 lets the prior move
    faster, so the posterior is not dragged towards a poor early prior. Free bits: KL below
    `free_bits` nats per step is not penalised, so the latents keep room to carry information.
    The max is taken per time step (over (B, T)), then averaged.
    """
    if post_logits.shape != prior_logits.shape or post_logits.dim() < 2:
        raise ValueError(f"post_logits and prior_logits must have the same shape (..., S, K), "
                         f"got {tuple(post_logits.shape)} and {tuple(prior_logits.shape)}")
    if not 0.0 <= balance <= 1.0:
        raise ValueError(f"balance must lie in [0, 1], got {balance}")
    if free_bits < 0:
        raise ValueError(f"free_bits must be >= 0 nats, got {free_bits}")
    dyn = kl_divergence(post_logits.detach(), prior_logits).clamp(min=free_bits)
    rep = kl_divergence(post_logits, prior_logits.detach()).clamp(min=free_bits)
    return balance * dyn.mean() + (1 - balance) * rep.mean()


class WorldModel(nn.Module):
    """Encoder, RSSM, decoder, reward and continue heads: the whole learned world.

    obs_shape (D,) for vector observations (MLP encoder/decoder, targets in symlog space) or
    (3, H, W) for frames in [0, 1] (`worldmodels.nn.ConvEncoder/ConvDecoder`, H = W).
    """

    def __init__(self, obs_shape: tuple[int, ...], action_size: int,
                 cfg: WorldModelConfig = WorldModelConfig()):
        super().__init__()
        obs_shape = tuple(int(n) for n in obs_shape)
        if len(obs_shape) == 1 and obs_shape[0] >= 1:
            self.encoder = mlp(obs_shape[0], cfg.embed_size, cfg.hidden, layers=2)
        elif len(obs_shape) == 3 and obs_shape[0] == 3 and obs_shape[1] == obs_shape[2]:
            self.encoder = ConvEncoder(obs_shape[1], cfg.embed_size)
        else:
            raise ValueError(f"obs_shape must be (D,) or (3, H, H), got {obs_shape}")
        self.obs_shape, self.cfg = obs_shape, cfg
        self.rssm = RSSM(cfg.embed_size, action_size, cfg.deter_size, cfg.stoch_size,
                         cfg.classes, cfg.hidden, cfg.unimix)
        F_ = self.rssm.feature_size
        self.decoder = (mlp(F_, obs_shape[0], cfg.hidden, layers=2) if self.is_vector
                        else ConvDecoder(obs_shape[1], F_))
        self.reward_head = mlp(F_, 1, cfg.hidden, layers=2)   # predicts symlog(reward)
        self.cont_head = mlp(F_, 1, cfg.hidden, layers=2)     # logit of "the episode goes on"

    @property
    def is_vector(self) -> bool:
        return len(self.obs_shape) == 1

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        """Observations (..., *obs_shape) -> embeddings (..., E). Vectors pass through symlog."""
        if tuple(obs.shape[obs.dim() - len(self.obs_shape):]) != self.obs_shape:
            raise ValueError(f"obs must end in shape {self.obs_shape}, got {tuple(obs.shape)}")
        lead = obs.shape[:obs.dim() - len(self.obs_shape)]
        x = obs.reshape(-1, *self.obs_shape)
        x = symlog(x) if self.is_vector else x
        return self.encoder(x).reshape(*lead, -1)

    def decode(self, features: torch.Tensor) -> torch.Tensor:
        """Features (..., F) -> predicted observations (..., *obs_shape).

        Vectors come out in symlog space (apply `symexp` for the observation itself), frames
        as pixels in [0, 1]."""
        lead = features.shape[:-1]
        out = self.decoder(features.reshape(-1, features.shape[-1]))
        out = out if self.is_vector else torch.sigmoid(out)
        return out.reshape(*lead, *self.obs_shape)

    def loss(self, batch: dict) -> tuple[torch.Tensor, dict, dict]:
        """The world-model loss of DreamerV3 (Hafner et al. 2023, Sec. 2) on a batch of sequences.

        batch: "obs" (B, T, *obs_shape); "action" (B, T-1, A); optional "reward", "cont" and
        "mask" (B, T-1) (mask = 0 for transitions that cross an episode boundary) and
        "is_first" (B, T). Returns (scalar loss, metrics as floats, "out" of `RSSM.observe`).
        """
        obs = batch["obs"]
        out = self.rssm.observe(self.encode(obs), batch["action"], batch.get("is_first"))
        feats = out["features"]                                             # (B, T, F)
        target = symlog(obs) if self.is_vector else obs
        dims = tuple(range(2, obs.dim()))
        recon = ((self.decode(feats) - target) ** 2).sum(dim=dims).mean()
        kl = kl_loss(out["post_logits"], out["prior_logits"], self.cfg.kl_balance,
                     self.cfg.free_bits)
        loss = recon + self.cfg.kl_scale * kl
        metrics = {"recon": recon.item(), "kl": kl_divergence(out["post_logits"],
                                                             out["prior_logits"]).mean().item()}
        mask = batch.get("mask", torch.ones_like(feats[:, 1:, 0]))           # (B, T-1)
        if "reward" in batch:
            pred = self.reward_head(feats[:, 1:]).squeeze(-1)               # (B, T-1)
            error = (pred - symlog(batch["reward"])) ** 2                     # (B, T-1)
            reward = (error * mask).sum() / mask.sum().clamp(min=1)
            loss, metrics["reward"] = loss + reward, reward.item()
        if "cont" in batch:
            logit = self.cont_head(feats[:, 1:]).squeeze(-1)                # (B, T-1)
            bce = F.binary_cross_entropy_with_logits(logit, batch["cont"], reduction="none")
            cont = (bce * mask).sum() / mask.sum().clamp(min=1)
            loss, metrics["cont"] = loss + cont, cont.item()
        metrics["loss"] = loss.item()
        return loss, metrics, out


def _check_sequence(embeds: torch.Tensor, actions: torch.Tensor, action_size: int
                    ) -> tuple[int, int]:
    if embeds.dim() != 3:
        raise ValueError(f"embeds must have shape (B, T, E), got {tuple(embeds.shape)}")
    B, T, _ = embeds.shape
    if actions.shape != (B, T - 1, action_size):
        raise ValueError(f"actions must have shape (B, T-1, A) = {(B, T - 1, action_size)} "
                         f"(one action between consecutive observations), got "
                         f"{tuple(actions.shape)}")
    return B, T
