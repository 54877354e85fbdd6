"""A vision-language-action policy in miniature: the planner distilled into a network that
sees the camera, reads the instruction and gives a chunk of actions, as pi0 does (Black et
al. 2024).

    policy, history = train(Config(), episodes=200)   # the planner's demonstrations, cloned
    evaluate(policy, split="held_out")         # success on combinations never seen together
    controller = Controller(policy)            # act(env) for ArmInstruct-v0

The network, one transformer over four kinds of token:
    vision    the camera's view of this frame and the last (6, 40, 40), cut into 25 patches
              of 8 x 8 pixels, each projected to a token (a ViT's patch embedding)
    proprio   the joint angles, as (cos, sin) of each, and where they put the hand, one token
    language  the instruction's WORDS words, one learned embedding each
    readout   one learned token, whose output is the context the action head reads
Every token attends to every other (2 layers, width 64): which cup the words name is found
where the colour is in the picture.

The action head, flow matching (Lipman et al. 2023; the action expert of pi0): a chunk of
CHUNK actions A is drawn by integrating a learned velocity field from noise at tau = 0 to
actions at tau = 1. Training takes A_tau = tau A + (1 - tau) eps, eps ~ N(0, I), and
regresses the head's v(A_tau, tau, context) on A - eps, the velocity of that straight path;
acting integrates dA/dtau = v with `euler_steps` Euler steps. pi0's action expert attends to
every token at every step; here the context is read once and the head is an MLP, so the
integration costs little, and a whole chunk costs about one pass of the transformer.

The controller carries out the first `execute` actions of each chunk before it looks again.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from . import demonstrations
from .arm import Arm, forward
from .demonstrations import CHUNK, Demonstrations, stacked
from .instructed import VOCABULARY, WORDS

PATCH = 8
PATCHES = (40 // PATCH) ** 2      # 25 vision tokens
STEM = 24                         # channels of the convolution before the patches


@dataclass(frozen=True)
class Config:
    width: int = 64
    layers: int = 2
    heads: int = 4
    head_hidden: int = 256
    steps: int = 3000
    batch_size: int = 128
    lr: float = 1e-3
    euler_steps: int = 10
    execute: int = 4            # actions of a chunk carried out before the next look
    temperature: float = 1.0    # the starting noise's scale when acting
    seed: int = 0

    def __post_init__(self):
        for name in ("width", "layers", "heads", "head_hidden", "steps", "batch_size",
                     "euler_steps"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 1):
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        if self.steps < 3:
            raise ValueError(f"steps must be >= 3 (a warm-up, then the decay), got {self.steps}")
        if self.width % self.heads:
            raise ValueError(f"width ({self.width}) must be a multiple of heads ({self.heads})")
        if not (isinstance(self.execute, int) and 1 <= self.execute <= CHUNK):
            raise ValueError(f"execute must be an int in [1, {CHUNK}], got {self.execute!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")

    @classmethod
    def tiny(cls) -> "Config":
        """The whole loop in about a second, for tests (with one demonstration)."""
        return cls(width=16, layers=1, heads=2, head_hidden=16, steps=10, batch_size=8)


TIME_FREQUENCIES = torch.exp(torch.linspace(0, math.log(100.0), 8))   # of the flow time


def time_features(tau: Tensor) -> Tensor:
    """Sinusoidal features (B, 16) of the flow time tau (B,) in [0, 1]."""
    angles = tau[:, None] * TIME_FREQUENCIES * math.pi
    return torch.cat([angles.sin(), angles.cos()], dim=-1)


class Policy(nn.Module):
    """Vision, joints and words in, a velocity field over action chunks out."""

    def __init__(self, cfg: Config = Config()):
        super().__init__()
        self.cfg = cfg
        w = cfg.width
        self.stem = nn.Conv2d(8, STEM, 4, stride=2, padding=1)          # (STEM, 20, 20)
        self.film = nn.Linear(w, 2 * STEM)
        # Two channels of pixel coordinates (CoordConv, Liu et al. 2018): where a colour is,
        # precisely, is what the head needs.
        grid = torch.linspace(-1, 1, 40)
        self.register_buffer("where", torch.stack(torch.meshgrid(grid, grid, indexing="ij"))[None],
                             persistent=False)
        self.patches = nn.Conv2d(STEM, w, PATCH // 2, stride=PATCH // 2)  # (w, 5, 5)
        self.vision_position = nn.Parameter(torch.randn(PATCHES, w) * 0.02)
        self.proprio = nn.Linear(6, w)
        self.words = nn.Embedding(len(VOCABULARY), w)
        self.word_position = nn.Parameter(torch.randn(WORDS, w) * 0.02)
        self.readout = nn.Parameter(torch.randn(1, w) * 0.02)
        layer = nn.TransformerEncoderLayer(w, cfg.heads, 2 * w, dropout=0.0, batch_first=True,
                                           norm_first=True)
        self.core = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(w)
        h = cfg.head_hidden
        self.head = nn.Sequential(nn.Linear(w + 2 * CHUNK + 16, h), nn.SiLU(),
                                  nn.Linear(h, h), nn.SiLU(), nn.Linear(h, 2 * CHUNK))

    def context(self, frames: Tensor, q: Tensor, words: Tensor) -> Tensor:
        """What the head reads (B, width): frames (B, 6, 40, 40) uint8, q (B, 2), words
        (B, WORDS)."""
        B = frames.shape[0]
        language = self.words(words) + self.word_position
        # The words scale and shift the stem's channels (FiLM): what to look for is chosen
        # at the pixels, before the patches are cut.
        gain, shift = self.film(language.mean(1))[:, :, None, None].chunk(2, dim=1)
        pixels = torch.cat([frames.float() / 255, self.where.expand(B, -1, -1, -1)], dim=1)
        pixels = torch.nn.functional.silu(self.stem(pixels) * (1 + gain) + shift)
        vision = self.patches(pixels).flatten(2).transpose(1, 2) + self.vision_position
        hand = forward(Arm(), q.double()).float()         # where the joints put the hand (m)
        joints = self.proprio(torch.cat([q.cos(), q.sin(), hand], dim=-1))[:, None]
        tokens = torch.cat([self.readout.expand(B, 1, -1), joints, language, vision], dim=1)
        return self.norm(self.core(tokens)[:, 0])

    def velocity(self, context: Tensor, chunk: Tensor, tau: Tensor) -> Tensor:
        """v(A_tau, tau, context): (B, CHUNK, 2) for chunks (B, CHUNK, 2) at times tau (B,)."""
        x = torch.cat([context, chunk.flatten(1), time_features(tau)], dim=-1)
        return self.head(x).view(-1, CHUNK, 2)

    def loss(self, frames: Tensor, q: Tensor, words: Tensor, chunks: Tensor,
             generator: torch.Generator | None = None) -> Tensor:
        """The flow-matching loss: mean squared error of v against A - eps."""
        return flow_matching_loss(self.velocity, self.context(frames, q, words), chunks,
                                  generator)

    @torch.inference_mode()       # no autograd bookkeeping: acting is all it does
    def sample(self, frames: Tensor, q: Tensor, words: Tensor,
               generator: torch.Generator | None = None) -> Tensor:
        """Action chunks (B, CHUNK, 2) in [-1, 1], integrated from noise."""
        context = self.context(frames, q, words)
        noise = self.cfg.temperature * torch.randn(context.shape[0], CHUNK, 2,
                                                   generator=generator)
        return euler_sample(self.velocity, context, noise, self.cfg.euler_steps).clamp(-1, 1)


def flow_matching_loss(velocity, context: Tensor, actions: Tensor,
                       generator: torch.Generator | None = None) -> Tensor:
    """E ||v(A_tau, tau) - (A - eps)||^2 over tau ~ U(0, 1) and eps ~ N(0, I), where
    A_tau = tau A + (1 - tau) eps: the straight path from noise to the actions."""
    B = actions.shape[0]
    tau = torch.rand(B, generator=generator)
    eps = torch.randn(actions.shape, generator=generator)
    t = tau.view(B, *([1] * (actions.ndim - 1)))
    moved = t * actions + (1 - t) * eps
    return (velocity(context, moved, tau) - (actions - eps)).pow(2).mean()


def euler_sample(velocity, context: Tensor, noise: Tensor, steps: int) -> Tensor:
    """Integrate dA/dtau = v(A, tau, context) from A = noise at tau = 0 to tau = 1."""
    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    x, dt = noise, 1.0 / steps
    for k in range(steps):
        tau = torch.full((x.shape[0],), k * dt, dtype=x.dtype)
        x = x + dt * velocity(context, x, tau)
    return x


def fit(demos: Demonstrations, cfg: Config = Config(), progress: bool = True
        ) -> tuple[Policy, dict]:
    """Behaviour cloning by flow matching on the planner's chunks: (policy, {"loss": [...]})."""
    if not isinstance(demos, Demonstrations) or len(demos) == 0:
        raise ValueError("demos must be a non-empty Demonstrations")
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    policy = Policy(cfg)
    optimiser = torch.optim.AdamW(policy.parameters(), lr=cfg.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, cfg.lr, total_steps=cfg.steps,
                                                   pct_start=max(0.05, 2 / cfg.steps))
    losses = []
    for _ in tqdm(range(cfg.steps), desc="cloning the planner", disable=not progress):
        batch = torch.randint(len(demos), (cfg.batch_size,), generator=generator)
        loss = policy.loss(demos.frames[batch], demos.q[batch], demos.words[batch],
                           demos.chunks[batch], generator)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(loss.item())
    return policy.eval(), {"loss": losses}


