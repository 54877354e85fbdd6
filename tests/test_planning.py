"""The planners against problems whose optimum is known: a quadratic bowl, and the linear-
quadratic regulator, whose optimal cost the Riccati recursion gives exactly."""
import pytest
import torch

from worldmodels import planning

DT, HORIZON = 0.1, 15
A = torch.tensor([[1.0, DT], [0.0, 1.0]], dtype=torch.float64)   # a double integrator
B = torch.tensor([[0.0], [DT]], dtype=torch.float64)
Q, R, FINAL = torch.eye(2, dtype=torch.float64), 0.1 * torch.eye(1, dtype=torch.float64), \
    10 * torch.eye(2, dtype=torch.float64)
X0 = torch.tensor([1.0, 0.0], dtype=torch.float64)
SETTINGS = {"cem": dict(samples=400, elites=40, iterations=30, init_std=2.0),
            "mppi": dict(samples=400, iterations=30, temperature=0.05, noise_std=2.0,
                         decay=0.85)}


def riccati_gains() -> tuple[torch.Tensor, list[torch.Tensor]]:
    """P0 and the feedback gains K_{H-1} .. K_0 of the finite-horizon LQR (backward in time)."""
    P, gains = FINAL, []
    for _ in range(HORIZON):
        K = torch.linalg.solve(R + B.T @ P @ B, B.T @ P @ A)
        P = Q + A.T @ P @ (A - B @ K)
        gains.append(K)
    return P, gains


def riccati() -> tuple[float, torch.Tensor]:
    """The finite-horizon LQR optimum: its cost x0' P0 x0 and its actions, rolled out."""
    P, gains = riccati_gains()
    x, actions = X0, []
    for K in reversed(gains):
        u = -K @ x
        actions.append(u)
        x = A @ x + B @ u
    return float(X0 @ P @ X0), torch.stack(actions)


def linear_dynamics(start, actions):          # actions (K, H, 1) -> states (K, H + 1, 2)
    x, states = start.expand(len(actions), 2), [start.expand(len(actions), 2)]
    for t in range(actions.shape[1]):
        x = x @ A.T + actions[:, t] @ B.T
        states.append(x)
    return torch.stack(states, 1)


def quadratic_cost(states, actions):
    running = ((states[:, :-1] @ Q) * states[:, :-1]).sum((1, 2))
    effort = ((actions @ R) * actions).sum((1, 2))
    final = ((states[:, -1] @ FINAL) * states[:, -1]).sum(1)
    return running + effort + final


@pytest.mark.parametrize("name", ["cem", "mppi"])
def test_planners_reach_the_lqr_optimum_within_two_percent(name):
    optimum, optimal_actions = riccati()
    assert optimal_actions.abs().max() < 10     # the bounds below do not bind
    plan = planning.PLANNERS[name](linear_dynamics, quadratic_cost, X0, HORIZON, 1, low=-10,
                                   high=10, dtype=torch.float64,
                                   generator=torch.Generator().manual_seed(0), **SETTINGS[name])
    assert optimum <= plan.cost <= 1.02 * optimum, (plan.cost, optimum)
    cost_of_actions = quadratic_cost(linear_dynamics(X0, plan.actions[None]), plan.actions[None])
    assert float(cost_of_actions) == pytest.approx(plan.cost)   # the reported cost is real
    assert plan.costs == sorted(plan.costs, reverse=True)       # never worse with iterations


@pytest.mark.parametrize("name", ["cem", "mppi"])
def test_planners_find_the_bottom_of_a_quadratic_bowl(name):
    goal = torch.tensor([[0.3, -0.5], [0.7, 0.1], [-0.2, 0.9]])          # (H, A), inside bounds
    bowl = lambda states, actions: (actions - goal).pow(2).sum((1, 2))   # noqa: E731
    plan = planning.PLANNERS[name](lambda start, actions: None, bowl, None, 3, 2,
                                   generator=torch.Generator().manual_seed(1), iterations=15)
    torch.testing.assert_close(plan.actions, goal, atol=0.03, rtol=0)


def closed_loop_cost(policy, steps: int = 30) -> float:
    x, total = X0, 0.0
    for _ in range(steps):
        u = policy(x)
        assert u.shape == (1,)
        total += float(x @ Q @ x + u @ R @ u)
        x = A @ x + B @ u
    return total


def test_receding_horizon_matches_the_lqr_controller():
    """Model-predictive control re-plans every step; with an exact plan that is the LQR
    feedback u = -K0 x of the same horizon, whose closed-loop cost is the reference."""
    K0 = riccati_gains()[1][-1]
    reference = closed_loop_cost(lambda x: -K0 @ x)
    controller = planning.RecedingHorizon("cem", linear_dynamics, quadratic_cost, HORIZON, 1,
                                          seed=0, low=-10, high=10, dtype=torch.float64,
                                          samples=200, elites=20, iterations=5,
                                          first_iterations=20, init_std=2.0)
    assert closed_loop_cost(controller.act) <= 1.02 * reference
    controller.reset()
    assert controller.last is None


@pytest.mark.parametrize("call, message", [
    (lambda: planning.cem(linear_dynamics, quadratic_cost, X0, 0, 1), "horizon"),
    (lambda: planning.cem(linear_dynamics, quadratic_cost, X0, 3, 0), "action_dim"),
    (lambda: planning.cem(linear_dynamics, quadratic_cost, X0, 3, 1, samples=1), "samples"),
    (lambda: planning.cem(linear_dynamics, quadratic_cost, X0, 3, 1, elites=0), "elites"),
    (lambda: planning.cem(linear_dynamics, quadratic_cost, X0, 3, 1, low=1, high=-1), "low"),
    (lambda: planning.cem(linear_dynamics, quadratic_cost, X0, 3, 1,
                          init_mean=torch.zeros(2, 1)), "init_mean"),
    (lambda: planning.mppi(linear_dynamics, quadratic_cost, X0, 3, 1, temperature=0),
     "temperature"),
    (lambda: planning.mppi(linear_dynamics, lambda s, a: torch.zeros(2), X0, 3, 1,
                           dtype=torch.float64),
     r"cost must return a tensor of shape \(256,\)"),
    (lambda: planning.cem(linear_dynamics, lambda s, a: torch.full((len(a),), float("nan")),
                          X0, 3, 1, dtype=torch.float64), "cost returned NaN"),
    (lambda: planning.RecedingHorizon("astar", linear_dynamics, quadratic_cost, 3, 1),
     "planner must be one of"),
])
def test_bad_input_names_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
