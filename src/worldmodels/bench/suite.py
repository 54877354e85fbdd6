"""The benchmark's reality: held-out clips from fixed seeds, the same for every model.

One clock and one picture for everyone: frames of 32x32 pixels, 25 per second (a frame every
FRAME_STEPS = 4 engine steps), the hand pushed by one of three buttons (left, wait, right at
HAND_SPEED m/s) held for a few frames, as in Part 3's playable world. A model that was trained
on another clock or other actions meets the same clips through its adapter, which converts.

    suite = make_suite(quick=True, seed=0)
    suite.ordinary            # Clips: the held-out test set, in distribution
    suite.unusual["slippery"] # plausible but unusual: a table with a tenth of the friction
    suite.pairs["teleport"]   # matched possible / impossible clips of one violation kind

Shapes: N clips, T frames, S = FRAME_SIZE pixels, K disks. Actions are hand velocities in m/s,
(N, T-1, 2): actions[:, t] is held from frame t to frame t+1.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import Tensor

from ..measure.tracker import Scene
from ..measure.violations import VIOLATIONS, inject
from ..world.actions import random_buttons, repeat
from ..world.datasets import thin
from ..world.engine import rollout
from ..world.render import render
from ..world.scenes import CUP_FRICTION, cup_on_table
from ..world.state import Params, State

FRAME_SIZE = 32        # pixels per side
FRAME_STEPS = 4        # engine steps (0.01 s) per frame: 25 frames per second
CONTEXT = 4            # frames every model sees before it predicts
HORIZON = 12           # frames it predicts: 0.48 s
HAND_SPEED = 1.5       # m/s; a pressed button's hand speed
MEAN_HOLD = 4.0        # frames a button is held, on average
MAX_GAP = 0.4          # m; the hand starts 0-MAX_GAP m to the left or right of the cup
UNUSUAL = {            # plausible worlds the models never saw: what a novelty detector flags
    "slippery": dict(friction=CUP_FRICTION / 10),   # the cup slides ten times as far
    "fast": dict(hand_speed=2.0),                   # the hand at the world's top speed
}
FIRST_SEED = 50_000    # the suite's seeds start here, far from any training seed


@dataclass(frozen=True)
class Clips:
    """Clips with everything behind their pixels.

    frames:  (N, T, 3, S, S) in [0, 1]
    actions: (N, T-1, 2) hand velocities (m/s), actions[:, t] held from frame t to t+1
    states:  trajectory State, pos (N, T, K, 2): the truth at every frame
    params:  the N worlds' Params
    """

    frames: Tensor
    actions: Tensor
    states: State
    params: Params

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def cup(self) -> Tensor:
        """(N, T, 2) the cup's centre at each frame (m)."""
        return self.states.pos[:, :, 0]


@dataclass(frozen=True)
class Pairs:
    """Matched clips of one violation kind, pixel-identical before frame `onset`.

    possible, impossible: (N, T, 3, S, S); onset (N,) the first frame that differs;
    actions (N, T-1, 2); start: the true State at frame 0 (the same for both twins).
    """

    kind: str
    possible: Tensor
    impossible: Tensor
    onset: Tensor
    actions: Tensor
    start: State
    params: Params


@dataclass(frozen=True)
class Suite:
    """Every clip of the benchmark; `make_suite` builds it from one seed."""

    ordinary: Clips
    unusual: dict[str, Clips]
    pairs: dict[str, Pairs]
    plan_seeds: tuple[int, ...]
    seed: int
    quick: bool

    @property
    def scene(self) -> Scene:
        return scene_of(self.ordinary.params)


def scene_of(params: Params) -> Scene:
    """What the tracker and the checks know of the suite's world."""
    return Scene.from_params(params, frame_dt=FRAME_STEPS * params.dt)


