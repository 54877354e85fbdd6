"""Our engine against pymunk: free flight, and the apex of a single bounce.

    python benchmarks/physics_pymunk_agreement.py

Targets (issue 3): positions agree to 1e-4 m in collision-free flight; the apex of a single
bounce agrees to 2%. The bounce is measured for several restitutions and time steps: our
engine bounces before gravity acts within the step, Chipmunk after, which for e < 1 differs
by O(dt) (see physics/pymunk_reality.py). Prints PASS/MISS; the exit code is 0 either way.
"""
from __future__ import annotations

import pymunk

from worldmodels import physics
from worldmodels.physics import pymunk_reality

FLIGHT_TARGET = 1e-4    # m
APEX_TARGET = 0.02      # relative


def flight_error() -> float:
    state, params = pymunk_reality.falling_ball(restitution=0.5, height=1.5, speed=0.7)
    ours = physics.rollout(state, None, params, steps=40)           # 0.4 s, never touching
    theirs = pymunk_reality.simulate(state, params, 40)
    return float((ours.pos - theirs.pos).abs().max())


def apex_error(restitution: float, dt: float) -> tuple[float, float, float]:
    state, params = pymunk_reality.falling_ball(restitution, dt=dt)
    steps = round(1.2 / dt)
    apex = [pymunk_reality.first_apex(t.pos[0, :, 0, 1], t.vel[0, :, 0, 1])
            for t in (physics.rollout(state, None, params, steps=steps),
                      pymunk_reality.simulate(state, params, steps))]
    return apex[0], apex[1], apex[0] / apex[1] - 1


def main() -> None:
    print(f"pymunk {pymunk.version}; a ball of radius 0.1 m dropped from 1 m, float64\n")
    error = flight_error()
    verdict = "PASS" if error <= FLIGHT_TARGET else "MISS"
    print(f"free flight, 40 steps of 0.01 s: largest position difference {error:.2e} m  {verdict}\n")
    print(f"{'e':>5} {'dt (s)':>7} {'ours apex (m)':>14} {'pymunk (m)':>11} {'difference':>11}")
    for dt in (0.01, 0.005, 0.002):
        for e in (1.0, 0.8, 0.5, 0.3):
            ours, theirs, diff = apex_error(e, dt)
            verdict = "PASS" if abs(diff) <= APEX_TARGET else "MISS"
            print(f"{e:>5.1f} {dt:>7.3f} {ours:>14.4f} {theirs:>11.4f} {diff:>+11.2%}  {verdict}")


if __name__ == "__main__":
    main()
