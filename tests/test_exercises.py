"""Check functions: they accept a correct function, reject wrong ones, and explain why."""
import math

import numpy as np
import pytest

from worldmodels import exercises


def test_check_accepts_the_reference(capsys):
    assert exercises.check_landing_distance(exercises.landing_distance)
    assert "✓" in capsys.readouterr().out


def test_landing_distance_is_the_projectile_range():
    # Against an independent reference: integrate the fall numerically with tiny steps.
    speed, height, gravity, dt = 1.3, 0.8, 9.81, 1e-5
    x, y, vy = 0.0, height, 0.0
    while y > 0:
        vy -= gravity * dt
        y += vy * dt
        x += speed * dt
    assert exercises.landing_distance(speed, height, gravity) == pytest.approx(x, rel=1e-3)


@pytest.mark.parametrize("wrong, message", [
    (lambda speed, height, gravity: speed * math.sqrt(height / gravity), "differs"),
    (lambda speed, height, gravity: np.array([1.0, 2.0]), "shape"),
    (lambda speed, height, gravity: 1 / 0, "ZeroDivisionError"),
])
def test_check_rejects_wrong_answers_with_a_reason(wrong, message, capsys):
    assert not exercises.check_landing_distance(wrong)
    out = capsys.readouterr().out
    assert "✗" in out and message in out


def test_an_unwritten_stub_gets_a_friendly_verdict(capsys):
    def landing_distance(speed, height, gravity):
        raise NotImplementedError
    assert not exercises.check_landing_distance(landing_distance)
    assert "not written yet" in capsys.readouterr().out


def test_check_function_accepts_torch_outputs():
    import torch
    assert exercises.check_function(lambda a: torch.tensor(2 * a), lambda a: 2 * a,
                                    lambda rng: {"a": float(rng.normal())})
