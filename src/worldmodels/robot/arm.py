"""A 2-link planar arm whose end effector is the world's hand: kinematics, in closed form.

Angles (rad): q1 is the upper link's angle from the +x axis at the shoulder, q2 the forearm's
angle relative to the upper link. With links l1, l2 and the shoulder at `base`,

    elbow = base + l1 (cos q1, sin q1)
    hand  = elbow + l2 (cos(q1 + q2), sin(q1 + q2))                        (forward kinematics)

    J(q) = d hand / d q = [[-l1 s1 - l2 s12, -l2 s12],                        (the Jacobian)
                           [ l1 c1 + l2 c12,  l2 c12]]      det J = l1 l2 sin q2

so joint velocities q' move the hand at v = J(q) q'. Where sin q2 = 0 (the arm stretched out
or folded back) J loses rank: the hand cannot move along the arm, and the inverse velocity
J^-1 v blows up. Damped least squares (Wampler 1986; Nakamura & Hanafusa 1986) trades a little
accuracy for bounded joint speeds there: q' = J^T (J J^T + lambda^2 I)^-1 v.

Every function takes angles q of shape (..., 2) (any leading batch shape) and is differentiable.
The arm is kinematic and its links do not collide: only its hand touches the world.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

ELBOWS = ("up", "down")


@dataclass(frozen=True)
class Arm:
    """The arm's geometry, in metres: shoulder position and link lengths.

    The default arm stands on a post at the table's left end, its shoulder 0.4 m above the
    table top: the hand reaches the whole table top and the air above the cup, and with the
    elbow "up" the forearm comes down to the hand from above, like a toddler's.
    """

    base: tuple[float, float] = (0.1, 1.2)    # the shoulder (m), world coordinates
    upper: float = 0.6                         # l1, shoulder to elbow (m)
    fore: float = 0.55                         # l2, elbow to hand (m)

    def __post_init__(self):
        if not (len(self.base) == 2 and all(math.isfinite(b) for b in self.base)):
            raise ValueError(f"base must be two finite coordinates (m), got {self.base!r}")
        if not (self.upper > 0 and self.fore > 0):
            raise ValueError(f"link lengths must be > 0 m, got upper={self.upper}, "
                             f"fore={self.fore}")

    @property
    def reach(self) -> tuple[float, float]:
        """(inner, outer) radius of the annulus the hand can reach around the shoulder (m)."""
        return abs(self.upper - self.fore), self.upper + self.fore


def _check_angles(q: Tensor) -> Tensor:
    if not isinstance(q, Tensor):
        raise TypeError(f"q must be a tensor of joint angles (..., 2), got {type(q).__name__}")
    if q.shape[-1:] != (2,):
        raise ValueError(f"q must have shape (..., 2) (q1, q2 in rad), got {tuple(q.shape)}")
    if not torch.isfinite(q).all():
        raise ValueError("q must be finite joint angles (rad); got NaN or inf")
    return q


def _base(arm: Arm, like: Tensor) -> Tensor:
    return torch.tensor(arm.base, dtype=like.dtype, device=like.device)


def elbow(arm: Arm, q: Tensor) -> Tensor:
    """The elbow's position (..., 2) in m."""
    q1 = _check_angles(q)[..., 0]
    return _base(arm, q) + arm.upper * torch.stack([q1.cos(), q1.sin()], -1)


def forward(arm: Arm, q: Tensor) -> Tensor:
    """The hand's position (..., 2) in m, for joint angles q (..., 2)."""
    q12 = _check_angles(q)[..., 0] + q[..., 1]          # the forearm's angle from +x
    return elbow(arm, q) + arm.fore * torch.stack([q12.cos(), q12.sin()], -1)


def jacobian(arm: Arm, q: Tensor) -> Tensor:
    """d hand / d q, shape (..., 2, 2): column j is the hand's velocity per rad/s of joint j."""
    q1, q12 = _check_angles(q)[..., 0], q[..., 0] + q[..., 1]
    s1, c1, s12, c12 = q1.sin(), q1.cos(), q12.sin(), q12.cos()
    row_x = torch.stack([-arm.upper * s1 - arm.fore * s12, -arm.fore * s12], -1)
    row_y = torch.stack([arm.upper * c1 + arm.fore * c12, arm.fore * c12], -1)
    return torch.stack([row_x, row_y], -2)


def manipulability(arm: Arm, q: Tensor) -> Tensor:
    """|det J| = l1 l2 |sin q2| (m^2): 0 at a singularity, largest with the elbow square."""
    return arm.upper * arm.fore * _check_angles(q)[..., 1].sin().abs()


