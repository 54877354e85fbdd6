"""A Hamiltonian neural network against a plain MLP on a frictionless pendulum.

Shapes: B states, T time steps. A state is x = (q, p): the angle q (rad) and the angular
momentum p (kg m^2/s), stacked as (B, 2).

A frictionless system keeps its energy H(q, p) forever, because it moves along Hamilton's
equations (Eq. 1 of Greydanus et al. 2019):

    dq/dt = dH/dp,    dp/dt = -dH/dq.

A plain MLP learns (dq/dt, dp/dt) directly and nothing stops it from slowly adding or
removing energy. A Hamiltonian neural network (HNN) learns a scalar H_theta(q, p) instead and
takes its vector field from the equations above with autograd; then
dH_theta/dt = dH/dq dH/dp - dH/dp dH/dq = 0 exactly, whatever the weights.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..nn import mlp

ARCHITECTURES = ("hamiltonian", "mlp")
P_SCALE = 4.0  # kg m^2/s; momenta are divided by this before entering a network


@dataclass(frozen=True)
class Config:
    architecture: str = "hamiltonian"  # "hamiltonian" (learn H) or "mlp" (learn dq/dt, dp/dt)
    gravity: float = 9.81      # m/s^2
    length: float = 1.0        # m, pendulum length
    mass: float = 1.0          # kg, the bob's mass
    max_energy: float = 15.0   # J; training states have 0 <= H <= this (below the 2mgl = 19.6 J
                               # needed to swing over the top, so every orbit is a libration)
    num_samples: int = 2048    # training states (q, p)
    noise: float = 0.05        # std of Gaussian noise on the measured derivatives (in their units)
    hidden: int = 128          # width of the two hidden layers
    batch_size: int = 256      # states per gradient step
    train_steps: int = 2000    # gradient steps
    lr: float = 2e-3           # Adam learning rate, decayed to lr/20 with a cosine
    seed: int = 0              # fixes the training states, the noise and the initial weights

    def __post_init__(self):
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}, "
                             f"got {self.architecture!r}")
        for name in ("gravity", "length", "mass", "max_energy"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("num_samples", "hidden", "batch_size", "train_steps"):
            if not (isinstance(getattr(self, name), int) and getattr(self, name) >= 1):
                raise ValueError(f"{name} must be an int >= 1, got {getattr(self, name)!r}")
        if not self.noise >= 0:
            raise ValueError(f"noise must be >= 0, got {self.noise}")

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(num_samples=256, hidden=16, batch_size=64, train_steps=80, noise=0.0, lr=1e-2)


def pendulum_energy(q: Tensor, p: Tensor, cfg: Config) -> Tensor:
    """The true Hamiltonian H = p^2 / (2 m l^2) + m g l (1 - cos q), in J; shape of q."""
    return p ** 2 / (2 * cfg.mass * cfg.length ** 2) + \
        cfg.mass * cfg.gravity * cfg.length * (1 - torch.cos(q))


def pendulum_field(x: Tensor, cfg: Config) -> Tensor:
    """The true (dq/dt, dp/dt) = (p / (m l^2), -m g l sin q): (B, 2) -> (B, 2)."""
    _check_states(x)
    q, p = x[:, 0], x[:, 1]
    return torch.stack([p / (cfg.mass * cfg.length ** 2),
                        -cfg.mass * cfg.gravity * cfg.length * torch.sin(q)], dim=-1)


def hamiltonian_field(hamiltonian: Callable[[Tensor, Tensor], Tensor], q: Tensor, p: Tensor,
                      create_graph: bool = False) -> Tensor:
    """Hamilton's equations by autograd: (dH/dp, -dH/dq), (B, 2) from q, p (B,).

    hamiltonian(q, p) -> (B,) energies. create_graph=True keeps the graph so a loss on the
    field can be differentiated again (needed to train an HNN).
    """
    with torch.enable_grad():
        q = q.detach().requires_grad_(True)
        p = p.detach().requires_grad_(True)
        energy = hamiltonian(q, p)
        if energy.shape != q.shape:
            raise ValueError(f"hamiltonian(q, p) must return one energy per state "
                             f"{tuple(q.shape)}, "
                             f"got {tuple(energy.shape)}")
        dH_dq, dH_dp = torch.autograd.grad(energy.sum(), (q, p), create_graph=create_graph)
    return torch.stack([dH_dp, -dH_dq], dim=-1)                        # (B, 2)


class HamiltonianNetwork(nn.Module):
    """H_theta(q, p), a scalar; `forward` returns its Hamiltonian vector field (B, 2)."""

    def __init__(self, cfg: Config):
        super().__init__()
        # Tanh, not ReLU: training differentiates the network twice, so it must be smooth.
        self.net = mlp(2, 1, cfg.hidden, layers=2, activation=nn.Tanh)

    def energy(self, q: Tensor, p: Tensor) -> Tensor:
        return self.net(torch.stack([q, p / P_SCALE], dim=-1))[:, 0]     # (B,)

    def forward(self, x: Tensor) -> Tensor:
        return hamiltonian_field(self.energy, x[:, 0], x[:, 1], create_graph=self.training)


class FieldMLP(nn.Module):
    """The baseline: (q, p) -> (dq/dt, dp/dt) directly, with no structure."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.net = mlp(2, 2, cfg.hidden, layers=2, activation=nn.Tanh)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(torch.stack([x[:, 0], x[:, 1] / P_SCALE], dim=-1)) * P_SCALE


