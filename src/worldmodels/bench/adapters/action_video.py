"""Part 3's playable video model: two frames and the hand's push in, the next frame out, fed
its own frames. It knows only horizontal pushes; it is given the suite's horizontal velocity,
beyond its training range (1.5 m/s) where the suite's hand is faster."""
from __future__ import annotations

import torch

from ... import checkpoints
from ...video import action_conditioned
from ..protocol import Context, Prediction, parameters


class ActionVideo:
    name, kind, road = "action-conditioned video", "model", "Part 3 · Cinematographer"

    def __init__(self, model: action_conditioned.ActionVideoModel | None = None):
        self.model = model if model is not None else action_conditioned.load_pretrained()

    def compute(self) -> dict:
        info = checkpoints.info("video_action_conditioned")
        return {"parameters": parameters(self.model),
                "train_seconds": info["metrics"]["train_seconds"]}

    def predict(self, context: Context) -> Prediction:
        frames, out = context.frames[:, -action_conditioned.CONTEXT:], []
        self.model.eval()
        for h in range(context.horizon):
            push = context.actions[:, h, 0].to(frames)                   # (N,) m/s
            next_frame = self.model(frames, push).clamp(0, 1)
            out.append(next_frame)
            frames = torch.stack([frames[:, -1], next_frame], dim=1)
        return Prediction(frames=torch.stack(out, dim=1))
