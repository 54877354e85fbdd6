"""Building blocks shared by every road: an MLP, a batched ensemble layer and a small
convolutional encoder/decoder.

Letters: B batch, C channels, H/W frame height/width, D latent size.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn


def mlp(in_size: int, out_size: int, hidden: int = 128, layers: int = 2,
        activation: type[nn.Module] = nn.SiLU) -> nn.Sequential:
    """`layers` hidden layers of width `hidden`, then a linear output."""
    if min(in_size, out_size, hidden) < 1 or layers < 0:
        raise ValueError(f"sizes must be positive and layers >= 0, got in_size={in_size}, "
                         f"out_size={out_size}, hidden={hidden}, layers={layers}")
    modules, width = [], in_size
    for _ in range(layers):
        modules += [nn.Linear(width, hidden), activation()]
        width = hidden
    modules.append(nn.Linear(width, out_size))
    return nn.Sequential(*modules)


class EnsembleLinear(nn.Module):
    """E independent linear layers applied at once: (E, N, in) -> (E, N, out)."""

    def __init__(self, members: int, inputs: int, outputs: int):
        super().__init__()
        bound = 1 / inputs ** 0.5
        self.weight = nn.Parameter(torch.empty(members, inputs, outputs).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(members, 1, outputs))

    def forward(self, x: Tensor) -> Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


class ConvEncoder(nn.Module):
    """Frames (B, 3, H, W) in [0, 1] -> vectors (B, D). H = W, a power of two ≥ 16.

    Stride-2 convolutions halve the frame until it is 4×4, doubling channels each time.
    """

    def __init__(self, frame_size: int = 32, latent_size: int = 64, channels: int = 16):
        super().__init__()
        levels = _levels(frame_size)
        layers, width = [], 3
        for level in range(levels):
            layers += [nn.Conv2d(width, channels << level, 4, stride=2, padding=1), nn.SiLU()]
            width = channels << level
        self.convs = nn.Sequential(*layers)
        self.head = nn.Linear(width * 16, latent_size)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        features = self.convs(frames - 0.5)              # (B, C', 4, 4)
        return self.head(features.flatten(1))            # (B, D)


class ConvDecoder(nn.Module):
    """Vectors (B, D) -> frames (B, 3, H, W) as logits; `torch.sigmoid` gives pixels in [0, 1]."""

    def __init__(self, frame_size: int = 32, latent_size: int = 64, channels: int = 16):
        super().__init__()
        levels = _levels(frame_size)
        self.width = channels << (levels - 1)
        self.head = nn.Linear(latent_size, self.width * 16)
        layers, width = [], self.width
        for level in reversed(range(levels)):
            out = 3 if level == 0 else channels << (level - 1)
            layers.append(nn.ConvTranspose2d(width, out, 4, stride=2, padding=1))
            if level:
                layers.append(nn.SiLU())
            width = out
        self.deconvs = nn.Sequential(*layers)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        features = self.head(latent).view(-1, self.width, 4, 4)   # (B, C', 4, 4)
        return self.deconvs(features)                             # (B, 3, H, W)


def _levels(frame_size: int) -> int:
    levels = (frame_size // 4).bit_length() - 1
    if frame_size < 16 or 4 << levels != frame_size:
        raise ValueError(f"frame_size must be a power of two >= 16, got {frame_size}")
    return levels
