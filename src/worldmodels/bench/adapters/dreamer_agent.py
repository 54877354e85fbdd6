"""Part 1's Dreamer agent for the cup task (CupPush-v0): the world model it learned to imagine
in, asked what becomes of the cup. It sees state vectors, not frames, at 50 steps per second;
shown the true state at the last context frame, it imagines two of its steps per suite frame."""
from __future__ import annotations

import torch

from ... import checkpoints
from ...dreamer import recipes
from ...dreamer.symlog import symexp
from ..protocol import Context, Prediction, parameters
from ..suite import FRAME_STEPS
from .rssm import HAND_MAX_SPEED

SEED = 0
ENV_FRAME_SKIP = 2     # CupPush-v0's engine steps per env step


class DreamerAgent:
    name, kind, road = "Dreamer agent's model", "model", "Part 1 · Dreamer"
    needs_state = True

    def __init__(self, agent=None):
        self.agent = agent if agent is not None else recipes.load_pretrained(name="dreamer_cup")[0]
        self.substeps = FRAME_STEPS // ENV_FRAME_SKIP

    def compute(self) -> dict:
        return {"parameters": parameters(self.agent.world_model),
                "train_seconds": checkpoints.info("dreamer_cup")["metrics"]["train_seconds"]}

    def predict(self, context: Context) -> Prediction:
        world, state = self.agent.world_model, context.state
        obs = torch.cat([state.hand, state.pos[:, 0], state.vel[:, 0]], dim=-1)   # (N, 6)
        rssm, N = world.rssm, len(obs)
        with torch.random.fork_rng():
            torch.manual_seed(SEED)
            latent, _ = rssm.obs_step(rssm.initial(N), torch.zeros(N, 2), world.encode(obs))
            cups = []
            for h in range(context.horizon):
                for _ in range(self.substeps):
                    latent = rssm.img_step(latent, context.actions[:, h] / HAND_MAX_SPEED)
                cups.append(symexp(world.decode(rssm.features(latent)))[:, 2:4])
        return Prediction(cup=torch.stack(cups, dim=1))
