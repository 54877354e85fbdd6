"""A deterministic next-frames predictor: context frames in, all horizon frames out, in one pass.

Shapes: B clips, C context frames, H horizon frames, S = frame_size pixels, W = width channels.

The architecture follows SimVP (Gao et al. 2022): a convolutional encoder turns the stacked
context frames into a feature map at a quarter of the resolution, a stack of convolutional
blocks moves that map forward in time (the latent dynamics), and a decoder turns it back into
the horizon frames. A skip connection carries the full-resolution features of the context past
the bottleneck, and the output is a change added to the last context frame, so the model
spends its capacity on what moves.

Trained to minimise mean squared error, the model predicts the *average* of the futures that
are consistent with its context (the conditional mean): sharp when the future is determined,
blurred when it is not. `generative.py` adds a random latent to sample sharp futures instead.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..devices import pick_device
from ..measure import baselines, metrics
from .clips import make_clips


@dataclass(frozen=True)
class Config:
    context: int = 4            # frames the model sees
    horizon: int = 10           # frames it predicts, all at once
    frame_size: int = 32        # side of a frame (pixels); a multiple of 4
    width: int = 32             # channels of the feature maps at 1/4 resolution (half at full)
    blocks: int = 3             # residual conv blocks of latent dynamics at 1/4 resolution
    latent_size: int = 0        # size of a random latent z fed to the dynamics (0: none)
    num_clips: int = 2048       # training clips, half with a seen and half with an unseen push
    steps: int = 800            # gradient steps
    batch_size: int = 32        # clips per step
    lr: float = 3e-3            # peak Adam learning rate, decayed to 0 on a cosine
    seed: int = 0               # fixes the clips, the initial weights and the batches
    device: str = "cpu"         # "cpu", "cuda" or "auto"

    @classmethod
    def tiny(cls) -> "Config":
        """A few seconds of training, for tests."""
        return cls(frame_size=16, width=8, blocks=1, num_clips=16, steps=20, batch_size=8,
                   horizon=4)


class ResBlock(nn.Module):
    """x + conv(silu(norm(x))): one step of the latent dynamics, keeping the map's shape."""

    def __init__(self, width: int):
        super().__init__()
        self.net = nn.Sequential(nn.GroupNorm(4 if width % 4 == 0 else 1, width), nn.SiLU(),
                                 nn.Conv2d(width, width, 3, padding=1))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.net(x)


class VideoPredictor(nn.Module):
    """(B, C, 3, S, S) context -> (B, H, 3, S, S) predicted frames (unclamped; see `predict`)."""

    def __init__(self, cfg: Config):
        super().__init__()
        _check_config(cfg)
        self.cfg = cfg
        W, half = cfg.width, cfg.width // 2
        act = nn.SiLU
        self.stem = nn.Sequential(nn.Conv2d(3 * cfg.context, half, 3, padding=1), act())
        self.down = nn.Sequential(nn.Conv2d(half, W, 4, stride=2, padding=1), act(),
                                  nn.Conv2d(W, W, 4, stride=2, padding=1))
        self.dynamics = nn.Sequential(*[ResBlock(W) for _ in range(cfg.blocks)])
        self.latent = nn.Linear(cfg.latent_size, W) if cfg.latent_size else None
        self.up = nn.Sequential(act(), nn.ConvTranspose2d(W, W, 4, stride=2, padding=1), act(),
                                nn.ConvTranspose2d(W, half, 4, stride=2, padding=1), act())
        self.head = nn.Conv2d(2 * half, 3 * cfg.horizon, 3, padding=1)

    def forward(self, context: Tensor, latent: Tensor | None = None) -> Tensor:
        cfg = self.cfg
        B, S = context.shape[0], cfg.frame_size
        skip = self.stem(context.reshape(B, -1, S, S) - 0.5)      # (B, W/2, S, S)
        feature = self.down(skip)                                 # (B, W, S/4, S/4)
        if self.latent is not None:
            if latent is None or latent.shape != (B, cfg.latent_size):
                raise ValueError(f"latent must have shape ({B}, {cfg.latent_size}), got "
                                 f"{None if latent is None else tuple(latent.shape)}")
            feature = feature + self.latent(latent)[:, :, None, None]  # z shifts every cell
        feature = self.dynamics(feature)                          # (B, W, S/4, S/4)
        out = self.head(torch.cat([self.up(feature), skip], dim=1))   # (B, 3H, S, S)
        change = out.reshape(B, cfg.horizon, 3, S, S)
        return context[:, -1:] + change                           # (B, H, 3, S, S)


def predict(model: VideoPredictor, context: Tensor) -> Tensor:
    """The model's future for each context, in [0, 1], without gradients: (B, H, 3, S, S)."""
    _check_context(context, model.cfg)
    model.eval()
    with torch.no_grad():
        return model(context).clamp(0, 1)


