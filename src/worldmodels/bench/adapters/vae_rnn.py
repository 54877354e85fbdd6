"""Part 1's World Models (Ha & Schmidhuber 2018): a VAE's latent codes, and an RNN that
predicts the next code from the code and the action. Trained at 50 frames per second: two of
its steps per suite frame, the code between two context frames its own prediction."""
from __future__ import annotations

import torch

from ... import checkpoints
from ...dreamer import world_models
from ...dreamer.sequence_model import encode_sequences
from ..protocol import Context, Prediction, parameters
from ..suite import FRAME_STEPS
from .rssm import HAND_MAX_SPEED


class VaeRnn:
    name, kind, road = "World Models (VAE + RNN)", "model", "Part 1 · Dreamer"

    def __init__(self, vae=None, rnn=None):
        if vae is None or rnn is None:
            vae, rnn = world_models.load_pretrained()
        self.vae, self.rnn = vae.eval(), rnn.eval()
        self.substeps = FRAME_STEPS // rnn.cfg.skip

    def compute(self) -> dict:
        info = checkpoints.info("world_models_vae_rnn")
        return {"parameters": parameters(self.vae, self.rnn),
                "train_seconds": info["metrics"]["train_seconds"]}

    def predict(self, context: Context) -> Prediction:
        seen = encode_sequences(self.vae, context.frames)                  # (N, C, D)
        past = context.past_actions / HAND_MAX_SPEED                      # (N, C-1, 2)
        z, memory = seen[:, 0], None

        def step(z, action, memory):
            mean, _, memory = self.rnn(z[:, None], action[:, None], memory)
            return mean[:, 0], memory

        for c in range(1, seen.shape[1]):
            for _ in range(self.substeps):
                z, memory = step(z, past[:, c - 1], memory)
            z = seen[:, c]                                                # what it sees
        codes = []
        for h in range(context.horizon):
            for _ in range(self.substeps):
                z, memory = step(z, context.actions[:, h] / HAND_MAX_SPEED, memory)
            codes.append(z)
        frames = self.vae.decode(torch.stack(codes, dim=1).flatten(0, 1))
        return Prediction(frames=frames.view(len(seen), context.horizon, *frames.shape[1:]))
