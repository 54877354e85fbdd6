"""An action-conditioned predictor on a frozen JEPA encoder, trained to roll out for planning.

V-JEPA 2-AC (Assran et al. 2025) freezes an encoder pretrained without actions and trains only
a predictor with actions on top, with two losses: one step from true embeddings (teacher
forcing) and several steps from its own predictions (rollout), because a planner feeds it its
own predictions. The same here, on random play: the predictor sees the last two embeddings (one
frame shows where the cup is, two show how fast it slides) and the hand's velocity, and
predicts the change to the next embedding.

    dynamics, history = train(Config(), encoder=jepa.load_pretrained(name="jepa_clean"))
    z_next = dynamics(z_before, z_now, actions)      # (B, D), (B, D), (B,) m/s -> (B, D)

Letters: B batch, D latent size, N clips, T steps.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..nn import mlp
from .jepa import JEPA
from .jepa import load_pretrained as load_jepa
from .play import HAND_SPEED, play


@dataclass(frozen=True)
class Config:
    encoder: str = "jepa_clean"   # the frozen JEPA checkpoint whose embeddings are predicted
    hidden: int = 256             # hidden width of the predictor's MLP
    num_clips: int = 2048         # played clips in the training set
    clip_steps: int = 16          # button presses per clip
    unroll: int = 8               # steps of the rollout loss, fed the predictor's own output
    batch_size: int = 128         # clip windows per gradient step
    iterations: int = 4000        # gradient steps
    lr: float = 1e-3              # Adam learning rate, cosine-decayed to 0
    seed: int = 1                 # seeds the clips and the weights (not the encoder's seed)

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(hidden=16, num_clips=8, clip_steps=4, unroll=2, batch_size=4, iterations=3)


class LatentDynamics(nn.Module):
    """Two embeddings and the hand's velocity -> the next embedding, as a change to the last."""

    def __init__(self, cfg: Config, latent_size: int):
        super().__init__()
        self.cfg = cfg
        self.net = mlp(2 * latent_size + 1, latent_size, cfg.hidden)

    def forward(self, z_before: Tensor, z_now: Tensor, actions: Tensor) -> Tensor:
        if not (isinstance(actions, Tensor) and actions.shape == z_now.shape[:1]):
            raise ValueError(f"actions must be a ({len(z_now)},) tensor, "
                             f"got {getattr(actions, 'shape', type(actions).__name__)}")
        a = actions[:, None].to(z_now) / HAND_SPEED
        return z_now + self.net(torch.cat([z_before, z_now, a], dim=-1))

    def rollout(self, z_before: Tensor, z_now: Tensor, actions: Tensor) -> Tensor:
        """Predicted embeddings (B, T, D) for actions (B, T), each fed back in."""
        out = []
        for t in range(actions.shape[1]):
            z_before, z_now = z_now, self(z_before, z_now, actions[:, t])
            out.append(z_now)
        return torch.stack(out, dim=1)


def embedded_clips(encoder: JEPA, num_clips: int, steps: int, seed: int) -> tuple[Tensor, Tensor]:
    """Clean clips of random play through the frozen encoder: (N, T+1, D), actions (N, T)."""
    clips = play(num_clips, steps, seed, encoder.cfg.frame_size)
    with torch.no_grad():
        z = encoder.embed(clips.frames.flatten(0, 1)).view(num_clips, steps + 1, -1)
    return z, clips.actions


def losses(dynamics: LatentDynamics, z: Tensor, actions: Tensor) -> dict[str, Tensor]:
    """The one-step (teacher-forced) and rollout losses on windows of U+2 embeddings.

    z (B, U+2, D) embeddings of frames 0..U+1; actions (B, U+1), action k from frame k to k+1.
    Both predict frames 2..U+1: one step at a time from the true frames before, or all from
    frames 0 and 1 with the predictor fed its own predictions.
    """
    B, U = z.shape[0], z.shape[1] - 2
    one_step = dynamics(z[:, :-2].flatten(0, 1), z[:, 1:-1].flatten(0, 1),
                        actions[:, 1:].flatten()).view(B, U, -1)
    rolled = dynamics.rollout(z[:, 0], z[:, 1], actions[:, 1:])
    out = {"one_step": F.mse_loss(one_step, z[:, 2:]), "rollout": F.mse_loss(rolled, z[:, 2:])}
    out["loss"] = out["one_step"] + out["rollout"]
    return out


