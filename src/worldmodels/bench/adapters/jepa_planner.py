"""Part 5's JEPA: a frozen encoder (VICReg, clean frames) and the action-conditioned predictor
trained on it. It predicts embeddings, not frames or states, so it takes part where its own
space suffices: intuitive physics, by its surprise in embedding space. It plans to goal images
(Part 5), not to ArmPush's marks, so it has no planning entry here."""
from __future__ import annotations

import torch
from torch import Tensor

from ... import checkpoints
from ...jepa import jepa, latent_dynamics
from ..protocol import parameters


class JEPAPredictor:
    name, kind, road = "JEPA + latent predictor", "model", "Part 5 · JEPA"

    def __init__(self, encoder: jepa.JEPA | None = None,
                 dynamics: latent_dynamics.LatentDynamics | None = None):
        self.dynamics = dynamics if dynamics is not None else latent_dynamics.load_pretrained()
        self.encoder = encoder if encoder is not None else \
            jepa.load_pretrained(name=self.dynamics.cfg.encoder)

    def compute(self) -> dict:
        seconds = sum(checkpoints.info(name)["metrics"]["train_seconds"]
                      for name in (self.dynamics.cfg.encoder, "jepa_planner"))
        return {"parameters": parameters(self.encoder.encoder, self.dynamics),
                "train_seconds": seconds}

    def surprise(self, frames: Tensor, actions: Tensor, start, params) -> Tensor:
        pushes = torch.cat([actions[..., 0], torch.zeros(len(actions), 1)], dim=1)   # (N, T)
        return latent_dynamics.surprise(self.dynamics, self.encoder, frames, pushes.to(frames))
