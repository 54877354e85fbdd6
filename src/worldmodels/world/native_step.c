/* The engine's step (engine.py, contacts.py, solver.py) written as plain loops, world by world.

   The same algorithm and the same formulas, in the same order, for simulation without
   gradients: where the PyTorch engine spends a thousand tensor operations on a batch, this
   spends a few hundred arithmetic operations on each world, and stops early where nothing
   touches. native.py compiles it, checks it against the PyTorch step, and calls
   `step_worlds` on slices of the batch from several threads.

   Compiled with REAL = float or double. Arrays are C-contiguous: pos, vel (B, N, 2);
   hand, action (B, 2); mass, radius, restitution, friction (B, N); gravity (B,).
   Bodies of one world: disks 0..N-1, the hand N, the static world (floor, walls, table) N+1.
*/
#include <math.h>
#include <stdlib.h>

#ifndef REAL
#define REAL float
#endif
typedef REAL real;

#define MARGIN ((real)0.01)        /* contacts.py */
#define TINY ((real)1.0e-12)
#define FAR ((real)1.0e6)
#define RESTING_FACTOR ((real)2.0) /* solver.py */
#define IMPACT_ROUNDS 4
#define POSITION_PASSES 2

typedef struct { real x, y; } vec;

#define MAX_BOXES 4         /* the floor, two walls and the table */

typedef struct {   /* mirrored by native.Settings */
    double dt, world_size, hand_radius, hand_max_speed;
    double boxes[MAX_BOXES][4];   /* contacts.static_boxes: (x_low, y_low, x_high, y_high) */
    int num_boxes, substeps;
} Settings;

typedef struct {
    int a, b;                   /* bodies: a is a disk; b a disk, the hand or the static world */
    vec n;                      /* unit normal from b towards a */
    real gap, e, mu;            /* m; restitution and friction of the pair */
    real inv_a, inv_b;          /* 1/kg */
    real kick_n, resting;       /* m/s: gravity's closing speed; slowest rebound kept */
    real impulse;               /* N s from impacts, which bounds friction */
    int bounces;                /* whether it bounces this round */
    real toi, vn, push;
    real m_eff, target, normal, friction, push_t;   /* the Jacobi passes */
} Contact;

static real clampr(real x, real lo, real hi) { return x < lo ? lo : (x > hi ? hi : x); }
static real maxr(real x, real y) { return x > y ? x : y; }
static real minr(real x, real y) { return x < y ? x : y; }

/* Normal and tangential speed of a relative to b in the contact's frame. */
static real rel_n(const vec *v, const Contact *c) {
    return (v[c->a].x - v[c->b].x) * c->n.x + (v[c->a].y - v[c->b].y) * c->n.y;
}
static real rel_t(const vec *v, const Contact *c) {
    return (v[c->a].y - v[c->b].y) * c->n.x - (v[c->a].x - v[c->b].x) * c->n.y;
}

/* A push (pn along the normal, pt along it turned by 90 degrees) acts on a, and minus it on b. */
static void apply(vec *v, const Contact *c, real pn, real pt) {
    real dx = pn * c->n.x - pt * c->n.y, dy = pn * c->n.y + pt * c->n.x;
    v[c->a].x += dx * c->inv_a; v[c->a].y += dy * c->inv_a;
    v[c->b].x -= dx * c->inv_b; v[c->b].y -= dy * c->inv_b;
}

static real geometric_mean(real x, real y) {
    real p = x * y;
    return p > 0 ? (real)sqrt(maxr(p, TINY)) : 0;
}

/* Length of d, and its direction (or `fallback` where d is ~0). Returns whether defined. */
static int unit(vec d, vec fallback, real *dist, vec *n) {
    real d2 = d.x * d.x + d.y * d.y;
    *dist = (real)sqrt(maxr(d2, TINY));
    if (d2 > TINY) { n->x = d.x / *dist; n->y = d.y / *dist; return 1; }
    *n = fallback;
    return 0;
}

/* ---------------------------------------------------------------- contacts (contacts.py) */

/* Disk-disk and disk-hand pairs whose surfaces are closer than both can travel, in the
   order i < j of _upper_pairs. M = N + 1 when there is a hand. */
