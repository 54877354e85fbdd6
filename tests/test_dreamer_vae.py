"""Part 1, World Models in miniature: the VAE (V) and the recurrent model of its latents (M)."""
from dataclasses import replace

import pytest
import torch

from worldmodels import checkpoints, exercises
from worldmodels.dreamer import sequence_model, vae, world_models
from worldmodels.dreamer.frame_data import frame_sequences


def test_kl_term_equals_the_closed_form_of_torch_distributions():
    mu, logvar = torch.randn(5, 7, dtype=torch.float64), torch.randn(5, 7, dtype=torch.float64)
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    expected = torch.distributions.kl_divergence(q, p).sum(-1)
    assert torch.allclose(vae.kl_divergence(mu, logvar), expected)
    assert torch.allclose(vae.kl_divergence(torch.zeros(3, 4), torch.zeros(3, 4)), torch.zeros(3))


def test_reparameterised_samples_have_the_right_statistics_and_gradients():
    mu, logvar = torch.tensor([1.5, -2.0]), torch.tensor([0.0, -1.0])
    generator = torch.Generator().manual_seed(0)
    z = vae.reparameterize(mu.expand(20000, 2), logvar.expand(20000, 2), generator=generator)
    assert torch.allclose(z.mean(0), mu, atol=0.03)
    assert torch.allclose(z.std(0), (0.5 * logvar).exp(), rtol=0.03)
    # d z / d mu = 1 and d z / d logvar = sigma * eps / 2: the sample is differentiable
    mu1, logvar1 = mu.clone().requires_grad_(), logvar.clone().requires_grad_()
    noise = torch.tensor([0.3, -1.2])
    vae.reparameterize(mu1, logvar1, noise=noise).sum().backward()
    assert torch.allclose(mu1.grad, torch.ones(2))
    assert torch.allclose(logvar1.grad, 0.5 * (0.5 * logvar).exp() * noise)


def test_tiny_vae_and_sequence_model_losses_fall():
    model, history = vae.train(vae.Config.tiny(), progress=False)
    assert sum(history["loss"][-5:]) < 0.5 * sum(history["loss"][:5])
    rnn, history = sequence_model.train(sequence_model.Config.tiny(), model, progress=False)
    assert sum(history["loss"][-5:]) < sum(history["loss"][:5])
    dream = world_models.dream_frames(model, rnn, torch.rand(3, 3, 32, 32), torch.zeros(3, 4, 2))
    assert dream.shape == (3, 5, 3, 32, 32) and torch.isfinite(dream).all()


def test_the_shipped_vae_and_rnn_beat_trivial_baselines_on_unseen_rollouts():
    v, m = world_models.load_pretrained()
    result = world_models.evaluate(v, m, num_rollouts=16, horizon=10, seed=2024)
    assert result["recon_mse"] < 0.5 * result["mean_frame_mse"]
    assert result["dream_mse"] < result["copy_first_mse"]
    assert checkpoints.info("world_models_vae_rnn")["bytes"] <= 1024 * 1024


def test_the_kl_exercise_check_accepts_the_reference_and_rejects_a_mean_over_dimensions(capsys):
    assert exercises.dreamer_model.check_vae_kl(vae.kl_divergence)
    wrong = lambda mu, logvar: 0.5 * (mu**2 + logvar.exp() - 1 - logvar).mean(-1)  # noqa: E731
    assert not exercises.dreamer_model.check_vae_kl(wrong)
    assert "differs" in capsys.readouterr().out


def test_bad_input_is_refused_with_a_clear_error():
    model = vae.VAE(vae.Config.tiny())
    with pytest.raises(ValueError, match="frames must have shape"):
        model.encode(torch.rand(2, 3, 16, 16))
    with pytest.raises(TypeError, match="frames"):
        model.encode([[0.0]])
    with pytest.raises(ValueError, match="same shape"):
        vae.reparameterize(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="skip"):
        frame_sequences(2, 3, skip=0)
    rnn = sequence_model.SequenceModel(sequence_model.Config.tiny())
    with pytest.raises(ValueError, match="temperature"):
        rnn.dream(torch.zeros(1, 4), torch.zeros(1, 3, 2), temperature=-1.0)
    with pytest.raises(ValueError, match="latent_size"):
        sequence_model.train(replace(sequence_model.Config.tiny(), latent_size=5), model, progress=False)
