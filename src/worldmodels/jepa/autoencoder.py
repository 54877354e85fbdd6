"""The pixel side of the debate: the JEPA's encoder, trained to repaint its frame.

An autoencoder keeps what it needs to reconstruct every pixel through a D-number bottleneck.
With distractors over the frame, most of the pixels' variance is the pattern, not the cup, so
the bottleneck fills with the pattern: the capacity cost of predicting what the physics does
not explain. Same encoder as `jepa.JEPA`, so the comparison is between objectives, not sizes.

    model, history = train(Config(distractor="changing"))
    z = model.embed(frames)                  # (B, 3, H, W) -> (B, D)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..nn import ConvDecoder, ConvEncoder
from .play import DISTRACTORS, add_distractors, play
from .probe import read_out


@dataclass(frozen=True)
class Config:
    frame_size: int = 32             # pixels per side of a frame
    latent_size: int = 32            # D, the bottleneck's size (the JEPA's embedding size)
    channels: int = 16               # the encoder's (and decoder's) convolution channels
    distractor: str = "changing"     # the noise laid over the training frames: DISTRACTORS
    strength: float = 0.5            # the noise's share of every pixel, in [0, 1]
    num_clips: int = 512             # played clips in the training set (their every frame)
    clip_steps: int = 8              # button presses per clip
    batch_size: int = 128            # frames per gradient step
    iterations: int = 1500           # gradient steps
    lr: float = 1e-3                 # Adam learning rate, cosine-decayed to 0
    seed: int = 0                    # seeds the clips, the noise and the weights

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(latent_size=8, channels=4, num_clips=8, clip_steps=2, batch_size=8,
                   iterations=3)


class Autoencoder(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        if cfg.distractor not in DISTRACTORS:
            raise ValueError(f"distractor must be one of {DISTRACTORS}, got {cfg.distractor!r}")
        self.cfg = cfg
        self.encoder = ConvEncoder(cfg.frame_size, cfg.latent_size, cfg.channels)
        self.decoder = ConvDecoder(cfg.frame_size, cfg.latent_size, cfg.channels)

    def embed(self, frames: Tensor) -> Tensor:
        """frames (B, 3, H, W) in [0, 1] -> embeddings (B, D)."""
        size = self.cfg.frame_size
        if not (isinstance(frames, Tensor) and frames.ndim == 4 and frames.shape[1:] == (3, size, size)):
            raise ValueError(f"frames must be a (B, 3, {size}, {size}) tensor, "
                             f"got {getattr(frames, 'shape', type(frames).__name__)}")
        return self.encoder(frames)

    def forward(self, frames: Tensor) -> Tensor:
        """The reconstruction (B, 3, H, W) in [0, 1]."""
        return torch.sigmoid(self.decoder(self.embed(frames)))


def train(cfg: Config, progress: bool = True) -> tuple[Autoencoder, dict]:
    """Fit the autoencoder to every frame of random play; returns (model, history of losses)."""
    torch.manual_seed(cfg.seed)
    clips = play(cfg.num_clips, cfg.clip_steps, cfg.seed, cfg.frame_size)
    frames = add_distractors(clips.frames, cfg.distractor, cfg.strength, cfg.seed + 2).flatten(0, 1)
    model = Autoencoder(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, cfg.iterations)
    generator = torch.Generator().manual_seed(cfg.seed + 3)
    history: dict[str, list] = {"loss": []}
    for _ in tqdm(range(cfg.iterations), desc="autoencoder", disable=not progress):
        batch = frames[torch.randint(len(frames), (cfg.batch_size,), generator=generator)]
        loss = F.binary_cross_entropy_with_logits(model.decoder(model.embed(batch)), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history["loss"].append(loss.item())
    return model.eval(), history


def evaluate(model: Autoencoder, distractor: str | None = None, strength: float | None = None,
             num_clips: int = 256, seed: int = 10_000) -> dict:
    """Probe R² of the cup's position and velocity on unseen clips (see `probe.read_out`)."""
    cfg = model.cfg
    return read_out(model.embed, cfg.distractor if distractor is None else distractor,
                    cfg.strength if strength is None else strength, num_clips, seed)


# ---------------------------------------------------------------------------------- checkpoints

RUNS = {"autoencoder_changing": {}, "autoencoder_fixed": {"distractor": "fixed"},
        "autoencoder_clean": {"distractor": "none"}}
CHECKPOINTS = tuple(RUNS)


def recipe(name: str) -> tuple[dict, dict]:
    """`python -m worldmodels.train NAME`: train run `name` of RUNS from seed 0 and measure."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = replace(Config(), **RUNS[name])
    model, history = train(cfg)
    metrics = evaluate(model)
    metrics["final_loss"] = round(sum(history["loss"][-50:]) / 50, 6)
    state_dict = {k: v.half() for k, v in model.state_dict().items()}
    return {"state_dict": state_dict, "config": asdict(cfg)}, metrics


def load_pretrained(device: str | torch.device = "cpu",
                    name: str = "autoencoder_changing") -> Autoencoder:
    """Shipped run `name` (see RUNS and `recipe`), in float32."""
    checkpoints.check_name(name, CHECKPOINTS)
    payload = checkpoints.load(name, device=device)
    model = Autoencoder(Config(**payload["config"])).to(device)
    model.load_state_dict({k: v.float() for k, v in payload["state_dict"].items()})
    return model.eval()
