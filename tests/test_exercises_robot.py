"""Part 4's exercise checks: the library's answers pass, near misses fail."""
import numpy as np
import torch

from worldmodels import exercises
from worldmodels.robot import arm as kin


def library_jacobian(q1, q2, l1, l2):
    arm = kin.Arm(base=(0.0, 0.0), upper=l1, fore=l2)
    return kin.jacobian(arm, torch.tensor([q1, q2], dtype=torch.float64))


def test_the_library_jacobian_passes_and_a_transposed_one_fails(capsys):
    assert exercises.robot.check_jacobian(library_jacobian)
    assert not exercises.robot.check_jacobian(lambda q1, q2, l1, l2:
                                              library_jacobian(q1, q2, l1, l2).T)
    assert "differs" in capsys.readouterr().out


def test_the_reference_is_the_derivative_of_forward_kinematics():
    # At q = 0 the stretched arm's hand moves straight up as either joint turns.
    np.testing.assert_allclose(exercises.robot.finite_difference_jacobian(0.0, 0.0, 1.0, 0.5),
                               [[0.0, 0.0], [1.5, 0.5]], atol=1e-8)


def numpy_cem_update(candidates, costs, elites):
    elite = candidates[np.argsort(costs)[:elites]]
    return elite.mean(0), elite.std(0)


def test_a_numpy_cem_update_passes_and_one_with_the_wrong_elites_fails(capsys):
    assert exercises.robot.check_cem_update(numpy_cem_update)
    worst = lambda c, k, e: numpy_cem_update(c, -k, e)   # noqa: E731 (keeps the costliest)
    assert not exercises.robot.check_cem_update(worst)
    sample_std = lambda c, k, e: (numpy_cem_update(c, k, e)[0],   # noqa: E731
                                  c[np.argsort(k)[:e]].std(0, ddof=1))
    assert not exercises.robot.check_cem_update(sample_std)


def euler(velocity, noise, steps):
    x, dt = noise, 1.0 / steps
    for k in range(steps):
        x = x + dt * velocity(x, k * dt)
    return x


def test_an_euler_sampler_passes_and_one_that_reads_the_field_at_the_steps_end_fails(capsys):
    assert exercises.robot.check_euler_sampler(euler)

    def late(velocity, noise, steps):       # tau of the step's end: another integrator
        x, dt = noise, 1.0 / steps
        for k in range(steps):
            x = x + dt * velocity(x, (k + 1) * dt)
        return x

    assert not exercises.robot.check_euler_sampler(late)
    assert "v(x, tau)" in capsys.readouterr().out     # the failing input is described
