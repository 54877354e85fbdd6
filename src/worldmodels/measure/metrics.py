"""How close a predicted frame is to the true one, and how sharp a frame is.

Every function takes frames (..., 3, H, W) with values in [0, 1] and returns one number per
frame, shape (...) (pred and target may broadcast over the leading axes), so that errors can
be averaged over clips and plotted against the horizon:

    mse(pred, target)        # (N, T) for clips (N, T, 3, H, W)
    error_by_horizon(pred, target, "psnr")   # (T,) averaged over the clips

MSE, PSNR and SSIM are the conventional scores of video prediction; `sharpness` measures
high-frequency energy, which blurry (averaged) predictions lack.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from ..world.state import State

SSIM_WINDOW = 7          # pixels; Gaussian window side (7 keeps a 32x32 frame 26x26 after 'valid')
SSIM_SIGMA = 1.5         # pixels; the window's standard deviation, as in Wang et al. (2004)
SSIM_K1, SSIM_K2 = 0.01, 0.03   # stabilising constants of Eq. 13 of Wang et al. (2004)


def mse(pred: Tensor, target: Tensor) -> Tensor:
    """Mean squared error per frame: mean over channels and pixels of (pred - target)^2."""
    _check_pair(pred, target)
    return (pred - target).pow(2).mean(dim=(-3, -2, -1))


def psnr(pred: Tensor, target: Tensor, data_range: float = 1.0) -> Tensor:
    """Peak signal-to-noise ratio per frame in dB: 10 log10(range^2 / MSE). Higher is better.

    A perfect frame has infinite PSNR; its MSE is clamped at 1e-10 (100 dB) to keep it finite.
    """
    return psnr_from_mse(mse(pred, target), data_range)


def psnr_from_mse(error: Tensor, data_range: float = 1.0) -> Tensor:
    """PSNR in dB of mean squared errors, 10 log10(range^2 / MSE), the MSE clamped at 1e-10.

    PSNR of an MSE averaged over clips first is what a board of many clips should report: a
    mean of per-clip PSNRs is ruled by clips in which nothing moves, whose frames are perfect.
    """
    if not data_range > 0:
        raise ValueError(f"data_range must be > 0, got {data_range}")
    return 10 * torch.log10(data_range ** 2 / error.clamp_min(1e-10))


def ssim(pred: Tensor, target: Tensor, data_range: float = 1.0) -> Tensor:
    """Structural similarity per frame (Wang et al. 2004, Eq. 13), averaged over channels.

    Local means, variances and covariance come from a Gaussian window; SSIM(x, x) = 1 and it
    falls towards 0 (it can go below) as the local structure of pred departs from target's.
    """
    shape = _check_pair(pred, target)
    pred, target = pred.expand(shape), target.expand(shape)
    if pred.shape[-1] < SSIM_WINDOW or pred.shape[-2] < SSIM_WINDOW:
        raise ValueError(f"frames must be at least {SSIM_WINDOW}x{SSIM_WINDOW} pixels for SSIM, "
                         f"got {tuple(pred.shape[-2:])}")
    lead, (C, H, W) = pred.shape[:-3], pred.shape[-3:]
    x = pred.reshape(-1, 1, H, W).to(torch.float32)       # (M*C, 1, H, W)
    y = target.reshape(-1, 1, H, W).to(torch.float32)
    window = _gaussian_window(x.device)                    # (1, 1, S, S)

    def blur(image: Tensor) -> Tensor:
        return F.conv2d(image, window)                     # 'valid': no padding artefacts

    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x ** 2
    var_y = blur(y * y) - mu_y ** 2
    cov = blur(x * y) - mu_x * mu_y
    c1, c2 = (SSIM_K1 * data_range) ** 2, (SSIM_K2 * data_range) ** 2
    score = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / (
        (mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))   # (M*C, 1, H', W')
    return score.mean(dim=(-3, -2, -1)).reshape(*lead, C).mean(-1).to(pred.dtype)


def sharpness(frames: Tensor) -> Tensor:
    """High-frequency energy per frame: the mean squared response to the discrete Laplacian.

    The Laplacian (4 x centre - the 4 neighbours) is zero on flat and linearly varying regions
    and large at edges; blurring an image spreads its edges and lowers this number.
    """
    if not isinstance(frames, Tensor):
        raise TypeError(f"frames must be a torch.Tensor, got {type(frames).__name__}")
    if frames.ndim < 3 or frames.shape[-3] != 3:
        raise ValueError(f"frames must have shape (..., 3, H, W), got {tuple(frames.shape)}")
    lead, (C, H, W) = frames.shape[:-3], frames.shape[-3:]
    x = frames.reshape(-1, 1, H, W)
    kernel = x.new_tensor([[0.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 0.0]])
    response = F.conv2d(x, kernel[None, None])              # (M*C, 1, H-2, W-2)
    return response.pow(2).mean(dim=(-3, -2, -1)).reshape(*lead, C).mean(-1)


METRICS = {"mse": mse, "psnr": psnr, "ssim": ssim}


def error_by_horizon(pred: Tensor, target: Tensor, metric: str = "mse") -> Tensor:
    """A metric of clips (N, T, 3, H, W), averaged over the N clips: one value per frame, (T,)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {tuple(METRICS)}, got {metric!r}")
    if pred.ndim != 5:
        raise ValueError(f"pred must have shape (N, T, 3, H, W), got {tuple(pred.shape)}")
    return METRICS[metric](pred, target).mean(dim=0)


def position_error(pred: State, truth: State) -> Tensor:
    """Mean distance (m) between predicted and true disk centres at each step: (T+1,)."""
    if pred.pos.shape != truth.pos.shape:
        raise ValueError(f"pred and truth must have the same shape, got "
                         f"{tuple(pred.pos.shape)} and {tuple(truth.pos.shape)}")
    return (pred.pos - truth.pos).norm(dim=-1).mean(dim=(0, 2))


def _gaussian_window(device) -> Tensor:
    offsets = torch.arange(SSIM_WINDOW, dtype=torch.float32, device=device) - SSIM_WINDOW // 2
    g = torch.exp(-offsets ** 2 / (2 * SSIM_SIGMA ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]           # (1, 1, S, S), sums to 1


def _check_pair(pred: Tensor, target: Tensor) -> torch.Size:
    for name, value in (("pred", pred), ("target", target)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
        if value.ndim < 3 or value.shape[-3] != 3:
            raise ValueError(f"{name} must have shape (..., 3, H, W), got {tuple(value.shape)}")
    try:
        shape = torch.broadcast_shapes(pred.shape, target.shape)
    except RuntimeError:
        shape = None
    if shape is None or shape[-3:] != pred.shape[-3:] or shape[-3:] != target.shape[-3:]:
        raise ValueError(f"pred and target must have the same shape (or broadcast over leading "
                         f"axes), got {tuple(pred.shape)} and {tuple(target.shape)}")
    return shape
