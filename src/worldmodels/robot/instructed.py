"""The arm's task with words: two cups of different colours, one mark, and an instruction
that says which cup to push to it.

    import gymnasium, worldmodels.robot.instructed   # importing registers the id
    env = gymnasium.make("worldmodels/ArmInstruct-v0")
    obs, info = env.reset(seed=0)
    info["instruction"]      # 'push the red cup to the mark'
    obs["frame"], obs["q"], obs["instruction"]   # what a policy sees: pixels, joints, words

The world is seen from the side, so cups cannot pass each other. One cup stands left of the
table's middle and one near its right edge, with room beside each for the hand to come down;
the mark lies between them, where either could be pushed without touching the other. The
mark's place therefore does not say which cup is meant: only the instruction does, and the
policy must find that colour in the frame. The named cup
is disk 0 of the world, so the task's success, its cost and the oracle planner (`mpc`) are
those of ArmPush-v0; the other cup is disk 1, simulated like the first.

Splits, for the test of combinations never seen together: `HELD_OUT` pairs of (colour named,
side it stands on). reset(options={"split": "train"}) never draws them; "held_out" draws only
them; "all" (the default) draws everything.
"""
from __future__ import annotations

import gymnasium
import numpy as np
import torch
from gymnasium import spaces

from ..world import envs as world_envs
from ..world.scenes import CUP_FRICTION, CUP_MASS, CUP_RESTITUTION, GRAVITY, HAND_RADIUS
from ..world.state import Params, State, Table
from .arm import Arm, inverse
from .envs import HAND_MAX_SPEED, JOINT_LIMIT, ArmPushEnv
from .mpc import push_cost

COLOURS = {"red": (0.85, 0.20, 0.15), "blue": (0.15, 0.35, 0.85), "yellow": (0.95, 0.80, 0.10)}
SIDES = ("left", "right")
HELD_OUT = (("yellow", "right"), ("red", "left"))   # never named on that side in training
SPLITS = ("all", "train", "held_out")

RADIUS = 0.08                # m: smaller cups than the toddler's mug, so that two fit with room
LEFT_CUP = (0.42, 0.48)      # m, the range of the left cup's x
RIGHT_CUP = (0.92, 0.98)     # m, ... and the right cup's
CLEARANCE = 0.20             # m from each cup to the mark: either cup arrives without a touch
HAND_START = (0.7, 1.25)     # m, the hand's start above the middle of the table

TOP_WEIGHT = 50.0            # per metre the hand presses into the space above the named cup


def side_push_cost(rollout, actions):
    """The planner's cost for this task: ArmPush-v0's (`mpc.push_cost`), plus a price on
    bearing down on the named cup from above. Pressed from the top, a cup squeezes out to
    whichever side the contact is a millimetre off centre: the planner, which sees the world
    exactly, can aim that; a policy that sees pixels of 3 cm cannot. Pushed from its side,
    the cup goes the way the hand goes."""
    above = (rollout.hand[..., 0] - rollout.cup[..., 0]).abs() < rollout.cup_radius + HAND_RADIUS
    ceiling = rollout.cup[..., 1] + rollout.cup_radius + HAND_RADIUS + 0.03
    pressing = (ceiling - rollout.hand[..., 1]).clamp(min=0) * above
    return push_cost(rollout, actions) + TOP_WEIGHT * pressing[:, 1:].mean(-1)


VOCABULARY = ("push", "the", "cup", "to", "mark") + tuple(COLOURS)
WORDS = 5                    # 'push the <colour> cup to the mark', each 'the' left out


def instruction(colour: str) -> str:
    """The instruction for pushing the cup of `colour` to the mark."""
    if colour not in COLOURS:
        raise ValueError(f"colour must be one of {tuple(COLOURS)}, got {colour!r}")
    return f"push the {colour} cup to the mark"


def tokens(text: str) -> np.ndarray:
    """An instruction as WORDS word indices into VOCABULARY (int64), 'the' left out."""
    words = [w for w in text.split() if w != "the"]
    unknown = [w for w in words if w not in VOCABULARY]
    if unknown or len(words) != WORDS:
        raise ValueError(f"text must be an instruction like {instruction('red')!r}, got "
                         f"{text!r}")
    return np.array([VOCABULARY.index(w) for w in words], dtype=np.int64)


