"""A hybrid model: our engine plus a small learned residual for what the engine leaves out.

Shapes: B scenes, N disks, T time steps.

"Reality" here is the engine with one effect added that the engine does not model: quadratic
air drag. A 2-D disk of diameter 2r moving at speed |v| through a fluid feels the force

    F = -1/2 rho C_d (2 r) |v| v,        so       dv/dt = -(drag r / m) |v| v,

with drag = rho C_d (kg/m^2) in the `Config`. The hybrid keeps the engine for everything it
knows (gravity, bounces) and learns only the correction (Ajay et al. 2018; Zeng et al. 2020):

    s'  = engine(s)                   # what the engine predicts
    v'' = v' + r_theta(v', radius, mass),   x'' = x' + (v'' - v') dt.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from ..nn import mlp
from ..world.engine import step
from ..world.scenes import bouncing_balls
from ..world.state import Params, State

SPEED_SCALE = 3.0     # m/s; velocities are divided by this before entering the network
DV_SCALE = 0.01       # m/s; the network predicts the correction in these units


@dataclass(frozen=True)
class Config:
    drag: float = 1.0           # rho * C_d of "reality"'s air (kg/m^2); 0 is the bare engine
    num_balls: int = 1          # disks per scene
    num_rollouts: int = 32      # training scenes
    steps: int = 100            # steps per training scene (0.01 s each)
    max_speed: float = 4.0      # m/s; initial speeds are drawn up to this, so drag matters
    hidden: int = 32            # width of the two hidden layers
    batch_size: int = 256       # transitions per gradient step
    train_steps: int = 400      # gradient steps
    lr: float = 3e-3            # Adam learning rate
    seed: int = 0               # fixes the scenes and the initial weights

    def __post_init__(self):
        if not self.drag >= 0:
            raise ValueError(f"drag must be >= 0 kg/m^2, got {self.drag}")
        for name in ("num_balls", "num_rollouts", "steps", "hidden", "batch_size",
                     "train_steps"):
            if not (isinstance(getattr(self, name), int) and getattr(self, name) >= 1):
                raise ValueError(f"{name} must be an int >= 1, got {getattr(self, name)!r}")

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(num_rollouts=8, steps=20, hidden=16, batch_size=64, train_steps=30)


def scenes(cfg: Config, num_rollouts: int, seed: int) -> tuple[State, Params]:
    """Fast balls in an empty box: State (B, N, 2) and Params."""
    return bouncing_balls(batch_size=num_rollouts, num_balls=cfg.num_balls, seed=seed,
                          max_speed=cfg.max_speed)


def with_drag(engine_next: State, params: Params, drag: float) -> State:
    """Apply one step of quadratic drag to the engine's next state (the "reality" effect)."""
    speed = engine_next.vel.norm(dim=-1, keepdim=True)                      # (B, N, 1)
    per_mass = (drag * params.radius / params.mass)[..., None]              # (B, N, 1)
    # Implicit in the speed, so a large drag slows a disk down but never reverses it.
    vel = engine_next.vel / (1 + params.dt * per_mass * speed)
    return State(pos=engine_next.pos + (vel - engine_next.vel) * params.dt, vel=vel,
                 hand=engine_next.hand)


def reality_rollout(state: State, params: Params, steps: int, drag: float) -> State:
    """The engine with air drag: pos, vel (B, steps+1, N, 2)."""
    trajectory = [state]
    for _ in range(steps):
        state = with_drag(step(state, None, params), params, drag)
        trajectory.append(state)
    return State.stack(trajectory)


class Residual(nn.Module):
    """r_theta: the engine's next velocity, radius and mass of a disk -> correction (B, N, 2)."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.net = mlp(4, 2, cfg.hidden, layers=2)

    def forward(self, vel: Tensor, radius: Tensor, mass: Tensor) -> Tensor:
        x = torch.cat([vel / SPEED_SCALE, radius[..., None] / 0.1, mass[..., None] / 0.3], -1)
        return DV_SCALE * self.net(x)                                       # (B, N, 2)


def train(cfg: Config, data: tuple[State, Params] | None = None,
          progress: bool = True) -> tuple[Residual, dict]:
    """Fit the residual to what reality adds to each engine step; returns (model, history).

    data: a "reality" trajectory State (B, T+1, N, 2) and its Params; made from cfg when None.
    """
    torch.manual_seed(cfg.seed)
    if data is None:
        start, params = scenes(cfg, cfg.num_rollouts, cfg.seed)
        data = (reality_rollout(start, params, cfg.steps, cfg.drag), params)
    states, params = data
    B, T1, N, _ = states.pos.shape
    # Run the engine once from every observed state: what it would have predicted next.
    flat = State(states.pos[:, :-1].flatten(0, 1), states.vel[:, :-1].flatten(0, 1),
                 states.hand[:, :-1].flatten(0, 1))                       # (B*T, N, 2)
    flat_params = params.repeat(T1 - 1)                                   # world b, step t at b*T+t
    with torch.no_grad():
        predicted = step(flat, None, flat_params).vel                     # (B*T, N, 2)
    target = states.vel[:, 1:].flatten(0, 1) - predicted                  # what the engine missed
    model = Residual(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed)
    history = {"loss": []}
    for _ in tqdm(range(cfg.train_steps), disable=not progress, desc="residual"):
        idx = torch.randint(len(target), (cfg.batch_size,), generator=generator)
        pred = model(predicted[idx], flat_params.radius[idx], flat_params.mass[idx])
        loss = ((pred - target[idx]) / DV_SCALE).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history["loss"].append(loss.item())
    return model.eval(), history


@torch.no_grad()
def rollout(model: Residual | None, state: State, params: Params, steps: int) -> State:
    """The hybrid: engine step, then the learned correction; model None is the bare engine."""
    if not (isinstance(steps, int) and steps >= 0):
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    if model is not None and not isinstance(model, Residual):
        raise TypeError(f"model must be a Residual or None, got {type(model).__name__}")
    trajectory = [state]
    for _ in range(steps):
        state = step(state, None, params)
        if model is not None:
            correction = model(state.vel, params.radius, params.mass)       # (B, N, 2)
            state = State(pos=state.pos + correction * params.dt, vel=state.vel + correction,
                          hand=state.hand)
        trajectory.append(state)
    return State.stack(trajectory)
