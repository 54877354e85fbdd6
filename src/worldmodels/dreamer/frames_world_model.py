"""The RSSM world model (`dreamer.rssm.WorldModel`) trained on frame rollouts of the cup world,
and open-loop imagination from it.

Letters: B rollouts, T frames, C context frames the model sees, D code size, A action size.

The RSSM reads each 32x32 frame through the encoder of the shipped VAE of *World Models*
(`dreamer.world_models`, kept frozen) as a D-number code, and draws its predictions through
that VAE's decoder. The RSSM itself - GRU memory, categorical posterior and prior, KL balancing
with free bits - is trained end to end on the codes of whole rollouts. Freezing the eyes keeps
training to minutes on a laptop CPU; Dreamer trains them jointly (Hafner et al. 2020).

    model, history = train(Config(), progress=True)
    pred = open_loop(model, frames, actions, context=5)   # (B, T, 3, 32, 32)

`pred[:, :context]` are reconstructions of frames the model saw (posterior); every later frame is
imagined with the prior alone from the actions, never seeing the frame (Hafner et al. 2019).
`recipe` trains the shipped weights: `python -m worldmodels.train rssm_frames` (after
`world_models_vae_rnn`, whose VAE it reads through).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..devices import pick_device
from ..measure import metrics
from . import vae as vae_module
from . import world_models
from .frame_data import frame_sequences
from .rssm import WorldModel, WorldModelConfig
from .sequence_model import encode_sequences
from .symlog import symexp

CHECKPOINTS = ("rssm_frames",)


@dataclass(frozen=True)
class Config:
    deter_size: int = 64      # size of the GRU state h (units)
    stoch_size: int = 8       # S, categorical latent variables in z
    classes: int = 8          # K, classes per latent variable
    hidden: int = 128         # width of the RSSM's hidden layers (units)
    embed_size: int = 64      # size of a frame code's embedding (units)
    kl_balance: float = 0.8   # share of the KL gradient that trains the prior (DreamerV2)
    free_bits: float = 1.0    # nats per step of KL that cost nothing (DreamerV3)
    kl_scale: float = 0.1     # weight of the KL against the squared error of the codes
    kl_warmup: int = 200      # gradient steps over which the KL weight ramps up from 0
    num_rollouts: int = 256   # rollouts of training data
    rollout_steps: int = 25   # frames per rollout after the first
    skip: int = 2             # engine steps (0.01 s) between frames
    seq_len: int = 16         # frames per training window cut from a rollout
    batch_size: int = 32      # windows per gradient step
    train_steps: int = 1500   # gradient steps
    lr: float = 1e-3          # Adam learning rate
    seed: int = 0             # seeds the data, the weights and the samples
    device: str = "cpu"       # "cpu", "cuda" or "auto"

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(deter_size=8, stoch_size=2, classes=4, hidden=8, embed_size=8, num_rollouts=8,
                   rollout_steps=6, seq_len=4, batch_size=4, train_steps=40, lr=3e-3)


class FrameWorldModel(nn.Module):
    """A frozen VAE (frames <-> codes) around an RSSM world model of the codes."""

    def __init__(self, cfg: Config, vae: vae_module.VAE):
        super().__init__()
        self.cfg, self.vae = cfg, vae.requires_grad_(False).eval()
        wm_cfg = WorldModelConfig(deter_size=cfg.deter_size, stoch_size=cfg.stoch_size,
                                  classes=cfg.classes, hidden=cfg.hidden,
                                  embed_size=cfg.embed_size, kl_balance=cfg.kl_balance,
                                  free_bits=cfg.free_bits, kl_scale=cfg.kl_scale, lr=cfg.lr)
        self.world = WorldModel((vae.cfg.latent_size,), 2, wm_cfg)

    def codes(self, frames: Tensor) -> Tensor:
        """Frames (B, T, 3, H, W) -> the VAE's codes (B, T, D)."""
        return encode_sequences(self.vae, frames)

    @torch.no_grad()
    def draw(self, features: Tensor) -> Tensor:
        """RSSM features (B, T, F) -> frames (B, T, 3, H, W) through the VAE's decoder."""
        codes = symexp(self.world.decode(features))          # the decoder predicts symlog(code)
        frames = self.vae.decode(codes.flatten(0, 1))
        return frames.view(*codes.shape[:2], *frames.shape[1:])


def make_world_model(cfg: Config, vae: vae_module.VAE | None = None) -> FrameWorldModel:
    """An RSSM world model of the codes of `vae` (the shipped VAE when None)."""
    if vae is None:
        vae, _ = world_models.load_pretrained()
    return FrameWorldModel(cfg, vae)