def inverse(arm: Arm, hand: Tensor, elbow: str = "up") -> Tensor:
    """Joint angles (..., 2) that put the hand at `hand` (..., 2), in closed form.

    Two arms reach every point inside the annulus: `elbow="up"` puts the elbow on the left of
    the line from shoulder to hand, seen from the shoulder (above it, for a hand below and to
    the right), `"down"` on its right. Raises ValueError for a point out of reach.
    """
    if elbow not in ELBOWS:
        raise ValueError(f"elbow must be one of {ELBOWS}, got {elbow!r}")
    if not isinstance(hand, Tensor) or hand.shape[-1:] != (2,):
        raise ValueError(f"hand must be a tensor of positions (..., 2) in m, got "
                         f"{getattr(hand, 'shape', type(hand).__name__)}")
    d = hand - _base(arm, hand)
    r2 = (d * d).sum(-1)
    inner, outer = arm.reach
    tolerance = 1e-9 * outer ** 2
    out = (r2 > outer ** 2 + tolerance) | (r2 < inner ** 2 - tolerance) | ~torch.isfinite(r2)
    if out.any():
        far = ", ".join(f"{v:.3f}" for v in hand[out][0].tolist())
        raise ValueError(f"hand target ({far}) m is out of reach: its distance from the "
                         f"shoulder {arm.base} must lie in [{inner:.3f}, {outer:.3f}] m")
    # Law of cosines for the elbow angle; clamp so points on the boundary give exactly 0 or pi.
    cos_q2 = ((r2 - arm.upper ** 2 - arm.fore ** 2) / (2 * arm.upper * arm.fore)).clamp(-1, 1)
    q2 = torch.acos(cos_q2) * (-1.0 if elbow == "up" else 1.0)
    q1 = torch.atan2(d[..., 1], d[..., 0]) - torch.atan2(arm.fore * q2.sin(),
                                                         arm.upper + arm.fore * q2.cos())
    q1 = torch.remainder(q1 + math.pi, 2 * math.pi) - math.pi    # in [-pi, pi)
    return torch.stack([q1, q2], -1)


def damped_least_squares(arm: Arm, q: Tensor, hand_velocity: Tensor,
                         damping: float = 0.05) -> Tensor:
    """Joint velocities (..., 2) that move the hand at `hand_velocity` (..., 2) as well as
    they can: q' = J^T (J J^T + damping^2 I)^-1 v. damping = 0 is the plain inverse (which
    fails at a singularity); larger damping keeps q' bounded by |v| / (2 damping) near one."""
    if not damping >= 0:
        raise ValueError(f"damping must be >= 0 (m), got {damping}")
    if not isinstance(hand_velocity, Tensor) or hand_velocity.shape[-1:] != (2,):
        raise ValueError(f"hand_velocity must be a tensor (..., 2) in m/s, got "
                         f"{getattr(hand_velocity, 'shape', type(hand_velocity).__name__)}")
    J = jacobian(arm, q)
    eye = torch.eye(2, dtype=J.dtype, device=J.device)
    gram = J @ J.transpose(-1, -2) + damping ** 2 * eye
    return (J.transpose(-1, -2) @ torch.linalg.solve(gram, hand_velocity[..., None]))[..., 0]


def links(arm: Arm, q: Tensor, beads: int = 8) -> Tensor:
    """Points along both links (..., 2 * beads, 2), shoulder to hand, for drawing the arm in
    frames as a chain of small disks."""
    if not (isinstance(beads, int) and beads >= 2):
        raise ValueError(f"beads must be an int >= 2, got {beads!r}")
    joints = [_base(arm, q).expand(*q.shape[:-1], 2), elbow(arm, q), forward(arm, q)]
    t = torch.linspace(0, 1, beads + 1, dtype=q.dtype, device=q.device)[:-1, None]  # (beads, 1)
    points = [a[..., None, :] + t * (b - a)[..., None, :] for a, b in zip(joints, joints[1:])]
    return torch.cat(points, dim=-2)


def resolved_rate(arm: Arm, q: Tensor, target: Tensor, steps: int = 60, dt: float = 0.02,
                  gain: float = 5.0, damping: float = 0.05, max_speed: float = 1.5) -> Tensor:
    """The arm's joint angles (steps + 1, ..., 2) as it follows a target with its hand:
    each step asks for the hand velocity gain (target - hand), no faster than `max_speed`
    m/s, and turns the joints by damped least squares (resolved-rate control, Whitney
    1969). A target out of reach is approached as closely as the arm stretches. The cap is
    what keeps it there: the error to a far target never shrinks, and the speed it would
    ask for, through the damped inverse at the stretched arm's singularity, swings the
    elbow back and forth by radians per step."""
    if not max_speed > 0:
        raise ValueError(f"max_speed must be > 0 (m/s), got {max_speed}")
    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if not (dt > 0 and gain > 0):
        raise ValueError(f"dt and gain must be > 0, got dt={dt}, gain={gain}")
    if not isinstance(target, Tensor) or target.shape != q.shape:
        raise ValueError(f"target must be a tensor of hand positions shaped like q "
                         f"{tuple(q.shape)}, got {getattr(target, 'shape', type(target).__name__)}")
    path = [_check_angles(q)]
    for _ in range(steps):
        velocity = gain * (target - forward(arm, q))
        velocity = velocity * (max_speed / velocity.norm(dim=-1, keepdim=True).clamp_min(max_speed))
        q = q + dt * damped_least_squares(arm, q, velocity, damping)
        path.append(q)
    return torch.stack(path)
