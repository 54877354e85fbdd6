"""Recognising is not predicting: a network that sees where the cup and the hand are, against
a model that says what a push will do to the cup.

    fit, score = pushes(300, seed=0), pushes(300, seed=1)      # held-out pushes, true outcomes
    recogniser, _ = load_pretrained()          # trained only to say where the cup and hand are
    recogniser.features(score.frames)          # what it knows, to be probed
    imagined(ensemble, recogniser, score)      # where the PETS ensemble says each push ends

A push is the toddler's: the cup at rest on the table, the hand beside it, and the arm's joints
turned for PUSH steps at the velocity that sets the hand moving at a drawn speed and angle,
then held still for SETTLE steps. Its outcome is where the cup ends up and whether it went
over the table's edge; the true engine says both.

The recogniser is a small convolutional network trained, on frames alone, to read the hand's
and the cup's positions: it recognises the scene (it never sees a push). The world model is
Part 4's PETS ensemble (`ensemble`), fed the recogniser's reading of the frame and the push's
actions, rolled forward step by step. The measurement (in the notebook) is the same linear
probe on each, fitted on some pushes and scored on others: from what the recogniser sees,
with the push appended, and from what the world model imagines.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..measure.probe import fit_probe, r2
from ..world.scenes import CUP_RADIUS, HAND_RADIUS, cup_on_table
from ..world.state import State
from .arm import Arm, damped_least_squares, forward, inverse
from .envs import HAND_MAX_SPEED, MAX_JOINT_SPEED, advance
from .frames import render_arm

PUSH, SETTLE = 8, 22           # env steps the hand pushes, and then waits
FRAME_SKIP = 2                 # engine steps per env step, as in ArmPush-v0
SPEEDS = (0.3, 3.0)            # m/s, the range of the hand's push speed
ANGLES = (-15.0, 15.0)         # degrees from the horizontal, the range of its direction
GAPS = (0.02, 0.15)            # m between the hand and the cup before the push
SIZE = 64                      # frame size the recogniser sees


@dataclass
class Pushes:
    """N pushes: what a camera sees before each, the push, and what the world did."""

    frames: Tensor     # (N, 3, SIZE, SIZE) uint8, the scene before the push
    q: Tensor          # (N, 2) float64 the arm's joint angles before it (the arm knows them)
    positions: Tensor  # (N, 4) float32 hand x, y and cup x, y before it (m): what is seen
    actions: Tensor    # (N, PUSH + SETTLE, 2) float32 the push, ArmPush-v0 actions in [-1, 1]
    end: Tensor        # (N, 2) float32 where the cup ends up (m)
    fell: Tensor       # (N,) bool: it went over the table's edge

    def __len__(self) -> int:
        return len(self.q)

    @property
    def push(self) -> Tensor:
        """(N, 2): each push's action, which it holds for PUSH steps."""
        return self.actions[:, 0]


def pushes(count: int, seed: int = 0, speeds: tuple[float, float] = SPEEDS) -> Pushes:
    """`count` pushes drawn from `seed`, with hand speeds in `speeds` (m/s), rolled through
    the true engine together."""
    if not (isinstance(count, int) and count >= 1):
        raise ValueError(f"count must be an int >= 1, got {count!r}")
    if not (len(speeds) == 2 and 0 < speeds[0] <= speeds[1] <= HAND_MAX_SPEED):
        raise ValueError(f"speeds must be (low, high) m/s with 0 < low <= high <= "
                         f"{HAND_MAX_SPEED}, got {speeds!r}")
    generator = torch.Generator().manual_seed(seed)

    def uniform(low_high, n=count):
        low, high = low_high
        return low + (high - low) * torch.rand(n, generator=generator, dtype=torch.float64)

    state, params = cup_on_table(batch_size=count, seed=seed, dtype=torch.float64)
    params = params.replace(hand_max_speed=HAND_MAX_SPEED)
    cup = state.pos[:, 0]
    hand = torch.stack([cup[:, 0] - CUP_RADIUS - HAND_RADIUS - uniform(GAPS),
                        cup[:, 1] + uniform((-0.04, 0.06))], -1)
    arm = Arm()
    q = inverse(arm, hand, "up")
    state = State(pos=state.pos, vel=state.vel, hand=forward(arm, q))
    frames = (render_arm(state, params, arm, q, SIZE).clamp(0, 1) * 255).round().to(torch.uint8)

    angle = uniform(ANGLES) * math.pi / 180
    velocity = uniform(speeds)[:, None] * torch.stack([angle.cos(), angle.sin()], -1)
    push = (damped_least_squares(arm, q, velocity) / MAX_JOINT_SPEED).clamp(-1, 1)
    actions = torch.zeros(count, PUSH + SETTLE, 2, dtype=torch.float64)
    actions[:, :PUSH] = push[:, None]
    moved, q_now = state, q
    with torch.no_grad():
        for t in range(PUSH + SETTLE):
            moved, q_now = advance(arm, moved, params, q_now, actions[:, t] * MAX_JOINT_SPEED,
                                   FRAME_SKIP)
    end = moved.pos[:, 0]
    return Pushes(frames, q, torch.cat([state.hand, cup], -1).float(), actions.float(),
                  end.float(), end[:, 1] < params.table.height)


@dataclass(frozen=True)
class Config:
    scenes: int = 4000         # frames it learns to recognise
    steps: int = 1500
    batch_size: int = 64
    lr: float = 2e-3
    width: int = 64            # features it offers a probe
    seed: int = 0

    def __post_init__(self):
        for name in ("scenes", "steps", "batch_size", "width"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 1):
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if self.steps < 3:
            raise ValueError(f"steps must be >= 3 (a warm-up, then the decay), got {self.steps}")

    @classmethod
    def tiny(cls) -> "Config":
        """The whole loop in about a second, for tests."""
        return cls(scenes=64, steps=10, batch_size=16, width=16)


