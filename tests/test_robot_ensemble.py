"""The PETS ensemble's mechanics: the arm moves by its known kinematics, a resting cup stays
put, the mirror flips what it should, and a fitted ensemble beats a constant-velocity cup."""
import gymnasium
import numpy as np
import pytest
import torch

from worldmodels.robot import ensemble, envs
from worldmodels.robot.mpc import push_cost
from worldmodels.robot.scripted import ScriptedPusher

pytestmark = pytest.mark.usefixtures("one_thread")
SMALL = ensemble.Config(members=3, hidden=64, batch_size=128)


def scripted_data(seeds) -> dict:
    env, pusher = gymnasium.make(envs.ENV_ID), ScriptedPusher()
    episodes = [ensemble.play(env, lambda obs, t: pusher.act(obs), s)[0] for s in seeds]
    return {k: torch.cat([e[k] for e in episodes]) for k in episodes[0]}


def test_the_arm_moves_by_its_kinematics_exactly():
    data = scripted_data([70_000])
    model = ensemble.Ensemble(SMALL)
    predicted = model.move_arm(data["state"], data["action"])
    actual = data["state"][:, :4] + data["change"][:, :4]
    torch.testing.assert_close(predicted, actual, atol=2e-5, rtol=0)


def test_a_resting_cup_far_from_the_hand_stays_exactly_put():
    model = ensemble.Ensemble(SMALL)                        # untrained: any output at all
    state = torch.tensor([0.1, -2.5, 0.3, 0.92, 0.8, 0.92, 0.0, 0.0]).expand(3, 4, 8)
    nxt = model.step(state, torch.full((3, 4, 2), 0.2), torch.Generator().manual_seed(0))
    torch.testing.assert_close(nxt[..., 4:], state[..., 4:])


def test_the_mirror_flips_the_x_components_of_inputs_and_changes():
    inputs, changes = torch.randn(6, ensemble.FEATURES), torch.randn(6, ensemble.CHANGE)
    inputs[:, :2] = 0.0                                      # on the table, away from both ends
    inputs[0, 0] = 0.1                                       # ... except one past the edge
    both_in, both_out = ensemble.mirrored(inputs, changes)
    assert len(both_in) == 11
    flipped = both_in[6:]
    torch.testing.assert_close(flipped[:, ensemble.MIRRORED], -inputs[1:, ensemble.MIRRORED])
    torch.testing.assert_close(both_out[6:, ensemble.CHANGE_MIRRORED],
                               -changes[1:, ensemble.CHANGE_MIRRORED])
    torch.testing.assert_close(flipped[:, 2], inputs[1:, 2])  # heights do not flip


def test_a_fitted_ensemble_predicts_the_cup_better_than_constant_velocity():
    train, held_out = scripted_data(range(70_000, 70_012)), scripted_data(range(71_000, 71_004))
    model = ensemble.Ensemble(SMALL)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = ensemble.fit(model, optimiser, train, 400, torch.Generator().manual_seed(0))
    assert np.mean(losses[-50:]) < np.mean(losses[:50])
    state, truth = held_out["state"], held_out["state"] + held_out["change"]
    with torch.no_grad():
        predicted = model.step(state.expand(3, *state.shape), held_out["action"].expand(
            3, *held_out["action"].shape), sample=False).mean(0)
    moving = held_out["change"][:, 4:6].norm(dim=-1) > 1e-4             # where the cup moves
    coasting = state[:, 4:8].clone()                     # the cup keeps its velocity
    coasting[:, :2] += state[:, 6:8] * ensemble.FRAME_SKIP * ensemble.DT

    def error(prediction, part):                         # part: position or velocity
        return (prediction[:, part] - truth[:, 4:8][:, part])[moving].norm(dim=-1).mean()
    position, velocity = slice(0, 2), slice(2, 4)
    assert error(predicted[:, 4:8], position) < 0.5 * error(coasting, position)
    assert error(predicted[:, 4:8], velocity) < error(coasting, velocity)


