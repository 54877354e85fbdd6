"""Four ways to step Newton's second law forward in time, and the energy that tells them apart.

Shapes: any; x and v are tensors (or arrays) of one shape, D coordinates of a system. T steps.

Every integrator advances   dx/dt = v,   dv/dt = a(x, v)   by one step of length dt:

    explicit Euler        x' = x + dt v,            v' = v + dt a(x, v)
    semi-implicit Euler   v' = v + dt a(x, v),      x' = x + dt v'        (symplectic)
    leapfrog              v½ = v + dt/2 a(x),       x' = x + dt v½,   v' = v½ + dt/2 a(x')
    RK4                   the classical fourth-order Runge-Kutta method on (x, v)

Explicit Euler and semi-implicit Euler differ only in which velocity moves the position, yet
the first pumps energy into an oscillator every step and the second keeps it bounded forever:
it is symplectic, it preserves phase-space area, so it exactly conserves a "shadow" energy
close to the true one (Hairer, Lubich & Wanner, "Geometric Numerical Integration", 2006).
Leapfrog (velocity Verlet) is symplectic too, and second order. RK4 is fourth order but not
symplectic: its energy error is tiny per step yet grows without bound. The engine
(`world.step`) uses semi-implicit Euler, as most game engines do.

Leapfrog assumes the acceleration depends on position only (conservative forces).
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor

Acceleration = Callable[[Tensor, Tensor], Tensor]     # a(x, v) -> dv/dt, the shape of x


def explicit_euler(x: Tensor, v: Tensor, dt: float, accel: Acceleration) -> tuple[Tensor, Tensor]:
    """One step of explicit (forward) Euler: both updates use the old state. First order."""
    return x + dt * v, v + dt * accel(x, v)


def semi_implicit_euler(x: Tensor, v: Tensor, dt: float,
                        accel: Acceleration) -> tuple[Tensor, Tensor]:
    """One step of semi-implicit (symplectic) Euler: the new velocity moves the position."""
    v = v + dt * accel(x, v)
    return x + dt * v, v            # <- the one line that differs from explicit Euler


def leapfrog(x: Tensor, v: Tensor, dt: float, accel: Acceleration) -> tuple[Tensor, Tensor]:
    """One step of leapfrog (velocity Verlet): half kick, drift, half kick. Second order."""
    v_half = v + 0.5 * dt * accel(x, v)
    x = x + dt * v_half
    return x, v_half + 0.5 * dt * accel(x, v_half)


def rk4(x: Tensor, v: Tensor, dt: float, accel: Acceleration) -> tuple[Tensor, Tensor]:
    """One step of the classical Runge-Kutta method: four slopes, weighted 1, 2, 2, 1."""
    k1x, k1v = v, accel(x, v)
    k2x, k2v = v + 0.5 * dt * k1v, accel(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v)
    k3x, k3v = v + 0.5 * dt * k2v, accel(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v)
    k4x, k4v = v + dt * k3v, accel(x + dt * k3x, v + dt * k3v)
    x = x + dt / 6 * (k1x + 2 * k2x + 2 * k3x + k4x)
    return x, v + dt / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)


INTEGRATORS = {"explicit Euler": explicit_euler, "semi-implicit Euler": semi_implicit_euler,
               "leapfrog": leapfrog, "RK4": rk4}


def integrate(method: str | Callable, x0, v0, dt: float, steps: int,
              accel: Acceleration) -> tuple[Tensor, Tensor]:
    """Take `steps` steps from (x0, v0); returns positions and velocities, each (T + 1,) + x0.shape.

    method: a name in INTEGRATORS or a function step(x, v, dt, accel) -> (x, v).
    """
    step = INTEGRATORS.get(method) if isinstance(method, str) else method
    if step is None or not callable(step):
        raise ValueError(f"method must be one of {list(INTEGRATORS)} or a step function, "
                         f"got {method!r}")
    if not (isinstance(dt, (int, float)) and dt > 0 and math.isfinite(dt)):
        raise ValueError(f"dt must be a finite number > 0 (s), got {dt!r}")
    if not (isinstance(steps, int) and steps >= 0):
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    x, v = torch.as_tensor(x0, dtype=torch.float64), torch.as_tensor(v0, dtype=torch.float64)
    if x.shape != v.shape:
        raise ValueError(f"x0 and v0 must have one shape, got {tuple(x.shape)} and {tuple(v.shape)}")
    xs, vs = [x], [v]
    for _ in range(steps):
        x, v = step(x, v, dt, accel)
        xs.append(x), vs.append(v)
    return torch.stack(xs), torch.stack(vs)        # (T + 1, ...) each


# ------------------------------------------------------------------------------ a system with a known answer

def spring(stiffness: float = 1.0, mass: float = 1.0) -> Acceleration:
    """The harmonic oscillator's acceleration a = -(k/m) x (Hooke's law)."""
    if not (stiffness > 0 and mass > 0):
        raise ValueError(f"stiffness and mass must be > 0, got {stiffness} and {mass}")
    return lambda x, v: -(stiffness / mass) * x


def spring_solution(x0: float, v0: float, times: Tensor, stiffness: float = 1.0,
                    mass: float = 1.0) -> tuple[Tensor, Tensor]:
    """The exact oscillation: x(t) = x0 cos(wt) + (v0/w) sin(wt), w = sqrt(k/m); (T,) each."""
    w = math.sqrt(stiffness / mass)
    times = torch.as_tensor(times, dtype=torch.float64)
    x = x0 * torch.cos(w * times) + v0 / w * torch.sin(w * times)
    v = -x0 * w * torch.sin(w * times) + v0 * torch.cos(w * times)
    return x, v


def spring_energy(x: Tensor, v: Tensor, stiffness: float = 1.0, mass: float = 1.0) -> Tensor:
    """E = m v^2 / 2 + k x^2 / 2 (J), summed over the last axis when x has one; shape of x[..., 0]."""
    energy = 0.5 * mass * v * v + 0.5 * stiffness * x * x
    return energy.sum(-1) if energy.ndim > 1 else energy


def relative_drift(energy: Tensor) -> Tensor:
    """(E_t - E_0) / abs(E_0) along the first axis (T,): how far energy has wandered from the start."""
    return (energy - energy[0]) / energy[0].abs()
