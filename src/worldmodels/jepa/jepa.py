"""A joint-embedding predictive architecture (JEPA) for the cup world, with the hand's action.

LeCun (2022) proposed predicting the *representation* of the next observation rather than its
pixels: an encoder maps frames to embeddings, a predictor maps the embedding of frame t and the
action to a guess of frame t+1's embedding, and the loss is the distance between the two. A
model that predicts pixels must spend capacity on every pixel, the unpredictable ones too; a
JEPA can leave out what it cannot predict. It can also leave out everything, mapping every
frame to one constant that it predicts perfectly: collapse. `cure` chooses what prevents it:

- "none":   nothing, with gradients through both branches: the baseline that collapses;
- "ema":    the target is embedded by a slowly moving average of the encoder, with no
            gradient through it (BYOL, Grill et al. 2020; I-JEPA and V-JEPA);
- "vicreg": variance and covariance terms on the embeddings (Bardes et al. 2022);
- "sigreg": a test of normality on random projections of the embeddings (LeJEPA, 2025).

    model, history = train(Config(distractor="changing"))
    z = model.embed(frames)                    # (B, 3, H, W) -> (B, D)
    z_next = model.predict(z, actions)         # (B, D), (B,) m/s -> (B, D)

Letters: B batch, D latent size, H = W pixels.
"""
from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, replace

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..measure.probe import fit_probe, r2
from ..nn import ConvEncoder, mlp
from .play import DISTRACTORS, HAND_SPEED, add_distractors, play
from .probe import read_out
from .regularisers import effective_rank, sigreg, vicreg_covariance, vicreg_variance

CURES = ("none", "ema", "vicreg", "sigreg")


@dataclass(frozen=True)
class Config:
    frame_size: int = 32             # pixels per side of a frame
    latent_size: int = 32            # D, the embedding's size
    channels: int = 16               # the encoder's first convolution's channels
    predictor_hidden: int = 128      # hidden width of the predictor's MLP
    cure: str = "vicreg"             # what prevents collapse: one of CURES
    distractor: str = "changing"     # the noise laid over the training frames: DISTRACTORS
    strength: float = 0.5            # the noise's share of every pixel, in [0, 1]
    num_clips: int = 512             # played clips in the training set
    clip_steps: int = 8              # button presses per clip
    batch_size: int = 128            # frame pairs per gradient step
    iterations: int = 1500           # gradient steps
    lr: float = 1e-3                 # Adam learning rate, cosine-decayed to 0
    ema: float = 0.99                # the target encoder's decay per step (cure "ema")
    variance_weight: float = 1.0     # VICReg's variance term (cure "vicreg")
    covariance_weight: float = 0.04  # VICReg's covariance term (cure "vicreg")
    sigreg_weight: float = 10.0      # SIGReg's weight (cure "sigreg")
    seed: int = 0                    # seeds the clips, the noise and the weights

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(latent_size=8, channels=4, predictor_hidden=16, num_clips=8, clip_steps=2,
                   batch_size=8, iterations=3)


class JEPA(nn.Module):
    """Encoder, action-conditioned predictor, and (for cure "ema") the target encoder."""

    def __init__(self, cfg: Config):
        super().__init__()
        _check_config(cfg)
        self.cfg = cfg
        self.encoder = ConvEncoder(cfg.frame_size, cfg.latent_size, cfg.channels)
        self.predictor = mlp(cfg.latent_size + 1, cfg.latent_size, cfg.predictor_hidden)
        self.target_encoder = copy.deepcopy(self.encoder).requires_grad_(False) \
            if cfg.cure == "ema" else None

    def embed(self, frames: Tensor) -> Tensor:
        """frames (B, 3, H, W) in [0, 1] -> embeddings (B, D)."""
        size = self.cfg.frame_size
        if not (isinstance(frames, Tensor) and frames.ndim == 4 and frames.shape[1:] == (3, size, size)):
            raise ValueError(f"frames must be a (B, 3, {size}, {size}) tensor, "
                             f"got {getattr(frames, 'shape', type(frames).__name__)}")
        return self.encoder(frames)

    def embed_target(self, frames: Tensor) -> Tensor:
        """What the prediction is compared with: the EMA encoder's embedding, or the encoder's."""
        if self.target_encoder is None:
            return self.embed(frames)
        with torch.no_grad():  # normalised, as I-JEPA's targets are: no shrinking to zero
            z = self.target_encoder(frames)
            return F.layer_norm(z, z.shape[-1:])

    def predict(self, z: Tensor, actions: Tensor) -> Tensor:
        """The next frame's embedding from this one's, z (B, D), and the action (B,) in m/s."""
        if not (isinstance(actions, Tensor) and actions.shape == z.shape[:1]):
            raise ValueError(f"actions must be a ({len(z)},) tensor, "
                             f"got {getattr(actions, 'shape', type(actions).__name__)}")
        return self.predictor(torch.cat([z, actions[:, None].to(z) / HAND_SPEED], dim=-1))

    @torch.no_grad()
    def update_target(self) -> None:
        """Move the target encoder a step (1 - ema) towards the encoder."""
        for target, online in zip(self.target_encoder.parameters(), self.encoder.parameters()):
            target.lerp_(online, 1 - self.cfg.ema)