class Recogniser(nn.Module):
    """A frame (B, 3, 64, 64) uint8 -> features (B, width) -> hand x, y and cup x, y (m)."""

    def __init__(self, cfg: Config = Config()):
        super().__init__()
        self.cfg = cfg
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 4, stride=2, padding=1), nn.SiLU(),       # 32 x 32
            nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.SiLU(),      # 16 x 16
            nn.Conv2d(32, 32, 4, stride=2, padding=1), nn.SiLU(),      # 8 x 8
            nn.Flatten(), nn.Linear(32 * 8 * 8, cfg.width), nn.SiLU())
        self.head = nn.Linear(cfg.width, 4)

    def features(self, frames: Tensor) -> Tensor:
        if frames.ndim != 4 or frames.shape[1:] != (3, SIZE, SIZE):
            raise ValueError(f"frames must be (B, 3, {SIZE}, {SIZE}), got {tuple(frames.shape)}")
        return self.body(frames.float() / 255)

    def forward(self, frames: Tensor) -> Tensor:
        return self.head(self.features(frames))


def train(cfg: Config = Config(), progress: bool = True) -> tuple[Recogniser, dict]:
    """Train a recogniser on `cfg.scenes` frames of push scenes (seed cfg.seed + 1000, apart
    from the pushes it is probed on): (recogniser, {"loss": [...]}) in m^2."""
    torch.manual_seed(cfg.seed)
    scenes = pushes(cfg.scenes, seed=cfg.seed + 1000)
    model = Recogniser(cfg)
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, cfg.lr, total_steps=cfg.steps,
                                                   pct_start=max(0.3, 2 / cfg.steps))
    generator = torch.Generator().manual_seed(cfg.seed)
    losses = []
    for _ in tqdm(range(cfg.steps), desc="learning to recognise", disable=not progress):
        batch = torch.randint(len(scenes), (cfg.batch_size,), generator=generator)
        loss = (model(scenes.frames[batch]) - scenes.positions[batch]).pow(2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(loss.item())
    return model.eval(), {"loss": losses}


def recognised_state(recogniser: Recogniser, batch: Pushes) -> Tensor:
    """The state ArmPush's ensemble reads (N, 8), as far as the camera and the arm tell it:
    the joint angles (known to the arm), the hand's and the cup's positions (as the recogniser
    reads them) and the cup's velocity (zero: it rests before every push)."""
    if not isinstance(batch, Pushes):
        raise TypeError(f"batch must be Pushes, got {type(batch).__name__}")
    with torch.no_grad():
        seen = recogniser(batch.frames)
    return torch.cat([batch.q.float(), seen, torch.zeros(len(batch), 2)], -1)


def imagined(model, recogniser: Recogniser, batch: Pushes) -> Tensor:
    """Where the world model (an `ensemble.Ensemble`) says each push leaves the cup (N, 2):
    its members' mean, rolled from the recognised state through the push's actions."""
    s = recognised_state(recogniser, batch)
    E = model.cfg.members
    s = s.expand(E, -1, -1)
    with torch.no_grad():
        for t in range(batch.actions.shape[1]):
            s = model.step(s, batch.actions[:, t].expand(E, -1, -1), sample=False)
    return s[..., 4:6].mean(0)


def probe_outcomes(represent, fit: Pushes, tests: dict[str, Pushes]) -> dict[str, dict]:
    """The same linear probe on a representation of pushes, fitted on `fit` and scored on
    each set of `tests`: {name: {"where_r2": R² of the cup's final x, "falls_accuracy": the
    share of pushes whose fall (or not) it calls right, "where": (N,) the probe's final x}}.

    represent: Pushes -> (N, F) features, what a network offers about each push. The fall is
    read by the same ridge regression onto 0 and 1, called at 0.5."""
    x = represent(fit)
    where = fit_probe(x, fit.end[:, :1])
    falls = fit_probe(x, fit.fell.float()[:, None])
    scores = {}
    for name, test in tests.items():
        y = represent(test)
        said, called = where(y), falls(y)[:, 0] > 0.5
        scores[name] = {"where_r2": r2(said, test.end[:, :1]),
                        "falls_accuracy": float((called == test.fell).float().mean()),
                        "where": said[:, 0]}
    return scores


CHECKPOINTS = ("cup_recogniser",)


def evaluate(model: Recogniser, count: int = 500, seed: int = 2000) -> dict:
    """How far off (cm, mean) the recogniser reads the hand and the cup, on the frames of
    `count` push scenes from `seed`."""
    unseen = pushes(count, seed=seed)
    with torch.no_grad():
        miss = (model(unseen.frames) - unseen.positions).view(-1, 2, 2).norm(dim=-1)
    return {"hand_error_cm": round(100 * float(miss[:, 0].mean()), 2),
            "cup_error_cm": round(100 * float(miss[:, 1].mean()), 2)}


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """The shipped recogniser (Config()), and its error reading positions on 500 unseen
    frames."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    model, history = train(cfg)
    payload = {"config": asdict(cfg), "state_dict": model.state_dict()}
    return payload, {**evaluate(model, seed=cfg.seed + 2000), "final_loss": history["loss"][-1]}


def load_pretrained(device: str | torch.device = "cpu") -> tuple[Recogniser, dict]:
    """The shipped recogniser and its record: (recogniser, {"metrics": ...})."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    model = Recogniser(Config(**payload["config"]))
    model.load_state_dict(payload["state_dict"])
    return model.eval(), {"metrics": checkpoints.info(CHECKPOINTS[0])["metrics"]}
