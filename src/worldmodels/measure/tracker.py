"""Reading objects back out of frames: where each object is, and how much of it is seen.

Shapes: B clips, T frames, K objects, H = W pixels. Positions in metres, y up, as in the world.

The renderer paints a known background, then each object in its own colour with soft edges.
A pixel p is therefore a mix p = b + sum_k a_k (c_k - b) of its background b and the colours
c_k, with a_k the fraction of the pixel that object k covers. Solving this small least-squares
problem per pixel gives every object's coverage map; its sum is the object's area in pixels,
its weighted mean the object's centre. Works on any frames of the world: true, predicted or
generated, so every road's video can be read the same way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor

from ..world.render import HAND_COLOR, render
from ..world.scenes import CUP_COLOR, CUP_RADIUS, GRAVITY
from ..world.state import Params, State, Table

MIN_COVERAGE = 0.05   # coverages below this are noise, not object (a generated frame's haze)
MAX_RESIDUAL = 0.15   # a pixel whose colour no mix explains this well belongs to no object
MIN_AREA = 1.0        # px^2; an object with less area than this is not seen in that frame


@dataclass(frozen=True)
class Scene:
    """What the checks know about the world: its geometry, its objects and its clock."""

    frame_dt: float = 0.04                  # seconds between consecutive frames
    world_size: float = 2.0                 # side of the square world (m)
    table: Table | None = field(default_factory=Table)  # the solid table, None for none
    gravity: float = GRAVITY                # the world's g (m/s^2, pointing down)
    colors: tuple = (CUP_COLOR,)            # one RGB colour per object, in [0, 1]
    radii: tuple = (CUP_RADIUS,)            # one radius per object (m), used to render only
    hand_radius: float = 0.08               # m; 0 when the world has no hand
    max_speed: float = 8.5                  # m/s; no object moves faster (the fall from the top
                                            # of the world, sqrt(2 g 2 m) = 6.3, plus the hand's 2)

    def __post_init__(self):
        if not (isinstance(self.frame_dt, (int, float)) and 0 < self.frame_dt <= 1):
            raise ValueError(f"frame_dt must be in (0, 1] seconds, got {self.frame_dt!r}")
        if not self.world_size > 0 or not self.gravity > 0 or not self.max_speed > 0:
            raise ValueError("world_size, gravity and max_speed must be > 0")
        if len(self.colors) == 0 or len(self.colors) != len(self.radii):
            raise ValueError(f"colors and radii must name the same objects, got "
                             f"{len(self.colors)} colours and {len(self.radii)} radii")

    @classmethod
    def from_params(cls, params: Params, frame_dt: float) -> "Scene":
        """The scene of world 0 of a batch (every world of a batch must share its colours)."""
        return cls(frame_dt=frame_dt, world_size=params.world_size, table=params.table,
                   gravity=float(params.gravity[0]),
                   colors=tuple(tuple(c) for c in params.color[0].tolist()),
                   radii=tuple(params.radius[0].tolist()), hand_radius=params.hand_radius)

    def render(self, pos: Tensor, hand: Tensor, size: int = 32) -> Tensor:
        """Frames (B, T, 3, size, size) of objects at pos (B, T, K, 2) and the hand (B, T, 2)."""
        B, T, K, _ = pos.shape
        like = dict(dtype=pos.dtype, device=pos.device)
        per_object = torch.ones(B, K, **like)
        params = Params(mass=per_object, radius=torch.tensor(self.radii, **like).expand(B, K),
                        restitution=0 * per_object, friction=0 * per_object,
                        color=torch.tensor(self.colors, **like).expand(B, K, 3),
                        gravity=torch.full((B,), self.gravity, **like),
                        world_size=self.world_size, table=self.table,
                        hand_radius=self.hand_radius)
        return render(State(pos, torch.zeros_like(pos), hand), params, size=size)


@dataclass(frozen=True)
class Tracks:
    """Objects read back out of frames.

    area:   (B, T, K) pixels covered by each object (px^2)
    centre: (B, T, K, 2) each object's centre (m); meaningless where `seen` is False
    radius: (B, T, K) the radius a disk of that area has (m)
    seen:   (B, T, K) True where the object covers at least MIN_AREA pixels
    hand:   (B, T, 2) the hand's centre (m), where the world has a hand
    hand_area: (B, T) pixels covered by the hand (px^2)
    pixel:  the side of one pixel (m)
    """

    area: Tensor
    centre: Tensor
    radius: Tensor
    seen: Tensor
    hand: Tensor
    hand_area: Tensor
    pixel: float


def track(frames: Tensor, scene: Scene) -> Tracks:
    """Read every object (by colour) and the hand out of frames (B, T, 3, H, W) in [0, 1]."""
    _check_frames(frames)
    B, T, _, H, W = frames.shape
    frames = frames.detach().to(torch.float32)
    background, unmix = _unmixing(scene, H, frames.device)          # (3, H*W), (H*W, K+1, 3)
    excess = frames.reshape(B, T, 3, H * W) - background            # (B, T, 3, HW): p - b
    directions = _directions(scene, background)                     # (K+1, 3, HW): c_k - b
    # a_k = sum_c unmix[k, c] p_c per pixel; three colour channels, so written out as sums of
    # contiguous (B, T, HW) planes, which is much faster than a generic contraction.
    coverage = torch.stack([sum(unmix[k, c] * excess[:, :, c] for c in range(3))
                            for k in range(len(unmix))], dim=2)     # (B, T, K+1, HW)
    # How well the mix explains each pixel: colours it cannot explain belong to no object.
    residual = sum((excess[:, :, c] - (coverage * directions[:, c]).sum(2)).square()
                   for c in range(3)).sqrt()                        # (B, T, HW)
    coverage = coverage.clamp(0, 1) * (residual < MAX_RESIDUAL)[:, :, None]
    coverage = coverage * (coverage > MIN_COVERAGE)
    area = coverage.sum(-1)                                         # (B, T, K+1) px^2
    scale = H / scene.world_size                                    # pixels per metre
    centres = torch.arange(H, dtype=torch.float32, device=frames.device) + 0.5
    x = centres.repeat(H) / scale                                   # (HW,) column centres (m)
    y = scene.world_size - centres.repeat_interleave(H) / scale     # (HW,) row centres (m), y up
    weight = coverage / area.clamp_min(1e-6)[..., None]
    centre = torch.stack([(weight * x).sum(-1), (weight * y).sum(-1)], dim=-1)  # (B, T, K+1, 2)
    K = len(scene.colors)
    return Tracks(area=area[..., :K], centre=centre[..., :K, :],
                  radius=(area[..., :K] / math.pi).sqrt() / scale, seen=area[..., :K] >= MIN_AREA,
                  hand=centre[..., K, :], hand_area=area[..., K], pixel=1 / scale)


def _directions(scene: Scene, background: Tensor) -> Tensor:
    """(K+1, 3, HW): each colour minus each pixel's background; the hand's colour comes last."""
    colors = list(scene.colors) + [HAND_COLOR]
    colors = torch.tensor(colors, dtype=torch.float32, device=background.device)  # (K+1, 3)
    directions = colors[:, :, None] - background                    # (K+1, 3, HW)
    if scene.hand_radius <= 0:
        directions[-1] = 0.0                                         # no hand: nothing to unmix
    return directions


def _unmixing(scene: Scene, size: int, device) -> tuple[Tensor, Tensor]:
    """The empty scene's frame (3, HW) and, per pixel, the least-squares unmixing (K+1, 3, HW).

    Unmixing is the pseudo-inverse of the 3 x (K+1) matrix of colour directions of each pixel.
    """
    empty = scene.render(torch.full((1, 1, len(scene.colors), 2), -10.0, device=device),
                         torch.full((1, 1, 2), -10.0, device=device), size)  # out of view
    background = empty.reshape(3, size * size)
    directions = _directions(scene, background).permute(2, 1, 0)     # (HW, 3, K+1)
    return background, torch.linalg.pinv(directions).permute(1, 2, 0)  # (K+1, 3, HW)


def _check_frames(frames: Tensor) -> None:
    if not isinstance(frames, Tensor):
        raise TypeError(f"frames must be a torch.Tensor, got {type(frames).__name__}")
    if frames.ndim != 5 or frames.shape[2] != 3 or frames.shape[3] != frames.shape[4]:
        raise ValueError(f"frames must have shape (B, T, 3, H, W) with H = W, "
                         f"got {tuple(frames.shape)}")
    if frames.shape[3] < 8:
        raise ValueError(f"frames must be at least 8x8 pixels, got {tuple(frames.shape[3:])}")
    if not torch.isfinite(frames).all() or frames.min() < -0.01 or frames.max() > 1.01:
        raise ValueError("frames must be finite and lie in [0, 1]")