def losses(model: JEPA, frames: Tensor, actions: Tensor, next_frames: Tensor,
           generator: torch.Generator | None = None) -> dict[str, Tensor]:
    """The prediction loss and the cure's regulariser on one batch of frame pairs."""
    cfg = model.cfg
    z, target = model.embed(frames), model.embed_target(next_frames)
    out = {"prediction": F.mse_loss(model.predict(z, actions), target)}
    if cfg.cure == "vicreg":
        out["regulariser"] = sum(cfg.variance_weight * vicreg_variance(e)
                                 + cfg.covariance_weight * vicreg_covariance(e)
                                 for e in (z, target))
    elif cfg.cure == "sigreg":
        out["regulariser"] = cfg.sigreg_weight * sigreg(torch.cat([z, target]), generator)
    else:
        out["regulariser"] = torch.zeros(())
    out["loss"] = out["prediction"] + out["regulariser"]
    return out


def training_clips(cfg: Config) -> tuple[Tensor, Tensor]:
    """The training set: frames (N, T+1, 3, H, W) with the config's distractor, actions (N, T)."""
    clips = play(cfg.num_clips, cfg.clip_steps, cfg.seed, cfg.frame_size)
    return add_distractors(clips.frames, cfg.distractor, cfg.strength, cfg.seed + 2), clips.actions


def train(cfg: Config, progress: bool = True, watch_every: int = 50) -> tuple[JEPA, dict]:
    """Fit encoder and predictor to frame pairs of random play; returns (model, history).

    history: per step "loss", "prediction", "regulariser"; and every `watch_every` steps, at
    "watch_step", the "rank" (effective rank) of a fixed batch's embeddings and the "probe"
    R² of the cup's position read from them (fitted and scored on small held-out sets).
    """
    torch.manual_seed(cfg.seed)
    frames, actions = training_clips(cfg)                    # (N, T+1, 3, H, W), (N, T)
    N, T = actions.shape
    model = JEPA(cfg)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, cfg.iterations)
    generator = torch.Generator().manual_seed(cfg.seed + 3)
    watch = _watch_set(cfg)
    history: dict[str, list] = {k: [] for k in ("loss", "prediction", "regulariser", "rank",
                                                "probe", "watch_step")}
    for step in tqdm(range(cfg.iterations), desc=f"JEPA ({cfg.cure})", disable=not progress):
        rows = torch.randint(N, (cfg.batch_size,), generator=generator)
        t = torch.randint(T, (cfg.batch_size,), generator=generator)
        out = losses(model, frames[rows, t], actions[rows, t], frames[rows, t + 1], generator)
        optimizer.zero_grad()
        out["loss"].backward()
        optimizer.step()
        schedule.step()
        if model.target_encoder is not None:
            model.update_target()
        for key in ("loss", "prediction", "regulariser"):
            history[key].append(out[key].item())
        if step % watch_every == 0 or step == cfg.iterations - 1:
            rank, probe = _watch(model, watch)
            history["rank"].append(rank)
            history["probe"].append(probe)
            history["watch_step"].append(step)
    return model.eval(), history