def train(cfg: Config, encoder: JEPA | None = None,
          progress: bool = True) -> tuple[LatentDynamics, dict]:
    """Fit the predictor to windows of embedded random play; returns (dynamics, history).

    `encoder` defaults to the shipped checkpoint `cfg.encoder`; it is never updated.
    """
    if cfg.unroll + 1 > cfg.clip_steps:
        raise ValueError(f"unroll ({cfg.unroll}) must be < clip_steps ({cfg.clip_steps})")
    encoder = load_jepa(name=cfg.encoder) if encoder is None else encoder.eval()
    torch.manual_seed(cfg.seed)
    z, actions = embedded_clips(encoder, cfg.num_clips, cfg.clip_steps, cfg.seed)
    dynamics = LatentDynamics(cfg, z.shape[-1])
    optimizer = torch.optim.Adam(dynamics.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, cfg.iterations)
    generator = torch.Generator().manual_seed(cfg.seed + 1)
    window = torch.arange(cfg.unroll + 2)
    history: dict[str, list] = {"loss": [], "one_step": [], "rollout": []}
    for _ in tqdm(range(cfg.iterations), desc="latent dynamics", disable=not progress):
        rows = torch.randint(len(z), (cfg.batch_size,), generator=generator)[:, None]
        start = torch.randint(cfg.clip_steps - cfg.unroll, (cfg.batch_size, 1), generator=generator)
        out = losses(dynamics, z[rows, start + window], actions[rows, start + window[:-1]])
        optimizer.zero_grad()
        out["loss"].backward()
        optimizer.step()
        schedule.step()
        for key in history:
            history[key].append(out[key].item())
    return dynamics.eval(), history


def evaluate(dynamics: LatentDynamics, encoder: JEPA, steps: int = 8,
             num_clips: int = 256, seed: int = 50_000) -> dict:
    """At each of `steps` rollout steps on unseen clips, the squared error as a share of the
    embeddings' total variance (1 = no better than their mean): "rollout_error", and the same
    for the trivial guess that nothing moves, "copy_last_error" (the last true embedding)."""
    z, actions = embedded_clips(encoder, num_clips, steps + 1, seed)
    with torch.no_grad():
        rolled = dynamics.rollout(z[:, 0], z[:, 1], actions[:, 1:])
    spread = z.flatten(0, 1).var(0).sum()
    def share(guess: Tensor) -> list[float]:
        return ((guess - z[:, 2:]).pow(2).sum(-1).mean(0) / spread).tolist()

    return {"rollout_error": share(rolled), "copy_last_error": share(z[:, 1:2])}


def surprise(dynamics: LatentDynamics, encoder: JEPA, frames: Tensor, actions: Tensor) -> Tensor:
    """How much each frame of clips surprises the model, in its own space: (N, T).

    frames (N, T, 3, H, W), actions (N, T) m/s (action t from frame t to t+1, the last unused).
    Frame t >= 2 scores the squared distance between its embedding and the one predicted from
    the two frames before, per dimension; the first two frames, which nothing predicts, score 0.
    Part 6's intuitive-physics test flags a clip by its most surprising frame.
    """
    if not (isinstance(frames, Tensor) and frames.ndim == 5 and frames.shape[1] >= 3):
        raise ValueError(f"frames must be a (N, T >= 3, 3, H, W) tensor, "
                         f"got {getattr(frames, 'shape', type(frames).__name__)}")
    if not (isinstance(actions, Tensor) and actions.shape == frames.shape[:2]):
        raise ValueError(f"actions must be a {tuple(frames.shape[:2])} tensor (m/s), "
                         f"got {getattr(actions, 'shape', type(actions).__name__)}")
    if not torch.isfinite(actions).all():
        raise ValueError("actions must be finite")
    N, T = frames.shape[:2]
    with torch.no_grad():
        z = encoder.embed(frames.flatten(0, 1)).view(N, T, -1)
        predicted = dynamics(z[:, :-2].flatten(0, 1), z[:, 1:-1].flatten(0, 1),
                             actions[:, 1:-1].flatten()).view(N, T - 2, -1)
    return surprise_from(z, predicted)


def surprise_from(z: Tensor, predicted: Tensor) -> Tensor:
    """Per-frame surprise (N, T) from embeddings z (N, T, D) and the predictions (N, T-2, D)
    of frames 2..T-1: the mean squared difference per dimension, 0 for the first two frames."""
    error = (predicted - z[:, 2:]).pow(2).mean(-1)
    return torch.cat([torch.zeros(len(z), 2, dtype=error.dtype), error], dim=1)


# ---------------------------------------------------------------------------------- checkpoints

CHECKPOINTS = ("jepa_planner",)


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """`python -m worldmodels.train jepa_planner`: the predictor on the shipped jepa_clean."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    encoder = load_jepa(name=cfg.encoder)
    dynamics, history = train(cfg, encoder)
    errors = evaluate(dynamics, encoder)["rollout_error"]
    metrics = {"final_loss": round(sum(history["loss"][-50:]) / 50, 6),
               "rollout_error_1": round(errors[0], 4), "rollout_error_8": round(errors[-1], 4)}
    return {"state_dict": dynamics.state_dict(), "config": asdict(cfg),
            "latent_size": encoder.cfg.latent_size}, metrics


def load_pretrained(device: str | torch.device = "cpu") -> LatentDynamics:
    """The shipped predictor (see `recipe`); its encoder is `jepa.load_pretrained(name=cfg.encoder)`."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    dynamics = LatentDynamics(Config(**payload["config"]), payload["latent_size"]).to(device)
    dynamics.load_state_dict(payload["state_dict"])
    return dynamics.eval()
