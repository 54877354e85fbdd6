"""Part 5's library: the played clips and their distractors, the probe, the regularisers
against their definitions, and the JEPA's training against collapse and the pixel model."""
import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from worldmodels.jepa import autoencoder, jepa
from worldmodels.jepa.play import BUTTONS, add_distractors, play
from worldmodels.jepa.regularisers import effective_rank, sigreg, vicreg_covariance, vicreg_variance
from worldmodels.measure.probe import fit_probe, r2

# ------------------------------------------------------------------------------ clips and noise

def test_play_is_reproducible_and_its_actions_are_buttons():
    a, b = play(4, steps=5, seed=3), play(4, steps=5, seed=3)
    assert a.frames.shape == (4, 6, 3, 32, 32) and a.actions.shape == (4, 5)
    assert torch.equal(a.frames, b.frames) and torch.equal(a.cup, b.cup)
    assert set(a.actions.unique().tolist()) <= set(BUTTONS)
    assert not torch.equal(a.frames, play(4, steps=5, seed=4).frames)


def test_fixed_noise_is_the_same_in_every_frame_and_changing_noise_is_not():
    clean = play(3, steps=4, seed=0).frames
    s = 0.5
    for kind, same in (("fixed", True), ("changing", False)):
        noise = (add_distractors(clean, kind, s, seed=1) - (1 - s) * clean) / s   # the patterns
        assert noise.min() >= -1e-6 and noise.max() <= 1 + 1e-6
        assert torch.allclose(noise[:, 1:], noise[:, :1], atol=1e-6) == same
    assert torch.equal(add_distractors(clean, "none", s), clean)


@pytest.mark.parametrize("kwargs, name", [({"kind": "sometimes"}, "kind"),
                                          ({"strength": 1.5}, "strength"),
                                          ({"frames": torch.zeros(2, 3, 32, 32)}, "frames")])
def test_bad_distractor_arguments_are_named(kwargs, name):
    args = {"frames": torch.zeros(1, 2, 3, 32, 32), "kind": "fixed", "strength": 0.5, **kwargs}
    with pytest.raises(ValueError, match=name):
        add_distractors(**args)


def test_bad_play_arguments_are_named():
    with pytest.raises(ValueError, match="num_clips"):
        play(0)
    with pytest.raises(ValueError, match="seed"):
        play(2, seed=-1)


# ------------------------------------------------------------------------------ the probe

def test_the_probe_recovers_a_linear_map_and_the_mean_scores_zero():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(500, 6, generator=g)
    y = x @ torch.randn(6, 2, generator=g) + 3.0
    probe = fit_probe(x[:400], y[:400], ridge=1e-8)
    assert r2(probe(x[400:]), y[400:]) > 0.999999
    assert r2(y.mean(0).expand_as(y), y) == pytest.approx(0.0, abs=1e-12)
    noise = torch.randn(500, 6, generator=g)           # features that know nothing
    assert r2(fit_probe(noise[:400], y[:400])(noise[400:]), y[400:]) < 0.1


def test_the_probe_refuses_what_it_cannot_score():
    with pytest.raises(ValueError, match="targets must vary"):
        r2(torch.zeros(5, 1), torch.ones(5, 1))
    with pytest.raises(ValueError, match="features must be finite"):
        fit_probe(torch.full((5, 2), float("nan")), torch.randn(5, 1))
    with pytest.raises(ValueError, match="targets"):
        fit_probe(torch.randn(5, 2), torch.randn(4, 1))


# ------------------------------------------------------------------------------ regularisers

def test_vicreg_terms_against_their_definitions():
    g = torch.Generator().manual_seed(1)
    z = torch.randn(64, 5, generator=g) * torch.tensor([0.2, 0.5, 1.0, 2.0, 3.0])
    std = np.sqrt(z.numpy().var(axis=0, ddof=1) + 1e-4)
    assert vicreg_variance(z).item() == pytest.approx(np.maximum(0, 1 - std).mean(), rel=1e-5)
    cov = np.cov(z.numpy(), rowvar=False)
    off = cov - np.diag(np.diag(cov))
    assert vicreg_covariance(z).item() == pytest.approx((off ** 2).sum() / 5, rel=1e-4)
    constant = torch.ones(8, 3)
    assert vicreg_variance(constant).item() == pytest.approx(1 - math.sqrt(1e-4), rel=1e-6)
    assert vicreg_covariance(constant).item() == 0


