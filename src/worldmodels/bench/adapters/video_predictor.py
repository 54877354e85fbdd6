"""Part 3's deterministic video predictor: four frames in, ten out, no actions. For a longer
horizon it is fed its own last four frames and asked again."""
from __future__ import annotations

import torch

from ... import checkpoints
from ...video import predictor
from ..protocol import Context, Prediction, parameters


class VideoPredictorAdapter:
    name, kind, road = "video predictor", "model", "Part 3 · Cinematographer"

    def __init__(self, model: predictor.VideoPredictor | None = None):
        self.model = model if model is not None else predictor.load_pretrained()

    def compute(self) -> dict:
        return {"parameters": parameters(self.model),
                "train_seconds": checkpoints.info("video_predictor")["metrics"]["train_seconds"]}

    def predict(self, context: Context) -> Prediction:
        cfg = self.model.cfg
        frames, out = context.frames[:, -cfg.context:], []
        while len(out) < context.horizon:
            future = predictor.predict(self.model, frames)             # (N, 10, 3, S, S)
            out.extend(future.unbind(1))
            frames = torch.cat([frames, future], dim=1)[:, -cfg.context:]
        return Prediction(frames=torch.stack(out[:context.horizon], dim=1))
