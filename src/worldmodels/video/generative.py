"""A latent-variable video model that samples several sharp futures for the same context.

Shapes: B clips, K samples per context, C context frames, H horizon frames, S pixels, D latent.

A deterministic predictor trained by mean squared error returns the average of all futures
consistent with its context; when the push is unseen, that average is a blur. Here the
predictor also receives a random latent z (D numbers). During training an *inference network*
looks at the true future and encodes what the context does not tell (here: how hard the push
is) into z; the predictor learns to decode it. This is a conditional variational autoencoder
(Kingma & Welling 2014; for video, Babaeizadeh et al. 2018 and Denton & Fergus 2018). It is
trained on the evidence lower bound,

    loss = E_q[ ||x_future - f(context, z)||^2 ] + beta * KL( q(z | context, future) || N(0, I) ),

where z ~ q is drawn with the reparameterisation z = mu + sigma * eps, eps ~ N(0, I) (Eq. 10
of Kingma & Welling), so that gradients flow through mu and sigma. At test time the future is
unknown: z is drawn from the prior N(0, I), and each draw decodes into one sharp future.

Large video generators (Sora, Cosmos) use diffusion instead: many denoising steps from noise to
a video. A latent-variable model is the one-step cousin: one draw of noise, one pass of the
decoder; it is what a 2-core CPU can train in a couple of minutes.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..devices import pick_device
from ..measure import metrics
from . import predictor
from .clips import make_clips


@dataclass(frozen=True)
class Config:
    predictor: predictor.Config = field(   # the decoder f(context, z); latent_size = D
        default_factory=lambda: predictor.Config(latent_size=4))
    beta: float = 2e-5          # weight of the KL term (nats per clip) against the per-pixel MSE
    steps: int = 800            # gradient steps (overrides predictor.steps)
    seed: int = 0               # fixes the clips, the weights, the batches and the noise

    @classmethod
    def tiny(cls) -> "Config":
        """A few seconds of training, for tests."""
        return cls(predictor=replace(predictor.Config.tiny(), latent_size=2), steps=20)


class Posterior(nn.Module):
    """q(z | context, future): clips (B, C + H, 3, S, S) -> mean and log-variance, (B, D) each."""

    def __init__(self, cfg: predictor.Config):
        super().__init__()
        W, frames = cfg.width, cfg.context + cfg.horizon
        self.net = nn.Sequential(
            nn.Conv2d(3 * frames, W // 2, 4, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(W // 2, W, 4, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(W, W, 4, stride=2, padding=1), nn.SiLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(W, 2 * cfg.latent_size))

    def forward(self, clips: Tensor) -> tuple[Tensor, Tensor]:
        B, S = clips.shape[0], clips.shape[-1]
        mean, log_var = self.net(clips.reshape(B, -1, S, S) - 0.5).chunk(2, dim=-1)
        return mean, log_var.clamp(-10, 5)                   # (B, D) each; clamp keeps exp finite


class GenerativeVideo(nn.Module):
    """The decoder f(context, z) and the inference network q(z | context, future)."""

    def __init__(self, cfg: Config):
        super().__init__()
        _check_config(cfg)
        self.cfg = cfg
        self.decoder = predictor.VideoPredictor(cfg.predictor)
        self.posterior = Posterior(cfg.predictor)


def reparameterise(mean: Tensor, log_var: Tensor, noise: Tensor) -> Tensor:
    """z = mean + exp(log_var / 2) * noise: a draw from N(mean, sigma^2) that gradients flow through."""
    if not (mean.shape == log_var.shape == noise.shape):
        raise ValueError(f"mean, log_var and noise must have one shape, got {tuple(mean.shape)}, "
                         f"{tuple(log_var.shape)} and {tuple(noise.shape)}")
    return mean + torch.exp(0.5 * log_var) * noise


def kl_to_standard_normal(mean: Tensor, log_var: Tensor) -> Tensor:
    """KL(N(mean, sigma^2) || N(0, I)) in nats per row, (B,): Appendix B of Kingma & Welling."""
    return 0.5 * (mean.pow(2) + log_var.exp() - 1 - log_var).sum(dim=-1)


def loss_terms(model: GenerativeVideo, clips: Tensor, noise: Tensor) -> tuple[Tensor, Tensor]:
    """The two terms of the loss on clips (B, C + H, 3, S, S): mean squared error and mean KL."""
    C = model.cfg.predictor.context
    mean, log_var = model.posterior(clips)                  # (B, D) each
    z = reparameterise(mean, log_var, noise)                # (B, D)
    pred = model.decoder(clips[:, :C], z)                   # (B, H, 3, S, S)
    mse = (pred - clips[:, C:]).pow(2).mean()
    return mse, kl_to_standard_normal(mean, log_var).mean()


def sample(model: GenerativeVideo, context: Tensor, num_samples: int = 8,
           seed: int = 0) -> Tensor:
    """K futures per context, each from its own z ~ N(0, I): (B, C, 3, S, S) -> (B, K, H, 3, S, S)."""
    cfg = model.cfg.predictor
    predictor._check_context(context, cfg)
    if isinstance(num_samples, bool) or not (isinstance(num_samples, int) and num_samples >= 1):
        raise ValueError(f"num_samples must be an int >= 1, got {num_samples!r}")
    B, K = context.shape[0], num_samples
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(B * K, cfg.latent_size, generator=generator).to(context)   # (B*K, D)
    model.eval()
    with torch.no_grad():
        futures = model.decoder(context.repeat_interleave(K, dim=0), z).clamp(0, 1)
    return futures.reshape(B, K, *futures.shape[1:])         # (B, K, H, 3, S, S)


def train(cfg: Config = Config(), clips: Tensor | None = None,
          progress: bool = True) -> tuple[GenerativeVideo, dict]:
    """Fit the model to clips (N, C + H, 3, S, S) on the evidence lower bound.

    clips: training clips; None simulates predictor.num_clips "mixed" clips from cfg.seed.
    Returns the model and history {"loss", "mse", "kl"}: one entry per step.
    """
    _check_config(cfg)
    p = cfg.predictor
    torch.manual_seed(cfg.seed)
    device = pick_device(p.device)
    if clips is None:
        clips = make_clips(p.num_clips, p.context, p.horizon, p.frame_size, "mixed", cfg.seed)
    predictor._check_clips(clips, p)
    clips = clips.to(device)
    model = GenerativeVideo(cfg).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=p.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, cfg.steps)
    generator = torch.Generator().manual_seed(cfg.seed)
    history = {"loss": [], "mse": [], "kl": []}
    model.train()
    for _ in tqdm(range(cfg.steps), desc="generative video", disable=not progress):
        batch = clips[torch.randint(len(clips), (p.batch_size,), generator=generator)]
        noise = torch.randn(p.batch_size, p.latent_size, generator=generator).to(device)
        mse, kl = loss_terms(model, batch, noise)
        loss = mse + cfg.beta * kl                           # the negative ELBO, rescaled
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        for name, value in (("loss", loss), ("mse", mse), ("kl", kl)):
            history[name].append(value.item())
    model.eval()
    return model, history


def evaluate(model: GenerativeVideo, deterministic: predictor.VideoPredictor,
             num_clips: int = 128, num_samples: int = 8, scene: str = "random_push",
             seed: int = predictor.HELD_OUT_SEED) -> dict:
    """Diversity, best-of-K error and sharpness of samples on held-out clips, against `deterministic`.

    Returns: "diversity" (mean pairwise MSE between a context's samples), "best_of_k_mse",
    "deterministic_mse", and sharpness of "real", "sample" and "deterministic" frames.
    """
    p = model.cfg.predictor
    clips = make_clips(num_clips, p.context, p.horizon, p.frame_size, scene, seed)
    context, future = clips[:, :p.context], clips[:, p.context:]
    samples = sample(model, context, num_samples, seed=seed)              # (B, K, H, 3, S, S)
    errors = metrics.mse(samples, future[:, None]).mean(dim=-1)           # (B, K) over horizon
    pairs = metrics.mse(samples[:, :, None], samples[:, None]).mean(-1)   # (B, K, K)
    K = num_samples
    mean_pair = pairs.sum(dim=(1, 2)) / max(K * (K - 1), 1)               # (B,) off-diagonal
    det = predictor.predict(deterministic, context)
    return {"diversity": mean_pair.mean().item(),
            "best_of_k_mse": errors.min(dim=1).values.mean().item(),
            "sample_mse": errors.mean().item(),
            "deterministic_mse": metrics.mse(det, future).mean().item(),
            "sharpness_real": metrics.sharpness(future).mean().item(),
            "sharpness_sample": metrics.sharpness(samples).mean().item(),
            "sharpness_deterministic": metrics.sharpness(det).mean().item()}


CHECKPOINTS = ("video_generative",)


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """The shipped checkpoint `video_generative`: python -m worldmodels.train video_generative."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    model, _ = train(cfg, progress=True)
    payload = {"config": {**asdict(cfg), "predictor": asdict(cfg.predictor)},
               "state_dict": model.state_dict()}
    scores = evaluate(model, predictor.load_pretrained())
    return payload, {k: round(v, 6) for k, v in scores.items()}


def load_pretrained(device: str | torch.device = "cpu") -> GenerativeVideo:
    """The shipped GenerativeVideo, ready to `sample`."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    config = dict(payload["config"])
    config["predictor"] = replace(predictor.Config(), **config["predictor"])
    model = GenerativeVideo(replace(Config(), **config)).to(device)
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def _check_config(cfg: Config) -> None:
    if not isinstance(cfg, Config):
        raise TypeError(f"cfg must be a video.generative.Config, got {type(cfg).__name__}")
    predictor._check_config(cfg.predictor)
    if cfg.predictor.latent_size < 1:
        raise ValueError(f"cfg.predictor.latent_size must be >= 1, got {cfg.predictor.latent_size}")
    if not cfg.beta >= 0 or cfg.steps < 1:
        raise ValueError(f"cfg.beta must be >= 0 and cfg.steps >= 1, got {cfg.beta}, {cfg.steps}")
