"""M of *World Models* (Ha & Schmidhuber 2018): a recurrent network that learns how the VAE's
latent moves, so that the pair (V, M) can dream a future frame by frame.

Letters: B sequences, T steps, D latent size, A action size, K hidden units.

At each step a GRU reads the current latent z_t and action a_t into its memory h_t and outputs
a Gaussian over the next latent:

    h_t = GRU(h_{t-1}, [z_t, a_t]),   p(z_{t+1} | h_t) = N(z_t + mu(h_t), diag(sigma(h_t)^2)).

Ha & Schmidhuber used a mixture of Gaussians here (a mixture-density RNN) because their games
had futures that branch: a monster may or may not shoot. Our world is deterministic given the
hand's actions, so its only uncertainty is what the 32x32 frame hides; a single Gaussian is
enough and simpler to read. The mean is a change added to z_t because most of a frame stays
put from one step to the next: the network learns the motion, not the scene.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from ..devices import pick_device
from . import vae as vae_module
from .frame_data import frame_sequences


@dataclass(frozen=True)
class Config:
    latent_size: int = 16     # D, must equal the VAE's latent size
    action_size: int = 2      # A, the hand's (vx, vy) scaled to [-1, 1]
    hidden: int = 128         # K, GRU units: M's memory of the past
    min_std: float = 0.01     # floor on sigma, in latent units, so the likelihood stays finite
    num_rollouts: int = 256   # rollouts of training data (encoded by V)
    rollout_steps: int = 25   # steps per rollout
    skip: int = 2             # engine steps (0.01 s) between frames
    batch_size: int = 32      # sequences per gradient step
    train_steps: int = 1500   # gradient steps
    lr: float = 2e-3          # Adam learning rate
    seed: int = 0             # seeds the data, the weights and the samples
    device: str = "cpu"       # "cpu", "cuda" or "auto"

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(latent_size=4, hidden=8, num_rollouts=8, rollout_steps=4, batch_size=4,
                   train_steps=30, lr=1e-2)




class SequenceModel(nn.Module):
    """A GRU from (z_t, a_t) to a Gaussian over z_{t+1}."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.gru = nn.GRU(cfg.latent_size + cfg.action_size, cfg.hidden, batch_first=True)
        self.head = nn.Linear(cfg.hidden, 2 * cfg.latent_size)

    def forward(self, latents: Tensor, actions: Tensor,
                memory: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
        """latents (B, T, D), actions (B, T, A) -> mean, std of z_{t+1} (B, T, D), memory (1, B, K).

        memory: the GRU state to start from (zeros when None).
        """
        _check_sequences(latents, actions, self.cfg)
        out, memory = self.gru(torch.cat([latents, actions], dim=-1), memory)  # (B, T, K)
        change, log_std = self.head(out).chunk(2, dim=-1)                      # (B, T, D) each
        std = self.cfg.min_std + nn.functional.softplus(log_std)
        return latents + change, std, memory

    def loss(self, latents: Tensor, actions: Tensor) -> Tensor:
        """Negative log-likelihood (nats per step) of z_1..z_T given latents (B, T+1, D)."""
        mean, std, _ = self(latents[:, :-1], actions)                          # (B, T, D)
        target = latents[:, 1:]
        nll = 0.5 * ((target - mean) / std).pow(2) + std.log() + 0.5 * math.log(2 * math.pi)
        return nll.sum(dim=-1).mean()

    @torch.no_grad()
    def dream(self, latent: Tensor, actions: Tensor, temperature: float = 0.0,
              generator: torch.Generator | None = None) -> Tensor:
        """Imagine latents from z_0 (B, D) under actions (B, H, A): returns (B, H+1, D).

        Each predicted latent is fed back as the next input: an open-loop dream. temperature
        scales the sampled noise: 0 follows the mean, 1 samples from M's own uncertainty.
        """
        if not temperature >= 0:
            raise ValueError(f"temperature must be >= 0, got {temperature}")
        if latent.ndim != 2:
            raise ValueError(f"latent must have shape (B, D), got {tuple(latent.shape)}")
        dreamed, memory = [latent], None
        for t in range(actions.shape[1]):
            mean, std, memory = self(dreamed[-1][:, None], actions[:, t:t + 1], memory)
            noise = torch.randn(mean.shape, generator=generator, device=mean.device)
            dreamed.append((mean + temperature * std * noise)[:, 0])           # (B, D)
        return torch.stack(dreamed, dim=1)                                     # (B, H+1, D)


def encode_sequences(vae: vae_module.VAE, frames: Tensor, batch: int = 512) -> Tensor:
    """The VAE's means for frames (B, T, 3, H, W) -> latents (B, T, D), in chunks."""
    flat = frames.flatten(0, 1)
    with torch.no_grad():
        mu = torch.cat([vae.encode(flat[i:i + batch])[0] for i in range(0, len(flat), batch)])
    return mu.view(*frames.shape[:2], -1)


def train(cfg: Config, vae: vae_module.VAE, frames: Tensor | None = None,
          actions: Tensor | None = None, progress: bool = True) -> tuple[SequenceModel, dict]:
    """Fit M to the latent sequences that a trained `vae` makes of frames (B, T+1, 3, H, W).

    By default the data are fresh random-push rollouts of the cup. Returns the model and a
    history of per-step "loss" (nats per step).
    """
    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    if cfg.latent_size != vae.cfg.latent_size:
        raise ValueError(f"cfg.latent_size must equal the VAE's {vae.cfg.latent_size}, "
                         f"got {cfg.latent_size}")
    if frames is None or actions is None:
        frames, actions = frame_sequences(cfg.num_rollouts, cfg.rollout_steps, skip=cfg.skip,
                                          frame_size=vae.cfg.frame_size, seed=cfg.seed + 1)
    latents = encode_sequences(vae.to(device), frames.to(device))              # (B, T+1, D)
    actions = actions.to(device)
    model = SequenceModel(cfg).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    generator = torch.Generator(device=device).manual_seed(cfg.seed)
    history = {"loss": []}
    for _ in tqdm(range(cfg.train_steps), desc="training M (RNN)", disable=not progress):
        index = torch.randint(len(latents), (cfg.batch_size,), generator=generator, device=device)
        loss = model.loss(latents[index], actions[index])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        optimizer.step()
        history["loss"].append(loss.item())
    return model.eval(), history


def from_payload(payload: dict) -> SequenceModel:
    """Rebuild M from {"config": dict, "state_dict": ...}, as checkpoints store it."""
    model = SequenceModel(Config(**payload["config"]))
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def _check_sequences(latents: Tensor, actions: Tensor, cfg: Config) -> None:
    if latents.ndim != 3 or latents.shape[-1] != cfg.latent_size:
        raise ValueError(f"latents must have shape (B, T, {cfg.latent_size}), "
                         f"got {tuple(latents.shape)}")
    if actions.shape != (*latents.shape[:2], cfg.action_size):
        raise ValueError(f"actions must have shape {(*latents.shape[:2], cfg.action_size)}, "
                         f"got {tuple(actions.shape)}")


def to_payload(model: SequenceModel) -> dict:
    return {"config": asdict(model.cfg), "state_dict": model.state_dict()}
