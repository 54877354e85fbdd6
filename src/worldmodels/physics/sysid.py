"""System identification: recover physical parameters from one observed trajectory.

Shapes: B parameter sets simulated side by side, T + 1 observed times, N = 2 disks, P = 4
unknown parameters (PARAMETERS).

The scene: the cup has just left the toddler's hand and slides along the table (friction)
into a ball resting near the edge (the two masses and restitution decide how hard the ball
is hit); the ball slides off, falls (gravity) and bounces on the floor (restitution). Both
bodies are made of one material, so one friction and one restitution coefficient describe
every contact. Only the ratio of the masses can matter: scale both and every trajectory is
the same (Part 2 shows this).

Identification minimises the mean squared distance between simulated and observed positions,

    L(theta) = 1/((T+1) N) sum_t sum_n || p_tn(theta) - p_obs_tn ||^2,

by descending its gradient, which flows through every step of the engine
(de Avila Belbute-Peres et al., 2018). Parameters are optimised as logarithms (logit for
restitution), so every step stays in the valid range and relative errors weigh alike.

Two ways to descend: "adam", plain gradient descent with Adam's step sizes, and
"gauss-newton" (Levenberg-Marquardt). The second uses the Jacobian dp/dtheta, obtained in ONE
batched forward-mode pass: world b of a batch of P carries the tangent of parameter b. It
rescales the gradient J^T r by the curvature J^T J, so a handful of steps suffice.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch.autograd.forward_ad as fwAD
from torch import Tensor
from tqdm.auto import tqdm

from ..world.engine import rollout
from ..world.state import Params, State

PARAMETERS = ("mass_ratio", "friction", "restitution", "gravity")
TRUTH = torch.tensor([0.6, 0.3, 0.5, 9.81], dtype=torch.float64)   # ball/cup mass, mu, e, m/s^2
GUESS = torch.tensor([1.0, 0.45, 0.35, 8.5], dtype=torch.float64)  # where identification starts
CUP_RADIUS, BALL_RADIUS = 0.12, 0.12                               # m; equal: a head-on collision
CUP_X, BALL_X = 0.30, 0.75                                         # m, start on the table
CUP_MASS = 0.3                                                     # kg; only the ratio matters


@dataclass(frozen=True)
class Config:
    """The observed experiment and the optimiser."""

    windows: tuple = (12, 25, 50)   # steps seen by each stage of the fit; the last: all of them
    dt: float = 0.02                # s, the engine's time step and the camera's frame interval
    cup_speed: float = 2.4          # m/s, the cup's speed when the hand lets go
    noise: float = 0.002            # m, standard deviation of the observation noise
    method: str = "gauss-newton"    # "gauss-newton" (Levenberg-Marquardt) or "adam"
    iterations: int = 2             # optimiser steps per window
    lr: float = 0.05                # Adam's step size, in log-parameter units
    damping: float = 1e-3           # Levenberg-Marquardt's lambda, relative to diag(J^T J)
    seed: int = 0                   # seed of the observation noise

    def __post_init__(self):
        w = self.windows
        if not (isinstance(w, tuple) and w and all(isinstance(s, int) for s in w)
                and list(w) == sorted(set(w)) and 1 <= w[0] and w[-1] <= 1000):
            raise ValueError(f"windows must be a tuple of increasing ints in [1, 1000], got {w!r}")
        if self.method not in ("gauss-newton", "adam"):
            raise ValueError(f"method must be 'gauss-newton' or 'adam', got {self.method!r}")
        if not (isinstance(self.iterations, int) and self.iterations >= 1):
            raise ValueError(f"iterations must be an int >= 1, got {self.iterations!r}")
        if not (self.noise >= 0 and self.lr > 0 and self.damping >= 0 and self.cup_speed > 0):
            raise ValueError("noise and damping must be >= 0, lr and cup_speed > 0")
        if not 0 < self.dt <= 0.05:
            raise ValueError(f"dt must lie in (0, 0.05] s, got {self.dt}")

    @property
    def steps(self) -> int:
        """Time steps of the whole observation."""
        return self.windows[-1]

    @classmethod
    def tiny(cls) -> "Config":
        """A 0.2 s window (the collision and a few steps after it) and three iterations, for tests."""
        return cls(windows=(10,), iterations=3)


def check_values(values: Tensor) -> Tensor:
    """values (P,) or (B, P) of PARAMETERS, validated; returns them as (B, P) float64."""
    if not isinstance(values, Tensor):
        raise TypeError(f"values must be a torch.Tensor, got {type(values).__name__}")
    values = values.reshape(-1, len(PARAMETERS)) if values.ndim == 1 else values
    if values.ndim != 2 or values.shape[-1] != len(PARAMETERS):
        raise ValueError(f"values must have shape (P,) or (B, P) with P = {len(PARAMETERS)} "
                         f"{PARAMETERS}, got {tuple(values.shape)}")
    v = values.detach()
    if not (torch.isfinite(v).all() and (v > 0).all() and (v[:, 2] <= 1).all()):
        raise ValueError("values must be finite and > 0, with restitution (column 2) <= 1")
    return values.double()


def world(values: Tensor, cfg: Config) -> tuple[State, Params]:
    """B copies of the scene, world b with the parameters values[b] (B, P)."""
    values = check_values(values)
    B = values.shape[0]
    ratio, friction, restitution, gravity = values.unbind(-1)                   # (B,) each
    height = 0.8                                                                # the table top
    pos = torch.tensor([[CUP_X, height + CUP_RADIUS], [BALL_X, height + BALL_RADIUS]],
                       dtype=torch.float64).expand(B, 2, 2)                     # (B, N, 2)
    vel = torch.tensor([[cfg.cup_speed, 0.0], [0.0, 0.0]], dtype=torch.float64).expand(B, 2, 2)
    state = State(pos=pos, vel=vel, hand=torch.zeros(B, 2, dtype=torch.float64))
    pair = lambda v: torch.stack([v, v], dim=-1)                                # noqa: E731
    params = Params(mass=CUP_MASS * torch.stack([torch.ones_like(ratio), ratio], dim=-1),
                    radius=torch.tensor([CUP_RADIUS, BALL_RADIUS], dtype=torch.float64).expand(B, 2),
                    restitution=pair(restitution), friction=pair(friction),
                    color=torch.tensor([[0.15, 0.35, 0.85], [0.85, 0.25, 0.2]],
                                       dtype=torch.float64).expand(B, 2, 3),
                    gravity=gravity, dt=cfg.dt, hand_radius=0.0)
    return state, params


def simulate(values: Tensor, cfg: Config, steps: int | None = None) -> Tensor:
    """Positions (B, T + 1, N, 2) of the scene under each row of values (B, P); T = steps."""
    state, params = world(values, cfg)
    return rollout(state, None, params, steps=cfg.steps if steps is None else steps).pos


def observe(values: Tensor, cfg: Config) -> Tensor:
    """One noisy observed trajectory (T + 1, N, 2): the engine's positions plus Gaussian noise."""
    with torch.no_grad():
        clean = simulate(values, cfg)[0]                                         # (T+1, N, 2)
    generator = torch.Generator().manual_seed(cfg.seed)
    return clean + cfg.noise * torch.randn(clean.shape, generator=generator, dtype=clean.dtype)


