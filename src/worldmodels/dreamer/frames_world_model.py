"""The RSSM world model (`dreamer.rssm.WorldModel`) trained on frames of the cup world, and
open-loop imagination from it.

Letters: B rollouts, T frames, C context frames the model sees, H horizon, A action size.

    model, history = train(Config(), progress=True)
    pred = open_loop(model, frames, actions, context=5)   # (B, T, 3, 32, 32)

`pred[:, :context]` are reconstructions of frames the model saw (posterior); every later frame is
imagined with the prior alone from the actions, never seeing the frame (Hafner et al. 2019).
`recipe` trains the shipped weights: `python -m worldmodels.train rssm_frames`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor
from tqdm.auto import tqdm

from .. import checkpoints
from ..devices import pick_device
from ..nn import ConvDecoder, ConvEncoder
from .frame_data import frame_sequences
from .rssm import WorldModel, WorldModelConfig

CHECKPOINT = "rssm_frames"


@dataclass
class Config:
    frame_size: int = 32      # side of the square frames, pixels
    deter_size: int = 64      # size of the GRU state h (units)
    stoch_size: int = 8       # S, categorical latent variables in z
    classes: int = 8          # K, classes per latent variable
    hidden: int = 64          # width of the RSSM's hidden layers (units)
    embed_size: int = 64      # size of a frame's embedding (units)
    channels: int = 8         # conv channels at the encoder's first level (they double per level)
    kl_balance: float = 0.8   # share of the KL gradient that trains the prior (DreamerV2)
    free_bits: float = 1.0    # nats per step of KL that cost nothing (DreamerV3)
    kl_scale: float = 0.05    # weight of the KL against the summed squared pixel error; like a
                              # pixel noise of sqrt(kl_scale / 2) = 0.16, so a 2-pixel hand is
                              # worth remembering
    num_rollouts: int = 256   # rollouts of training data
    rollout_steps: int = 25   # frames per rollout after the first
    skip: int = 2             # engine steps (0.01 s) between frames
    seq_len: int = 10         # frames per training window cut from a rollout
    batch_size: int = 32      # windows per gradient step
    train_steps: int = 1000   # gradient steps
    lr: float = 1e-3          # Adam learning rate
    seed: int = 0             # seeds the data, the weights and the samples
    device: str = "cpu"       # "cpu", "cuda" or "auto"


# A model small enough for a test to train in a second.
TINY = Config(channels=4, deter_size=8, stoch_size=2, classes=4, hidden=8, embed_size=8,
              num_rollouts=8, rollout_steps=6, seq_len=4, batch_size=4, train_steps=40, lr=3e-3)


def make_world_model(cfg: Config) -> WorldModel:
    """An RSSM world model for (3, frame_size, frame_size) frames and 2-D hand actions."""
    wm_cfg = WorldModelConfig(deter_size=cfg.deter_size, stoch_size=cfg.stoch_size,
                              classes=cfg.classes, hidden=cfg.hidden, embed_size=cfg.embed_size,
                              kl_balance=cfg.kl_balance, free_bits=cfg.free_bits,
                              kl_scale=cfg.kl_scale, lr=cfg.lr)
    model = WorldModel((3, cfg.frame_size, cfg.frame_size), 2, wm_cfg)
    # Narrower convolutions than WorldModel's default: half the channels, a quarter of the
    # arithmetic, so the model trains in minutes on a laptop CPU.
    model.encoder = ConvEncoder(cfg.frame_size, cfg.embed_size, cfg.channels)
    model.decoder = ConvDecoder(cfg.frame_size, model.rssm.feature_size, cfg.channels)
    model.run_cfg = cfg
    return model


def sample_windows(frames: Tensor, actions: Tensor, seq_len: int, batch_size: int,
                   generator: torch.Generator) -> dict:
    """Random windows of seq_len frames and their seq_len - 1 actions: a batch for
    `WorldModel.loss`, {"obs": (B', L, 3, H, W), "action": (B', L-1, 2)}."""
    B, T1 = frames.shape[:2]
    if not 2 <= seq_len <= T1:
        raise ValueError(f"seq_len must lie in [2, {T1}] frames, got {seq_len}")
    rollout = torch.randint(B, (batch_size,), generator=generator)
    start = torch.randint(T1 - seq_len + 1, (batch_size,), generator=generator)
    times = start[:, None] + torch.arange(seq_len)                           # (B', L)
    obs = frames[rollout[:, None], times]                                    # (B', L, 3, H, W)
    action = actions[rollout[:, None], times[:, :-1]]                        # (B', L-1, A)
    return {"obs": obs, "action": action}


def train(cfg: Config = Config(), frames: Tensor | None = None, actions: Tensor | None = None,
          progress: bool = True) -> tuple[WorldModel, dict]:
    """Fit the RSSM world model to rollouts (frames (B, T+1, 3, H, W), actions (B, T, 2)).

    By default the data are fresh random-push rollouts of the cup. Returns the model and a
    history of per-step "loss", "recon" (summed squared pixel error per frame) and "kl" (nats).
    """
    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    if frames is None or actions is None:
        frames, actions = frame_sequences(cfg.num_rollouts, cfg.rollout_steps, skip=cfg.skip,
                                          frame_size=cfg.frame_size, seed=cfg.seed)
    if frames.ndim != 5 or actions.shape != (frames.shape[0], frames.shape[1] - 1, 2):
        raise ValueError(f"frames must be (B, T+1, 3, H, W) and actions (B, T, 2), got "
                         f"{tuple(frames.shape)} and {tuple(actions.shape)}")
    model = make_world_model(cfg).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed)
    history = {"loss": [], "recon": [], "kl": []}
    for _ in tqdm(range(cfg.train_steps), desc="training the RSSM", disable=not progress):
        batch = sample_windows(frames, actions, cfg.seq_len, cfg.batch_size, generator)
        loss, metrics, _ = model.loss({k: v.to(device) for k, v in batch.items()})
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), model.cfg.grad_clip)
        optimizer.step()
        for key in history:
            history[key].append(metrics[key])
    return model.eval(), history


@torch.no_grad()
def open_loop(model: WorldModel, frames: Tensor, actions: Tensor, context: int) -> Tensor:
    """See frames[:, :context], then imagine the rest from the actions alone.

    frames (B, T, 3, H, W), actions (B, T-1, A). Returns (B, T, 3, H, W): reconstructions for
    t < context, open-loop predictions (prior only) for t >= context.
    """
    B, T = frames.shape[:2]
    if not 1 <= context < T:
        raise ValueError(f"context must lie in [1, {T - 1}] frames, got {context}")
    seen = model.rssm.observe(model.encode(frames[:, :context]), actions[:, :context - 1])
    recon = model.decode(seen["features"])                                   # (B, C, 3, H, W)
    dream = model.rssm.imagine(seen["last"], actions[:, context - 1:], T - context)
    imagined = model.decode(dream["features"][:, 1:])                        # (B, T-C, 3, H, W)
    return torch.cat([recon, imagined], dim=1)


def to_payload(model: WorldModel) -> dict:
    """Config and weights; weights in half precision, which halves the file and changes
    predictions by far less than the model's own error."""
    return {"config": asdict(model.run_cfg),
            "state_dict": {k: v.half() for k, v in model.state_dict().items()}}


