"""Part 3's generative video model: one sampled future per clip (a fixed seed, so the board is
reproducible), scored like any prediction: a sample is what a generator shows its user."""
from __future__ import annotations

from ... import checkpoints
from ...video import generative
from ..protocol import Context, Prediction, parameters
from .video_predictor import roll_forward

SEED = 0


class GenerativeVideoAdapter:
    name, kind, road = "generative video", "model", "Part 3 · Cinematographer"

    def __init__(self, model: generative.GenerativeVideo | None = None):
        self.model = model if model is not None else generative.load_pretrained()

    def compute(self) -> dict:
        return {"parameters": parameters(self.model),
                "train_seconds": checkpoints.info("video_generative")["metrics"]["train_seconds"]}

    def predict(self, context: Context) -> Prediction:
        def block(frames, done):   # one sample, its seed fixed by where it starts
            return generative.sample(self.model, frames, num_samples=1, seed=SEED + done)[:, 0]

        return Prediction(frames=roll_forward(block, context.frames,
                                              self.model.cfg.predictor.context, context.horizon))