class Controller:
    """act(env) -> action for ArmInstruct-v0, from the policy's chunks: it looks, samples a
    chunk, and carries out its first `cfg.execute` actions."""

    def __init__(self, policy: Policy, seed: int = 0):
        self.policy, self.seed = policy, seed
        self.reset()

    def reset(self) -> None:
        self.generator = torch.Generator().manual_seed(self.seed)
        self.previous, self.queue = None, []

    def act(self, env):
        obs = env.last_obs
        if not self.queue:
            frames = torch.as_tensor(stacked(obs["frame"], self.previous))[None]
            chunk = self.policy.sample(frames, torch.as_tensor(obs["q"])[None],
                                       torch.as_tensor(obs["instruction"])[None],
                                       self.generator)[0]
            self.queue = list(chunk[:self.policy.cfg.execute].numpy())
        self.previous = obs["frame"]
        return self.queue.pop(0)


CHECKPOINTS = ("vla_policy",)
DEMONSTRATIONS = 400         # planner episodes the shipped policy is cloned from
SCORED = 50                  # scenes of each split the recipe scores it on
SEEN, UNSEEN = 10_000, 20_000     # the scenes' seeds (benchmarks/robot_policy.py uses the same)


def train(cfg: Config = Config(), episodes: int = DEMONSTRATIONS, progress: bool = True
          ) -> tuple[Policy, dict]:
    """The planner's demonstrations on `episodes` scenes of the train split (seeded by
    cfg.seed) and a policy cloned from them: (policy, {"loss": [...], "demonstration_steps"})."""
    demos = demonstrations.demonstrate(episodes, seed=cfg.seed, progress=progress)
    policy, history = fit(demos, cfg, progress)
    return policy, {**history, "demonstration_steps": len(demos)}