def sample_windows(frames: Tensor, actions: Tensor, seq_len: int, batch_size: int,
                   generator: torch.Generator) -> dict:
    """Random windows of seq_len frames and their seq_len - 1 actions: a batch for
    `WorldModel.loss`, {"obs": (B', L, ...), "action": (B', L-1, 2)}."""
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
          vae: vae_module.VAE | None = None,
          progress: bool = True) -> tuple[FrameWorldModel, dict]:
    """Fit the RSSM to rollouts (frames (B, T+1, 3, H, W), actions (B, T, 2)) seen through `vae`.

    By default the data are fresh random-push rollouts of the cup and `vae` the shipped one.
    Returns the model and a history of per-step "loss", "recon" (squared error of the symlog
    codes, summed over the D numbers of a code) and "kl" (nats per step).
    """
    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    if frames is None or actions is None:
        frames, actions = frame_sequences(cfg.num_rollouts, cfg.rollout_steps, skip=cfg.skip,
                                          seed=cfg.seed)
    if frames.ndim != 5 or actions.shape != (frames.shape[0], frames.shape[1] - 1, 2):
        raise ValueError(f"frames must be (B, T+1, 3, H, W) and actions (B, T, 2), got "
                         f"{tuple(frames.shape)} and {tuple(actions.shape)}")
    model = make_world_model(cfg, vae).to(device)
    codes = model.codes(frames.to(device))                     # (B, T+1, D), computed once
    optimizer = torch.optim.Adam(model.world.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed)
    history = {"loss": [], "recon": [], "kl": []}
    for step in tqdm(range(cfg.train_steps), desc="training the RSSM", disable=not progress):
        # KL warm-up (as for the VAE): the codes must be worth encoding before the prior may
        # pull the posterior towards itself, or the latents settle on one class and stay there.
        ramp = min(1.0, step / cfg.kl_warmup) if cfg.kl_warmup else 1.0
        model.world.cfg.kl_scale = cfg.kl_scale * ramp
        batch = sample_windows(codes, actions.to(device), cfg.seq_len, cfg.batch_size, generator)
        loss, metrics, _ = model.world.loss(batch)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.world.parameters(), model.world.cfg.grad_clip)
        optimizer.step()
        for key in history:
            history[key].append(metrics[key])
    model.world.cfg.kl_scale = cfg.kl_scale
    return model.eval(), history


@torch.no_grad()
def open_loop(model: FrameWorldModel, frames: Tensor, actions: Tensor, context: int) -> Tensor:
    """See frames[:, :context], then imagine the rest from the actions alone.

    frames (B, T, 3, H, W), actions (B, T-1, A). Returns (B, T, 3, H, W): reconstructions for
    t < context, open-loop predictions (prior only) for t >= context.
    """
    B, T = frames.shape[:2]
    if not 1 <= context < T:
        raise ValueError(f"context must lie in [1, {T - 1}] frames, got {context}")
    world = model.world
    seen = world.rssm.observe(world.encode(model.codes(frames[:, :context])),
                              actions[:, :context - 1])
    dream = world.rssm.imagine(seen["last"], actions[:, context - 1:], T - context)
    return torch.cat([model.draw(seen["features"]), model.draw(dream["features"][:, 1:])], dim=1)


UNUSED = ("world.reward_head.", "world.cont_head.")  # no rewards or episode ends here


def to_payload(model: FrameWorldModel) -> dict:
    """Config and weights (the RSSM's and its VAE's, so the file stands alone) in half
    precision, which halves the file and changes predictions by far less than the model's own
    error; the untrained reward and continue heads are left out."""
    return {"config": asdict(model.cfg), "vae_config": asdict(model.vae.cfg),
            "state_dict": {k: v.half() for k, v in model.state_dict().items()
                           if not k.startswith(UNUSED)}}


def from_payload(payload: dict) -> FrameWorldModel:
    model = FrameWorldModel(Config(**payload["config"]),
                            vae_module.VAE(vae_module.Config(**payload["vae_config"])))
    missing, unexpected = model.load_state_dict(
        {k: v.float() for k, v in payload["state_dict"].items()}, strict=False)
    if unexpected or any(not k.startswith(UNUSED) for k in missing):
        raise ValueError(f"payload does not fit the model: missing {missing}, "
                         f"unexpected {unexpected}")
    return model.eval()


def load_pretrained(device: str | torch.device = "cpu") -> FrameWorldModel:
    """The shipped RSSM world model of the cup world."""
    return from_payload(checkpoints.load(CHECKPOINTS[0], device=device)).to(device)


def evaluate(model: FrameWorldModel, num_rollouts: int = 64, context: int = 5, horizon: int = 10,
             seed: int = 1000) -> dict:
    """Held-out errors (pixel MSE) of a frame world model against two trivial baselines.

    "recon" on the frames it saw vs "mean_frame" (the held-out frames' own mean: a model that
    ignores its input); "open_loop" per step ahead 1..horizon vs "copy_last" (the last seen
    frame, the best guess of a model that knows nothing about motion). Seeded, since
    imagination samples its latents.
    """
    frames, actions = frame_sequences(num_rollouts, context + horizon - 1, seed=seed,
                                      frame_size=model.vae.cfg.frame_size)   # (B, C+H, ...)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        pred = open_loop(model, frames, actions, context)
    error = metrics.error_by_horizon(pred, frames)                            # (C+H,)
    copy = metrics.error_by_horizon(frames[:, context - 1:context], frames)   # copy-last
    seen = frames[:, :context]
    return {"recon": error[:context].mean().item(),
            "mean_frame": (seen - seen.mean(dim=(0, 1))).pow(2).mean().item(),
            "open_loop": error[context:].tolist(), "copy_last": copy[context:].tolist()}


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """Train the shipped RSSM from seed 0; return (payload, held-out metrics)."""
    checkpoints.check_name(name, CHECKPOINTS)
    model, _ = train(Config(), progress=True)
    model = from_payload(to_payload(model))  # score the weights exactly as shipped
    result = evaluate(model)
    metrics = {"recon_mse": result["recon"], "mean_frame_mse": result["mean_frame"],
               "open_loop_mse_10": result["open_loop"][-1],
               "copy_last_mse_10": result["copy_last"][-1]}
    return to_payload(model), {k: round(v, 6) for k, v in metrics.items()}
