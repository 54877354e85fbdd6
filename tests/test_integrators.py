"""Integrators against the harmonic oscillator's exact solution: orders of convergence, energy."""
import math

import pytest
import torch

from worldmodels.physics import integrators

ORDERS = {"explicit Euler": 1, "semi-implicit Euler": 1, "leapfrog": 2, "RK4": 4}


def final_error(method: str, dt: float, duration: float = 2.0) -> float:
    steps = round(duration / dt)
    xs, vs = integrators.integrate(method, 1.0, 0.5, dt, steps, integrators.spring(4.0, 1.0))
    x, v = integrators.spring_solution(1.0, 0.5, torch.tensor([steps * dt]), 4.0, 1.0)
    return math.hypot(float(xs[-1] - x[0]), float(vs[-1] - v[0]))


@pytest.mark.parametrize("method, order", ORDERS.items())
def test_order_of_convergence_matches_theory(method, order):
    # Halving dt divides the global error by 2^order (Hairer et al., Geometric Numerical Integration).
    errors = [final_error(method, dt) for dt in (0.02, 0.01, 0.005)]
    rates = [math.log2(a / b) for a, b in zip(errors, errors[1:])]
    assert all(abs(rate - order) < 0.15 for rate in rates), (method, rates)


def test_symplectic_integrators_keep_energy_bounded_and_euler_pumps_it_in():
    accel, dt, steps = integrators.spring(1.0, 1.0), 0.25, 300      # about 12 periods
    drift = {}
    for method in ORDERS:
        xs, vs = integrators.integrate(method, 1.0, 0.0, dt, steps, accel)
        drift[method] = integrators.relative_drift(integrators.spring_energy(xs, vs))
    for method in ("semi-implicit Euler", "leapfrog"):
        # Bounded: the shadow energy is conserved, so the error oscillates at O(dt) forever.
        assert drift[method].abs().max() < 0.15, method
        assert drift[method][-100:].abs().max() < 1.5 * drift[method][:100].abs().max(), method
    # Explicit Euler multiplies the energy by (1 + dt^2) every step, exactly, for this spring.
    expected = (1 + dt * dt) ** torch.arange(steps + 1, dtype=torch.float64) - 1
    torch.testing.assert_close(drift["explicit Euler"], expected, rtol=1e-9, atol=1e-12)
    # RK4 is accurate but not symplectic: for this spring every step multiplies the energy by
    # |R(i dt)|^2 = 1 - dt^6/72 + dt^8/576 < 1, so it leaks away steadily.
    factor = 1 - dt ** 6 / 72 + dt ** 8 / 576
    expected = factor ** torch.arange(steps + 1, dtype=torch.float64) - 1
    torch.testing.assert_close(drift["RK4"], expected, rtol=1e-6, atol=1e-12)


def test_integrate_works_on_vectors_and_rejects_bad_input():
    xs, vs = integrators.integrate("leapfrog", [1.0, 0.0], [0.0, 1.0], 0.01, 5,
                                   integrators.spring())
    assert xs.shape == vs.shape == (6, 2)
    assert integrators.spring_energy(xs, vs).shape == (6,)
    with pytest.raises(ValueError, match="method"):
        integrators.integrate("verlet?", 1.0, 0.0, 0.1, 3, integrators.spring())
    with pytest.raises(ValueError, match="dt"):
        integrators.integrate("RK4", 1.0, 0.0, -0.1, 3, integrators.spring())
    with pytest.raises(ValueError, match="steps"):
        integrators.integrate("RK4", 1.0, 0.0, 0.1, 2.5, integrators.spring())
    with pytest.raises(ValueError, match="one shape"):
        integrators.integrate("RK4", [1.0, 2.0], 0.0, 0.1, 3, integrators.spring())
    with pytest.raises(ValueError, match="stiffness"):
        integrators.spring(-1.0)
