"""The planner and a PETS ensemble on Pendulum-v1: the oracle's equations and cost are the
environment's own, a fitted ensemble beats "nothing changes", and planning through the true
equations swings the pendulum up."""
import gymnasium
import numpy as np
import pytest
import torch

from worldmodels.robot import pendulum

pytestmark = pytest.mark.usefixtures("one_thread")


def test_the_oracle_step_and_cost_are_pendulum_v1s_own():
    env = gymnasium.make(pendulum.ENV_ID)
    obs, _ = env.reset(seed=3)
    rng = np.random.default_rng(0)
    for _ in range(50):
        action = rng.uniform(-1, 1, 1).astype(np.float32)
        state = pendulum.state_of(obs).double()
        predicted = pendulum.true_step(state, torch.from_numpy(action).double())
        step_cost = pendulum.cost(torch.stack([state, predicted])[None],
                                  torch.from_numpy(action).double()[None, None])
        obs, reward, *_ = env.step(pendulum.MAX_TORQUE * action)
        truth = pendulum.state_of(obs).double()
        assert float(pendulum.wrap(predicted[0] - truth[0])) == pytest.approx(0, abs=1e-5)
        assert float(predicted[1]) == pytest.approx(float(truth[1]), abs=1e-5)
        assert float(step_cost) == pytest.approx(-reward, rel=1e-4, abs=1e-6)


def test_planning_through_the_true_equations_swings_the_pendulum_up():
    env = gymnasium.make(pendulum.ENV_ID)
    controller = pendulum.PendulumMPC(pendulum.true_step, seed=0)
    rng = np.random.default_rng(0)
    _, planned = pendulum.play(env, controller.act, seed=5)
    _, flailing = pendulum.play(env, lambda obs: rng.uniform(-1, 1, 1), seed=5)
    assert planned > -300 and planned > flailing + 500


def test_a_fitted_ensemble_predicts_better_than_nothing_changes():
    cfg = pendulum.PendulumConfig(members=3, hidden=32, fit_steps=400)
    env, rng = gymnasium.make(pendulum.ENV_ID), np.random.default_rng(1)
    train, _ = pendulum.play(env, lambda obs: rng.uniform(-1, 1, 1), seed=0)
    test, _ = pendulum.play(env, lambda obs: rng.uniform(-1, 1, 1), seed=1)
    model = pendulum.PendulumModel(cfg)
    pendulum.fit(model, torch.optim.Adam(model.parameters(), lr=cfg.lr), train,
                 torch.Generator().manual_seed(0))
    with torch.no_grad():
        predicted = model.step(test["state"].repeat(3, 1), test["action"].repeat(3, 1))
    truth = test["next"].repeat(3, 1)
    error = pendulum.wrap(predicted[:, 0] - truth[:, 0]).abs().mean()
    still = pendulum.wrap(test["state"][:, 0] - test["next"][:, 0]).abs().mean()
    assert error < 0.2 * still


def test_rollouts_give_every_member_its_own_future():
    step = lambda state, action: state + action.expand(-1, 2)       # noqa: E731
    rollouts = pendulum.Rollouts(step, members=3)
    states = rollouts(torch.zeros(2), torch.ones(4, 5, 1))
    assert states.shape == (12, 6, 2)
    assert torch.equal(states[:, -1], torch.full((12, 2), 5.0))
    costs = pendulum.ensemble_cost(states, torch.ones(4, 5, 1))
    assert costs.shape == (4,)


def test_an_empty_ensemble_is_refused():
    with pytest.raises(ValueError, match="cfg.members"):
        pendulum.PendulumModel(pendulum.PendulumConfig(members=0))
