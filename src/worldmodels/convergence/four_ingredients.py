"""One world model with the four ingredients every road converged on, in miniature, and the
same model with each of them taken away.

    model, history = train(Config())                  # action-free first, then with actions
    frames = dream(model, context, buttons)           # its own frames, rolled forward
    evaluate(model)["rollout_mse"]                    # against the truth, on held-out clips

1. *A transformer* over tokens: each 32x32 frame is cut into 4 patches of 16x16 pixels, each
   patch a token, and each step adds one token for the button pressed. Attention is
   block-causal in time: a token sees every token of its own frame and of earlier ones, never
   a later frame (`block_causal`). The ablation puts a convolutional core in its place, which
   sees the last two frames' patches and their neighbours.
2. *Video without actions first*: every clip is first learned from with its buttons hidden
   (an "unknown" action token), as Dreamer 4 and V-JEPA 2 learn from video they never acted
   in; the ablation skips this stage.
3. *Action conditioning*: then the `labelled` share of clips is learned from with its
   buttons (as V-JEPA 2's second stage learns from robot data alone). The ablation never
   sees a button.
4. *Two levels of prediction*: from the tokens of frame t the model predicts frame t+1's
   pixels (as a change of each patch) and its *representation*: the mean of its tokens under
   a slowly moving (EMA) copy of the tokenizer, a target in the manner of JEPA, which the
   pixel loss keeps from collapsing. The ablation predicts pixels only.

Shapes: N clips, T steps (T+1 frames), P = 16 patches per frame, D the token width.
"""
from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, replace

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..world.play import BUTTONS, play