def from_payload(payload: dict) -> WorldModel:
    model = make_world_model(Config(**payload["config"]))
    model.load_state_dict({k: v.float() for k, v in payload["state_dict"].items()})
    return model.eval()


def load(device: str | torch.device = "cpu") -> WorldModel:
    """The shipped RSSM world model of the cup world."""
    return from_payload(checkpoints.load(CHECKPOINT, device=device)).to(device)


def evaluate(model: WorldModel, num_rollouts: int = 64, context: int = 5, horizon: int = 10,
             seed: int = 1000) -> dict:
    """Held-out errors (pixel MSE) of a frame world model against two trivial baselines.

    "recon" on the frames it saw vs "mean_frame" (the held-out frames' own mean: a model that
    ignores its input); "open_loop" per step ahead 1..horizon vs "copy_last" (the last seen
    frame, the best guess of a model that knows nothing about motion). Seeded, since
    imagination samples its latents.
    """
    frames, actions = frame_sequences(num_rollouts, context + horizon - 1, seed=seed,
                                      frame_size=model.obs_shape[-1])        # (B, C+H, ...)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        pred = open_loop(model, frames, actions, context)
    error = (pred - frames).pow(2).mean(dim=(0, 2, 3, 4))                     # (C+H,)
    copy = (frames[:, context - 1:context] - frames).pow(2).mean(dim=(0, 2, 3, 4))
    seen = frames[:, :context]
    return {"recon": error[:context].mean().item(),
            "mean_frame": (seen - seen.mean(dim=(0, 1))).pow(2).mean().item(),
            "open_loop": error[context:].tolist(), "copy_last": copy[context:].tolist()}


def recipe() -> tuple[dict, dict]:
    """Train the shipped RSSM from seed 0; return (payload, held-out metrics)."""
    model, _ = train(Config(), progress=True)
    model = from_payload(to_payload(model))  # score the weights exactly as shipped
    result = evaluate(model)
    metrics = {"recon_mse": result["recon"], "mean_frame_mse": result["mean_frame"],
               "open_loop_mse_10": result["open_loop"][-1],
               "copy_last_mse_10": result["copy_last"][-1]}
    return to_payload(model), {k: round(v, 6) for k, v in metrics.items()}
