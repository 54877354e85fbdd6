"""The toddler's table, many at once: B cups under B hands, stepped a push at a time.

    cups = Cups(16, seed=0)                      # 16 cups on 16 tables, hands beside them
    before, action, after = cups.interact(actions)   # one interaction each: (B, ...) tensors
    cups.change(friction=0.05)                   # the world changes under the learner's feet

An *interaction* is one hand velocity held for SKIP engine steps (0.04 s). What a learner of
the cup sees of it is a transition: the cup's position and velocity before, the hand's move,
and the cup's position and velocity after. The hand is the learner's own body, so its move is
known exactly; how the cup answers is what is learned. Each table resets to a fresh cup every
EPISODE interactions, long enough for a pushed cup to slide off and land.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ..world import cup_on_table, native
from ..world import step as torch_step
from ..world.actions import smooth_random_actions
from ..world.scenes import CUP_FRICTION, GRAVITY
from ..world.state import Params, State

SKIP = 4             # engine steps per interaction (of 0.01 s each)
EPISODE = 25         # interactions before a table is reset to a fresh cup (1 s)


@dataclass(frozen=True)
class Transitions:
    """N observed interactions, each a row."""

    cup: Tensor        # (N, 4) the cup's position (m) and velocity (m/s) before
    hand: Tensor       # (N, 2) the hand's position before (m)
    move: Tensor       # (N, 2) the hand's velocity over the interaction, as it moved (m/s)
    after: Tensor      # (N, 4) the cup's position and velocity after

    def __len__(self) -> int:
        return len(self.cup)

    def select(self, index: Tensor) -> "Transitions":
        return Transitions(self.cup[index], self.hand[index], self.move[index], self.after[index])

    @staticmethod
    def cat(parts: "list[Transitions]") -> "Transitions":
        return Transitions(*(torch.cat([getattr(p, f) for p in parts])
                             for f in ("cup", "hand", "move", "after")))


class Cups:
    """B tables, each with a cup and a hand, in one batch of the engine."""

    def __init__(self, batch_size: int, seed: int = 0, friction: float = CUP_FRICTION,
                 gravity: float = GRAVITY):
        if not (isinstance(batch_size, int) and batch_size >= 1):
            raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
        self.batch_size, self.seed = batch_size, seed
        self.generator = torch.Generator().manual_seed(seed)
        self.resets = 0
        self.state, self.params = self._fresh()
        self.change(friction=friction, gravity=gravity)
        self.clock = 0

    def _fresh(self) -> tuple[State, object]:
        self.resets += 1
        return cup_on_table(self.batch_size, seed=self.seed * 100_003 + self.resets)

    def change(self, friction: float | None = None, gravity: float | None = None) -> None:
        """Change every table's friction (Coulomb coefficient) or gravity (m/s²) from now on."""
        if friction is not None and not (isinstance(friction, (int, float)) and friction >= 0):
            raise ValueError(f"friction must be a number >= 0, got {friction!r}")
        if gravity is not None and not (isinstance(gravity, (int, float)) and gravity > 0):
            raise ValueError(f"gravity must be a number > 0 m/s², got {gravity!r}")
        changes = {}
        if friction is not None:
            changes["friction"] = torch.full_like(self.params.friction, float(friction))
        if gravity is not None:
            changes["gravity"] = torch.full_like(self.params.gravity, float(gravity))
        self.params = self.params.replace(**changes)

    def interact(self, actions: Tensor) -> Transitions:
        """Hold each table's hand velocity (B, 2), in m/s, for one interaction."""
        if not (isinstance(actions, Tensor) and actions.shape == (self.batch_size, 2)):
            raise ValueError(f"actions must be a ({self.batch_size}, 2) tensor of hand "
                             f"velocities, got {getattr(actions, 'shape', type(actions).__name__)}")
        if self.clock and self.clock % EPISODE == 0:           # fresh cups, same world
            fresh, fresh_params = self._fresh()
            self.state = fresh
            self.params = self.params.replace(color=fresh_params.color)
        before = self.state
        step = native.step if native.available() else torch_step
        state = before
        for _ in range(SKIP):
            state = step(state, actions.to(state.pos.dtype), self.params)
        self.state, self.clock = state, self.clock + 1
        move = (state.hand - before.hand) / (SKIP * self.params.dt)
        return Transitions(cup=cup_of(before), hand=before.hand.clone(), move=move,
                           after=cup_of(state))

    def observe(self) -> tuple[Tensor, Tensor]:
        """The cups' positions and velocities (B, 4) and the hands' positions (B, 2) now."""
        return cup_of(self.state), self.state.hand.clone()


def cup_of(state: State) -> Tensor:
    return torch.cat([state.pos[:, 0], state.vel[:, 0]], -1)


def random_play(batch_size: int, interactions: int, seed: int, pushes=None,
                **world) -> Transitions:
    """`interactions` rounds of play at `batch_size` tables: `pushes(B, T, generator)` makes
    the hand velocities (default `random_strokes`); `world` sets friction and gravity."""
    if not (isinstance(interactions, int) and interactions >= 1):
        raise ValueError(f"interactions must be an int >= 1, got {interactions!r}")
    cups = Cups(batch_size, seed=seed, **world)
    generator = torch.Generator().manual_seed(seed + 1)
    strokes = (pushes or random_strokes)(batch_size, interactions, generator)
    return Transitions.cat([cups.interact(strokes[:, t]) for t in range(interactions)])


def random_strokes(batch_size: int, interactions: int, generator: torch.Generator) -> Tensor:
    """Held random hand velocities (B, T, 2) in m/s, the world's random play, one per
    interaction: the same strokes every road's random data is made of."""
    return smooth_random_actions(batch_size, interactions, Params.hand_max_speed, generator)


def shoves(batch_size: int, interactions: int, generator: torch.Generator) -> Tensor:
    """The toddler's favourite game (B, T, 2): at the start of every episode the hand shoves
    the cup rightwards, at a speed between 0.5 and 2 m/s for 2 to 8 interactions, then keeps
    still while the cup slides, and perhaps falls off the edge and lands."""
    episodes = -(-interactions // EPISODE)
    speed = 0.5 + 1.5 * torch.rand(batch_size, episodes, generator=generator)
    length = torch.randint(2, 9, (batch_size, episodes), generator=generator)
    t = torch.arange(EPISODE)
    pushing = t[None, None] < length[..., None]                       # (B, episodes, EPISODE)
    actions = torch.zeros(batch_size, episodes, EPISODE, 2)
    actions[..., 0] = pushing * speed[..., None]
    return actions.reshape(batch_size, episodes * EPISODE, 2)[:, :interactions]
