"""Does a clip behave like the world? Checks that read the objects back out of the pixels.

A video model is judged by how its frames look (MSE, PSNR, SSIM). These checks judge how its
objects *behave*, with the principles infants already expect of objects (Spelke et al. 1992):

- permanence: an object does not vanish or appear: its pixel mass (area) stays constant;
- continuity: an object moves on a connected path: it never jumps further than any speed
  the world allows in one frame (no teleporting);
- gravity: an object in free fall accelerates downwards at the world's g;
- solidity: an object never overlaps the table or sinks into the floor.

Every check returns a `CheckResult`: a score and a verdict per clip, and whether the check
applied to that clip at all (gravity only applies to clips in which something falls freely).

Shapes: B clips, T frames, K objects, H = W pixels. Positions in metres, y up, as in physics.

How objects are read. The renderer paints a known background, then each object in its own
colour with soft edges. A pixel p is therefore a mix p = b + sum_k a_k (c_k - b) of its
background b and the colours c_k, with a_k the fraction of the pixel that object k covers.
Solving this small least-squares problem per pixel gives every object's coverage map; its sum
is the object's area in pixels, its weighted mean the object's centre.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor

from ..physics.render import HAND_COLOR, render
from ..physics.scenes import CUP_COLOR, CUP_RADIUS, GRAVITY
from ..physics.state import Params, State, Table

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


@dataclass(frozen=True)
class CheckResult:
    """One check on B clips: score (B,) (0 is perfect), passed (B,), applicable (B,)."""

    name: str
    score: Tensor
    passed: Tensor
    applicable: Tensor

    def pass_rate(self) -> float:
        """Fraction of the clips the check applies to that pass it (nan when none)."""
        n = int(self.applicable.sum())
        return float(self.passed[self.applicable].float().mean()) if n else float("nan")


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


def permanence_score(area: Tensor) -> Tensor:
    """Worst relative change of an object's area from the first frame, max over t of
    abs(A_t - A_0) / A_0.

    area: (B, T) or (B, T, K) pixels covered per frame (and object); returns (B,).
    """
    first = area[:, :1].clamp_min(MIN_AREA)                         # (B, 1, ...)
    change = (area - first).abs() / first                           # (B, T, ...)
    return change.flatten(1).amax(dim=1)                            # (B,)


def check_permanence(tracks: Tracks, scene: Scene, tol: float = 0.3) -> CheckResult:
    """Each object's area stays within `tol` (relative) of its area in the first frame."""
    change = permanence_score(tracks.area)                          # (B,)
    applicable = tracks.seen[:, 0].all(dim=-1)                      # objects seen at the start
    return CheckResult("permanence", change, change <= tol, applicable)


def check_continuity(tracks: Tracks, scene: Scene) -> CheckResult:
    """No object moves further between two frames than max_speed allows (plus one pixel)."""
    limit = scene.max_speed * scene.frame_dt + tracks.pixel         # m per frame
    jump = (tracks.centre[:, 1:] - tracks.centre[:, :-1]).norm(dim=-1)  # (B, T-1, K)
    both_seen = tracks.seen[:, 1:] & tracks.seen[:, :-1]
    ratio = (jump * both_seen / limit).amax(dim=(1, 2))             # (B,) worst jump / limit
    return CheckResult("continuity", ratio, ratio <= 1.0, both_seen.any(dim=(1, 2)))


def table_gap(centre: Tensor, table: Table | None) -> Tensor:
    """Distance (m) from points (..., 2) to the table's box [left, right] x [0, height]; 0 inside."""
    if table is None:
        return torch.full(centre.shape[:-1], float("inf"), device=centre.device)
    dx = (table.left - centre[..., 0]).clamp_min(0) + (centre[..., 0] - table.right).clamp_min(0)
    dy = (centre[..., 1] - table.height).clamp_min(0)
    return torch.hypot(dx, dy)


def check_solidity(tracks: Tracks, scene: Scene, tol_pixels: float = 1.0) -> CheckResult:
    """No object sinks into the table or the floor by more than `tol_pixels` pixels.

    An object of radius r whose centre is a distance d from the table's box overlaps it by
    r - d; its overlap with the floor is r - y.
    """
    radius = torch.where(tracks.seen, tracks.radius, 0)              # (B, T, K)
    into_table = radius - table_gap(tracks.centre, scene.table)
    into_floor = radius - tracks.centre[..., 1]
    depth = torch.maximum(into_table, into_floor) * tracks.seen     # (B, T, K) metres
    worst = depth.amax(dim=(1, 2)).clamp_min(0) / tracks.pixel      # (B,) in pixels
    return CheckResult("solidity", worst, worst <= tol_pixels, tracks.seen.any(dim=(1, 2)))


