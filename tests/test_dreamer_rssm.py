"""The RSSM and world model of Part 1: the KL loss equals its formula, shapes, a falling loss."""
import pytest
import torch

from worldmodels.dreamer.rssm import RSSM, WorldModel, WorldModelConfig, kl_divergence, kl_loss
from worldmodels.dreamer.symlog import symexp, symlog

pytestmark = pytest.mark.usefixtures("one_thread")


TINY = WorldModelConfig(deter_size=16, stoch_size=4, classes=5, hidden=16, embed_size=8)


def _log_probs(shape, generator):
    return torch.log_softmax(torch.randn(*shape, generator=generator) * 2, dim=-1)


def test_kl_divergence_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    q, p = _log_probs((6, 3, 4, 5), g), _log_probs((6, 3, 4, 5), g)
    expected = torch.distributions.kl_divergence(
        torch.distributions.Categorical(logits=q), torch.distributions.Categorical(logits=p))
    torch.testing.assert_close(kl_divergence(q, p), expected.sum(-1))


def test_kl_loss_equals_balanced_formula_and_free_bits_clamp():
    g = torch.Generator().manual_seed(1)
    q, p = _log_probs((8, 4, 5), g), _log_probs((8, 4, 5), g)
    kl = kl_divergence(q, p)                                   # (8,) one value per step
    free = float(kl.median())                                  # half the steps fall below it
    expected = kl.clamp(min=free).mean()                       # both sides equal in value
    torch.testing.assert_close(kl_loss(q, p, balance=0.8, free_bits=free), expected)
    assert kl_loss(q, p, free_bits=10 * float(kl.max())) == pytest.approx(10 * float(kl.max()))


def test_kl_balance_splits_gradients_between_prior_and_posterior():
    g = torch.Generator().manual_seed(2)
    q = _log_probs((5, 4, 5), g).requires_grad_(True)
    p = _log_probs((5, 4, 5), g).requires_grad_(True)
    kl_loss(q, p, balance=0.8, free_bits=0.0).backward()
    grad_q, grad_p = q.grad.clone(), p.grad.clone()
    q.grad, p.grad = None, None
    kl_divergence(q, p).mean().backward()                      # the unbalanced gradient
    torch.testing.assert_close(grad_p, 0.8 * p.grad)           # prior: dynamics side
    torch.testing.assert_close(grad_q, 0.2 * q.grad)           # posterior: representation side


def test_symlog_inverse_round_trip_and_values():
    x = torch.tensor([-1e4, -3.0, -0.5, 0.0, 0.5, 3.0, 1e4], dtype=torch.float64)
    torch.testing.assert_close(symexp(symlog(x)), x)
    torch.testing.assert_close(symlog(x), torch.sign(x) * torch.log(1 + x.abs()))


def test_observe_and_imagine_shapes_and_uniform_mix():
    torch.manual_seed(0)
    rssm = RSSM(embed_size=8, action_size=2, deter_size=16, stoch_size=4, classes=5, hidden=16)
    out = rssm.observe(torch.randn(3, 7, 8), torch.randn(3, 6, 2))
    assert out["post_logits"].shape == out["prior_logits"].shape == (3, 7, 4, 5)
    assert out["features"].shape == (3, 7, rssm.feature_size) and rssm.feature_size == 36
    # the uniform mix keeps every class at probability >= unimix / K
    assert out["prior_logits"].exp().min() >= 0.01 / 5 - 1e-7
    torch.testing.assert_close(out["post_logits"].exp().sum(-1), torch.ones(3, 7, 4))
    start = {k: v[:, -1] for k, v in {k: v.unflatten(0, (3, 7)) for k, v in out["post"].items()}.items()}
    traj = rssm.imagine(start, lambda f: torch.tanh(f[:, :2]), horizon=5)
    assert traj["features"].shape == (3, 6, 36) and traj["actions"].shape == (3, 5, 2)
    torch.testing.assert_close(traj["features"][:, 0], out["features"][:, -1])
    assert rssm.imagine(start, torch.zeros(3, 4, 2), horizon=4)["features"].shape == (3, 5, 36)


def test_bad_inputs_raise_clear_errors():
    rssm = RSSM(embed_size=8, action_size=2)
    with pytest.raises(ValueError, match="actions"):
        rssm.observe(torch.randn(3, 7, 8), torch.randn(3, 7, 2))
    with pytest.raises(ValueError, match="horizon"):
        rssm.imagine(rssm.initial(3), torch.zeros(3, 4, 2), horizon=0)
    with pytest.raises(ValueError, match="balance"):
        kl_loss(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), balance=1.5)
    with pytest.raises(ValueError, match="obs_shape"):
        WorldModel((3, 32), action_size=1)


@pytest.mark.parametrize("obs_shape", [(3,), (3, 16, 16)])
def test_world_model_loss_falls_on_a_tiny_problem(obs_shape):
    """A world model fits a fixed batch of a simple moving signal: its loss must fall."""
    torch.manual_seed(0)
    B, T = 4, 8
    t = torch.arange(T, dtype=torch.float32)
    phase = torch.rand(B, 1)
    signal = torch.sin(0.6 * t + 6 * phase)                              # (B, T)
    obs = signal[..., None].expand(B, T, obs_shape[0]).clone() if len(obs_shape) == 1 else \
        (0.5 + 0.4 * signal)[..., None, None, None].expand(B, T, *obs_shape).clone()
    batch = {"obs": obs, "action": torch.zeros(B, T - 1, 1), "reward": signal[:, 1:],
             "cont": torch.ones(B, T - 1)}
    model = WorldModel(obs_shape, 1, TINY)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(30):
        loss, metrics, _ = model.loss(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(metrics["recon"] + metrics["reward"])
    assert losses[-1] < 0.5 * losses[0]
