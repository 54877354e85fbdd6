"""Finding contacts: which disk touches, or may touch within this step, what.

Shapes: B worlds, N disks, C contacts found in the whole batch (a different number each step).
Vectors are complex numbers x + iy (see solver.py for why).

Every contact is a pair (a, b) of rows of one flat body table of R = B * N + B + 1 rows:
the disks world by world (row world * N + i), then the B hands (row B * N + world), then one
row for the static world (floor, walls, table), which never moves. `a` is always a disk; `b`
is a disk, a hand or the static row. One flat list of the few contacts that matter, rather
than dense (B, N, N) arrays, is what makes the solver cheap: most pairs of disks are far
apart most of the time.

Two phases, as in every engine (Ericson, *Real-Time Collision Detection*, 2004, ch. 2): a
broad phase on dense per-world arrays keeps the candidates whose surfaces are closer than
they can travel in one step, then the narrow phase computes an exact normal and gap for
those candidates only.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import torch
from torch import Tensor

from .state import Params, Table

FAR = 1.0e6      # m; stands in for infinity in the boxes below (inf - inf would give NaN)
MARGIN = 0.01    # m; bodies this close are candidates even at rest: a hit may push them together
TINY = 1.0e-12   # below this squared distance (m^2) a direction is undefined


class Contacts(NamedTuple):
    """The contacts of one step, a flat list over the whole batch.

    a, b:        (C,) rows of the flat body table (see the module docstring)
    world:       (C,) which world each contact belongs to
    normal:      (C,) complex unit vector from b towards a (the way a is pushed)
    gap:         (C,) distance between the surfaces (m); negative when they overlap
    restitution: (C,) combined coefficient of restitution
    friction:    (C,) combined Coulomb coefficient
    """

    a: Tensor
    b: Tensor
    world: Tensor
    normal: Tensor
    gap: Tensor
    restitution: Tensor
    friction: Tensor


@lru_cache(maxsize=64)
def static_boxes(world_size: float, table: Table | None, walls: bool) -> tuple[tuple, ...]:
    """The static world as solid axis-aligned boxes (x_low, y_low, x_high, y_high), in metres.

    The floor is the half-plane y <= 0, each wall a half-plane, the table the box
    [left, right] x [-FAR, height] (it reaches into the floor, so no disk fits under it).
    One closest-point rule then gives every static contact: top, side or corner alike.
    """
    boxes = [(-FAR, -FAR, FAR, 0.0)]                                         # floor
    if walls:
        boxes += [(-FAR, -FAR, 0.0, FAR), (world_size, -FAR, FAR, FAR)]      # x <= 0, x >= size
    if table is not None:
        boxes.append((table.left, -FAR, table.right, table.height))
    return tuple(boxes)


@lru_cache(maxsize=64)
def _upper_pairs(num_bodies: int, device: torch.device) -> tuple[Tensor, Tensor]:
    """(P,) and (P,): the body pairs i < j, each pair once (the hand, last, is only ever j)."""
    pairs = torch.ones(num_bodies, num_bodies, dtype=torch.bool).triu(1).nonzero()
    return pairs[:, 0].to(device), pairs[:, 1].to(device)


def _geometric_mean(x: Tensor, y: Tensor) -> Tensor:
    # sqrt has an infinite slope at 0: the clamp keeps gradients finite, the where keeps a
    # frictionless or perfectly inelastic pair exactly at 0.
    product = x * y
    return torch.where(product > 0, product.clamp(min=TINY).sqrt(), 0.0)


def _unit(d: Tensor, fallback: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Length (C,), direction (C,) and whether it is defined (C,) of complex vectors d.

    Where d is ~0 the direction is `fallback`. (A plain d.abs() would give NaN gradients
    at 0, which would poison every gradient of the batch.)
    """
    dist2 = d.real * d.real + d.imag * d.imag
    dist = dist2.clamp(min=TINY).sqrt()
    defined = dist2 > TINY
    return dist, torch.where(defined, d / dist, fallback), defined


def _near_box(x: Tensor, y: Tensor, reach: Tensor, box: tuple) -> Tensor:
    """(N, B) bool: centres (x, y) within `reach` of a box; a half-plane costs one comparison."""
    x_low, y_low, x_high, y_high = box
    finite = [x_low > -FAR, y_low > -FAR, x_high < FAR, y_high < FAR]
    if finite == [False, False, False, True]:
        return y < reach + y_high                                           # the floor
    if finite == [False, False, True, False]:
        return x < reach + x_high                                           # the left wall
    if finite == [True, False, False, False]:
        return x > x_low - reach                                            # the right wall
    dx = (x_low - x).clamp(min=0) + (x - x_high).clamp(min=0)               # 0 inside the box
    dy = (y_low - y).clamp(min=0) + (y - y_high).clamp(min=0)
    return dx * dx + dy * dy < reach * reach


