"""Plausibility checks: they read the engine's truth back out of its frames, pass real clips,
and catch every kind of injected violation."""
import math

import pytest
import torch

from worldmodels.measure import plausibility as P
from worldmodels.measure import violations as V
from worldmodels.video import simulate_clips


@pytest.fixture(scope="module")
def clips():
    # 32 frames of 0.04 s: long enough for most pushes to carry the cup off the table.
    return simulate_clips(28, context=4, horizon=28, scene="random_push", seed=5)


@pytest.fixture(scope="module")
def scene(clips):
    return P.Scene(frame_dt=clips.frame_dt)


def test_tracker_finds_the_engines_cup_and_hand(clips, scene):
    tracks = P.track(clips.frames, scene)
    cup_error = (tracks.centre[:, :, 0] - clips.cup).norm(dim=-1) / tracks.pixel
    hand_error = (tracks.hand - clips.hand).norm(dim=-1) / tracks.pixel
    assert cup_error.max() < 0.2 and hand_error.max() < 0.2  # pixels
    true_area = math.pi * (scene.radii[0] / tracks.pixel) ** 2
    assert torch.allclose(tracks.area[..., 0], torch.full_like(tracks.area[..., 0], true_area),
                          rtol=0.05)


def test_real_clips_pass_every_check(clips, scene):
    results = P.run_checks(clips.frames, scene)
    assert P.plausible(results).all()
    assert results["gravity"].applicable.float().mean() > 0.5  # most clips contain a fall


def test_gravity_estimate_matches_the_worlds_g(clips, scene):
    g, found = P.estimate_gravity(P.track(clips.frames, scene), scene)
    assert found.sum() >= 15
    assert abs(g[found].mean() - scene.gravity) < 0.03 * scene.gravity
    assert ((g[found] - scene.gravity).abs() < 0.2 * scene.gravity).all()


def test_gravity_estimate_of_an_analytic_parabola():
    # A ball thrown sideways in a world with g = 4: y = 1.8 - 2 t^2, x = 1.3 + 1.5 t.
    scene = P.Scene(frame_dt=0.05, gravity=4.0)
    t = torch.arange(12) * scene.frame_dt
    pos = torch.stack([1.3 + 1.5 * t * 0.2, 1.8 - 0.5 * 4.0 * t ** 2], -1)[None, :, None]
    hand = torch.full((1, 12, 2), 0.08)
    g, found = P.estimate_gravity(P.track(scene.render(pos, hand), scene), scene)
    assert found.all() and abs(g.item() - 4.0) < 0.2


@pytest.mark.parametrize("kind", V.VIOLATIONS)
def test_injected_violations_are_detected(clips, scene, kind):
    pos, applied = V.inject(kind, clips.cup[:, :, None], scene, seed=1)
    results = P.run_checks(scene.render(pos, clips.hand), scene)
    caught = ~P.plausible(results)
    assert applied.sum() >= 15
    if kind == "wrong_gravity":  # only a fall long enough to measure can be caught
        applied &= results["gravity"].applicable
        assert applied.sum() >= 10
    assert caught[applied].float().mean() >= 0.95
    expected = {"vanish": "permanence", "teleport": "continuity", "wrong_gravity": "gravity",
                "sink": "solidity"}[kind]
    assert (~results[expected].passed[applied]).float().mean() >= 0.9


def test_injection_is_seeded(clips, scene):
    a, _ = V.inject("teleport", clips.cup[:, :, None], scene, seed=3)
    b, _ = V.inject("teleport", clips.cup[:, :, None], scene, seed=3)
    assert torch.equal(a, b) and not torch.equal(a, clips.cup[:, :, None])


def test_bad_input_is_refused(scene):
    with pytest.raises(ValueError, match="frames"):
        P.track(torch.rand(2, 3, 32, 32), scene)
    with pytest.raises(ValueError, match="frames"):
        P.track(torch.rand(1, 2, 3, 16, 16) * 3, scene)
    with pytest.raises(TypeError, match="frames"):
        P.track([[0.0]], scene)
    with pytest.raises(ValueError, match="kind"):
        V.inject("melt", torch.zeros(1, 4, 1, 2), scene)
    with pytest.raises(ValueError, match="pos"):
        V.inject("vanish", torch.zeros(4, 2), scene)
    with pytest.raises(ValueError, match="frame_dt"):
        P.Scene(frame_dt=0.0)
