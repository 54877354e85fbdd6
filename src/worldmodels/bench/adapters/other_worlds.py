"""Part 2's learned physics, which model other worlds than the cup's: the interaction network
learned disks bouncing in an empty box, the Hamiltonian network a frictionless pendulum. They
take part in no track of the cup world, and the board says so: one more sense in which
"world model" means different things."""
from __future__ import annotations

from ... import checkpoints
from ...physics import hamiltonian, interaction_network
from ..protocol import parameters


class InteractionNet:
    name, kind, road = "interaction network", "model", "Part 2 · Physicist"
    world = "disks in an empty box"

    def __init__(self, model=None):
        self.model = model if model is not None else interaction_network.load_pretrained()[0]

    def compute(self) -> dict:
        info = checkpoints.info("interaction_network")
        return {"parameters": parameters(self.model),
                "train_seconds": info["metrics"]["train_seconds"]}


class HamiltonianNet:
    name, kind, road = "Hamiltonian network", "model", "Part 2 · Physicist"
    world = "a frictionless pendulum"

    def __init__(self, model=None):
        self.model = model if model is not None else hamiltonian.load_pretrained()[0]

    def compute(self) -> dict:
        return {"parameters": parameters(self.model),
                "train_seconds": checkpoints.info("hamiltonian")["metrics"]["train_seconds"]}
