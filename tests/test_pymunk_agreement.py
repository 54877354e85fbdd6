"""Our engine against pymunk, an independent engine: free flight, and the apex of one bounce."""
import pytest
import torch

from worldmodels import physics
from worldmodels.physics import pymunk_reality


def both(state, params, steps):
    return physics.rollout(state, None, params, steps=steps), pymunk_reality.simulate(state, params, steps)


def test_collision_free_flight_agrees_to_1e_4_m():
    state, params = pymunk_reality.falling_ball(restitution=0.5, height=1.5, speed=0.7)
    ours, theirs = both(state, params, steps=40)                  # 0.4 s: still in the air
    assert float(ours.pos[0, :, 0, 1].min()) > 0.2
    assert (ours.pos - theirs.pos).abs().max() < 1e-4
    assert (ours.vel - theirs.vel).abs().max() < 1e-4


@pytest.mark.parametrize("restitution", [1.0, 0.8])
def test_apex_of_a_single_bounce_agrees_within_2_percent(restitution):
    state, params = pymunk_reality.falling_ball(restitution)
    ours, theirs = both(state, params, steps=100)
    apex = [pymunk_reality.first_apex(t.pos[0, :, 0, 1], t.vel[0, :, 0, 1]) for t in (ours, theirs)]
    assert apex[0] == pytest.approx(apex[1], rel=0.02)
    # and both near the law of restitution: the height above contact scales by e^2
    assert apex[0] - 0.1 == pytest.approx(restitution ** 2 * 0.9, rel=0.03)


def test_the_engines_converge_on_a_soft_bounce_as_dt_shrinks():
    # Our engine bounces before gravity acts within the step, Chipmunk after; for e < 1 the
    # two differ by O(dt), so halving dt must shrink the gap.
    gaps = []
    for dt in (0.02, 0.01, 0.005):
        state, params = pymunk_reality.falling_ball(0.5, dt=dt)
        ours, theirs = both(state, params, steps=round(0.75 / dt))     # past the first apex
        apex = [pymunk_reality.first_apex(t.pos[0, :, 0, 1], t.vel[0, :, 0, 1]) for t in (ours, theirs)]
        gaps.append(abs(apex[0] - apex[1]) / apex[1])
    assert gaps[0] > gaps[1] > gaps[2]


def test_hand_and_bad_input():
    state, params = physics.cup_on_table(seed=0, dtype=torch.float64)
    actions = torch.zeros(1, 5, 2, dtype=torch.float64)
    actions[..., 0] = 1.0
    trajectory = pymunk_reality.simulate(state, params, 5, actions)
    assert trajectory.hand[0, -1, 0] == pytest.approx(float(state.hand[0, 0]) + 0.05)
    with pytest.raises(ValueError, match="actions"):
        pymunk_reality.simulate(state, params, 4, actions)
    with pytest.raises(ValueError, match="steps"):
        pymunk_reality.simulate(state, params, -1)
    with pytest.raises(TypeError):
        pymunk_reality.simulate(state.pos, params, 3)
    with pytest.raises(ValueError, match="bounces"):
        pymunk_reality.first_apex(torch.linspace(1, 0, 5), -torch.ones(5))
