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

Shapes: B clips, T frames, K objects, H = W pixels. Positions in metres, y up, as in the world.
The objects are read out of the pixels by `tracker.track`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from ..world.state import Table
from .tracker import MIN_AREA, Scene, Tracks, track


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


def format_cell(column: str, value: float) -> str:
    """One cell of `compare`'s table: a check's pass rate in %, another column as a number."""
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞"
    return f"{value:.0%}" if column in CHECKS or column == "plausible" else f"{value:.2f}"


def format_table(table: dict[str, dict[str, float]]) -> str:
    """`compare`'s result as a Markdown table (readable as plain text too): one row per
    source, one column per check in %; other columns, such as a PSNR added to the rows, as
    numbers."""
    columns = list(next(iter(table.values())))
    lines = ["| clips | " + " | ".join(columns) + " |",
             "|:--|" + "--:|" * len(columns)]
    for name, row in table.items():
        lines.append(f"| {name} | " + " | ".join(format_cell(c, row[c]) for c in columns) + " |")
    return "\n".join(lines)
