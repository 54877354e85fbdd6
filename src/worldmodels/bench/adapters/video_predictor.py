"""Part 3's deterministic video predictor: four frames in, ten out, no actions. For a longer
horizon it is fed its own last four frames and asked again."""
from __future__ import annotations

import torch
from torch import Tensor

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
        block = lambda frames, done: predictor.predict(self.model, frames)  # noqa: E731
        return Prediction(frames=roll_forward(block, context.frames, self.model.cfg.context,
                                              context.horizon))


def roll_forward(block, frames: Tensor, context: int, horizon: int) -> Tensor:
    """`horizon` frames (N, horizon, 3, S, S) from a model that paints a block of frames at
    once: `block(last context frames, frames painted so far) -> (N, B, 3, S, S)`, fed its own
    last `context` frames until the horizon is covered."""
    frames, out = frames[:, -context:], []
    while len(out) < horizon:
        future = block(frames, len(out))
        out.extend(future.unbind(1))
        frames = torch.cat([frames, future], dim=1)[:, -context:]
    return torch.stack(out[:horizon], dim=1)
