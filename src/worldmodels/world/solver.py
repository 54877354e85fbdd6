"""Resolving contacts: impulses that change velocities, then a correction of positions.

Shapes: B worlds, N disks, C contacts, K bodies that take part in a contact (see Bodies).

The solver works on velocities, as most game engines do (Catto, "Iterative Dynamics with
Temporal Coherence", GDC 2005). Impacts are solved first, in rounds of exact two-body
collisions, each at its time of impact within the step (continuous collision: the bodies
travel to contact, bounce, and travel on for the rest of the step); then resting contact
and friction by passes in which every contact of a group computes its impulse from the
same velocities and all are applied at once (Jacobi), so a pass over the whole batch is a
handful of tensor operations. Impulses are accumulated and clamped: a contact's total
normal impulse stays >= 0 (contacts push, never pull) and its friction stays within +-mu
times it (Coulomb's law). Friction only opposes sliding: disks never spin in this world.

Vectors are complex numbers here: (x, y) is x + iy. For a unit normal n, multiplying a
velocity by conj(n) rotates it into the contact's frame, normal component in the real part,
tangential in the imaginary part; multiplying (normal + i tangential) by n rotates back. One
multiplication replaces two dot products, and every pass is many small operations.
"""
from __future__ import annotations

import torch
from torch import Tensor

from .bodies import Bodies
from .contacts import TINY
from .state import Params

RESTING_FACTOR = 2.0    # rebounds slower than this times g*dt*|n_y| are dropped
IMPACT_ROUNDS = 4       # at most this many rounds of collisions per step
POSITION_PASSES = 2     # Jacobi passes of the positional correction


def _jacobi(v: Tensor, bodies: Bodies, m_eff: Tensor, target: Tensor, passes: int,
            friction_base: Tensor) -> Tensor:
    """Drive each contact's normal speed towards `target` (C,) m/s; returns v (K,).

    Mass splitting is in m_eff (see Bodies.split_inverse_mass): a ball resting on two balls
    is not pushed up by both in full. Each pass solves the contacts between bodies, then
    those with the floor, walls and table, so that a pass ends with nothing sinking into
    the ground.
    friction_base: (C,) impulse (N s) from the impacts, added to the normal impulse that
    bounds friction.
    """
    solution = []
    for links in bodies.groups:
        part = links.part
        solution.append([links, m_eff[part], target[part], bodies.contacts.friction[part],
                         friction_base[part], torch.zeros_like(target[part]),
                         torch.zeros_like(target[part])])
    for _ in range(passes):
        for group in solution:
            links, m, goal, mu, base, normal, friction = group              # (C_group,) each
            rel = bodies.relative(v, links)                                 # complex
            new_normal = torch.addcmul(normal, m, goal - rel.real).clamp(min=0)
            limit = mu * (base + new_normal)                                # Coulomb's cone
            new_friction = torch.addcmul(friction, m, rel.imag, value=-1).clamp(-limit, limit)
            v = bodies.apply(v, torch.complex(new_normal - normal, new_friction - friction), links)
            group[5:] = new_normal, new_friction
    return v


def _first_per_body(toi: Tensor, bounce: Tensor, bodies: Bodies) -> Tensor:
    """(C,) bool: the bouncing contacts that come first, by time of impact, for both bodies.

    toi: (C,) times of impact. Ties (two contacts already touching, say) go to the contact
    listed first, so every disk has exactly one earliest contact, whatever else is in the
    batch: the order within a world does not depend on the other worlds. No disk is in two
    chosen contacts, so each chosen contact is solved exactly as a collision of two bodies;
    the hand and the static world, which nothing moves, may be in any number of them.
    """
    c, rows = bodies.contacts, len(bodies.inv_mass)
    key = torch.where(bounce, toi, float("inf"))                             # (C,) s
    earliest = key.new_full((rows,), float("inf"))
    earliest = earliest.scatter_reduce(0, c.a, key, "amin").scatter_reduce(0, c.b, key, "amin")
    # Among each body's contacts at its earliest time, the first listed wins.
    index = torch.arange(len(key), device=key.device)                       # (C,)
    first = index.new_full((rows,), len(key))
    for side in (c.a, c.b):
        tied = key == earliest.index_select(0, side)
        first = first.scatter_reduce(0, side, torch.where(tied, index, len(key)), "amin")
    first_for_b = (first.index_select(0, c.b) == index) | bodies.unmovable_b
    return bounce & (first.index_select(0, c.a) == index) & first_for_b