def loss(pred: Tensor, target: Tensor) -> Tensor:
    """Mean over times and disks of the squared distance: pred, target (..., T, N, 2) -> (...)."""
    if not isinstance(pred, Tensor) or not isinstance(target, Tensor):
        raise TypeError("pred and target must be torch.Tensors")
    if pred.shape[-3:] != target.shape[-3:] or pred.shape[-1] != 2:
        raise ValueError(f"pred (..., T, N, 2) and target (T, N, 2) must agree, got "
                         f"{tuple(pred.shape)} and {tuple(target.shape)}")
    return (pred - target).square().sum(-1).mean((-2, -1))


# ------------------------------------------------------------------------------ log-parameters

def to_log(values: Tensor) -> Tensor:
    """(..., P) parameters -> unconstrained coordinates: log, and logit for restitution."""
    z = values.log()
    return torch.cat([z[..., :2], torch.logit(values[..., 2:3]), z[..., 3:]], dim=-1)


def from_log(z: Tensor) -> Tensor:
    """The inverse of to_log."""
    v = z.exp()
    return torch.cat([v[..., :2], torch.sigmoid(z[..., 2:3]), v[..., 3:]], dim=-1)


def jacobian(z: Tensor, cfg: Config, steps: int | None = None) -> tuple[Tensor, Tensor]:
    """Positions (T+1, N, 2) at log-parameters z (P,) and their Jacobian (T+1, N, 2, P).

    One forward-mode pass over a batch of P identical worlds, world b carrying the tangent
    of parameter b: the worlds do not interact, so world b's output tangent is dp/dz_b.
    """
    P = len(PARAMETERS)
    with fwAD.dual_level():
        dual = fwAD.make_dual(z.detach().expand(P, P).clone(), torch.eye(P, dtype=z.dtype))
        pos = fwAD.unpack_dual(simulate(from_log(dual), cfg, steps))                    # (P, T+1, N, 2)
    return pos.primal[0], pos.tangent.permute(1, 2, 3, 0)


