"""Render states of the world as small RGB frames, with soft edges so pixels are differentiable.

Shapes: B worlds, T time steps, N disks, H = W = size pixels.

    frames = render(state, params, size=32)      # (B, 3, H, W) in [0, 1]
    video = render(trajectory, params, size=64)  # (B, T, 3, H, W)

The picture is a side view: image row 0 is the top of the world (y = world_size), the last row
touches the floor (y = 0). Back to front we draw a light background, the floor, the table, the
disks in `params.color` (in index order, so disk N-1 is in front) and the hand.

Why it is fast. The floor and the table never move and are the same in every world of a batch
(they are plain floats in Params), so their picture is drawn once per geometry and size and
cached. Only disks change, and at 32x32 a disk is a few pixels across, so each one is drawn in
a small K x K window around it (gathered from the frame, blended, scattered back) instead of
over the whole frame.

Why it is differentiable. A pixel's coverage by a disk is a linear ramp of the signed distance
from the pixel centre to the disk's edge, measured in pixels and one pixel wide:
    coverage = clamp(r - d + 1/2, 0, 1)
(with r shrunk a little so that the drawn area stays pi r^2; see `_draw_disks`).
Moving a disk by a fraction of a pixel changes the pixels on its rim by a proportional amount,
so a loss on the image has a useful gradient with respect to positions, radii and colours.
"""
from __future__ import annotations

import math
from functools import lru_cache

import torch
from torch import Tensor

from .state import Params, State, Table

BACKGROUND_COLOR = (0.94, 0.95, 0.97)   # light grey-blue sky
FLOOR_COLOR = (0.30, 0.30, 0.33)        # dark grey
TABLE_COLOR = (0.55, 0.36, 0.20)        # brown
HAND_COLOR = (0.86, 0.60, 0.45)         # skin
FLOOR_THICKNESS = 1 / 32                # fraction of world_size: one pixel at 32x32, two at 64x64
MIN_SIZE = 8
CHUNK = 512  # worlds drawn at a time: enough work for every core, few enough to stay in cache


def render(state: State, params: Params, size: int = 32) -> Tensor:
    """Draw each world of a batch as an RGB frame.

    state:  a State (pos (B, N, 2)) or a trajectory State (pos (B, T, N, 2))
    params: Params of the same B worlds and N disks
    size:   the frame's side in pixels (an int >= 8; the book uses 32 and 64)
    returns (B, 3, size, size), or (B, T, 3, size, size) for a trajectory, floats in [0, 1]
            in the dtype and on the device of state.pos
    """
    _check_inputs(state, params, size)
    pos, radius, color = _bodies(state, params)  # (M, D, 2), (M, D), (M, D, 3); M = B or B*T
    M = pos.shape[0]
    background = _background(size, params.world_size, params.table, pos.dtype, str(pos.device))
    background = background.reshape(1, 3, size * size)
    if torch.is_grad_enabled() and any(t.requires_grad for t in (pos, radius, color)):
        # Autograd keeps every intermediate frame anyway: draw out of place, in one go.
        frames = _draw_disks(background.repeat(M, 1, 1), pos, radius, color,
                             params.world_size, inplace=False)
    else:
        # Draw straight into the output, a chunk of worlds at a time, so that each chunk's
        # frames stay in cache while its disks are scattered into them.
        frames = pos.new_empty((M, 3, size * size))
        for start in range(0, M, CHUNK):
            chunk = slice(start, start + CHUNK)
            frames[chunk] = background
            _draw_disks(frames[chunk], pos[chunk], radius[chunk], color[chunk],
                        params.world_size, inplace=True)
    if state.pos.ndim == 4:
        return frames.reshape(state.pos.shape[0], -1, 3, size, size)  # (B, T, 3, H, W)
    return frames.reshape(M, 3, size, size)  # (B, 3, H, W)


