"""Intervening against watching: a learner that chooses its own pushes where its model is
unsure, against one that watches as many interactions of random pushes.

    watcher, intervener = compare(Config())
    watcher["error"][-1]                  # its test error after every interaction
    interactions_to_reach(intervener, watcher["error"][-1])   # how soon the other got there

Both learners play at the same tables, refit the same model (`cup_model.CupModel`, an
ensemble) on the same schedule, and are scored on the same held-out transitions of random
play: the watcher's own kind of data, so the test favours it, if anything. They differ in one
thing. The watcher's hand makes the world's random strokes. The intervener, before each
interaction, imagines `candidates` pushes (each a hand velocity held for `horizon`
interactions), rolls every one out in every member of its ensemble, and makes the push whose
imagined futures the members disagree about most: an experiment chosen for what it will
teach (the disagreement of an ensemble as curiosity: Pathak et al. 2019; Sekar et al. 2020).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor
from tqdm.auto import tqdm

from ..world import render
from ..world.state import Params
from .cup_model import CHANGE_SCALE, CupModel, error, features, fit, move_hand
from .cups import EPISODE, Cups, Transitions, random_play, random_strokes

LEARNERS = ("watching", "intervening")
MOVED = 1e-3          # a cup whose position and velocity change less than this stayed put


@dataclass(frozen=True)
class Config:
    tables: int = 16              # tables played at together, one cup each
    interactions: int = 8_000     # interactions in all, summed over the tables
    rounds: int = 25              # refits of the model, evenly spread over the interactions
    fit_steps: int = 200          # gradient steps per refit
    members: int = 5              # networks in the ensemble
    hidden: int = 64              # width of each network's hidden layers
    lr: float = 1e-3              # Adam learning rate
    batch_size: int = 256         # transitions per gradient step, per member
    candidates: int = 32          # pushes the intervener imagines before each interaction
    horizon: int = 6              # interactions each imagined push is held (0.24 s)
    test_tables: int = 256        # tables of random play in the held-out test set
    seed: int = 0                 # seeds the tables, the networks and the choices

    @classmethod
    def tiny(cls) -> "Config":
        """Both learners in about a second, for tests."""
        return cls(tables=4, interactions=80, rounds=2, fit_steps=5, members=2, hidden=8,
                   candidates=4, horizon=2, test_tables=8)

    def __post_init__(self):
        for name in ("tables", "interactions", "rounds", "members", "candidates", "horizon",
                     "test_tables"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 1):
                raise ValueError(f"cfg.{name} must be an int >= 1, got {value!r}")
        if self.interactions % (self.tables * self.rounds):
            raise ValueError(f"cfg.interactions ({self.interactions}) must be a multiple of "
                             f"cfg.tables * cfg.rounds ({self.tables * self.rounds})")


def test_set(cfg: Config) -> Transitions:
    """Held-out random play, two episodes at each of `test_tables` tables."""
    return random_play(cfg.test_tables, 2 * EPISODE, seed=10_000 + cfg.seed)


@torch.no_grad()
def curious_pushes(model: CupModel, cup: Tensor, hand: Tensor, candidates: int, horizon: int,
                   generator: torch.Generator) -> Tensor:
    """For each table (cup (B, 4), hand (B, 2)), the hand velocity (B, 2) among `candidates`
    random ones whose imagined future the ensemble's members disagree about most.

    Each member rolls each candidate out on its own predictions, so a disagreement early in
    the push also spreads the members apart later: a push that teaches more, sooner, scores."""
    B, K, E = len(cup), candidates, model.members
    speed = Params.hand_max_speed
    velocity = (2 * torch.rand(B, K, 2, generator=generator) - 1) * speed     # (B, K, 2)
    cups = cup[None, :, None].expand(E, B, K, 4).reshape(E, B * K, 4)
    hands = hand[:, None].expand(B, K, 2).reshape(B * K, 2)
    velocity = velocity.reshape(B * K, 2)
    spread = torch.zeros(B * K)
    for _ in range(horizon):
        hands_after, moved = move_hand(hands, velocity)
        x = features(cups, hands.expand(E, -1, -1), moved.expand(E, -1, -1))
        cups = cups + model(x) * CHANGE_SCALE                 # each member, its own future
        spread += (cups / CHANGE_SCALE).var(0, unbiased=False).sum(-1)
        hands = hands_after
    best = spread.reshape(B, K).argmax(1)
    return velocity.reshape(B, K, 2)[torch.arange(B), best]


def learn(cfg: Config, intervene: bool, progress: bool = True,
          test: Transitions | None = None) -> tuple[CupModel, dict]:
    """One learner, watching or intervening. Returns the model and its history:
    {"interactions": after each refit, "error": test error then (1 = "nothing moves"),
    "cup_moved": the share of its interactions in which the cup moved}."""
    torch.manual_seed(cfg.seed)
    model = CupModel(cfg.members, cfg.hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed + 7)
    test = test_set(cfg) if test is None else test
    cups = Cups(cfg.tables, seed=cfg.seed)
    per_table = cfg.interactions // cfg.tables
    strokes = random_strokes(cfg.tables, per_table, torch.Generator().manual_seed(cfg.seed + 1))
    seen: list[Transitions] = []
    history = {"interactions": [], "error": []}
    per_round = per_table // cfg.rounds
    label = LEARNERS[int(intervene)]
    for t in tqdm(range(per_table), desc=label, disable=not progress):
        if intervene:
            actions = curious_pushes(model, *cups.observe(), cfg.candidates, cfg.horizon,
                                     generator)
        else:
            actions = strokes[:, t]
        seen.append(cups.interact(actions))
        if (t + 1) % per_round == 0:
            fit(model, optimiser, Transitions.cat(seen), cfg.fit_steps, generator,
                cfg.batch_size)
            history["interactions"].append((t + 1) * cfg.tables)
            history["error"].append(error(model, test))
    everything = Transitions.cat(seen)
    moved = (everything.after - everything.cup).norm(dim=-1) > MOVED
    history["cup_moved"] = float(moved.float().mean())
    return model, history


@torch.no_grad()
def episode(model: CupModel, intervene: bool, cfg: Config = Config(), table: int = 0,
            size: int = 64) -> Tensor:
    """Frames (EPISODE + 1, 3, size, size) of one table through its first episode, pushed as
    the learner pushes: random strokes, or the pushes `model`'s members disagree about most."""
    cups = Cups(table + 1, seed=cfg.seed)
    strokes = random_strokes(table + 1, EPISODE, torch.Generator().manual_seed(cfg.seed + 1))
    generator = torch.Generator().manual_seed(cfg.seed + 7)
    frames = [render(cups.state, cups.params, size=size)[table]]
    for t in range(EPISODE):
        actions = (curious_pushes(model, *cups.observe(), cfg.candidates, cfg.horizon,
                                  generator) if intervene else strokes[:, t])
        cups.interact(actions)
        frames.append(render(cups.state, cups.params, size=size)[table])
    return torch.stack(frames)


