"""Always updating: the world changes under a learned model; its surprise spikes, and online
updates bring its error back, each kind of update at its own price in forgetting.

    model = load_pretrained()                           # grown up in the old world
    run = stream(model, old_world_play(Config()), "slippery table", rule="recent")
    run["recovered_in"], run["forgetting"]              # steps back to 1.5x; the old world

The model (`cup_model.CupModel`) is trained on shoves (`cups.shoves`: the hand shoves the
cup, which slides and may fall) in the old world, where friction and gravity both show in
every episode. Then it lives there, and at step `before` of a stream the world changes. At
every step it predicts the next interaction at each of `tables` tables, is surprised by what
it got wrong, and updates by one of three rules:

- "frozen": nothing; the error after the change is what a model that stopped learning pays;
- "recent": `updates` gradient steps on the last `window` steps of transitions, every step;
- "replay": the same step, on the recent window and as many transitions drawn from its
  memory of the old world (experience replay, the oldest remedy for forgetting).

The same push now has two outcomes, one per world, and a model that is not told which world
it is in can only trade one for the other: how much of the old world each rule forgets is
measured, as the old world's test error after the stream over its error before the change.
"""
from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass

import torch
from tqdm.auto import tqdm

from .. import checkpoints
from ..world.scenes import CUP_FRICTION, GRAVITY
from .cup_model import CupModel, error, fit, surprise
from .cups import EPISODE, Cups, Transitions, random_play, shoves

OLD_WORLD = {"friction": CUP_FRICTION, "gravity": GRAVITY}
CHANGES = {                              # what the world becomes, mid-stream
    "slippery table": {"friction": 0.05},
    "sticky table": {"friction": 0.6},
    "weaker gravity": {"gravity": 4.0},
    "stronger gravity": {"gravity": 14.0},
}
RULES = ("frozen", "recent", "replay")
CHECKPOINTS = ("toddler_cup",)
RECOVERED = 1.5           # "back": the error within this multiple of its level before


@dataclass(frozen=True)
class Config:
    tables: int = 256                      # tables of shoves in the old world
    interactions: int = 2 * EPISODE        # interactions at each table
    hidden: int = 128                      # width of the network's hidden layers
    steps: int = 6_000                     # training gradient steps
    lr: float = 2e-3                       # Adam learning rate of training, decayed to 0
    batch_size: int = 512                  # transitions per training step
    seed: int = 0                          # seeds the data and the network

    @classmethod
    def tiny(cls) -> "Config":
        """Training in about a second, for tests."""
        return cls(tables=4, interactions=EPISODE, hidden=8, steps=20)


@dataclass(frozen=True)
class Stream:
    tables: int = 16          # tables the learner plays at, together, in the changing world
    before: int = 100         # steps in the old world (a step: one interaction at every table)
    after: int = 300          # steps after the change
    window: int = 100         # steps of recent transitions the updates learn from (4 episodes)
    lr: float = 1e-3          # Adam learning rate of the online updates
    updates: int = 4          # gradient steps after each step of the stream
    batch_size: int = 512     # transitions per online gradient step
    every: int = 5            # steps between evaluations on held-out transitions
    seed: int = 0             # seeds the tables, the pushes and the updates

    @classmethod
    def tiny(cls) -> "Stream":
        """A stream in a fraction of a second, for tests."""
        return cls(tables=2, before=10, after=10, window=2, updates=1, every=5)


def old_world_play(cfg: Config) -> Transitions:
    """The shoves the model learns the old world from, and later replays: its memory."""
    return random_play(cfg.tables, cfg.interactions, seed=cfg.seed, pushes=shoves, **OLD_WORLD)


def train(cfg: Config, progress: bool = True) -> tuple[CupModel, dict]:
    """The model, trained on the old world's shoves (`old_world_play`); history: its loss."""
    torch.manual_seed(cfg.seed)
    memory = old_world_play(cfg)
    model = CupModel(members=1, hidden=cfg.hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed + 1)
    losses: list[float] = []
    chunks = math.ceil(cfg.steps / 100)
    for chunk in tqdm(range(chunks), desc="learning the old world", disable=not progress):
        for group in optimiser.param_groups:          # the rate decays linearly, to settle
            group["lr"] = cfg.lr * (1 - chunk / chunks)
        losses += fit(model, optimiser, memory, 100, generator, cfg.batch_size)
    return model, {"loss": losses}