def test_sigreg_of_a_collapsed_batch_is_the_integral_for_a_point_mass():
    # All projections 0: phi = 1, so the statistic is 2 * integral of (1 - e^{-t²/2})² e^{-t²/2}.
    t = np.linspace(0, 3, 100_001)
    f = (1 - np.exp(-t ** 2 / 2)) ** 2 * np.exp(-t ** 2 / 2)
    exact = 2 * (t[1] - t[0]) * (f.sum() - (f[0] + f[-1]) / 2)      # the trapezoid rule
    value = sigreg(torch.zeros(16, 4), torch.Generator().manual_seed(0), knots=2001).item()
    assert value == pytest.approx(exact, rel=1e-5)


def test_sigreg_is_smallest_for_a_standard_normal_cloud():
    g = torch.Generator().manual_seed(2)
    normal = torch.randn(2048, 8, generator=g)
    scores = {name: sigreg(z, torch.Generator().manual_seed(3)).item()
              for name, z in {"normal": normal, "narrow": 0.2 * normal, "wide": 3 * normal,
                              "shifted": normal + 2, "uniform": 4 * torch.rand(2048, 8) - 2}.items()}
    assert scores["normal"] < 0.01
    assert all(scores["normal"] < 0.2 * v for k, v in scores.items() if k != "normal")


def test_effective_rank_counts_the_directions_used():
    assert effective_rank(torch.eye(6)) == pytest.approx(6, rel=1e-9)
    assert effective_rank(torch.ones(10, 6)) == pytest.approx(1, rel=1e-6)
    z = torch.diag(torch.tensor([3.0, 1.0]))            # singular values 3 and 1
    p = np.array([0.75, 0.25])
    assert effective_rank(z) == pytest.approx(math.exp(-(p * np.log(p)).sum()), rel=1e-9)
    with pytest.raises(ValueError, match="z must be finite"):
        effective_rank(torch.tensor([[0.0, float("inf")], [1.0, 2.0]]))


# ------------------------------------------------------------------------------ the models

SMALL = dict(latent_size=8, channels=8, num_clips=64, clip_steps=4, batch_size=64,
             iterations=250, distractor="none")


def test_without_a_cure_the_embeddings_collapse_and_vicreg_prevents_it():
    torch.set_num_threads(1)
    frames = play(64, steps=1, seed=99).frames[:, 0]
    rank, spread = {}, {}
    for cure in ("none", "vicreg"):
        model, history = jepa.train(jepa.Config(cure=cure, **SMALL), progress=False)
        with torch.no_grad():
            z = model.embed(frames)
        rank[cure], spread[cure] = history["rank"][-1], z.std(0).mean().item()
    assert rank["none"] < 2 and spread["none"] < 0.01     # one point, whatever the frame
    assert spread["vicreg"] > 0.5                         # the variance term's hinge is 1


def test_the_ema_target_moves_a_fixed_share_towards_the_encoder():
    model = jepa.JEPA(replace(jepa.Config.tiny(), cure="ema", ema=0.9))
    with torch.no_grad():
        for p in model.encoder.parameters():
            p.add_(1.0)
    before = [p.clone() for p in model.target_encoder.parameters()]
    model.update_target()
    for b, after, online in zip(before, model.target_encoder.parameters(),
                                model.encoder.parameters()):
        assert torch.allclose(after, b + 0.1 * (online - b), atol=1e-6)
    assert not any(p.requires_grad for p in model.target_encoder.parameters())


def test_tiny_runs_train_and_bad_input_is_named():
    for cure in jepa.CURES:
        model, history = jepa.train(replace(jepa.Config.tiny(), cure=cure), progress=False)
        assert len(history["loss"]) == 3 and all(math.isfinite(v) for v in history["loss"])
    with pytest.raises(ValueError, match="frames"):
        model.embed(torch.zeros(2, 3, 16, 16))
    with pytest.raises(ValueError, match="actions"):
        model.predict(torch.zeros(2, 8), torch.zeros(3))
    with pytest.raises(ValueError, match="cure"):
        jepa.JEPA(replace(jepa.Config.tiny(), cure="prayer"))
    with pytest.raises(ValueError, match="distractor"):
        autoencoder.Autoencoder(replace(autoencoder.Config.tiny(), distractor="rain"))


def test_under_changing_noise_the_shipped_jepa_keeps_the_cup_and_the_autoencoder_does_not():
    torch.set_num_threads(1)
    kept = {name: module.evaluate(module.load_pretrained("cpu", name=f"{name}_changing"),
                                  num_clips=64)["position_r2"]
            for name, module in (("jepa", jepa), ("autoencoder", autoencoder))}
    assert kept["jepa"] > 0.9 and kept["jepa"] > kept["autoencoder"] + 0.2