# ------------------------------------------------------------------------------ identification

def identify(observed: Tensor, cfg: Config, init: Tensor = GUESS,
             free: tuple[str, ...] = PARAMETERS, progress: bool = True) -> tuple[Tensor, dict]:
    """Fit the parameters to an observed trajectory (T + 1, N, 2) by descending the loss.

    The fit sees a growing window of the observation (cfg.windows): the start of a trajectory
    depends gently on the parameters, its end violently (a bounce a few steps early or late is
    far off), so each stage starts where the shorter one ended, close enough for the next.
    init: (P,) starting values; free: the names to fit (the others stay at init).
    Returns the fitted values (P,) and a history dict of lists, one entry per step: "loss"
    (on that stage's window), "window" (steps), "values" (P,) and "seconds" since the start.
    """
    observed = _check_observed(observed, cfg)
    mask = _free_mask(free)
    z = to_log(check_values(init)[0])                                           # (P,)
    history = {"loss": [], "window": [], "values": [], "seconds": [], "start": time.perf_counter()}
    stage = _gauss_newton if cfg.method == "gauss-newton" else _adam
    bar = tqdm(total=len(cfg.windows) * cfg.iterations, desc=f"identify ({cfg.method})",
               disable=not progress)
    for window in cfg.windows:
        z = stage(z, observed[:window + 1], mask, cfg, window, history, bar)
    bar.close()
    del history["start"]
    return from_log(z).detach(), history


def _record(history: dict, window: int, z: Tensor, current: float, bar) -> None:
    history["loss"].append(float(current))
    history["window"].append(window)
    history["values"].append(from_log(z).detach().clone())
    history["seconds"].append(time.perf_counter() - history["start"])
    bar.update(1)
    bar.set_postfix(loss=f"{current:.2e}", window=window)


def _gauss_newton(z: Tensor, observed: Tensor, mask: Tensor, cfg: Config, window: int,
                  history: dict, bar) -> Tensor:
    """Levenberg-Marquardt steps on one window: z (P,) -> z (P,)."""
    damping, best = cfg.damping, None
    for _ in range(cfg.iterations):
        pos, J = jacobian(z, cfg, window)                                       # (T+1, N, 2, P)
        current = float(loss(pos, observed))
        if best is None or current < best[1]:
            best, damping = (z, current, pos, J), damping / 3
        else:                                # the step made things worse: go back, damp more
            damping = damping * 10
        z, current, pos, J = best
        _record(history, window, z, current, bar)
        r = (pos - observed).reshape(-1)                                        # (R,)
        J = J.reshape(len(r), -1)[:, mask]                                      # (R, P_free)
        curvature = J.T @ J                                                     # (P_free, P_free)
        scale = torch.diag(curvature.diagonal() + 1e-12 * curvature.diagonal().max())
        # The Gauss-Newton step solves (J^T J + lambda D) delta = -J^T r: the gradient J^T r
        # rescaled by the curvature; large lambda turns it into a short gradient step.
        delta = torch.linalg.solve(curvature + damping * scale, -J.T @ r)
        z = z.clone()
        z[mask] = z[mask] + delta.clamp(-0.5, 0.5)     # at most a factor e^0.5 per step
    pos = simulate(from_log(z), cfg, window)[0].detach()   # the last step, checked
    return z if float(loss(pos, observed)) < best[1] else best[0]