static int pair_contacts(int N, int M, const vec *p, const real *reach, const real *radius,
                         const real *e, const real *mu, Contact *out) {
    int count = 0;
    for (int i = 0; i < M; i++)
        for (int j = i + 1; j < M; j++) {
            real dx = p[i].x - p[j].x, dy = p[i].y - p[j].y, r = reach[i] + reach[j];
            if (!(dx * dx + dy * dy < r * r)) continue;
            Contact *c = &out[count++];
            int hand = j == N;
            real dist;
            vec up = {0, 1};
            unit((vec){dx, dy}, up, &dist, &c->n);
            c->a = i; c->b = j;
            c->gap = dist - radius[i] - radius[j];
            c->e = geometric_mean(e[i], e[j]);
            c->mu = hand ? mu[i] : geometric_mean(mu[i], mu[j]);
        }
    return count;
}

/* Which disks a box may touch: centres within reach of it (_near_box). A half-plane (the
   floor, a wall) costs one comparison; kind says which: 0 the floor, 1 the left wall, 2 the
   right wall, 3 any other box. */
static int near_box(int kind, const real *box, int N, const vec *p, const real *reach,
                    int *out) {
    int n = 0;
    real xl = box[0], yl = box[1], xh = box[2], yh = box[3];
    switch (kind) {
    case 0: for (int i = 0; i < N; i++) if (p[i].y < reach[i] + MARGIN / 2 + yh) out[n++] = i;
            break;
    case 1: for (int i = 0; i < N; i++) if (p[i].x < reach[i] + MARGIN / 2 + xh) out[n++] = i;
            break;
    case 2: for (int i = 0; i < N; i++) if (p[i].x > xl - (reach[i] + MARGIN / 2)) out[n++] = i;
            break;
    default:
        for (int i = 0; i < N; i++) {
            real r = reach[i] + MARGIN / 2;
            real dx = maxr(xl - p[i].x, 0) + maxr(p[i].x - xh, 0);
            real dy = maxr(yl - p[i].y, 0) + maxr(p[i].y - yh, 0);
            if (dx * dx + dy * dy < r * r) out[n++] = i;
        }
    }
    return n;
}

/* Disk-box contacts, box by box (floor, walls, table) as in static_boxes. */
static int static_contacts(int N, const vec *p, const real *reach, const real *radius,
                           const real *e, const real *mu, const real (*boxes)[4],
                           const int *kind, int num_boxes, int static_row, int *near,
                           Contact *out) {
    static const vec outward[4] = {{-1, 0}, {0, -1}, {1, 0}, {0, 1}};
    int count = 0;
    for (int k = 0; k < num_boxes; k++) {
        real xl = boxes[k][0], yl = boxes[k][1], xh = boxes[k][2], yh = boxes[k][3];
        int n = near_box(kind[k], boxes[k], N, p, reach, near);
        for (int m = 0; m < n; m++) {
            int i = near[m];
            real x = p[i].x, y = p[i].y;
            /* Outside the box the normal points from the closest point to the centre; a
               centre inside is pushed out through the nearest face. */
            vec d = {x - clampr(x, xl, xh), y - clampr(y, yl, yh)};
            real below[4] = {x - xl, y - yl, xh - x, yh - y};
            real depth = minr(minr(below[0], below[1]), minr(below[2], below[3]));
            int face = depth == below[3] ? 3 : depth == below[2] ? 2 : depth == below[1] ? 1 : 0;
            Contact *c = &out[count++];
            real dist;
            int outside = unit(d, outward[face], &dist, &c->n);
            c->a = i; c->b = static_row;
            c->gap = (outside ? dist : -depth) - radius[i];
            c->e = e[i]; c->mu = mu[i];
        }
    }
    return count;
}

/* ---------------------------------------------------------------- solver (solver.py) */

/* Mass splitting within each group: a body in k flagged contacts of a group lends each 1/k
   of its mass. flag is read from c->push (1 or 0); the result goes to c->m_eff as 1/kg. */
static void split_inverse_mass(Contact *c, int first, int last, int *count) {
    for (int i = first; i < last; i++) count[c[i].a] = count[c[i].b] = 0;
    for (int i = first; i < last; i++)
        if (c[i].push != 0) { count[c[i].a]++; count[c[i].b]++; }
    for (int i = first; i < last; i++) {
        int ka = count[c[i].a] > 1 ? count[c[i].a] : 1, kb = count[c[i].b] > 1 ? count[c[i].b] : 1;
        c[i].m_eff = (real)ka * c[i].inv_a + (real)kb * c[i].inv_b;
    }
}

static real time_of_impact(real gap, real start, real curve) {
    real disc = start * start - 4 * curve * gap;
    real q = (real)0.5 * ((real)sqrt(maxr(disc, TINY)) - start);
    return gap / (start < 0 ? q : (real)1);
}

