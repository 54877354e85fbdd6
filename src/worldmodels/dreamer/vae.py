"""V of *World Models* (Ha & Schmidhuber 2018): a variational autoencoder that compresses a frame
to a small latent vector z and decodes z back to a frame.

Letters: B frames in a batch, D latent size, H = W frame side.

The VAE (Kingma & Welling 2014) maximises the evidence lower bound of each frame x:

    log p(x) >= E_q(z|x)[log p(x|z)] - KL(q(z|x) || N(0, I)),

with an encoder q(z|x) = N(mu(x), diag(sigma(x)^2)), a decoder p(x|z) = N(x_hat(z), s^2 I)
with a fixed pixel noise s, and the reparameterised sample z = mu + sigma * eps, eps ~ N(0, I),
so that gradients flow through the sample into the encoder.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from ..devices import pick_device
from ..nn import ConvDecoder, ConvEncoder
from .frame_data import frame_sequences


@dataclass(frozen=True)
class Config:
    frame_size: int = 32      # side of the square frames, pixels
    latent_size: int = 16     # D, the size of z: how many numbers one frame is squeezed into
    channels: int = 16        # conv channels at the first level; they double at each level
    beta: float = 1.0         # weight of the KL term; 1 is the true evidence lower bound
    kl_warmup: float = 0.3    # fraction of training over which the KL weight ramps up from 0
    pixel_std: float = 0.05   # s, the decoder's pixel noise (pixel values in [0, 1]); smaller
                              # s makes small details (the 2-pixel hand) worth more nats
    num_rollouts: int = 256   # rollouts of training data
    rollout_steps: int = 25   # frames per rollout after the first
    skip: int = 2             # engine steps (0.01 s) between frames
    batch_size: int = 64      # frames per gradient step
    train_steps: int = 3000   # gradient steps
    lr: float = 1e-3          # Adam learning rate
    seed: int = 0             # seeds the data, the weights and the samples
    device: str = "cpu"       # "cpu", "cuda" or "auto"

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(latent_size=4, channels=4, num_rollouts=8, rollout_steps=4, batch_size=16,
                   train_steps=30, lr=3e-3)




def kl_divergence(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL( N(mu, diag(exp(logvar))) || N(0, I) ) in nats, summed over the last axis.

    Closed form for two Gaussians: 0.5 * sum(mu^2 + sigma^2 - 1 - log sigma^2).
    mu, logvar: (..., D) -> (...)
    """
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got {tuple(mu.shape)} "
                         f"and {tuple(logvar.shape)}")
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)


def reparameterize(mu: Tensor, logvar: Tensor, noise: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    """A sample of N(mu, diag(exp(logvar))) written as mu + sigma * eps, eps ~ N(0, I).

    The randomness sits in eps alone, so the sample is a differentiable function of mu and
    logvar. `noise` supplies eps (same shape as mu); otherwise it is drawn from `generator`.
    """
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got {tuple(mu.shape)} "
                         f"and {tuple(logvar.shape)}")
    if noise is None:
        noise = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    elif noise.shape != mu.shape:
        raise ValueError(f"noise must have mu's shape {tuple(mu.shape)}, got {tuple(noise.shape)}")
    return mu + (0.5 * logvar).exp() * noise


class VAE(nn.Module):
    """Frames (B, 3, H, W) in [0, 1] <-> latents (B, D)."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        # The encoder outputs 2D numbers: the mean and the log-variance of q(z|x).
        self.encoder = ConvEncoder(cfg.frame_size, 2 * cfg.latent_size, cfg.channels)
        self.decoder = ConvDecoder(cfg.frame_size, cfg.latent_size, cfg.channels)

    def encode(self, frames: Tensor) -> tuple[Tensor, Tensor]:
        """(B, 3, H, W) -> mu (B, D), logvar (B, D)."""
        _check_frames(frames, self.cfg.frame_size)
        mu, logvar = self.encoder(frames).chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 6.0)  # keeps exp(logvar) finite early in training

    def decode(self, latent: Tensor) -> Tensor:
        """(B, D) -> frames (B, 3, H, W) in [0, 1] (the mean of p(x|z))."""
        return torch.sigmoid(self.decoder(latent))

    def loss(self, frames: Tensor, generator: torch.Generator | None = None,
             beta: float | None = None) -> tuple[Tensor, dict]:
        """The negative ELBO per frame in nats: reconstruction + beta * KL (beta: cfg.beta)."""
        mu, logvar = self.encode(frames)                         # (B, D) each
        z = reparameterize(mu, logvar, generator=generator)      # (B, D)
        pred = self.decode(z)                                    # (B, 3, H, W)
        # -log p(x|z) for Gaussian pixels, up to a constant: squared error / (2 s^2), summed
        # over pixels. A Bernoulli decoder would price a faint 2-pixel hand at under a nat,
        # less than the KL cost of remembering where it is, and the VAE would drop it.
        recon = (pred - frames).pow(2).flatten(1).sum(dim=1).mean() / (2 * self.cfg.pixel_std**2)
        kl = kl_divergence(mu, logvar).mean()
        loss = recon + (self.cfg.beta if beta is None else beta) * kl
        return loss, {"loss": loss.item(), "recon": recon.item(), "kl": kl.item()}


def train(cfg: Config = Config(), frames: Tensor | None = None,
          progress: bool = True) -> tuple[VAE, dict]:
    """Fit a VAE to frames (N, 3, H, W) (by default, fresh random-push rollouts of the cup).

    Returns the model and a history of per-step "loss", "recon" and "kl" (nats per frame).
    """
    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    if frames is None:
        frames, _ = frame_sequences(cfg.num_rollouts, cfg.rollout_steps, skip=cfg.skip,
                                    frame_size=cfg.frame_size, seed=cfg.seed)
        frames = frames.flatten(0, 1)                                # (N, 3, H, W)
    _check_frames(frames, cfg.frame_size)
    frames = frames.to(device)
    model = VAE(cfg).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    generator = torch.Generator(device=device).manual_seed(cfg.seed)
    history = {"loss": [], "recon": [], "kl": []}
    warmup = max(1, round(cfg.kl_warmup * cfg.train_steps))
    for step in tqdm(range(cfg.train_steps), desc="training V (VAE)", disable=not progress):
        index = torch.randint(len(frames), (cfg.batch_size,), generator=generator, device=device)
        # KL warm-up: while the decoder cannot yet use z, a full KL term would pull every
        # q(z|x) onto the prior and z would carry nothing ("posterior collapse").
        beta = cfg.beta * min(1.0, step / warmup)
        loss, parts = model.loss(frames[index], generator=generator, beta=beta)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        for key, value in parts.items():
            history[key].append(value)
    return model.eval(), history


def from_payload(payload: dict) -> VAE:
    """Rebuild a VAE from {"config": dict, "state_dict": ...}, as checkpoints store it."""
    model = VAE(Config(**payload["config"]))
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def to_payload(model: VAE) -> dict:
    return {"config": asdict(model.cfg), "state_dict": model.state_dict()}


def _check_frames(frames, frame_size: int) -> None:
    if not isinstance(frames, Tensor):
        raise TypeError(f"frames must be a torch.Tensor, got {type(frames).__name__}")
    if frames.ndim != 4 or frames.shape[1:] != (3, frame_size, frame_size):
        raise ValueError(f"frames must have shape (B, 3, {frame_size}, {frame_size}), "
                         f"got {tuple(frames.shape)}")
