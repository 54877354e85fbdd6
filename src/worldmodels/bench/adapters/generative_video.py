"""Part 3's generative video model: one sampled future per clip (a fixed seed, so the board is
reproducible), scored like any prediction: a sample is what a generator shows its user."""
from __future__ import annotations

import torch

from ... import checkpoints
from ...video import generative
from ..protocol import Context, Prediction, parameters

SEED = 0


class GenerativeVideoAdapter:
    name, kind, road = "generative video", "model", "Part 3 · Cinematographer"

    def __init__(self, model: generative.GenerativeVideo | None = None):
        self.model = model if model is not None else generative.load_pretrained()

    def compute(self) -> dict:
        return {"parameters": parameters(self.model),
                "train_seconds": checkpoints.info("video_generative")["metrics"]["train_seconds"]}

    def predict(self, context: Context) -> Prediction:
        C = self.model.cfg.predictor.context
        frames, out = context.frames[:, -C:], []
        while len(out) < context.horizon:
            future = generative.sample(self.model, frames, num_samples=1, seed=SEED + len(out))
            out.extend(future[:, 0].unbind(1))
            frames = torch.cat([frames, future[:, 0]], dim=1)[:, -C:]
        return Prediction(frames=torch.stack(out[:context.horizon], dim=1))