/* Impacts bounce at their time of impact, in rounds of exact two-body collisions (_impacts).
   Returns whether anything bounced; offset collects the -dv t of every impulse. */
static int impacts(vec *v, vec *offset, Contact *c, int C, int K, real dt, int *first) {
    int bounced = 0;
    for (int i = 0; i < C; i++) c[i].impulse = 0;
    for (int round = 0; round < IMPACT_ROUNDS; round++) {
        int any = 0;
        for (int i = 0; i < C; i++) {
            real half_kick = c[i].kick_n / 2, curve = half_kick / dt;
            real gap = maxr(c[i].gap + (bounced ? rel_n(offset, &c[i]) : 0), 0);
            real end = rel_n(v, &c[i]), start = end - half_kick;
            real fastest = minr(start, end + half_kick);
            c[i].bounces = 0;
            if (!(start < 0 && gap + end * dt < 0 && c[i].e * fastest < -c[i].resting)) continue;
            c[i].toi = minr(time_of_impact(gap, start, curve), dt);
            c[i].vn = start + 2 * curve * c[i].toi;
            if (c[i].e * c[i].vn < -c[i].resting) c[i].bounces = any = 1;
        }
        if (!any) break;
        /* Each body's earliest bouncing contact; ties go to the contact listed first. */
        for (int k = 0; k < K; k++) first[k] = -1;
        for (int i = 0; i < C; i++) {
            if (!c[i].bounces) continue;
            int ends[2] = {c[i].a, c[i].b};
            for (int s = 0; s < 2; s++)
                if (first[ends[s]] < 0 || c[i].toi < c[first[ends[s]]].toi) first[ends[s]] = i;
        }
        for (int i = 0; i < C; i++) {   /* each disk's earliest collision, all at once */
            if (!(c[i].bounces && first[c[i].a] == i && (first[c[i].b] == i || c[i].inv_b == 0)))
                continue;
            real push = (1 + c[i].e) / (c[i].inv_a + c[i].inv_b) * -c[i].vn;
            apply(v, &c[i], push, 0);
            apply(offset, &c[i], -push * c[i].toi, 0);
            c[i].impulse += push;
            bounced = 1;
        }
    }
    return bounced;
}

/* Resting contact and friction: Jacobi passes, group by group, with accumulated impulses
   clamped to Coulomb's cone (_jacobi). */
static void jacobi(vec *v, Contact *c, const int *groups, int passes) {
    for (int i = 0; i < groups[2]; i++) c[i].normal = c[i].friction = 0;
    for (int pass = 0; pass < passes; pass++) {
        int pushed = 0;
        for (int g = 0; g < 2; g++) {
            for (int i = groups[g]; i < groups[g + 1]; i++) {
                real normal = maxr(c[i].normal + c[i].m_eff * (c[i].target - rel_n(v, &c[i])), 0);
                real limit = c[i].mu * (c[i].impulse + normal);
                real friction = clampr(c[i].friction - c[i].m_eff * rel_t(v, &c[i]), -limit, limit);
                c[i].push = normal - c[i].normal; c[i].push_t = friction - c[i].friction;
                c[i].normal = normal; c[i].friction = friction;
            }
            for (int i = groups[g]; i < groups[g + 1]; i++)
                if (c[i].push != 0 || c[i].push_t != 0) {
                    apply(v, &c[i], c[i].push, c[i].push_t);
                    pushed = 1;
                }
        }
        if (!pushed) break;   /* nothing moved: every later pass would repeat this one */
    }
}

/* Push overlapping bodies apart along their normals; moves positions only (correct_positions).
   `moved` holds each body's displacement this step. */
static void correct_positions(vec *correction, const vec *moved, Contact *c, const int *groups,
                              int K, int *count) {
    int overlaps = 0;
    for (int i = 0; i < groups[2]; i++) {
        c[i].target = c[i].gap + rel_n(moved, &c[i]);       /* the gap after the step */
        c[i].push = c[i].target < 0;
        overlaps |= c[i].target < 0;
    }
    for (int k = 0; k < K; k++) correction[k] = (vec){0, 0};
    if (!overlaps) return;    /* every push below would be zero */
    for (int g = 0; g < 2; g++) split_inverse_mass(c, groups[g], groups[g + 1], count);
    for (int pass = 0; pass < POSITION_PASSES; pass++)
        for (int g = 0; g < 2; g++) {
            for (int i = groups[g]; i < groups[g + 1]; i++)
                c[i].push = maxr(-(c[i].target + rel_n(correction, &c[i])), 0) / c[i].m_eff;
            for (int i = groups[g]; i < groups[g + 1]; i++)
                if (c[i].push != 0) apply(correction, &c[i], c[i].push, 0);
        }
}