def compare(cfg: Config, progress: bool = True) -> tuple[dict, dict]:
    """The watcher's and the intervener's histories, on the same tables and test set."""
    test = test_set(cfg)
    return tuple(learn(cfg, intervene, progress, test)[1] for intervene in (False, True))


def smoothed(history: dict, refits: int = 3) -> list[float]:
    """The error averaged over the last `refits` refits at each point: one refit's error
    swings with the few strikes its last batches held, and a level read from it would too."""
    errors = history["error"]
    return [sum(errors[max(0, i - refits + 1):i + 1]) / (i + 1 - max(0, i - refits + 1))
            for i in range(len(errors))]


def interactions_to_reach(history: dict, target: float) -> float:
    """The interactions after which `history`'s smoothed error first falls to `target`, read
    between refits on a log-log line; inf if it never does."""
    points = list(zip(history["interactions"], smoothed(history)))
    for i, (n, value) in enumerate(points):
        if value <= target:
            if i == 0:
                return float(n)
            (n0, e0), (n1, e1) = points[i - 1], (n, value)
            share = math.log(e0 / target) / math.log(e0 / e1)
            return float(math.exp(math.log(n0) + share * (math.log(n1) - math.log(n0))))
    return math.inf


def share_needed(watcher: dict, intervener: dict) -> float:
    """The share of the watcher's interactions the intervener needs to reach the watcher's
    final (smoothed) error: below 1, intervening taught more per interaction."""
    return interactions_to_reach(intervener, smoothed(watcher)[-1]) / watcher["interactions"][-1]