def two_cups(seed: int, split: str = "all") -> tuple[State, Params, str, str]:
    """One scene of two cups (B = 1), the named one as disk 0: (state, params, colour, side)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    rng = np.random.default_rng(seed)
    while True:
        named, other = rng.choice(list(COLOURS), size=2, replace=False)
        side = SIDES[int(rng.integers(2))]
        held_out = (named, side) in HELD_OUT
        if split == "all" or (split == "held_out") == held_out:
            break
    left, right = rng.uniform(*LEFT_CUP), rng.uniform(*RIGHT_CUP)
    xs = (left, right) if side == "left" else (right, left)
    height = Table().height
    pos = torch.tensor([[[xs[0], height + RADIUS], [xs[1], height + RADIUS]]])
    hand = torch.tensor([[HAND_START[0] + rng.uniform(-0.05, 0.05), HAND_START[1]]])
    state = State(pos=pos, vel=torch.zeros_like(pos), hand=hand)
    per_cup = lambda value: torch.full((1, 2), value)   # noqa: E731
    params = Params(mass=per_cup(CUP_MASS), radius=per_cup(RADIUS),
                    restitution=per_cup(CUP_RESTITUTION), friction=per_cup(CUP_FRICTION),
                    color=torch.tensor([[COLOURS[named], COLOURS[other]]]),
                    gravity=torch.full((1,), GRAVITY), hand_max_speed=HAND_MAX_SPEED)
    return state, params, str(named), side


class InstructedPushEnv(ArmPushEnv):
    """ArmPush-v0 with two cups and an instruction. Observation: a dict of
    "frame" uint8 (size, size, 3) with the arm and the mark drawn, "q" float32 (2,) joint
    angles (rad), "instruction" int64 (WORDS,) word indices; `last_obs` keeps the latest. The
    action, the reward and success are ArmPush-v0's, for the named cup. `info` adds
    "instruction", "colour" and "side"."""

    def __init__(self, *, size: int = 64, frame_skip: int = 2, render_mode: str | None = None,
                 render_size: int = 128, arm: Arm = Arm()):
        super().__init__("pixels", size=size, frame_skip=frame_skip, render_mode=render_mode,
                         render_size=render_size, arm=arm)
        self.observation_space = spaces.Dict({
            "frame": spaces.Box(0, 255, shape=(size, size, 3), dtype=np.uint8),
            "q": spaces.Box(-JOINT_LIMIT, JOINT_LIMIT, shape=(2,), dtype=np.float32),
            "instruction": spaces.MultiDiscrete([len(VOCABULARY)] * WORDS)})
        self._split, self._colour, self._side = "all", "red", "left"
        self._words = tokens(instruction(self._colour))

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        split = (options or {}).get("split", "all")
        if split not in SPLITS:
            raise ValueError(f"options['split'] must be one of {SPLITS}, got {split!r}")
        self._split = split
        return super().reset(seed=seed, options=options)

    def _new_scene(self, seed: int):
        state, params, self._colour, self._side = two_cups(seed, self._split)
        self._words = tokens(instruction(self._colour))
        self._q = inverse(self.arm, state.hand[0].double(), "up")
        return state, params

    def _sample_target(self) -> float:
        xs = sorted(self._state.pos[0, :, 0].tolist())
        return float(self.np_random.uniform(xs[0] + CLEARANCE, xs[1] - CLEARANCE))

    def _obs(self) -> dict:
        # Kept, so that a controller handed the env reads what a policy would be shown.
        self.last_obs = {"frame": self._frame(self.size), "q": self._q.numpy().astype(np.float32),
                         "instruction": self._words.copy()}
        return self.last_obs

    def _info(self, success: bool) -> dict:
        return {**super()._info(success), "instruction": instruction(self._colour),
                "colour": self._colour, "side": self._side}


ENV_ID = "worldmodels/ArmInstruct-v0"


def register_envs() -> None:
    """Register worldmodels/ArmInstruct-v0 with Gymnasium (safe to call more than once)."""
    if ENV_ID not in gymnasium.registry:
        gymnasium.register(id=ENV_ID, entry_point="worldmodels.robot.instructed:InstructedPushEnv",
                           max_episode_steps=world_envs.MAX_EPISODE_STEPS)


register_envs()