def _check_inputs(state: State, params: Params, size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < MIN_SIZE:
        raise ValueError(f"size must be an int >= {MIN_SIZE} (pixels), got {size!r}")
    if not isinstance(state, State):
        raise TypeError(f"state must be a State, got {type(state).__name__}")
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    if state.pos.ndim not in (3, 4):
        raise ValueError(f"state.pos must have shape (B, N, 2) or (B, T, N, 2), "
                         f"got {tuple(state.pos.shape)}")
    B, N = state.pos.shape[0], state.pos.shape[-2]
    if (params.batch_size, params.num_disks) != (B, N):
        raise ValueError(f"params must describe the state's {B} worlds of {N} disks, "
                         f"got {params.batch_size} worlds of {params.num_disks} disks")
    # A NaN position has no pixel to be drawn at (an infinite one is simply out of view).
    if state.pos.isnan().any() or (params.hand_radius > 0 and state.hand.isnan().any()):
        raise ValueError("state.pos and state.hand must not contain NaN")


def _bodies(state: State, params: Params) -> tuple[Tensor, Tensor, Tensor]:
    """Everything round that is drawn, in drawing order: the disks, then the hand.

    returns pos (M, D, 2), radius (M, D), color (M, D, 3) in the dtype of state.pos, where
    M = B, or B*T for a trajectory, and D = N + 1 with a hand, N without
    """
    pos, hand = state.pos, state.hand
    dtype, device = pos.dtype, pos.device
    radius, color = params.radius.to(dtype), params.color.to(dtype)
    if pos.ndim == 4:  # a trajectory: fold time into the batch, every step has the same params
        B, T, N, _ = pos.shape
        pos, hand = pos.reshape(B * T, N, 2), hand.reshape(B * T, 2)
        radius = radius[:, None].expand(B, T, N).reshape(B * T, N)
        color = color[:, None].expand(B, T, N, 3).reshape(B * T, N, 3)
    if params.hand_radius > 0:  # the hand is one more disk, in front of the others
        M = pos.shape[0]
        pos = torch.cat([pos, hand[:, None]], dim=1)  # (M, N+1, 2)
        radius = torch.cat([radius, radius.new_full((M, 1), params.hand_radius)], dim=1)
        skin = torch.tensor(HAND_COLOR, dtype=dtype, device=device)
        color = torch.cat([color, skin.expand(M, 1, 3)], dim=1)  # (M, N+1, 3)
    return pos, radius, color


@lru_cache(maxsize=32)
def _background(size: int, world_size: float, table: Table | None, dtype: torch.dtype,
                device: str) -> Tensor:
    """The static picture, (3, H, W): sky, floor band, table box. Cached: never modify it."""
    centres = (torch.arange(size, dtype=torch.float64) + 0.5)     # pixel centres, in pixels
    scale = size / world_size                                      # pixels per metre
    y_px = size - centres                                          # (H,) height above the floor
    x_px = centres                                                 # (W,)

    def band(coord: Tensor, low: float, high: float) -> Tensor:
        # Coverage of [low, high] (in pixels) along one axis: the same one-pixel ramp as disks.
        return (torch.minimum(coord - low, high - coord) + 0.5).clamp(0, 1)

    image = torch.tensor(BACKGROUND_COLOR, dtype=torch.float64)[:, None, None].repeat(1, size, size)
    layers = [(band(y_px, -1.0, FLOOR_THICKNESS * size)[:, None].expand(size, size), FLOOR_COLOR)]
    if table is not None:
        # A box is separable: its coverage is the product of its x-coverage and y-coverage.
        rows = band(y_px, -1.0, table.height * scale)               # (H,)
        cols = band(x_px, table.left * scale, table.right * scale)  # (W,)
        layers.append((rows[:, None] * cols[None, :], TABLE_COLOR))
    for alpha, rgb in layers:  # "over" compositing, back to front
        rgb = torch.tensor(rgb, dtype=torch.float64)[:, None, None]
        image = image + alpha * (rgb - image)
    return image.to(dtype=dtype, device=device)


def _draw_disks(frames: Tensor, pos: Tensor, radius: Tensor, color: Tensor, world_size: float,
                inplace: bool) -> Tensor:
    """Composite disks over frames, each inside a small window around it.

    frames: (M, 3, H*W) with H = W, drawn on in place if `inplace`
    pos: (M, D, 2) in metres; radius: (M, D) in metres; color: (M, D, 3)
    returns the frames, (M, 3, H*W)
    """
    M, D = radius.shape
    size = math.isqrt(frames.shape[-1])
    if D == 0 or M == 0:
        return frames
    scale = size / world_size
    cx = pos[..., 0] * scale                          # (M, D) disk centre, pixels from the left
    cy = (world_size - pos[..., 1]) * scale           # (M, D) pixels from the top
    r = radius * scale                                # (M, D)
    # The one-pixel ramp adds pi/12 px^2 of area around a disk of radius r (integrate the ramp
    # over the annulus r +- 1/2); drawing radius sqrt(r^2 - 1/12) makes the drawn area pi r^2.
    r_draw = (r * r - 1 / 12).clamp_min(1e-12).sqrt()  # (M, D); 1e-12: finite grad when tiny

    # Coverage is > 0 where a pixel centre j + 1/2 lies within r_draw + 1/2 of the centre c,
    # that is for j from floor(c - r_draw) to ceil(c + r_draw) - 1: at most ceil(2 r_draw) + 1
    # pixels along each axis. K covers the largest disk of the batch.
    r_win = r_draw.detach()
    K = min(size, math.ceil(2 * r_win.max().item()) + 1)
    offsets = torch.arange(K, dtype=pos.dtype, device=pos.device)
    # Window corners are whole pixels, kept inside the frame (a window there still holds all
    # of a disk's pixels that are inside the frame).
    x0 = torch.floor(cx.detach() - r_win).clamp(0, size - K)  # (M, D)
    y0 = torch.floor(cy.detach() - r_win).clamp(0, size - K)
    cols = x0[..., None] + offsets                    # (M, D, K) pixel columns of the window
    rows = y0[..., None] + offsets                    # (M, D, K)

    # Squared distance from each window pixel's centre to the disk centre is a sum of a row
    # term and a column term: two (M, D, K) vectors broadcast to the (M, D, K, K) window.
    # The small eps keeps the gradient of sqrt finite when a pixel centre is the disk's centre.
    dx2 = (cols + 0.5 - cx[..., None]).square() + 1e-12
    dy2 = (rows + 0.5 - cy[..., None]).square()
    dist = (dy2[..., :, None] + dx2[..., None, :]).sqrt()           # (M, D, K, K)
    alpha = ((r_draw + 0.5)[..., None, None] - dist).clamp(0, 1)    # (M, D, K, K) coverage
    alpha = alpha.reshape(M, D, 1, K * K)
    index = (rows[..., :, None] * size + cols[..., None, :]).long()  # (M, D, K, K) flat pixel
    index = index.reshape(M, D, 1, K * K).expand(M, D, 3, K * K).contiguous()  # all channels

    for d in range(D):  # in order, so later disks are drawn over earlier ones
        idx = index[:, d]                                               # (M, 3, K*K)
        window = frames.gather(2, idx)                                  # (M, 3, K*K)
        window = torch.lerp(window, color[:, d, :, None], alpha[:, d])  # "over": w + a (c - w)
        frames = frames.scatter_(2, idx, window) if inplace else frames.scatter(2, idx, window)
    return frames
