"""Part 4's ensemble of probabilistic dynamics models (PETS), planning the arm's pushes by
receding-horizon CEM through it. It models the arm's state vector, not frames: planning only."""
from __future__ import annotations

from ... import checkpoints
from ...robot import ensemble
from ..protocol import parameters


class RobotEnsemble:
    name, kind, road = "PETS ensemble", "model", "Part 4 · Robot"

    def __init__(self, model: ensemble.Ensemble | None = None):
        self.model = model if model is not None else ensemble.load_pretrained()[0]

    def compute(self) -> dict:
        return {"parameters": parameters(self.model),
                "train_seconds": checkpoints.info("robot_ensemble")["metrics"]["train_seconds"]}

    def policy(self, seed: int):
        mpc = ensemble.EnsembleMPC(self.model, seed=seed)
        return lambda env, obs: mpc.act(obs)
