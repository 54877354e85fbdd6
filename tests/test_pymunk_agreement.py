"""Our engine against pymunk, an independent engine: free flight, and the apex of one bounce."""
import pytest
import torch

from worldmodels import world
from worldmodels.physics import pymunk_reality


def both(state, params, steps):
    return world.rollout(state, None, params, steps=steps), pymunk_reality.simulate(state, params, steps)


def test_collision_free_flight_agrees_to_1e_4_m():
    state, params = pymunk_reality.falling_ball(restitution=0.5, height=1.5, speed=0.7)
    ours, theirs = both(state, params, steps=40)                  # 0.4 s: still in the air
    assert float(ours.pos[0, :, 0, 1].min()) > 0.2
    assert (ours.pos - theirs.pos).abs().max() < 1e-4
    assert (ours.vel - theirs.vel).abs().max() < 1e-4


def apexes(restitution, dt):
    state, params = pymunk_reality.falling_ball(restitution, dt=dt)
    ours, theirs = both(state, params, steps=round(1.0 / dt))   # 1 s: past the apex
    return [pymunk_reality.first_apex(t.pos[0, :, 0, 1], t.vel[0, :, 0, 1]) for t in (ours, theirs)]


@pytest.mark.parametrize("restitution", [1.0, 0.8])
def test_apex_of_a_single_bounce_agrees_within_2_percent(restitution):
    ours, theirs = apexes(restitution, dt=0.01)
    assert ours == pytest.approx(theirs, rel=0.02)
    # and both near the law of restitution: the height above contact scales by e^2
    assert ours - 0.1 == pytest.approx(restitution ** 2 * 0.9, rel=0.03)


def test_soft_bounces_agree_where_pymunk_has_converged():
    # Chipmunk adds gravity after moving and keeps contacts slightly overlapped: its soft
    # bounces are off by several percent at dt = 0.01, by an amount that depends on where in
    # a step the ball lands. On this scene at dt = 0.002 its apex is within 1% of the law of
    # restitution, and there the two engines must agree to 2%. Our engine runs both balls
    # as one batch.
    restitution = torch.tensor([[0.5], [0.3]], dtype=torch.float64)
    state, params = pymunk_reality.falling_ball(0.5, dt=0.002)
    state, params = state.repeat(2), params.repeat(2).replace(restitution=restitution)
    ours, theirs = both(state, params, steps=375)                         # 0.75 s: past the apex
    for b, e in enumerate(restitution[:, 0].tolist()):
        apex = [pymunk_reality.first_apex(t.pos[b, :, 0, 1], t.vel[b, :, 0, 1])
                for t in (ours, theirs)]
        assert apex[1] == pytest.approx(0.1 + e ** 2 * 0.9, rel=0.01), "pymunk has not converged"
        assert apex[0] == pytest.approx(apex[1], rel=0.02)


def test_hand_and_bad_input():
    state, params = world.cup_on_table(seed=0, dtype=torch.float64)
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