def _adam(z: Tensor, observed: Tensor, mask: Tensor, cfg: Config, window: int,
          history: dict, bar) -> Tensor:
    """Plain gradient descent with Adam's step sizes on one window: z (P,) -> z (P,)."""
    z = z.detach().clone().requires_grad_(True)
    optimizer = torch.optim.Adam([z], lr=cfg.lr)
    for _ in range(cfg.iterations):
        current = loss(simulate(from_log(z), cfg, window)[0], observed)
        _record(history, window, z, current.detach().item(), bar)
        optimizer.zero_grad()
        current.backward()                             # through every step of the engine
        z.grad[~mask] = 0.0                            # fixed parameters do not move
        optimizer.step()
    return z.detach()


def _free_mask(free: tuple[str, ...]) -> Tensor:
    unknown = [name for name in free if name not in PARAMETERS]
    if unknown or not free or isinstance(free, str):
        raise ValueError(f"free must be a tuple naming some of {PARAMETERS}, got {free!r}")
    return torch.tensor([name in free for name in PARAMETERS])


def _check_observed(observed: Tensor, cfg: Config) -> Tensor:
    """The first cfg.steps + 1 observed times (T + 1, N, 2), validated."""
    if not isinstance(observed, Tensor):
        raise TypeError(f"observed must be a torch.Tensor, got {type(observed).__name__}")
    if observed.ndim != 3 or observed.shape[1:] != (2, 2) or len(observed) < cfg.steps + 1:
        raise ValueError(f"observed must have shape (T + 1, N, 2) with N = 2 and T >= the last "
                         f"window ({cfg.steps}), got {tuple(observed.shape)}")
    if not torch.isfinite(observed).all():
        raise ValueError("observed must be finite")
    return observed[:cfg.steps + 1].double()


def relative_errors(values: Tensor, cfg: Config, windows: list[int],
                    noise: float | None = None) -> Tensor:
    """The smallest relative standard errors (W, P) any unbiased fit can reach at `values` (P,)
    from each window of observed steps, given Gaussian noise (m; cfg.noise by default).

    The Cramer-Rao bound sqrt(diag(F^-1)), F = J^T J / noise^2, J the Jacobian of the positions
    with respect to the log-parameters; one Jacobian serves every window (its first rows).
    inf marks a parameter the window cannot pin down: one that takes part in a direction
    along which the observed positions do not change at all.
    """
    noise = cfg.noise if noise is None else noise
    if not noise > 0:
        raise ValueError(f"noise must be > 0 m, got {noise}")
    if not (windows and all(isinstance(w, int) and w >= 1 for w in windows)):
        raise ValueError(f"windows must be a non-empty list of ints >= 1, got {windows!r}")
    values = check_values(values)[0]
    _, J = jacobian(to_log(values), cfg, max(windows))                         # (T+1, N, 2, P)
    J = J.clone()
    J[..., 2] = J[..., 2] * (1 - values[2])      # logit(e) -> log(e): d logit e = d log e / (1 - e)
    bounds = []
    for window in windows:
        part = J[:window + 1].reshape(-1, len(PARAMETERS))                      # (R, P)
        eigenvalues, vectors = torch.linalg.eigh(part.T @ part / noise ** 2)    # (P,), (P, P)
        blind = eigenvalues < 1e-9 * eigenvalues.max()
        variance = (vectors[:, ~blind] ** 2 / eigenvalues[~blind]).sum(-1)      # (P,)
        unseen = (vectors[:, blind] ** 2).sum(-1) > 1e-6
        bounds.append(torch.where(unseen, torch.inf, variance.sqrt()))
    return torch.stack(bounds)