def find_contacts(pos: Tensor, vel: Tensor, hand: Tensor, hand_vel: Tensor,
                  params: Params) -> Contacts:
    """The contacts that may act during one step.

    pos, vel:       (B, N) complex disk centres and velocities (gravity's kick included)
    hand, hand_vel: (B,) complex centre of the hand at the start of the step and its velocity
    """
    B, N = pos.shape
    # The flat body table (see the module docstring), one row per body: position and material
    # (radius, restitution, friction). The hand is soft: it never bounces a disk back
    # (restitution 0), and its friction is replaced by the disk's own.
    positions = torch.cat([pos.reshape(-1), hand])                           # (B * N + B,)
    material = torch.stack([params.radius, params.restitution, params.friction], -1)
    hand_material = material.new_tensor([params.hand_radius, 0.0, 0.0]).expand(B, 3)
    material = torch.cat([material.reshape(-1, 3), hand_material])            # (B * N + B, 3)
    with torch.no_grad():
        # How far each body's surface may get this step, plus half the margin each: a pair
        # is a candidate when its gap is under both travels and MARGIN.
        speed = vel.abs()                                                     # (B, N) m/s
        centres, radius = pos, params.radius
        if params.hand_radius > 0:
            speed = torch.cat([speed, hand_vel.abs()[:, None]], dim=1)        # (B, M)
            centres = torch.cat([pos, hand[:, None]], dim=1)                  # (B, M)
            radius = torch.cat([radius, torch.full_like(radius[:, :1], params.hand_radius)], 1)
        reach = radius + speed * params.dt + MARGIN / 2                       # (B, M) m
        # Batch-last (M, B): elementwise work over the long batch axis is much faster.
        x, y, reach = torch.stack([centres.real, centres.imag, reach]).transpose(1, 2).contiguous()
    pairs = _pair_contacts(positions, material, x, y, reach, N)
    statics = _static_contacts(positions, material, x[:N], y[:N], reach[:N] + MARGIN / 2, params)
    return Contacts(*(torch.cat([p, s]) for p, s in zip(pairs, statics)))


def _pair_contacts(positions: Tensor, material: Tensor, x: Tensor, y: Tensor, reach: Tensor,
                   num_disks: int) -> Contacts:
    """Disk-disk and disk-hand contacts.

    positions: (B * N [+ B],) complex; material: (B * N [+ B], 3); x, y, reach: (M, B).
    """
    M, B = x.shape
    with torch.no_grad():     # broad phase: centres closer than the two reaches added up
        i, j = _upper_pairs(M, x.device)                                      # (P,) each
        dist2 = x.index_select(0, i).sub_(x.index_select(0, j)).square_()    # (P, B)
        dy = y.index_select(0, i).sub_(y.index_select(0, j))
        dist2.addcmul_(dy, dy)
        del dy
        limit = reach.index_select(0, i).add_(reach.index_select(0, j)).square_()
        pair, world = (dist2 < limit).nonzero(as_tuple=True)                  # (C,) each
        del dist2, limit
        i, j = i.index_select(0, pair), j.index_select(0, pair)
        hand = j == num_disks
        a = world * num_disks + i                                             # (C,) table rows
        b = torch.where(hand, B * num_disks + world, world * num_disks + j)

    # Narrow phase, on the candidates only.
    up = torch.tensor(1j, dtype=positions.dtype, device=positions.device)
    dist, normal, _ = _unit(positions.index_select(0, a) - positions.index_select(0, b), up)
    radius_a, e_a, mu_a = material.index_select(0, a).unbind(-1)             # (C,) each
    radius_b, e_b, mu_b = material.index_select(0, b).unbind(-1)
    # Combination rules: the geometric mean for both coefficients. Two disks of one material
    # then behave as either does against a wall, an elastic pair stays elastic (e = 1), a
    # perfectly inelastic disk (e = 0) stays inelastic with anything, and -- unlike min() --
    # the result depends smoothly on both disks, so gradients reach both.
    e = _geometric_mean(e_a, e_b)
    mu = torch.where(hand, mu_a, _geometric_mean(mu_a, mu_b))               # the hand: the disk's
    return Contacts(a, b, world, normal, dist - radius_a - radius_b, e, mu)


def _static_contacts(positions: Tensor, material: Tensor, x: Tensor, y: Tensor, reach: Tensor,
                     params: Params) -> Contacts:
    """Disk-floor, disk-wall and disk-table contacts, all as disk-box contacts.

    positions: (B * N [+ B],) complex; material: (B * N [+ B], 3); x, y, reach: (N, B).
    """
    N, B = x.shape
    boxes = static_boxes(float(params.world_size), params.table, bool(params.walls))
    with torch.no_grad():     # broad phase: each centre against each box
        near = torch.stack([_near_box(x, y, reach, box) for box in boxes])    # (K, N, B)
        k, i, world = near.nonzero(as_tuple=True)                             # (C,) each
        a = world * N + i                                                     # (C,) table rows
        box = torch.tensor(boxes, dtype=material.dtype, device=material.device).index_select(0, k)

    # Narrow phase. Outside the box the normal points from the closest point to the centre;
    # a centre inside the box (deep penetration) is pushed out through the nearest face.
    p = positions.index_select(0, a)                                          # (C,) complex
    x_low, y_low, x_high, y_high = box.unbind(-1)                             # (C,) each
    d = torch.complex(p.real - torch.clamp(p.real, x_low, x_high),
                      p.imag - torch.clamp(p.imag, y_low, y_high))            # centre - closest
    # Inside the box: how deep below each face (left, bottom, right, top), and the nearest.
    # (Elementwise minima rather than a min over a stacked axis: a reduction that small is
    # slower than the arithmetic, and stalls when another process holds a core.)
    below = (p.real - x_low, p.imag - y_low, x_high - p.real, y_high - p.imag)
    depth = torch.minimum(torch.minimum(below[0], below[1]), torch.minimum(below[2], below[3]))
    face = torch.where(depth == below[3], 3, torch.where(depth == below[2], 2, torch.where(
        depth == below[1], 1, 0)))                                            # (C,) int
    outward = torch.tensor([-1, -1j, 1, 1j], dtype=p.dtype, device=p.device)   # of each face
    dist, normal, outside = _unit(d, fallback=outward.index_select(0, face))
    radius, e, mu = material.index_select(0, a).unbind(-1)
    gap = torch.where(outside, dist, -depth) - radius
    # The floor, walls and table have no material of their own: the disk's coefficients apply.
    static_row = torch.full_like(a, B * N + B)
    return Contacts(a, static_row, world, normal, gap, e, mu)
