"""Part 2's exercise checks accept the references, reject wrong answers; the references are right."""
import numpy as np
import pytest
import torch

from worldmodels import world
from worldmodels.exercises import physics as ex
from worldmodels.physics import integrators, sysid


def test_checks_accept_the_references(capsys):
    assert ex.check_semi_implicit_euler(integrators.semi_implicit_euler)
    assert ex.check_collision_impulse(ex.collision_impulse)
    assert ex.check_sysid_loss(sysid.loss)
    assert capsys.readouterr().out.count("✓") == 3


def test_checks_reject_wrong_answers(capsys):
    assert not ex.check_semi_implicit_euler(integrators.explicit_euler)      # the classic slip
    assert not ex.check_collision_impulse(                                    # forgot (1 + e)
        lambda m1, m2, v1, v2, normal, restitution: ex.collision_impulse(m1, m2, v1, v2, normal, 0.0))
    assert not ex.check_collision_impulse(                                    # pulls apart too
        lambda m1, m2, v1, v2, normal, restitution: -(1 + restitution) * np.dot(v1 - v2, normal)
        / (1 / m1 + 1 / m2) * normal)
    assert not ex.check_sysid_loss(lambda pred, target: (pred - target).square().mean())  # /2 off
    assert capsys.readouterr().out.count("✗") == 4


def test_a_stub_gets_a_friendly_verdict(capsys):
    def semi_implicit_euler(x, v, dt, accel):
        raise NotImplementedError
    assert not ex.check_semi_implicit_euler(semi_implicit_euler)
    assert "not written yet" in capsys.readouterr().out


@pytest.mark.parametrize("restitution", [0.0, 0.5, 1.0])
def test_collision_impulse_is_what_the_engine_does(restitution):
    # Two free disks (no gravity, no floor in reach), touching and approaching at an angle:
    # the change of disk 1's momentum over one step must be the reference impulse.
    like = dict(dtype=torch.float64)
    direction = np.array([0.6, 0.8])
    p2 = np.array([1.0, 1.0])
    p1 = p2 + 0.2 * direction                    # just touching, along the line of centres
    v1, v2 = np.array([-1.0, 0.2]), np.array([0.3, -0.1])
    m1, m2 = 0.4, 0.25
    state = world.State(pos=torch.tensor(np.array([[p1, p2]]), **like),
                          vel=torch.tensor(np.array([[v1, v2]]), **like),
                          hand=torch.zeros(1, 2, **like))
    params = world.Params(mass=torch.tensor([[m1, m2]], **like),
                            radius=torch.full((1, 2), 0.1, **like),
                            restitution=torch.full((1, 2), restitution, **like),
                            friction=torch.zeros(1, 2, **like), color=torch.full((1, 2, 3), 0.5, **like),
                            gravity=torch.zeros(1, **like), table=None, hand_radius=0.0)
    after = world.step(state, None, params)
    received = m1 * (after.vel[0, 0].numpy() - v1)
    np.testing.assert_allclose(received, ex.collision_impulse(m1, m2, v1, v2, direction, restitution),
                               atol=1e-9)