def train(cfg: Config = Config(), clips: Tensor | None = None,
          progress: bool = True) -> tuple[VideoPredictor, dict]:
    """Fit a VideoPredictor to clips (N, C + H, 3, S, S) by mean squared error.

    clips: training clips; None simulates cfg.num_clips "mixed" clips from cfg.seed.
    Returns the model and history {"loss": per-step training MSE}.
    """
    _check_config(cfg)
    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    if clips is None:
        clips = make_clips(cfg.num_clips, cfg.context, cfg.horizon, cfg.frame_size,
                           scene="mixed", seed=cfg.seed)
    _check_clips(clips, cfg)
    clips = clips.to(device)
    model = VideoPredictor(cfg).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, cfg.steps)
    generator = torch.Generator().manual_seed(cfg.seed)
    history = {"loss": []}
    model.train()
    for _ in tqdm(range(cfg.steps), desc="video predictor", disable=not progress):
        batch = clips[torch.randint(len(clips), (cfg.batch_size,), generator=generator)]
        context, future = batch[:, :cfg.context], batch[:, cfg.context:]
        loss = (model(context) - future).pow(2).mean()      # the MSE objective
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        history["loss"].append(loss.item())
    model.eval()
    return model, history


HELD_OUT_SEED = 10_000  # clips for evaluation come from seeds no training run uses


def evaluate(model: VideoPredictor, num_clips: int = 256, scene: str = "mixed",
             seed: int = HELD_OUT_SEED) -> dict:
    """Mean squared error over the horizon on held-out clips, against copy-last-frame's."""
    cfg = model.cfg
    clips = make_clips(num_clips, cfg.context, cfg.horizon, cfg.frame_size, scene, seed)
    clips = clips.to(next(model.parameters()).device)
    context, future = clips[:, :cfg.context], clips[:, cfg.context:]
    model_mse = metrics.mse(predict(model, context), future).mean().item()
    copy_mse = metrics.mse(baselines.copy_last(context, cfg.horizon), future).mean().item()
    return {"mse": model_mse, "copy_last_mse": copy_mse, "ratio": model_mse / copy_mse}


CHECKPOINTS = ("video_predictor",)


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """The shipped checkpoint `video_predictor`: python -m worldmodels.train video_predictor."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    model, history = train(cfg, progress=True)
    payload = {"config": asdict(cfg), "state_dict": model.state_dict()}
    return payload, {k: round(v, 6) for k, v in evaluate(model).items()}


def load_pretrained(device: str | torch.device = "cpu") -> VideoPredictor:
    """The shipped VideoPredictor, ready to `predict`."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    model = VideoPredictor(replace(Config(), **payload["config"])).to(device)
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def _check_config(cfg: Config) -> None:
    if not isinstance(cfg, Config):
        raise TypeError(f"cfg must be a video.predictor.Config, got {type(cfg).__name__}")
    if cfg.frame_size % 4 or cfg.frame_size < 8:
        raise ValueError(f"cfg.frame_size must be a multiple of 4 and >= 8, got {cfg.frame_size}")
    for name in ("context", "horizon", "width", "num_clips", "steps", "batch_size"):
        if getattr(cfg, name) < 1:
            raise ValueError(f"cfg.{name} must be >= 1, got {getattr(cfg, name)}")
    if cfg.width % 2 or cfg.blocks < 0 or cfg.latent_size < 0 or not cfg.lr > 0:
        raise ValueError(f"cfg.width must be even, cfg.blocks and cfg.latent_size >= 0 and "
                         f"cfg.lr > 0, got {cfg.width}, {cfg.blocks}, {cfg.latent_size}, {cfg.lr}")


def _check_context(context: Tensor, cfg: Config) -> None:
    if not isinstance(context, Tensor):
        raise TypeError(f"context must be a torch.Tensor, got {type(context).__name__}")
    shape = (cfg.context, 3, cfg.frame_size, cfg.frame_size)
    if context.ndim != 5 or tuple(context.shape[1:]) != shape:
        raise ValueError(f"context must have shape (B, {', '.join(map(str, shape))}), "
                         f"got {tuple(context.shape)}")


def _check_clips(clips: Tensor, cfg: Config) -> None:
    shape = (cfg.context + cfg.horizon, 3, cfg.frame_size, cfg.frame_size)
    if not isinstance(clips, Tensor) or clips.ndim != 5 or tuple(clips.shape[1:]) != shape:
        raise ValueError(f"clips must have shape (N, {', '.join(map(str, shape))}), got "
                         f"{getattr(clips, 'shape', type(clips).__name__)}")