def build(cfg: Config) -> nn.Module:
    return HamiltonianNetwork(cfg) if cfg.architecture == "hamiltonian" else FieldMLP(cfg)


def sample_states(num: int, cfg: Config, generator: torch.Generator) -> Tensor:
    """States (num, 2) with energy uniform in [0, cfg.max_energy] and a uniform phase."""
    energy = cfg.max_energy * torch.rand(num, generator=generator)
    # Split the energy at random between potential and kinetic, then pick signs.
    share = torch.rand(num, generator=generator)
    mgl = cfg.mass * cfg.gravity * cfg.length
    q = torch.acos((1 - share * energy / mgl).clamp(-1, 1))
    p = torch.sqrt(2 * cfg.mass * cfg.length ** 2 * (1 - share) * energy)
    signs = torch.randint(0, 2, (2, num), generator=generator) * 2 - 1
    return torch.stack([q * signs[0], p * signs[1]], dim=-1)            # (num, 2)


def train(cfg: Config, data: tuple[Tensor, Tensor] | None = None,
          progress: bool = True) -> tuple[nn.Module, dict]:
    """Fit the vector field to measured derivatives by mean squared error.

    data: (states (S, 2), derivatives (S, 2)); made from cfg (noisy true field) when None.
    """
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    states, target = data if data is not None else make_data(cfg, generator)
    _check_states(states)
    model = build(cfg).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, cfg.train_steps,
                                                          eta_min=cfg.lr / 20)
    history = {"loss": []}
    for _ in tqdm(range(cfg.train_steps), disable=not progress, desc=cfg.architecture):
        idx = torch.randint(len(states), (cfg.batch_size,), generator=generator)
        loss = (model(states[idx]) - target[idx]).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history["loss"].append(loss.item())
    return model.eval(), history


def make_data(cfg: Config, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Training states (S, 2) and their measured, noisy time derivatives (S, 2)."""
    states = sample_states(cfg.num_samples, cfg, generator)
    noise = cfg.noise * torch.randn(states.shape, generator=generator)
    return states, pendulum_field(states, cfg) + noise


def rollout(field: Callable[[Tensor], Tensor], x0: Tensor, dt: float, steps: int) -> Tensor:
    """Integrate dx/dt = field(x) with classic RK4 from x0 (B, 2): returns (B, steps+1, 2).

    `field` is a model or `lambda x: pendulum_field(x, cfg)`. The same integrator for every
    field, so differences in energy drift come from the fields, not from the integration.
    """
    _check_states(x0)
    if not (isinstance(steps, int) and steps >= 0) or not 0 < dt <= 1:
        raise ValueError(f"steps must be an int >= 0 and dt in (0, 1] s, got {steps!r}, {dt!r}")
    trajectory, x = [x0], x0
    for _ in range(steps):
        k1 = field(x)
        k2 = field(x + 0.5 * dt * k1)
        k3 = field(x + 0.5 * dt * k2)
        k4 = field(x + dt * k3)
        x = (x + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)).detach()
        trajectory.append(x)
    return torch.stack(trajectory, dim=1)                               # (B, T+1, 2)


def energy_drift(trajectory: Tensor, cfg: Config) -> Tensor:
    """Largest relative change of the true energy along each trajectory, |H_t - H_0| / H_0: (B,)."""
    energy = pendulum_energy(trajectory[..., 0], trajectory[..., 1], cfg)   # (B, T+1)
    return ((energy - energy[:, :1]).abs().amax(dim=1) / energy[:, 0])


def _check_states(x: Tensor) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"states must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"states must have shape (B, 2) = (angle, momentum), got {tuple(x.shape)}")


# ------------------------------------------------------------------------------ checkpoint

def evaluate(hnn: nn.Module, baseline: nn.Module, cfg: Config, num_orbits: int = 16,
             dt: float = 0.05, steps: int = 1000, seed: int = 10_000) -> dict:
    """Mean energy drift over `steps` RK4 steps from held-out states, true field included."""
    generator = torch.Generator().manual_seed(seed)
    x0 = sample_states(num_orbits, cfg, generator)
    x0 = x0[pendulum_energy(x0[:, 0], x0[:, 1], cfg) > 0.1 * cfg.max_energy][:num_orbits]
    fields = {"hnn": hnn, "mlp": baseline, "true": lambda x: pendulum_field(x, cfg)}
    return {name: round(energy_drift(rollout(f, x0, dt, steps), cfg).mean().item(), 5)
            for name, f in fields.items()}


CHECKPOINTS = ("hamiltonian",)


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """`python -m worldmodels.train hamiltonian`: the HNN and its MLP baseline, same data."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    data = make_data(cfg, torch.Generator().manual_seed(cfg.seed))
    hnn, _ = train(cfg, data)
    baseline, _ = train(Config(architecture="mlp"), data)
    return ({"config": asdict(cfg), "hamiltonian": hnn.state_dict(),
             "mlp": baseline.state_dict()}, evaluate(hnn, baseline, cfg))


def load_pretrained(device: str | torch.device = "cpu"
                    ) -> tuple[HamiltonianNetwork, FieldMLP, Config]:
    """The shipped HNN, its MLP baseline and their Config (see `recipe`)."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    cfg = Config(**payload["config"])
    hnn, baseline = HamiltonianNetwork(cfg), FieldMLP(cfg)
    hnn.load_state_dict(payload["hamiltonian"])
    baseline.load_state_dict(payload["mlp"])
    return hnn.eval(), baseline.eval(), cfg
