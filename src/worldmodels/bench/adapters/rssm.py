"""Part 1's RSSM world model of frames (Dreamer's model, seen through the World Models VAE).

It was trained at 50 frames per second, the suite runs at 25: each suite frame is two of its
steps with the same action, the frame between two context frames imagined, not seen.
"""
from __future__ import annotations

import torch

from ... import checkpoints
from ...dreamer import frames_world_model
from ...world.state import Params
from ..protocol import Context, Prediction, parameters
from ..suite import FRAME_STEPS

SEED = 0
HAND_MAX_SPEED = Params.__dataclass_fields__["hand_max_speed"].default   # its actions' scale


class RSSM:
    name, kind, road = "RSSM (Dreamer)", "model", "Part 1 · Dreamer"

    def __init__(self, model: frames_world_model.FrameWorldModel | None = None):
        self.model = model if model is not None else frames_world_model.load_pretrained()
        self.substeps = FRAME_STEPS // self.model.cfg.skip                 # 2

    def compute(self) -> dict:
        return {"parameters": parameters(self.model.world) + parameters(self.model.vae),
                "train_seconds": checkpoints.info("rssm_frames")["metrics"]["train_seconds"]}

    def predict(self, context: Context) -> Prediction:
        rssm, world = self.model.world.rssm, self.model.world
        frames, N = context.frames, len(context.frames)
        embeds = world.encode(self.model.codes(frames))                   # (N, C, E)
        past = context.past_actions / HAND_MAX_SPEED                      # (N, C-1, 2)
        with torch.random.fork_rng():
            torch.manual_seed(SEED)
            state, _ = rssm.obs_step(rssm.initial(N), torch.zeros(N, 2), embeds[:, 0])
            for c in range(1, frames.shape[1]):
                for _ in range(self.substeps - 1):
                    state = rssm.img_step(state, past[:, c - 1])
                state, _ = rssm.obs_step(state, past[:, c - 1], embeds[:, c])
            features = []
            for h in range(context.horizon):
                action = context.actions[:, h] / HAND_MAX_SPEED
                for _ in range(self.substeps):
                    state = rssm.img_step(state, action)
                features.append(rssm.features(state))
        return Prediction(frames=self.model.draw(torch.stack(features, dim=1)).clamp(0, 1))