def evaluate(model: CupModel) -> dict:
    """The model's held-out error in the old world (1 = "nothing moves")."""
    return {"old_world_error": error(model, test_world(OLD_WORLD))}


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """`python -m worldmodels.train toddler_cup`: the model of the old world, from seed 0."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    model, history = train(cfg, progress=False)
    metrics = {"final_loss": round(sum(history["loss"][-100:]) / 100, 6),
               "old_world_error": round(evaluate(model)["old_world_error"], 4)}
    return {"state_dict": model.state_dict(), "config": asdict(cfg)}, metrics


def load_pretrained(device: str | torch.device = "cpu") -> CupModel:
    """The shipped model of the old world (see `recipe`); its memory is
    `old_world_play(Config(**...))`, regenerated from its seed rather than shipped."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    model = CupModel(members=1, hidden=Config(**payload["config"]).hidden).to(device)
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def test_world(world: dict, seed: int = 20_000) -> Transitions:
    """Held-out shoves in `world` ({"friction", "gravity"}), 256 tables."""
    return random_play(256, 2 * EPISODE, seed=seed, pushes=shoves, **world)


def stream(model: CupModel, memory: Transitions, change: str, rule: str,
           cfg: Stream = Stream(), progress: bool = False) -> dict:
    """Live in the old world, then in `change` (a key of CHANGES), updating by `rule` (one of
    RULES). The model is copied, never changed. Returns the record of the stream:
    step, surprise (at every step); checked, error (held-out error in the world of the
    moment, every `every` steps); level (the error just before the change); recovered_in
    (steps after the change until the error is within RECOVERED x level, inf if never);
    left_band (whether the error ever rose above RECOVERED x level after the change);
    forgetting (the old world's error after the stream over its error before the change)."""
    if change not in CHANGES:
        raise ValueError(f"change must be one of {sorted(CHANGES)}, got {change!r}")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    learner = copy.deepcopy(model)
    optimiser = torch.optim.Adam(learner.parameters(), lr=cfg.lr)
    old_test, new_test = test_world(OLD_WORLD), test_world({**OLD_WORLD, **CHANGES[change]})
    cups = Cups(cfg.tables, seed=10_000 + cfg.seed, **OLD_WORLD)
    steps = cfg.before + cfg.after
    strokes = shoves(cfg.tables, steps, torch.Generator().manual_seed(cfg.seed + 1))
    generator = torch.Generator().manual_seed(cfg.seed + 2)
    record = {"step": [], "surprise": [], "checked": [], "error": [], "change": cfg.before}
    recent: list[Transitions] = []
    for t in tqdm(range(steps), desc=f"{rule}, {change}", disable=not progress):
        if t == cfg.before:
            cups.change(**CHANGES[change])
            old_level = error(learner, old_test)
        if t % cfg.every == 0:
            record["checked"].append(t)
            record["error"].append(error(learner, old_test if t < cfg.before else new_test))
        seen = cups.interact(strokes[:, t])
        record["step"].append(t)
        record["surprise"].append(surprise(learner, seen))
        recent = (recent + [seen])[-cfg.window:]
        if rule != "frozen":
            batch = Transitions.cat(recent)
            if rule == "replay":
                drawn = torch.randint(len(memory), (len(batch),), generator=generator)
                batch = Transitions.cat([batch, memory.select(drawn)])
            fit(learner, optimiser, batch, cfg.updates, generator, cfg.batch_size)
    checked, errors = record["checked"], record["error"]
    before = [e for c, e in zip(checked, errors) if c < cfg.before][-3:]
    level = sum(before) / len(before)
    after = [(c - cfg.before, e) for c, e in zip(checked, errors) if c >= cfg.before]
    back = [c for c, e in after if e <= RECOVERED * level]
    return {**record, "level": level, "recovered_in": back[0] if back else math.inf,
            "left_band": any(e > RECOVERED * level for _, e in after),
            "error_after": errors[-1], "forgetting": error(learner, old_test) / old_level}