CHECKPOINTS = ("four_ingredients",)
FRAME, PATCH = 32, 16                 # pixels per side of a frame, and of a patch
PATCHES = (FRAME // PATCH) ** 2       # tokens per frame
UNKNOWN = len(BUTTONS)                # the action token of a clip whose buttons are hidden
CORES = ("transformer", "conv")
TEST_SEED, TEST_CLIPS = 90_000, 256   # held-out clips, far from every training seed
CONTEXT = 4                           # frames shown before a rollout is scored
EMA = 0.99                            # how slowly the representation's tokenizer follows


@dataclass(frozen=True)
class Config:
    core: str = "transformer"     # "transformer" or "conv" (the first ingredient, removed)
    pretrain: bool = True         # learn from every clip without its buttons first
    actions: bool = True          # ever see the buttons (False: action conditioning removed)
    levels: int = 2               # 2: pixels and representation; 1: pixels only
    labelled: float = 0.1         # share of clips whose buttons are known
    clips: int = 2048             # clips of play to learn from
    steps: int = 8                # button presses per clip (9 frames, 0.32 s)
    width: int = 32               # token width D
    layers: int = 2               # transformer layers (or convolutional layers, 3 x this)
    heads: int = 4                # attention heads
    pretrain_steps: int = 1000    # gradient steps without buttons
    finetune_steps: int = 1000    # gradient steps with the labelled clips' buttons
    batch_size: int = 32          # clips per gradient step
    level_weight: float = 1e-4    # weight of the representation loss: its standardised error
                                  # starts near 1, the pixels' near 4e-4; a second voice, not the first
    lr: float = 2e-3              # AdamW learning rate: warmed up, then decayed, each stage
    seed: int = 0                 # seeds the clips, the choice of labelled ones, the weights

    @classmethod
    def tiny(cls) -> "Config":
        """Both stages in about a second, for tests."""
        return cls(clips=32, steps=4, width=16, layers=1, heads=2, pretrain_steps=5,
                   finetune_steps=5, batch_size=8)

    def __post_init__(self):
        if self.core not in CORES:
            raise ValueError(f"cfg.core must be one of {CORES}, got {self.core!r}")
        if self.levels not in (1, 2):
            raise ValueError(f"cfg.levels must be 1 or 2, got {self.levels!r}")
        if not 0 < self.labelled <= 1:
            raise ValueError(f"cfg.labelled must be a share in (0, 1], got {self.labelled!r}")
        if self.width % self.heads:
            raise ValueError(f"cfg.width ({self.width}) must be a multiple of cfg.heads "
                             f"({self.heads})")


def block_causal(blocks: int, per_block: int) -> Tensor:
    """(L, L) booleans, L = blocks * per_block: True where token i may attend to token j,
    which is where j's block (its frame) is not later than i's."""
    block = torch.arange(blocks * per_block) // per_block
    return block[None, :] <= block[:, None]


def to_patches(frames: Tensor) -> Tensor:
    """(..., 3, 32, 32) -> (..., 16, 192): the frame cut into 8x8 patches, row by row, each
    patch's pixels in (row, column, colour) order."""
    *lead, C, H, W = frames.shape
    side = H // PATCH
    x = frames.reshape(-1, C, side, PATCH, side, PATCH).permute(0, 2, 4, 3, 5, 1)
    return x.reshape(*lead, side * side, PATCH * PATCH * C)


def from_patches(patches: Tensor) -> Tensor:
    """The inverse of `to_patches`: (..., 16, 192) -> (..., 3, 32, 32)."""
    *lead, _, _ = patches.shape
    side = FRAME // PATCH
    x = patches.reshape(-1, side, side, PATCH, PATCH, 3).permute(0, 5, 1, 3, 2, 4)
    return x.reshape(*lead, 3, FRAME, FRAME)


def buttons_of(actions: Tensor) -> Tensor:
    """Hand velocities (m/s, horizontal) -> button indices: 0 left, 1 wait, 2 right."""
    return (actions.sign().round().long() + 1).clamp(0, 2)


class Block(nn.Module):
    """One pre-norm transformer layer: attention where `allowed`, then a feed-forward net."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.out = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.feed = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),
                                  nn.Linear(4 * width, width))

    def forward(self, x: Tensor, allowed: Tensor) -> Tensor:
        """x (N, L, D), allowed (L, L) booleans -> (N, L, D)."""
        N, L, D = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(N, L, 3, self.heads, D // self.heads) \
            .permute(2, 0, 3, 1, 4)                                   # (N, heads, L, D/heads)
        scores = (q @ k.transpose(-1, -2)) * (D // self.heads) ** -0.5
        weights = scores.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
        x = x + self.out((weights @ v).transpose(1, 2).reshape(N, L, D))
        return x + self.feed(self.norm2(x))


class FourIngredients(nn.Module):
    """Tokens in, for every frame t of the input: frame t+1's patches and representation."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg, D = cfg, cfg.width
        self.tokenizer = nn.Sequential(nn.Linear(3 * PATCH * PATCH, D), nn.SiLU(),
                                       nn.Linear(D, D))
        self.target_tokenizer = copy.deepcopy(self.tokenizer).requires_grad_(False)
        self.patch_position = nn.Parameter(0.02 * torch.randn(PATCHES, D))
        self.time = nn.Parameter(0.02 * torch.randn(cfg.steps + 1, D))
        self.action = nn.Embedding(len(BUTTONS) + 1, D)
        if cfg.core == "transformer":
            self.core = nn.ModuleList(Block(D, cfg.heads) for _ in range(cfg.layers))
        else:
            convs = []
            for i in range(3 * cfg.layers):
                convs += [nn.Conv2d(3 * D if i == 0 else D, D, 3, padding=1), nn.SiLU()]
            self.core = nn.Sequential(*convs[:-1])
        self.norm = nn.LayerNorm(D)
        self.pixels = nn.Linear(D, 3 * PATCH * PATCH)
        nn.init.zeros_(self.pixels.weight)          # it starts as "nothing changes"
        nn.init.zeros_(self.pixels.bias)
        self.represent = nn.Sequential(nn.Linear(D, D), nn.SiLU(), nn.Linear(D, D))

    def forward(self, frames: Tensor, buttons: Tensor) -> tuple[Tensor, Tensor]:
        """frames (N, T, 3, 32, 32), buttons (N, T) (UNKNOWN where hidden) -> predicted
        next frames (N, T, 3, 32, 32) and representations (N, T, D)."""
        N, T = buttons.shape
        if T > self.cfg.steps:
            raise ValueError(f"frames must hold at most {self.cfg.steps} frames, got {T}")
        patches = to_patches(frames)                                         # (N, T, P, 192)
        tokens = self.tokenizer(patches) + self.patch_position + self.time[:T, None]
        action = self.action(buttons) + self.time[:T]                        # (N, T, D)
        hidden = self._core(tokens, action)                                  # (N, T, P, D)
        hidden = self.norm(hidden)
        change = self.pixels(hidden)
        next_frames = from_patches(patches + change).clamp(0, 1)
        return next_frames, self.represent(hidden.mean(dim=2))

    def _core(self, tokens: Tensor, action: Tensor) -> Tensor:
        N, T, P, D = tokens.shape
        if self.cfg.core == "transformer":
            sequence = torch.cat([tokens, action[:, :, None]], dim=2).reshape(N, T * (P + 1), D)
            allowed = block_causal(T, P + 1)
            for block in self.core:
                sequence = block(sequence, allowed)
            return sequence.reshape(N, T, P + 1, D)[:, :, :P]
        side = FRAME // PATCH
        grid = tokens.reshape(N, T, side, side, D).movedim(-1, 2)             # (N, T, D, 4, 4)
        before = torch.cat([grid[:, :1], grid[:, :-1]], dim=1)               # frame t-1
        pressed = action[..., None, None].expand(-1, -1, -1, side, side)
        x = torch.cat([grid, before, pressed], dim=2).flatten(0, 1)          # (N T, 3D, 4, 4)
        out = self.core(x).reshape(N, T, D, side, side).movedim(2, -1)
        return tokens + out.reshape(N, T, P, D)

    @torch.no_grad()
    def target(self, frames: Tensor) -> Tensor:
        """The representation level's target: frames (N, T, ...) -> (N, T, D), the mean of
        their tokens under the slowly moving tokenizer, standardised per dimension."""
        r = self.target_tokenizer(to_patches(frames)).mean(dim=2)
        return (r - r.mean(dim=(0, 1))) / (r.std(dim=(0, 1)) + 1e-4)

    @torch.no_grad()
    def follow(self) -> None:
        """Move the target tokenizer a step towards the tokenizer (EMA)."""
        for target, online in zip(self.target_tokenizer.parameters(),
                                  self.tokenizer.parameters()):
            target.lerp_(online, 1 - EMA)


def clips(cfg: Config):
    """The clips to learn from, and which of them have known buttons (N,) bool."""
    data = play(cfg.clips, steps=cfg.steps, seed=cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed + 3)
    labelled = torch.zeros(cfg.clips, dtype=torch.bool)
    labelled[torch.randperm(cfg.clips, generator=generator)[:round(cfg.labelled * cfg.clips)]] = True
    return data, labelled


def loss_of(model: FourIngredients, frames: Tensor, buttons: Tensor) -> tuple[Tensor, dict]:
    """One step's loss on clips (N, T+1, ...) and their buttons (N, T)."""
    predicted, represented = model(frames[:, :-1], buttons)
    pixels = (predicted - frames[:, 1:]).pow(2).mean()
    parts = {"pixels": float(pixels.detach())}
    loss = pixels
    if model.cfg.levels == 2:
        level = (represented - model.target(frames[:, 1:])).pow(2).mean()
        parts["representation"] = float(level.detach())
        loss = loss + model.cfg.level_weight * level
    return loss, parts


def train(cfg: Config, progress: bool = True) -> tuple[FourIngredients, dict]:
    """Stage 1 (if cfg.pretrain): every clip, buttons hidden. Stage 2: the labelled clips
    with their buttons (hidden too if not cfg.actions), for the steps of both stages when
    there is no stage 1, so that every model takes as many steps.
    history: the loss of each step, its stage and seconds."""
    torch.manual_seed(cfg.seed)
    data, labelled = clips(cfg)
    frames, buttons = data.frames, buttons_of(data.actions)
    hidden = torch.full_like(buttons, UNKNOWN)
    model = FourIngredients(cfg)
    generator = torch.Generator().manual_seed(cfg.seed + 5)
    history = {"loss": [], "stage": [], "seconds": 0.0}
    start = time.perf_counter()
    stages = [("video", cfg.pretrain_steps)] if cfg.pretrain else []
    stages.append(("actions", cfg.finetune_steps + (0 if cfg.pretrain else cfg.pretrain_steps)))
    known = labelled.nonzero()[:, 0]
    for stage, steps in stages:
        optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
        warm = max(1, steps // 10)     # a fresh optimiser's first steps are its largest
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min(1.0, (s + 1) / warm) * (1 - s / steps))
        for _ in tqdm(range(steps), desc=stage, disable=not progress):
            if stage == "video":
                index = torch.randint(cfg.clips, (cfg.batch_size,), generator=generator)
                batch_buttons = hidden[index]
            else:
                index = known[torch.randint(len(known), (cfg.batch_size,), generator=generator)]
                batch_buttons = buttons[index] if cfg.actions else hidden[index]
            loss, _ = loss_of(model, frames[index], batch_buttons)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            model.follow()
            history["loss"].append(float(loss.detach()))
            history["stage"].append(stage)
    history["seconds"] = time.perf_counter() - start
    return model.eval(), history


@torch.no_grad()
def dream(model: FourIngredients, context: Tensor, buttons: Tensor,
          past: Tensor | None = None) -> Tensor:
    """Context frames (N, C, 3, 32, 32) and the buttons (N, H) pressed from the last of them
    on -> the model's next H frames (N, H, ...), each made from its own earlier frames (the
    last `cfg.steps` of them). past: the buttons (N, C-1) pressed between the context
    frames, or None where they are not known."""
    if context.ndim != 5 or context.shape[2:] != (3, FRAME, FRAME):
        raise ValueError(f"context must be (N, C, 3, {FRAME}, {FRAME}) frames, "
                         f"got {tuple(context.shape)}")
    if buttons.shape[0] != context.shape[0]:
        raise ValueError(f"buttons must hold one row per clip ({context.shape[0]}), "
                         f"got {tuple(buttons.shape)}")
    N, C = context.shape[:2]
    frames = context
    pressed = torch.full((N, C), UNKNOWN, dtype=torch.long)
    if past is not None:
        pressed[:, :-1] = past
    if not model.cfg.actions:
        buttons, pressed = torch.full_like(buttons, UNKNOWN), torch.full_like(pressed, UNKNOWN)
    out = []
    for h in range(buttons.shape[1]):
        pressed = torch.cat([pressed[:, :-1], buttons[:, h:h + 1]], dim=1)
        window = model.cfg.steps
        predicted, _ = model(frames[:, -window:], pressed[:, -window:])
        out.append(predicted[:, -1])
        frames = torch.cat([frames, predicted[:, -1:]], dim=1)
        pressed = torch.cat([pressed, torch.full((N, 1), UNKNOWN, dtype=torch.long)], dim=1)
    return torch.stack(out, dim=1)


@torch.no_grad()
def evaluate(model: FourIngredients, clips_: int = TEST_CLIPS) -> dict:
    """Action-conditioned rollouts on held-out clips: from CONTEXT frames and the buttons
    pressed between them, the model dreams the rest of the clip with its true buttons.
    rollout_mse: pixel MSE over the dreamed frames; copy_last_mse: the same for repeating
    the last context frame."""
    steps = model.cfg.steps
    data = play(clips_, steps=steps, seed=TEST_SEED)
    truth = data.frames[:, CONTEXT:]
    buttons = buttons_of(data.actions)
    dreamed = dream(model, data.frames[:, :CONTEXT], buttons[:, CONTEXT - 1:],
                    past=buttons[:, :CONTEXT - 1])
    still = data.frames[:, CONTEXT - 1:CONTEXT].expand_as(truth)
    return {"rollout_mse": float((dreamed - truth).pow(2).mean()),
            "copy_last_mse": float((still - truth).pow(2).mean())}


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """`python -m worldmodels.train four_ingredients`: the full model from seed 0."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    model, history = train(cfg, progress=False)
    scores = evaluate(model)
    metrics = {"rollout_mse": round(scores["rollout_mse"], 6),
               "copy_last_mse": round(scores["copy_last_mse"], 6)}
    return {"state_dict": model.state_dict(), "config": asdict(cfg)}, metrics


def load_pretrained(device: str | torch.device = "cpu") -> FourIngredients:
    """The shipped full model (see `recipe`)."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    model = FourIngredients(Config(**payload["config"])).to(device)
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def without(ingredient: str, cfg: Config = Config()) -> Config:
    """The configuration with one ingredient removed: "transformer", "video" (no action-free
    pretraining), "actions" or "levels"."""
    removed = {"transformer": {"core": "conv"}, "video": {"pretrain": False},
               "actions": {"actions": False}, "levels": {"levels": 1}}
    if ingredient not in removed:
        raise ValueError(f"ingredient must be one of {sorted(removed)}, got {ingredient!r}")
    return replace(cfg, **removed[ingredient])