def _time_of_impact(gap: Tensor, start: Tensor, curve: Tensor) -> Tensor:
    """(C,) s: the first root of gap + start * t + curve * t^2 = 0, for approaching contacts.

    gap >= 0 (m), start < 0 (m/s) where it matters, curve (m/s^2). The form 2c / (-b + sqrt(d))
    loses no digits when curve is ~0 (disk-disk contacts, where it is exactly 0). Where the
    contact does not approach (start >= 0) or never closes (d < 0) the value is meaningless
    but finite, and masked by the caller.
    """
    disc = start * start - 4 * curve * gap                                  # (C,) m^2/s^2
    q = 0.5 * (disc.clamp(min=TINY).sqrt() - start)                         # (C,) m/s
    return gap / torch.where(start < 0, q, 1.0)


def _impacts(v: Tensor, bodies: Bodies, kick_n: Tensor, resting: Tensor,
             dt: float) -> tuple[Tensor, Tensor | None, Tensor]:
    """Bounce the contacts that close fast within the step: v (K,), offset (K,), impulse (C,).

    v: (K,) velocities after gravity's kick. Between contacts every body follows the free
    parabola that semi-implicit Euler samples exactly: its positions are x(t) = x0 + v t +
    kick t (t - dt) / (2 dt) for 0 <= t <= dt, with v the velocity after the kick. A contact
    closes at its time of impact t, the first root of gap(t) = 0, and there the normal speed
    vn(t) of that parabola becomes -e * vn(t) (Newton's restitution). The impulse changes the
    velocity by dv at time t, so the body moves dv (dt - t) further by the end of the step
    rather than dv dt: `offset` collects the -dv t of every impulse, and the body moves by
    v dt + offset. The ball thus turns around at the floor, not wherever it was. offset is
    None when nothing bounced, the common case, which then costs no more than a check.

    In each round every disk takes part in at most one collision, its earliest, solved as a
    two-body collision. Such a collision conserves momentum, and energy when e = 1, so a whole
    round does too. Later rounds catch what earlier ones set off: a ball that bounces off the
    floor into a second ball within the step bounces off that one too.
    """
    c = bodies.contacts
    # Impulse per unit of approach speed for a full bounce, (1 + e) times the reduced mass.
    gain = (1 + c.restitution) / (bodies.inv_mass_a + bodies.inv_mass_b)    # (C,) kg
    half_kick = kick_n / 2            # (C,) m/s
    curve = half_kick / dt            # (C,) m/s^2; half the relative normal acceleration
    impulse, offset = torch.zeros_like(kick_n), None                        # (C,) N s
    gap = c.gap.clamp(min=0)          # (C,) m; overlaps are left to correct_positions
    for _ in range(IMPACT_ROUNDS):
        end = bodies.relative(v).real      # (C,) m/s; the chord's normal speed over the step
        start = end - half_kick            # (C,) m/s; the parabola's at t = 0 (at dt: end + half_kick)
        with torch.no_grad():
            # A contact the chord closes, gap + end dt < 0, is closed by the parabola too (it
            # bends towards the contact, or not at all for two disks). Rebounds slower than
            # `resting` are dropped (restitution 0), or a cup settling on the table would hop
            # forever on the g*dt of speed it gains each step.
            fastest = torch.minimum(start, end + half_kick)                 # (C,) m/s
            closes = (start < 0) & (gap + end * dt < 0) & (c.restitution * fastest < -resting)
            if not bool(closes.any()):
                break
        toi = _time_of_impact(gap, start, curve).clamp(max=dt)             # (C,) s
        vn = start + 2 * curve * toi                                        # (C,) m/s at impact
        with torch.no_grad():
            bounce = closes & (c.restitution * vn < -resting)
            if not bool(bounce.any()):
                break
            chosen = _first_per_body(toi, bounce, bodies)
        push = torch.where(chosen, gain * -vn, 0.0)                         # (C,) N s
        v = bodies.apply(v, push)
        offset = bodies.apply(torch.zeros_like(v) if offset is None else offset,
                              -push * toi)            # the impulse acts for dt - toi only
        impulse = impulse + push
        # Where each gap starts if the velocities now had held for the whole step.
        gap = (c.gap + bodies.relative(offset).real).clamp(min=0)
    return v, offset, impulse


