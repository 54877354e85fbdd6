"""The benchmark's reality: held-out clips from fixed seeds, the same for every model.

One clock and one picture for everyone: frames of 32x32 pixels, 25 per second (a frame every
FRAME_STEPS = 4 engine steps), the hand pushed by one of three buttons (left, wait, right at
HAND_SPEED m/s) held for a few frames, as in Part 3's playable world. A model that was trained
on another clock or other actions meets the same clips through its adapter, which converts.

    suite = make_suite(quick=True, seed=0)
    suite.ordinary            # Clips: the held-out test set, in distribution
    suite.unusual["slippery"] # plausible but unusual: a table with a tenth of the friction
    suite.twins("teleport")   # matched possible / impossible clips of one violation kind

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
    """Impossible twins of some of the suite's `long` clips, for one violation kind.

    index (M,): which long clips they are twins of; impossible (M, T, 3, S, S); onset (M,):
    the first frame at which a twin differs from its possible clip (every frame before it is
    pixel-identical).
    """

    kind: str
    index: Tensor
    impossible: Tensor
    onset: Tensor

    def __len__(self) -> int:
        return len(self.index)


@dataclass(frozen=True)
class Suite:
    """Every clip of the benchmark; `make_suite` builds it from one seed."""

    ordinary: Clips
    unusual: dict[str, Clips]
    long: Clips               # the possible clips of the matched pairs
    pairs: dict[str, Pairs]
    plan_seeds: tuple[int, ...]
    seed: int
    quick: bool

    @property
    def scene(self) -> Scene:
        return scene_of(self.ordinary.params)

    def twins(self, kind: str) -> tuple[Tensor, Tensor]:
        """The matched (possible, impossible) frames of violation `kind`, (M, T, 3, S, S) each."""
        pairs = self.pairs[kind]
        return self.long.frames[pairs.index], pairs.impossible


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


def drawn_by_scene(clips: Clips) -> Clips:
    """The clips redrawn by the renderer that draws their impossible twins, from the cup's
    and the hand's paths alone, so that twins agree to the last bit before the violation."""
    path = clips.cup[:, :, None]                                     # (N, T, 1, 2)
    frames = scene_of(clips.params).render(path, clips.states.hand, FRAME_SIZE)
    return replace(clips, frames=frames)


def matched_pairs(clips: Clips, kind: str, seed: int) -> Pairs:
    """Impossible twins of the clips (drawn by `drawn_by_scene`) for which violation `kind`
    can be made; the edit starts after the first CONTEXT frames, so every model has seen a
    clean context before it."""
    scene = scene_of(clips.params)
    path = clips.cup[:, :, None]                                      # (N, T, 1, 2)
    edited, applied = inject(kind, path[:, CONTEXT:], scene, seed=seed)
    edited = torch.cat([path[:, :CONTEXT], edited], dim=1)
    impossible = scene.render(edited, clips.states.hand, FRAME_SIZE)
    differs = (clips.frames != impossible).flatten(2).any(-1)        # (N, T)
    keep = (applied & differs.any(-1)).nonzero()[:, 0]
    return Pairs(kind, keep, impossible[keep], differs.int().argmax(dim=1)[keep])


def make_suite(quick: bool = False, seed: int = 0, clips: int | None = None) -> Suite:
    """The benchmark's clips from `seed`. quick: 32 clips a set (48 long ones for the
    violations) and 3 planning targets, the notebook's; the full suite has 256 (512) and 20.
    clips: another number of clips a set (tests)."""
    if isinstance(seed, bool) or not (isinstance(seed, int) and seed >= 0):
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    n = clips if clips is not None else (32 if quick else 256)
    if isinstance(n, bool) or not (isinstance(n, int) and n >= 1):
        raise ValueError(f"clips must be an int >= 1, got {clips!r}")
    base = FIRST_SEED + 1000 * seed
    ordinary = play(n, base)
    # The same cups and button presses in unusual worlds: only the world's law differs.
    unusual = {name: play(n, base, **world) for name, world in UNUSUAL.items()}
    # Longer clips for the violations, the hand mostly left of the cup, so that more cups
    # fall off the edge and a wrong gravity has falls to show in.
    long = drawn_by_scene(play(n + n // 2 if quick else 2 * n, base + 200,
                               frames=CONTEXT + 20, hand_left=0.9))
    pairs = {kind: matched_pairs(long, kind, seed=base + 300 + i)
             for i, kind in enumerate(VIOLATIONS)}
    targets = 3 if quick else 20
    return Suite(ordinary, unusual, long, pairs,
                 tuple(range(base + 400, base + 400 + targets)), seed, quick)
