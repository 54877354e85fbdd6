"""The book's models of worlds other than the cup's: Part 2's interaction network (disks
bouncing in an empty box) and Hamiltonian network (a frictionless pendulum), and Part 1's
Dreamer agent for Gymnasium's pendulum. They take part in no track of the cup world, and the
board says so: one more sense in which "world model" means different things."""
from __future__ import annotations

from ... import checkpoints
from ...dreamer import recipes
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


class DreamerPendulum:
    name, kind, road = "Dreamer agent (pendulum)", "model", "Part 1 · Dreamer"
    world = "Gymnasium's Pendulum-v1"

    def __init__(self, agent=None):
        self.agent = agent if agent is not None else recipes.load_pretrained(
            name="dreamer_pendulum")[0]

    def compute(self) -> dict:
        return {"parameters": parameters(self.agent.world_model),
                "train_seconds": checkpoints.info("dreamer_pendulum")["metrics"]["train_seconds"]}
