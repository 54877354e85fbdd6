"""The Hamiltonian network: Hamilton's equations by autograd, energy conserved by construction."""
import pytest
import torch

from worldmodels import checkpoints
from worldmodels.physics import hamiltonian as hm

TINY = hm.Config(num_samples=256, hidden=16, batch_size=64, train_steps=80, noise=0.0, lr=1e-2)


pytestmark = pytest.mark.usefixtures("one_thread")


def test_the_field_of_a_known_hamiltonian_is_the_analytic_one():
    cfg = hm.Config(gravity=3.0, length=0.7, mass=1.3)
    x = hm.sample_states(50, cfg, torch.Generator().manual_seed(0)).double()
    field = hm.hamiltonian_field(lambda q, p: hm.pendulum_energy(q, p, cfg), x[:, 0], x[:, 1])
    torch.testing.assert_close(field, hm.pendulum_field(x, cfg))


def test_an_untrained_hnn_already_conserves_its_own_energy():
    # dH/dt = dH/dq dq/dt + dH/dp dp/dt = dH/dq dH/dp - dH/dp dH/dq = 0, whatever the weights.
    torch.manual_seed(0)
    hnn = hm.HamiltonianNetwork(TINY).double().eval()
    q, p = torch.randn(64, dtype=torch.float64, requires_grad=True), torch.randn(64).double()
    p.requires_grad_(True)
    dH_dq, dH_dp = torch.autograd.grad(hnn.energy(q, p).sum(), (q, p))
    field = hnn(torch.stack([q, p], dim=-1).detach())                     # (B, 2)
    dH_dt = dH_dq * field[:, 0] + dH_dp * field[:, 1]
    assert dH_dt.abs().max() < 1e-12
    # ...and so its own energy stays put along an RK4 rollout, up to the integrator's error.
    orbit = hm.rollout(hnn, torch.tensor([[0.5, 0.0]], dtype=torch.float64), dt=0.01, steps=200)
    energy = hnn.energy(orbit[0, :, 0], orbit[0, :, 1]).detach()
    assert (energy - energy[0]).abs().max() < 1e-6


def test_sampled_states_have_the_energies_asked_for():
    cfg = hm.Config(max_energy=5.0)
    x = hm.sample_states(500, cfg, torch.Generator().manual_seed(1))
    energy = hm.pendulum_energy(x[:, 0], x[:, 1], cfg)
    assert energy.min() >= 0 and energy.max() <= 5.0 + 1e-4 and energy.mean() > 1.5


def test_rk4_on_the_true_field_conserves_energy():
    cfg = hm.Config()
    x0 = torch.tensor([[1.0, 0.0], [0.0, 3.0]], dtype=torch.float64)
    orbit = hm.rollout(lambda x: hm.pendulum_field(x, cfg), x0, dt=0.05, steps=400)
    assert hm.energy_drift(orbit, cfg).max() < 1e-3


@pytest.mark.parametrize("architecture", ["hamiltonian", "mlp"])
def test_the_loss_falls_on_a_tiny_config(architecture):
    cfg = hm.Config(**{**TINY.__dict__, "architecture": architecture})
    _, history = hm.train(cfg, progress=False)
    assert sum(history["loss"][-10:]) < 0.5 * sum(history["loss"][:10])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="architecture"):
        hm.Config(architecture="lagrangian")
    with pytest.raises(ValueError, match="gravity"):
        hm.Config(gravity=-1.0)
    with pytest.raises(ValueError, match="states"):
        hm.pendulum_field(torch.zeros(3), hm.Config())
    with pytest.raises(ValueError, match="one energy per state"):
        hm.hamiltonian_field(lambda q, p: (q * p).sum(), torch.zeros(3), torch.zeros(3))
    with pytest.raises(ValueError, match="steps"):
        hm.rollout(lambda x: x, torch.zeros(1, 2), dt=0.1, steps=-1)


@pytest.mark.skipif("hamiltonian" not in checkpoints.available(),
                    reason="checkpoint not shipped yet")
def test_the_shipped_hnn_drifts_a_tenth_of_the_mlp_or_less():
    hnn, mlp, cfg = hm.load_pretrained()
    drift = hm.evaluate(hnn, mlp, cfg, num_orbits=4, steps=1000, dt=0.05, seed=20_000)
    assert drift["hnn"] <= 0.1 * drift["mlp"]