def falling_frames(tracks: Tracks, scene: Scene, margin_pixels: float = 1.5) -> Tensor:
    """(B, T, K) True where an object is in free fall: seen, clear of the table, the floor,
    the walls and the hand by `margin_pixels`, so that gravity is the only force on it.

    The margin must exceed the height of a bounce (with the cup's restitution 0.3, a fall
    from the table rebounds by 7 cm, a pixel at 32x32), or a run of free-fall frames would
    run on through a bounce that happened between two frames.
    """
    margin = margin_pixels * tracks.pixel
    centre, radius = tracks.centre, tracks.radius
    x, y = centre[..., 0], centre[..., 1]
    clear = (table_gap(centre, scene.table) > radius + margin) & (y > radius + margin)
    clear &= (x > radius + margin) & (x < scene.world_size - radius - margin)
    if scene.hand_radius > 0:  # the hand pushes only what it touches: half a pixel will do
        to_hand = (centre - tracks.hand[:, :, None]).norm(dim=-1)
        clear &= to_hand > radius + scene.hand_radius + 0.5 * tracks.pixel
    return clear & tracks.seen


def estimate_gravity(tracks: Tracks, scene: Scene, min_frames: int = 4) -> tuple[Tensor, Tensor]:
    """Fit y(t) = y0 + v t - g t^2 / 2 to the first run of free-fall frames of object 0.

    Returns g (B,) in m/s^2 and found (B,): whether the clip has `min_frames` such frames in a
    row (g is 0 where it has not). Four frames fit three unknowns with one to spare.
    """
    falling = falling_frames(tracks, scene)[..., 0]                  # (B, T)
    B, T = falling.shape
    g = torch.zeros(B)
    found = torch.zeros(B, dtype=torch.bool)
    for b in range(B):
        run = first_run(falling[b])
        if len(run) < min_frames:
            continue
        t = torch.tensor(run, dtype=torch.float64) * scene.frame_dt   # (R,) seconds
        design = torch.stack([torch.ones_like(t), t, -0.5 * t * t], dim=-1)  # (R, 3)
        y = tracks.centre[b, run, 0, 1].to(torch.float64)[:, None]    # (R, 1)
        g[b] = torch.linalg.lstsq(design, y).solution[2, 0].float()  # least squares, 3 unknowns
        found[b] = True
    return g, found


def first_run(mask: Tensor) -> list[int]:
    """The frame indices of the first run of True in a (T,) mask (empty when there is none)."""
    run = []
    for t, on in enumerate(mask.tolist()):
        if on:
            run.append(t)
        elif run:
            break
    return run


def check_gravity(tracks: Tracks, scene: Scene, tol: float = 0.25,
                  min_frames: int = 4) -> CheckResult:
    """A freely falling object's fitted g is within `tol` (relative) of the world's g."""
    g, found = estimate_gravity(tracks, scene, min_frames)
    error = (g - scene.gravity).abs() / scene.gravity
    return CheckResult("gravity", error, (error <= tol) | ~found, found)


CHECKS = {"permanence": check_permanence, "continuity": check_continuity,
          "gravity": check_gravity, "solidity": check_solidity}


def run_checks(frames: Tensor, scene: Scene) -> dict[str, CheckResult]:
    """Every check on clips (B, T, 3, H, W): {name: CheckResult}."""
    tracks = track(frames, scene)
    return {name: check(tracks, scene) for name, check in CHECKS.items()}


def plausible(results: dict[str, CheckResult]) -> Tensor:
    """(B,) True for the clips that pass every check that applies to them."""
    return torch.stack([r.passed | ~r.applicable for r in results.values()]).all(dim=0)


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


def compare(sources: dict[str, Tensor], scene: Scene) -> dict[str, dict[str, float]]:
    """Pass rates of every check for several sets of clips, e.g. real and generated.

    sources: {name: frames (B, T, 3, H, W)}. Returns {name: {check: rate, ...,
    "plausible": fraction passing all}}; a rate is nan when the check applied to no clip.
    """
    table = {}
    for name, frames in sources.items():
        results = run_checks(frames, scene)
        table[name] = {check: result.pass_rate() for check, result in results.items()}
        table[name]["plausible"] = float(plausible(results).float().mean())
    return table


def format_table(table: dict[str, dict[str, float]]) -> str:
    """`compare`'s result as a Markdown table (readable as plain text too): one row per
    source, one column per check in %; other columns, such as a PSNR added to the rows, as
    numbers."""
    columns = list(next(iter(table.values())))

    def cell(column: str, value: float) -> str:
        if math.isnan(value):
            return "n/a"
        if math.isinf(value):
            return "∞"
        return f"{value:.0%}" if column in CHECKS or column == "plausible" else f"{value:.2f}"

    lines = ["| clips | " + " | ".join(columns) + " |",
             "|:--|" + "--:|" * len(columns)]
    for name, row in table.items():
        lines.append(f"| {name} | " + " | ".join(cell(c, row[c]) for c in columns) + " |")
    return "\n".join(lines)