/* ---------------------------------------------------------------- one world */

/* Working memory for the worlds one call steps, allocated once per call. */
typedef struct {
    Contact *c;
    vec *v, *offset, *p, *moved;                /* (K,) velocity, bounce offset, position, move */
    real *reach, *rad, *el, *fr, *inv_mass;     /* (K,) */
    int *first, *count;                         /* (K,) */
} Scratch;

static real step_world(int N, const Settings *s, const real (*boxes)[4], const int *kind,
                       int num_boxes,
                       const vec *pos, const vec *vel, const vec *hand, const vec *action,
                       const real *mass, const real *radius, const real *e, const real *mu,
                       real gravity, vec *pos_out, vec *vel_out, vec *hand_out, Scratch *w) {
    real dt = (real)s->dt, hr = (real)s->hand_radius, speed_cap = (real)s->hand_max_speed;
    int K = N + 2, M = s->hand_radius > 0 ? N + 1 : N, HAND = N, STATIC = N + 1;
    Contact *c = w->c;
    vec *v = w->v, *offset = w->offset, *p = w->p, *moved = w->moved;
    real *reach = w->reach, *rad = w->rad, *el = w->el, *fr = w->fr, *inv_mass = w->inv_mass;

    /* 1. The hand moves with the action, kept inside the world. */
    vec new_hand = *hand, hand_vel = {0, 0};
    if (action) {
        real lo = hr, hi = (real)s->world_size - hr;
        new_hand.x = clampr(hand->x + clampr(action->x, -speed_cap, speed_cap) * dt, lo, hi);
        new_hand.y = clampr(hand->y + clampr(action->y, -speed_cap, speed_cap) * dt, lo, hi);
        hand_vel.x = (new_hand.x - hand->x) / dt;
        hand_vel.y = (new_hand.y - hand->y) / dt;
    }

    /* 2. Contacts, found with the velocities after gravity's kick. */
    vec kick = {0, -gravity * dt};
    for (int i = 0; i < N; i++) {
        v[i] = (vec){vel[i].x + kick.x, vel[i].y + kick.y};
        p[i] = pos[i]; rad[i] = radius[i]; el[i] = e[i]; fr[i] = mu[i];
        inv_mass[i] = 1 / mass[i];
    }
    v[HAND] = hand_vel; v[STATIC] = (vec){0, 0};
    p[HAND] = *hand; rad[HAND] = hr; el[HAND] = 0; fr[HAND] = 0;
    inv_mass[HAND] = inv_mass[STATIC] = 0;
    for (int i = 0; i < M; i++)
        reach[i] = rad[i] + (real)sqrt(v[i].x * v[i].x + v[i].y * v[i].y) * dt + MARGIN / 2;
    int groups[3];
    groups[0] = 0;
    groups[1] = pair_contacts(N, M, p, reach, rad, el, fr, c);
    groups[2] = groups[1] + static_contacts(N, p, reach, rad, el, fr, boxes, kind, num_boxes, STATIC,
                                            w->count, c + groups[1]);
    int C = groups[2];

    /* 3. Impacts at their time of impact, then resting contact and friction. */
    for (int i = 0; i < C; i++) {
        c[i].inv_a = inv_mass[c[i].a]; c[i].inv_b = inv_mass[c[i].b];
        vec kb = c[i].b < N ? kick : (vec){0, 0};
        c[i].kick_n = (kick.x - kb.x) * c[i].n.x + (kick.y - kb.y) * c[i].n.y;
        c[i].resting = RESTING_FACTOR * dt * gravity * (real)fabs(c[i].n.y);
    }
    for (int k = 0; k < K; k++) offset[k] = (vec){0, 0};
    int bounced = C ? impacts(v, offset, c, C, K, dt, w->first) : 0;
    for (int i = 0; i < C; i++) {
        real shift = bounced ? rel_n(offset, &c[i]) : 0;
        c[i].target = -(maxr(c[i].gap, 0) + shift) / dt;
        c[i].push = c[i].gap + shift + rel_n(v, &c[i]) * dt < 0;    /* closing */
    }
    for (int g = 0; g < 2; g++) split_inverse_mass(c, groups[g], groups[g + 1], w->count);
    for (int i = 0; i < C; i++) c[i].m_eff = 1 / c[i].m_eff;
    jacobi(v, c, groups, s->substeps);

    /* 4. Positions move with the new velocities, less what a bounce's late start saves. */
    for (int i = 0; i < N; i++) {
        vel_out[i] = v[i];
        moved[i] = (vec){v[i].x * dt + offset[i].x, v[i].y * dt + offset[i].y};
    }
    moved[HAND] = (vec){new_hand.x - hand->x, new_hand.y - hand->y};
    moved[STATIC] = (vec){0, 0};

    /* 5. What overlap remains is removed from the positions. */
    correct_positions(offset, moved, c, groups, K, w->count);      /* offset reused: corrections */
    /* The largest speed component, made NaN by any number that is not finite (x - x is 0 for
       a finite x, NaN otherwise): what engine._check_finite tests. */
    real worst = 0, nan_if_not_finite = (new_hand.x - new_hand.x) + (new_hand.y - new_hand.y);
    for (int i = 0; i < N; i++) {
        pos_out[i].x = pos[i].x + moved[i].x + offset[i].x;
        pos_out[i].y = pos[i].y + moved[i].y + offset[i].y;
        real speed = maxr((real)fabs(v[i].x), (real)fabs(v[i].y));
        worst = maxr(worst, speed);
        nan_if_not_finite += (v[i].x - v[i].x) + (v[i].y - v[i].y)
                             + (pos_out[i].x - pos_out[i].x) + (pos_out[i].y - pos_out[i].y);
    }
    *hand_out = new_hand;
    return worst + nan_if_not_finite;
}

