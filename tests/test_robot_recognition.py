"""Part 4's recogniser and the pushes it is probed on: the engine's outcomes, the recogniser
against the mean's guess, the probe against perfect and empty representations."""
from dataclasses import replace

import pytest
import torch

from worldmodels.measure.probe import r2
from worldmodels.robot import ensemble, recognition
from worldmodels.world.state import Table

pytestmark = pytest.mark.usefixtures("one_thread")


def test_pushes_are_fixed_by_their_seed_and_a_fall_is_a_cup_below_the_table():
    a, b = recognition.pushes(64, seed=5), recognition.pushes(64, seed=5)
    assert torch.equal(a.frames, b.frames) and torch.equal(a.end, b.end)
    assert not torch.equal(a.end, recognition.pushes(64, seed=6).end)
    assert a.frames.shape == (64, 3, 64, 64) and a.frames.dtype == torch.uint8
    assert torch.equal(a.fell, a.end[:, 1] < Table().height)
    # The push is held for PUSH steps, then the hand is still.
    assert (a.actions[:, recognition.PUSH:] == 0).all()
    assert torch.allclose(a.actions[:, :recognition.PUSH], a.push[:, None].expand_as(
        a.actions[:, :recognition.PUSH]))


def test_harder_pushes_carry_the_cup_further_and_over_the_edge_more_often():
    gentle = recognition.pushes(200, seed=1, speeds=(0.3, 1.0))
    hard = recognition.pushes(200, seed=1, speeds=(2.0, 3.0))
    travel = lambda p: (p.end[:, 0] - p.positions[:, 2]).mean()  # noqa: E731
    assert travel(hard) > 2 * travel(gentle) > 0
    assert hard.fell.float().mean() > gentle.fell.float().mean() + 0.3


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="count"):
        recognition.pushes(0)
    with pytest.raises(ValueError, match="speeds"):
        recognition.pushes(4, speeds=(2.0, 1.0))
    with pytest.raises(ValueError, match="steps"):
        recognition.Config(steps=0)
    with pytest.raises(ValueError, match="frames"):
        recognition.Recogniser().features(torch.zeros(2, 3, 32, 32, dtype=torch.uint8))
    with pytest.raises(TypeError, match="batch"):
        recognition.recognised_state(recognition.Recogniser(), torch.zeros(3, 4))


def test_fitting_lowers_the_recognisers_error():
    _, history = recognition.train(
        replace(recognition.Config(), scenes=300, steps=100), progress=False)
    assert sum(history["loss"][-10:]) < 0.3 * sum(history["loss"][:10])


def test_the_probe_reads_a_perfect_representation_fully_and_noise_not_at_all():
    fit, test = recognition.pushes(200, seed=1), recognition.pushes(200, seed=2)
    truth = recognition.probe_outcomes(
        lambda p: torch.stack([p.end[:, 0], p.fell.float()], 1), fit, {"t": test})["t"]
    assert truth["where_r2"] > 0.999 and truth["falls_accuracy"] == 1.0
    assert torch.allclose(truth["where"], test.end[:, 0], atol=0.03)   # its own predictions
    noise = recognition.probe_outcomes(
        lambda p: torch.randn(len(p), 8, generator=torch.Generator().manual_seed(len(p.q))),
        fit, {"t": test})["t"]
    majority = max(test.fell.float().mean(), 1 - test.fell.float().mean())
    assert noise["where_r2"] < 0.1 and noise["falls_accuracy"] <= majority + 0.05


def test_the_shipped_recogniser_reads_as_its_record_says_and_the_ensemble_foresees_pushes():
    model, shipped = recognition.load_pretrained()
    unseen = recognition.pushes(200, seed=3000)
    with torch.no_grad():
        guess = model(unseen.frames)
    miss = (guess - unseen.positions).view(-1, 2, 2).norm(dim=-1)
    assert 100 * miss[:, 1].mean() < 2 * shipped["metrics"]["cup_error_cm"] + 0.5
    assert r2(guess, unseen.positions) > 0.99          # far better than the mean position
    # Rolled from what the recogniser reads, the world model's end beats "the cup stays".
    world_model, _ = ensemble.load_pretrained()
    gentle = recognition.pushes(200, seed=4, speeds=(0.3, 1.5))
    imagined = recognition.imagined(world_model, model, gentle)
    assert r2(imagined[:, :1], gentle.end[:, :1]) > r2(gentle.positions[:, 2:3],
                                                       gentle.end[:, :1]) + 0.3