def _watch_set(cfg: Config) -> dict[str, tuple[Tensor, Tensor]]:
    """Two small sets of unseen clips, to fit and to score a probe during training."""
    out = {}
    for role, seed in (("fit", 20_000), ("score", 20_001)):
        clips = play(48, steps=4, seed=seed, frame_size=cfg.frame_size)
        frames = add_distractors(clips.frames, cfg.distractor, cfg.strength, seed + 2)
        out[role] = frames, clips.cup[:, 1:].flatten(0, 1)
    return out


def _watch(model: JEPA, watch: dict) -> tuple[float, float]:
    """The effective rank of the scoring set's embeddings, and the probe R² of position."""
    features = {}
    with torch.no_grad():
        for role, (frames, _) in watch.items():
            z = model.embed(frames.flatten(0, 1)).view(*frames.shape[:2], -1)
            features[role] = torch.cat([z[:, :-1], z[:, 1:]], dim=-1).flatten(0, 1)
    if not all(torch.isfinite(f).all() for f in features.values()):
        raise RuntimeError("the embeddings became NaN or infinite during training: "
                           "lower Config.lr or the regulariser's weight")
    probe = fit_probe(features["fit"], watch["fit"][1])
    return effective_rank(z[:, 0]), r2(probe(features["score"]), watch["score"][1])


def evaluate(model: JEPA, distractor: str | None = None, strength: float | None = None,
             num_clips: int = 256, seed: int = 10_000) -> dict:
    """Probe R² of the cup's position and velocity on unseen clips, and the effective rank.

    The clips carry the training distractor unless `distractor`/`strength` say otherwise.
    "collapsed" is True when the embeddings use fewer than 2 directions.
    """
    cfg = model.cfg
    distractor = cfg.distractor if distractor is None else distractor
    strength = cfg.strength if strength is None else strength
    scores = read_out(model.embed, distractor, strength, num_clips, seed)
    clips = play(num_clips, steps=1, seed=seed + 1)
    with torch.no_grad():
        z = model.embed(add_distractors(clips.frames, distractor, strength, seed + 3)[:, 0])
    rank = effective_rank(z)
    return {**scores, "effective_rank": rank, "collapsed": rank < 2}


def _check_config(cfg: Config) -> None:
    if cfg.cure not in CURES:
        raise ValueError(f"cure must be one of {CURES}, got {cfg.cure!r}")
    if cfg.distractor not in DISTRACTORS:
        raise ValueError(f"distractor must be one of {DISTRACTORS}, got {cfg.distractor!r}")
    if not 0 <= cfg.ema < 1:
        raise ValueError(f"ema must be in [0, 1), got {cfg.ema!r}")


# ---------------------------------------------------------------------------------- checkpoints

# Checkpoint name -> what differs from Config(). The first three are Part 5's first notebook
# (one distractor each); the cures are compared on clean frames, one change at a time.
RUNS = {
    "jepa_changing": {},
    "jepa_fixed": {"distractor": "fixed"},
    "jepa_clean": {"distractor": "none"},
    "jepa_no_cure": {"distractor": "none", "cure": "none"},
    "jepa_ema": {"distractor": "none", "cure": "ema"},
    "jepa_sigreg": {"distractor": "none", "cure": "sigreg"},
}
CHECKPOINTS = tuple(RUNS)


def recipe(name: str) -> tuple[dict, dict]:
    """`python -m worldmodels.train NAME`: train run `name` of RUNS from seed 0 and measure."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = replace(Config(), **RUNS[name])
    model, history = train(cfg)
    metrics = evaluate(model)
    metrics["final_loss"] = round(sum(history["loss"][-50:]) / 50, 6)
    metrics["over_training"] = {key: [round(v, 4) for v in history[key]]  # for Part 5's pages
                                for key in ("watch_step", "rank", "probe")}
    state_dict = {k: v.half() for k, v in model.state_dict().items()}  # half precision: 2x smaller
    return {"state_dict": state_dict, "config": asdict(cfg)}, metrics


def load_pretrained(device: str | torch.device = "cpu", name: str = "jepa_changing") -> JEPA:
    """Shipped run `name` (see RUNS and `recipe`), in float32."""
    checkpoints.check_name(name, CHECKPOINTS)
    payload = checkpoints.load(name, device=device)
    model = JEPA(Config(**payload["config"])).to(device)
    model.load_state_dict({k: v.float() for k, v in payload["state_dict"].items()})
    return model.eval()