def evaluate(policy: Policy, episodes: int = SCORED, seed: int = SEEN, split: str = "train"
             ) -> dict:
    """The policy's success and milliseconds per action on `episodes` scenes of `split`
    (`demonstrations.evaluate`)."""
    return demonstrations.evaluate(Controller(policy), episodes, seed=seed, split=split)


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """The shipped policy: Config(), cloned from DEMONSTRATIONS planner episodes of the train
    split, and it and the planner scored on the same SCORED scenes of the train split (kinds
    of scene it saw) and of the held-out split (a colour named where it never was)."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    policy, history = train(cfg)
    metrics = {"demonstrations": DEMONSTRATIONS,
               "demonstration_steps": history["demonstration_steps"], "scored_scenes": SCORED}
    for split, seed in (("train", SEEN), ("held_out", UNSEEN)):
        for who, controller in (("policy", Controller(policy)),
                                ("planner", demonstrations.task_planner(cfg.seed))):
            score = demonstrations.evaluate(controller, SCORED, seed=seed, split=split)
            metrics[f"{who}_{split}_success_rate"] = score["success_rate"]
            metrics[f"{who}_{split}_ms_per_action"] = round(score["ms_per_action"], 3)
    payload = {"config": asdict(cfg), "state_dict": policy.state_dict(),
               "loss": history["loss"]}
    return payload, metrics


def load_pretrained(device: str | torch.device = "cpu") -> tuple[Policy, dict]:
    """The shipped policy and what its recipe recorded: (policy, {"loss": its training
    loss per step, "metrics": the checkpoint's record})."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    policy = Policy(Config(**payload["config"]))
    policy.load_state_dict(payload["state_dict"])
    return policy.eval(), {"loss": payload["loss"],
                           "metrics": checkpoints.info(CHECKPOINTS[0])["metrics"]}
