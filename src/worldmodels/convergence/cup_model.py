"""A learned model of how a cup answers a hand: an ensemble of small networks, and a context.

    model = CupModel(members=5)
    fit(model, optimiser, data, steps=100, generator=g)     # data: cups.Transitions
    error(model, test)           # its error on held-out transitions, 1 = "nothing moves"
    model.disagreement(x)        # where its members disagree: what it does not know yet

Each member maps what the toddler sees before a push (where the cup is and how it moves,
where the hand is beside it and how the hand moves) to the change of the cup's position and
velocity over the interaction, in units (CHANGE_SCALE) that make the four numbers alike.
The members start from different weights and learn from their own bootstrap draws of the
data, so they agree where the data taught them and disagree where it did not.

A *context* is k more inputs, one vector per world (its table's friction and its gravity are
never told; the vector is learned): the world's specifics live there, the physics every world
shares lives in the weights. context=0 is a model of one world.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from ..nn import EnsembleLinear
from ..world.scenes import HAND_RADIUS
from ..world.state import Params
from .cups import SKIP, Transitions

INPUTS = 8                                            # cup (4), hand - cup (2), hand move (2)
INPUT_SCALE = torch.tensor([1.0, 1.0, 1.0, 1.0, 0.3, 0.3, 2.0, 2.0])   # m, m/s, m, m/s
CHANGE_SCALE = torch.tensor([0.02, 0.02, 0.2, 0.2])   # m and m/s per interaction


def features(cup: Tensor, hand: Tensor, move: Tensor) -> Tensor:
    """(..., 8) what a member reads, scaled to order one."""
    return torch.cat([cup, hand - cup[..., :2], move], -1) / INPUT_SCALE


def targets(data: Transitions) -> Tensor:
    """(N, 4) the cup's change over each interaction, in CHANGE_SCALE units."""
    return (data.after - data.cup) / CHANGE_SCALE


def move_hand(hand: Tensor, velocity: Tensor) -> tuple[Tensor, Tensor]:
    """The hand after one interaction at `velocity`, and the velocity it moved with: the
    learner's own body, known exactly (the engine keeps it inside the world)."""
    speed, radius, size = Params.hand_max_speed, HAND_RADIUS, Params.world_size
    duration = SKIP * Params.dt
    after = (hand + velocity.clamp(-speed, speed) * duration).clamp(radius, size - radius)
    return after, (after - hand) / duration


class CupModel(nn.Module):
    """E small networks evaluated at once: inputs (N, 8) and a context -> changes (E, N, 4)."""

    def __init__(self, members: int = 5, hidden: int = 64, layers: int = 2, context: int = 0):
        super().__init__()
        for name, value, low in (("members", members, 1), ("hidden", hidden, 1),
                                 ("layers", layers, 1), ("context", context, 0)):
            if not (isinstance(value, int) and value >= low):
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
        self.members, self.context = members, context
        sizes = [INPUTS + context] + [hidden] * layers + [4]
        self.layers = nn.ModuleList(EnsembleLinear(members, a, b)
                                    for a, b in zip(sizes, sizes[1:]))

    def forward(self, x: Tensor, context: Tensor | None = None) -> Tensor:
        """x (N, 8) shared by the members, or (E, N, 8) one batch each; context (k,) for all
        rows or (N, k) per row. Returns each member's predicted change (E, N, 4)."""
        if self.context:
            if context is None:
                raise ValueError(f"context must be given: this model reads {self.context} "
                                 f"context numbers")
            context = context.expand(*x.shape[:-1], self.context)
            x = torch.cat([x, context], -1)
        if x.ndim == 2:
            x = x.expand(self.members, *x.shape)
        for layer in self.layers[:-1]:
            x = nn.functional.silu(layer(x))
        return self.layers[-1](x)

    def predict(self, data: Transitions, context: Tensor | None = None) -> Tensor:
        """(N, 4) the members' mean predicted change for each transition."""
        return self(features(data.cup, data.hand, data.move), context).mean(0)

    def disagreement(self, x: Tensor, context: Tensor | None = None) -> Tensor:
        """(N,) how far the members' predictions spread: their variance, summed over outputs."""
        return self(x, context).var(0, unbiased=False).sum(-1)


def fit(model: CupModel, optimiser: torch.optim.Optimizer, data: Transitions, steps: int,
        generator: torch.Generator, batch_size: int = 256, contexts: Tensor | None = None,
        world: Tensor | None = None) -> list[float]:
    """Take `steps` gradient steps of squared error on `data`, each member on its own
    bootstrap batch. For a model with a context, `contexts` (W, k) holds one vector per
    world and `world` (N,) names each transition's world. Returns each step's loss."""
    if len(data) == 0:
        raise ValueError("data must hold at least one transition to fit, got none")
    if not (isinstance(steps, int) and steps >= 0):
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    x, y = features(data.cup, data.hand, data.move), targets(data)
    losses = []
    for _ in range(steps):
        index = torch.randint(len(data), (model.members, min(batch_size, len(data))),
                              generator=generator)
        context = None if contexts is None else contexts[world[index]]
        loss = (model(x[index], context) - y[index]).pow(2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def error(model: CupModel, data: Transitions, context: Tensor | None = None) -> float:
    """Mean squared error of the members' mean prediction, as a share of the error of
    predicting that nothing changes (0: perfect; 1: no better than "the cup stays put")."""
    return surprise(model, data, context) / float(targets(data).pow(2).mean())


@torch.no_grad()
def surprise(model: CupModel, data: Transitions, context: Tensor | None = None) -> float:
    """How far what happened was from what the model expected: the mean squared error of
    its prediction of these transitions, in CHANGE_SCALE units."""
    return float((model.predict(data, context) - targets(data)).pow(2).mean())