/* Worlds first..last-1 of the batch. action may be NULL (the hand stays still).
   Writes the slice's largest speed component (NaN if any number is not finite) and returns 0,
   or -1 when memory ran out. */
int step_worlds(int first, int last, int N, const Settings *s, const real *pos, const real *vel,
                const real *hand, const real *action, const real *mass, const real *radius,
                const real *restitution, const real *friction, const real *gravity,
                real *pos_out, real *vel_out, real *hand_out, double *worst) {
    /* The static world's boxes, and which test of near_box each needs: as in _near_box, a
       box with one finite side is a half-plane. */
    real boxes[MAX_BOXES][4];
    int kind[MAX_BOXES], num_boxes = s->num_boxes;
    for (int k = 0; k < num_boxes; k++) {
        int finite[4];
        for (int j = 0; j < 4; j++) {
            boxes[k][j] = (real)s->boxes[k][j];
            finite[j] = fabs(s->boxes[k][j]) < FAR;
        }
        int sides = finite[0] + finite[1] + finite[2] + finite[3];
        kind[k] = sides == 1 && finite[3] ? 0 : sides == 1 && finite[2] ? 1
                  : sides == 1 && finite[0] ? 2 : 3;
    }
    long K = N + 2, M = N + 1, max_contacts = M * (M - 1) / 2 + num_boxes * N;
    Scratch w;
    w.c = malloc(max_contacts * sizeof(Contact));
    w.v = malloc(4 * K * sizeof(vec));
    w.reach = malloc(5 * K * sizeof(real));
    w.first = malloc(K * sizeof(int));
    w.count = malloc(K * sizeof(int));
    int ok = w.c && w.v && w.reach && w.first && w.count;
    if (ok) {
        w.offset = w.v + K; w.p = w.v + 2 * K; w.moved = w.v + 3 * K;
        w.rad = w.reach + K; w.el = w.reach + 2 * K; w.fr = w.reach + 3 * K;
        w.inv_mass = w.reach + 4 * K;
        double largest = 0, nan = 0;       /* a NaN from any world must survive the max */
        for (int b = first; b < last; b++) {
            long d = (long)b * N;
            real speed = step_world(
                N, s, (const real (*)[4])boxes, kind, num_boxes, (const vec *)(pos + 2 * d),
                (const vec *)(vel + 2 * d), (const vec *)(hand + 2 * b),
                action ? (const vec *)(action + 2 * b) : NULL, mass + d, radius + d,
                restitution + d, friction + d, gravity[b], (vec *)(pos_out + 2 * d),
                (vec *)(vel_out + 2 * d), (vec *)(hand_out + 2 * b), &w);
            largest = speed > largest ? speed : largest;
            nan += speed - speed;
        }
        *worst = largest + nan;
    }
    free(w.c); free(w.v); free(w.reach); free(w.first); free(w.count);
    return ok ? 0 : -1;
}
