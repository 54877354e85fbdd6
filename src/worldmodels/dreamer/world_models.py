"""V and M together: the *World Models* recipe (Ha & Schmidhuber 2018) end to end.

Letters: B rollouts, H dream horizon, D latent size, A action size.

    vae, rnn = load_pretrained()             # the shipped pair
    (vae, rnn), history = train(Config.tiny())   # or train your own
    dreams = dream_frames(vae, rnn, first_frames, actions)   # (B, H+1, 3, 32, 32)

`recipe` trains both from a fixed seed: `python -m worldmodels.train world_models_vae_rnn`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch
from torch import Tensor

from .. import checkpoints
from ..measure import metrics
from . import sequence_model
from . import vae as vae_module
from .frame_data import frame_sequences

CHECKPOINTS = ("world_models_vae_rnn",)


@dataclass(frozen=True)
class Config:
    vae: vae_module.Config = field(default_factory=vae_module.Config)  # V, trained first
    rnn: sequence_model.Config = field(                                 # M, on V's latents;
        default_factory=sequence_model.Config)                          # its latent_size is V's

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(vae=vae_module.Config.tiny(), rnn=sequence_model.Config.tiny())


def train(cfg: Config = Config(), progress: bool = True
          ) -> tuple[tuple[vae_module.VAE, sequence_model.SequenceModel], dict]:
    """Train V on frames, then M on V's latents. Returns ((vae, rnn), {"vae": ..., "rnn": ...})."""
    vae, vae_history = vae_module.train(cfg.vae, progress=progress)
    rnn_cfg = replace(cfg.rnn, latent_size=vae.cfg.latent_size)
    rnn, rnn_history = sequence_model.train(rnn_cfg, vae, progress=progress)
    return (vae, rnn), {"vae": vae_history, "rnn": rnn_history}


def dream_frames(vae: vae_module.VAE, rnn: sequence_model.SequenceModel, first_frames: Tensor,
                 actions: Tensor, temperature: float = 0.0,
                 generator: torch.Generator | None = None) -> Tensor:
    """Encode frames (B, 3, H, W), dream H steps under actions (B, H, A), decode every latent.

    Only the first frame is seen; everything after it is imagined. Returns (B, H+1, 3, H, W).
    """
    with torch.no_grad():
        latent, _ = vae.encode(first_frames)                                   # (B, D)
        latents = rnn.dream(latent, actions, temperature, generator)           # (B, H+1, D)
        frames = vae.decode(latents.flatten(0, 1))                             # (B*(H+1), 3, H, W)
    return frames.view(*latents.shape[:2], *frames.shape[1:])


def load_pretrained(device: str | torch.device = "cpu"
                    ) -> tuple[vae_module.VAE, sequence_model.SequenceModel]:
    """The shipped V and M."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    return vae_module.from_payload(payload["vae"]), sequence_model.from_payload(payload["rnn"])


def evaluate(vae: vae_module.VAE, rnn: sequence_model.SequenceModel, num_rollouts: int = 64,
             horizon: int = 10, seed: int = 1000) -> dict:
    """Held-out quality: reconstruction and dream errors against trivial baselines (MSE)."""
    frames, actions = frame_sequences(num_rollouts, horizon, seed=seed)        # unseen seed
    with torch.no_grad():
        flat = frames.flatten(0, 1)
        recon = vae.decode(vae.encode(flat)[0])
    dreams = dream_frames(vae, rnn, frames[:, 0], actions)
    copy_first = frames[:, :1].expand_as(frames)
    return {"recon_mse": (recon - flat).pow(2).mean().item(),
            "mean_frame_mse": (flat.mean(0) - flat).pow(2).mean().item(),
            "dream_mse": metrics.error_by_horizon(dreams, frames)[1:].mean().item(),
            "copy_first_mse": metrics.error_by_horizon(copy_first, frames)[1:].mean().item()}


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """Train V, then M on V's latents, from seed 0; return (payload, held-out metrics)."""
    checkpoints.check_name(name, CHECKPOINTS)
    (vae, rnn), _ = train(Config(), progress=True)
    payload = {"vae": vae_module.to_payload(vae), "rnn": sequence_model.to_payload(rnn)}
    metrics = {key: round(value, 6) for key, value in evaluate(vae, rnn).items()}
    return payload, metrics
