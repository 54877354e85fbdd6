"""The video predictors: losses that fall on tiny configs, the maths of the sampler, the shipped bars."""
from dataclasses import replace

import pytest
import torch

from worldmodels import checkpoints
from worldmodels.video import generative, make_clips, predictor


def test_predictor_loss_falls_on_a_tiny_config():
    cfg = replace(predictor.Config.tiny(), steps=30)
    model, history = predictor.train(cfg, progress=False)
    first, last = sum(history["loss"][:5]) / 5, sum(history["loss"][-5:]) / 5
    assert last < 0.7 * first
    context = make_clips(3, cfg.context, cfg.horizon, cfg.frame_size, seed=1)[:, :cfg.context]
    pred = predictor.predict(model, context)
    assert pred.shape == (3, cfg.horizon, 3, 16, 16) and 0 <= pred.min() and pred.max() <= 1


def test_reparameterised_sample_and_kl_equal_their_formulas():
    mean, log_var, noise = torch.randn(5, 3), torch.randn(5, 3), torch.randn(5, 3)
    z = generative.reparameterise(mean, log_var, noise)
    assert torch.allclose(z, mean + torch.sqrt(torch.exp(log_var)) * noise, atol=1e-6)
    # KL of a diagonal Gaussian to N(0, I), written the long way: E_q[log q - log p].
    var = log_var.exp()
    expected = (0.5 * (var + mean ** 2) - 0.5 - 0.5 * log_var).sum(-1)
    assert torch.allclose(generative.kl_to_standard_normal(mean, log_var), expected, atol=1e-5)
    assert generative.kl_to_standard_normal(torch.zeros(2, 4), torch.zeros(2, 4)).abs().max() < 1e-7
    with pytest.raises(ValueError, match="one shape"):
        generative.reparameterise(mean, log_var, torch.randn(5, 2))


def test_generative_model_trains_and_samples_distinct_futures():
    cfg = generative.Config.tiny()
    model, history = generative.train(cfg, progress=False)
    assert all(torch.isfinite(torch.tensor(history[k])).all() for k in ("loss", "mse", "kl"))
    assert sum(history["mse"][-5:]) < sum(history["mse"][:5])
    p = cfg.predictor
    context = make_clips(2, p.context, p.horizon, p.frame_size, seed=1)[:, :p.context]
    samples = generative.sample(model, context, num_samples=3)
    assert samples.shape == (2, 3, p.horizon, 3, 16, 16)
    assert torch.equal(samples, generative.sample(model, context, num_samples=3))   # seeded


def test_bad_inputs_are_refused_clearly():
    model = predictor.VideoPredictor(predictor.Config.tiny())
    with pytest.raises(ValueError, match="context must have shape"):
        predictor.predict(model, torch.zeros(2, 3, 3, 16, 16))
    with pytest.raises(ValueError, match="cfg.steps"):
        predictor.train(replace(predictor.Config.tiny(), steps=0), progress=False)
    with pytest.raises(ValueError, match="latent_size"):
        generative.GenerativeVideo(generative.Config(predictor=predictor.Config.tiny()))
    with pytest.raises(ValueError, match="num_samples"):
        generative.sample(generative.GenerativeVideo(generative.Config.tiny()),
                          torch.zeros(1, 4, 3, 16, 16), num_samples=0)


@pytest.fixture(scope="module")
def shipped():
    if not {"video_predictor", "video_generative"} <= set(checkpoints.available()):
        pytest.skip("the video checkpoints are not shipped yet")
    return predictor.load_pretrained(), generative.load_pretrained()


def test_shipped_predictor_beats_half_of_copy_last_on_held_out_clips(shipped):
    scores = predictor.evaluate(shipped[0], num_clips=48)
    assert scores["mse"] <= 0.5 * scores["copy_last_mse"], scores


def test_shipped_generative_model_meets_its_bars(shipped):
    deterministic, model = shipped
    scores = generative.evaluate(model, deterministic, num_clips=24, num_samples=8)
    assert scores["diversity"] > 1e-4, scores
    assert scores["best_of_k_mse"] < scores["deterministic_mse"], scores
    real = scores["sharpness_real"]
    assert abs(scores["sharpness_sample"] - real) < abs(scores["sharpness_deterministic"] - real)