def test_the_ensemble_as_a_planner_model_gives_one_cost_per_candidate():
    model = ensemble.Ensemble(SMALL)
    start = (torch.tensor([0.1, -2.5, 0.3, 0.92, 0.6, 0.92, 0.0, 0.0]), 0.8)
    rollout = ensemble.EnsembleModel(model)(start, torch.zeros(7, 4, 2))
    assert rollout.members == 3 and rollout.cup.shape == (21, 5, 2)
    assert push_cost(rollout, torch.zeros(7, 4, 2)).shape == (7,)


def test_the_whole_loop_runs_within_its_budget_of_real_steps():
    cfg = ensemble.Config.tiny()
    model, history = ensemble.train(cfg, progress=False)
    assert history["real_steps"][0] <= cfg.real_steps
    assert history["episode_step"] == sorted(history["episode_step"])
    assert len(history["episode_success"]) == len(history["episode_step"]) >= 1


def test_the_loop_scores_its_model_on_held_out_targets_when_asked():
    cfg = ensemble.Config.tiny()
    _, history = ensemble.train(cfg, progress=False, evaluate_every=50, evaluate_targets=1)
    assert history["eval_step"] == sorted(history["eval_step"])
    assert history["eval_step"][-1] == history["real_steps"][0]    # and once at the end
    assert all(rate in (0.0, 1.0) for rate in history["eval_success_rate"])


def test_beta_nll_is_the_gaussian_nll_at_zero_and_least_squares_for_the_mean_at_one():
    g = torch.Generator().manual_seed(0)
    mean = torch.randn(3, 10, 4, generator=g, requires_grad=True)
    logvar, target = torch.randn(3, 10, 4, generator=g), torch.randn(3, 10, 4, generator=g)
    reference = 2 * torch.nn.functional.gaussian_nll_loss(mean, target, logvar.exp())
    torch.testing.assert_close(ensemble.beta_nll(mean, logvar, target, 0.0), reference)
    (gradient,) = torch.autograd.grad(ensemble.beta_nll(mean, logvar, target, 1.0), mean)
    (squared,) = torch.autograd.grad(((mean - target) ** 2).mean(), mean)
    torch.testing.assert_close(gradient, squared)      # whatever the variance


def test_a_member_alone_predicts_what_it_predicted_inside_the_ensemble():
    model = ensemble.Ensemble(SMALL)
    features = torch.randn(1, 7, ensemble.FEATURES)
    whole = model(features.expand(SMALL.members, 7, ensemble.FEATURES))
    for index in range(SMALL.members):
        alone = model.member(index)(features)
        for inside, single in zip(whole, alone):
            torch.testing.assert_close(inside[index], single[0])
    with pytest.raises(ValueError, match="index"):
        model.member(SMALL.members)


def test_an_empty_ensemble_is_refused():
    with pytest.raises(ValueError, match="cfg.members"):
        ensemble.Ensemble(ensemble.Config(members=0))
    with pytest.raises(ValueError, match="cfg.beta"):
        ensemble.Ensemble(ensemble.Config(beta=2.0))


def test_an_input_that_never_varied_keeps_its_scale_and_predictions_stay_finite():
    net = ensemble.GaussianEnsemble(members=2, inputs=3, outputs=1, hidden=8, layers=1)
    g = torch.Generator().manual_seed(0)
    inputs = torch.randn(64, 3, generator=g)
    inputs[:, 1] = 0.0                                  # as the wall is, in early random play
    ensemble.fit_gaussian(net, torch.optim.Adam(net.parameters()), inputs, inputs[:, :1], 5, g,
                          batch_size=16, beta=0.5)
    assert net.in_std[1] == 1.0
    mean, logvar = net(torch.tensor([[[0.0, 0.3, 0.0]]]).expand(2, 1, 3))
    assert torch.isfinite(mean).all() and torch.isfinite(logvar).all()
    with pytest.raises(ValueError, match="inputs"):
        ensemble.fit_gaussian(net, torch.optim.Adam(net.parameters()), inputs[:0], inputs[:0, :1],
                              5, g, batch_size=16, beta=0.5)