def solve_velocities(vel: Tensor, kick: Tensor, hand_vel: Tensor, bodies: Bodies,
                     params: Params) -> tuple[Tensor, Tensor]:
    """The disks' velocities at the end of the step and how far they move in it, (B, N) complex.

    vel:      (B, N) complex velocities at the start of the step
    kick:     (B,) complex velocity that gravity adds this step
    hand_vel: (B,) complex velocity of the hand
    Returns (vel, moved): moved is vel * dt, less dv t for a disk whose velocity an impact
    changed by dv at time t of the step (see _impacts).

    Three stages, as in Guendelman, Bridson & Fedkiw, "Nonconvex rigid bodies with stacking"
    (2003), who separate collisions from resting contact:
      1. gravity;
      2. impacts: contacts that close fast within the step bounce at their time of impact,
         on the parabola that semi-implicit Euler follows (see _impacts);
      3. resting contact and friction: no contact may close faster than its gap allows in
         one step ("speculative" contacts: a body that is still apart brakes to touching).
    Bouncing at the time of impact, with the speed the body has there, makes a bounce exact
    for the parabola: an elastic ball keeps the shadow energy E - dt/2 * sum(m g v_y) that
    semi-implicit Euler conserves in free flight, and an inelastic one loses (1 - e^2) of its
    normal kinetic energy at the floor itself, as the law of restitution says.
    """
    c, dt = bodies.contacts, params.dt
    v = bodies.gather(vel + kick[:, None], hand_vel)                        # (K,) complex  1.
    body_kick = bodies.gather(kick[:, None].expand_as(vel))                 # (K,) disks only
    kick_n = bodies.relative(body_kick).real                                # (C,) m/s
    # Gravity alone makes a resting contact close at up to g*dt*|n_y| in a step.
    gravity = params.gravity.index_select(0, c.world)                       # (C,) m/s^2
    resting = RESTING_FACTOR * dt * gravity * c.normal.imag.abs()           # (C,) m/s

    v, offset, impact = _impacts(v, bodies, kick_n, resting.detach(), dt)         # 2.
    # (C,) m: a bounced body ends the step short of where v dt alone would take it.
    shift = 0.0 if offset is None else bodies.relative(offset).real

    brake = -(c.gap.clamp(min=0) + shift) / dt                              # (C,) m/s  3.
    with torch.no_grad():
        closing = (c.gap + shift + bodies.relative(v).real * dt < 0).to(brake.dtype)
    m_eff = 1.0 / bodies.split_inverse_mass(closing)                        # (C,) kg
    v = _jacobi(v, bodies, m_eff, brake, params.substeps, friction_base=impact)
    vel = bodies.put(vel + kick[:, None], v)         # disks without contacts just fall
    return vel, (vel * dt if offset is None else bodies.put(vel * dt, offset, add=True))


def correct_positions(pos: Tensor, moved: Tensor, hand_moved: Tensor, bodies: Bodies) -> Tensor:
    """Push overlapping bodies apart along their contact normals; returns pos (B, N) complex.

    pos, moved: (B, N) complex, where the disks are and how far they moved this step
    hand_moved: (B,) complex, how far the hand moved
    The gap after the step is linearised, gap + (moved_a - moved_b) . n: exact for the floor,
    walls and table faces and close for disks (Box2D v3 does the same). Only positions
    change, not velocities, so the correction adds no speed.
    """
    gap = bodies.contacts.gap + bodies.relative(bodies.gather(moved, hand_moved)).real  # (C,)
    share = 1.0 / bodies.split_inverse_mass((gap < 0).to(gap.dtype).detach())   # (C,) kg
    correction = bodies.normal.new_zeros(len(bodies.inv_mass))              # (K,) complex, m
    groups = [(links, gap[links.part], share[links.part]) for links in bodies.groups]
    for _ in range(POSITION_PASSES):
        for links, gap_part, share_part in groups:   # bodies against bodies, then the ground
            remaining = gap_part + bodies.relative(correction, links).real       # (C_part,) m
            correction = bodies.apply(correction, share_part * (-remaining).clamp(min=0), links)
    return bodies.put(pos, correction, add=True)