def play(num: int, seed: int, frames: int = CONTEXT + HORIZON, *,
         friction: float = CUP_FRICTION, hand_speed: float = HAND_SPEED,
         hand_left: float = 0.5) -> Clips:
    """`num` clips of `frames` frames: a cup on the table, the hand beside it, random buttons.

    hand_left: the chance that the hand starts left of the cup (and so can push it off the
    table's right edge); otherwise it starts on the right.
    """
    if not (isinstance(num, int) and num >= 1):
        raise ValueError(f"num must be an int >= 1 clips, got {num!r}")
    if not (isinstance(frames, int) and frames >= 2):
        raise ValueError(f"frames must be an int >= 2, got {frames!r}")
    state, params = cup_on_table(batch_size=num, seed=seed)
    params = params.replace(friction=torch.full_like(params.friction, friction))
    generator = torch.Generator().manual_seed(seed + 1)
    side = torch.where(torch.rand(num, generator=generator) < hand_left, -1.0, 1.0)
    gap = MAX_GAP * torch.rand(num, generator=generator)
    reach = params.radius[:, 0] + params.hand_radius + gap
    x = (state.pos[:, 0, 0] + side * reach).clamp(params.hand_radius,
                                                   params.world_size - params.hand_radius)
    state = State(state.pos, state.vel, torch.stack([x, state.hand[:, 1]], dim=-1))
    buttons = random_buttons(num, frames - 1, (-hand_speed, 0.0, hand_speed), MEAN_HOLD,
                             generator)                                       # (N, T-1)
    actions = torch.stack([buttons, torch.zeros_like(buttons)], dim=-1)      # (N, T-1, 2)
    with torch.no_grad():
        trajectory = rollout(state, repeat(actions, FRAME_STEPS), params)
        kept = thin(trajectory, FRAME_STEPS)                                  # (N, T, K, 2)
        pictures = render(kept, params, size=FRAME_SIZE)
    return Clips(pictures, actions, kept, params)


def matched_pairs(clips: Clips, kind: str, seed: int) -> Pairs:
    """Possible and impossible twins of each clip for which violation `kind` can be made.

    Both are drawn by the same renderer from the cup's path, true or edited; the edit starts
    after the first CONTEXT frames, so every model has seen a clean context before it.
    """
    scene = scene_of(clips.params)
    path = clips.cup[:, :, None]                                      # (N, T, 1, 2)
    edited, applied = inject(kind, path[:, CONTEXT:], scene, seed=seed)
    edited = torch.cat([path[:, :CONTEXT], edited], dim=1)
    possible = scene.render(path, clips.states.hand, FRAME_SIZE)
    impossible = scene.render(edited, clips.states.hand, FRAME_SIZE)
    differs = (possible != impossible).flatten(2).any(-1)            # (N, T)
    applied &= differs.any(-1)
    onset = differs.int().argmax(dim=1)
    keep = applied.nonzero()[:, 0]
    start = clips.states.at(0)
    return Pairs(kind, possible[keep], impossible[keep], onset[keep], clips.actions[keep],
                 State(start.pos[keep], start.vel[keep], start.hand[keep]),
                 _select(clips.params, keep))


def _select(params: Params, keep: Tensor) -> Params:
    per_world = ("mass", "radius", "restitution", "friction", "color", "gravity")
    return replace(params, **{name: getattr(params, name)[keep] for name in per_world})


def make_suite(quick: bool = False, seed: int = 0) -> Suite:
    """The benchmark's clips. quick: fewer clips (the notebook's); the full suite has 4x."""
    if isinstance(seed, bool) or not (isinstance(seed, int) and seed >= 0):
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    n = 64 if quick else 256
    base = FIRST_SEED + 1000 * seed
    ordinary = play(n, base)
    unusual = {name: play(n, base + 100 + i, **world)
               for i, (name, world) in enumerate(UNUSUAL.items())}
    # Longer clips for the violations, the hand mostly left of the cup, so that more cups
    # fall off the edge and a wrong gravity has falls to show in.
    long = play(2 * n, base + 200, frames=CONTEXT + 20, hand_left=0.9)
    pairs = {kind: matched_pairs(long, kind, seed=base + 300 + i)
             for i, kind in enumerate(VIOLATIONS)}
    targets = 6 if quick else 20
    return Suite(ordinary, unusual, pairs, tuple(range(base + 400, base + 400 + targets)),
                 seed, quick)
