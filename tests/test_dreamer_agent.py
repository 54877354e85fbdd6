"""Part 1's agent: λ-returns against the recursion by hand, return normalisation, SAC's tanh
log-probability, replay windows, a tiny training run, clear errors, and the shipped agents' bars."""
import math

import numpy as np
import pytest
import torch

from worldmodels.dreamer.agent import Config
from worldmodels.dreamer.learn import evaluate, train
from worldmodels.dreamer.replay import Replay
from worldmodels.dreamer.returns import ReturnNormalizer, lambda_return
from worldmodels.measure.model_free import SAC, SACConfig, train_sac
from worldmodels.robot import envs as robot_envs
from worldmodels.world.envs import make_env

pytestmark = pytest.mark.usefixtures("one_thread")


def test_lambda_return_matches_the_recursion_by_hand():
    r0, r1, v0, v1, v2, c0, c1, g, lam = 1.0, -2.0, 0.5, 3.0, 4.0, 1.0, 0.5, 0.9, 0.7
    R1 = r1 + g * c1 * v2                                    # the last step bootstraps from v2
    R0 = r0 + g * c0 * ((1 - lam) * v1 + lam * R1)
    got = lambda_return(torch.tensor([[r0, r1]]), torch.tensor([[v0, v1, v2]]),
                        torch.tensor([[c0, c1]]), gamma=g, lam=lam)
    torch.testing.assert_close(got, torch.tensor([[R0, R1]]))


def test_lambda_return_limits_td0_and_monte_carlo():
    g = torch.Generator().manual_seed(0)
    reward, value = torch.randn(3, 6, generator=g), torch.randn(3, 7, generator=g)
    cont = torch.ones(3, 6)
    td0 = lambda_return(reward, value, cont, gamma=0.9, lam=0.0)
    torch.testing.assert_close(td0, reward + 0.9 * value[:, 1:])
    mc = lambda_return(reward, value, cont, gamma=0.9, lam=1.0)[:, 0]
    discounts = 0.9 ** torch.arange(6.0)
    torch.testing.assert_close(mc, (reward * discounts).sum(1) + 0.9 ** 6 * value[:, 6])


def test_return_normalizer_uses_percentile_range_and_never_scales_up():
    returns = torch.linspace(0, 100, 1001)
    norm = ReturnNormalizer(decay=0.5)
    assert norm.update(returns) == pytest.approx(90.0, rel=1e-4)    # P95 - P5
    assert norm.update(returns * 0) == pytest.approx(45.0, rel=1e-4)  # EMA halfway to 0
    assert ReturnNormalizer().update(torch.linspace(0, 0.3, 11)) == 1.0


def test_sac_log_prob_equals_tanh_change_of_variables():
    torch.manual_seed(0)
    sac = SAC(obs_size=3, action_size=2, cfg=SACConfig(hidden=8))
    obs = torch.randn(5, 3)
    torch.manual_seed(1)
    action, log_prob = sac.policy(obs)
    mean, log_std = sac.actor(obs).chunk(2, dim=-1)
    dist = torch.distributions.TransformedDistribution(
        torch.distributions.Normal(mean, log_std.clamp(-5, 2).exp()),
        torch.distributions.transforms.TanhTransform())
    torch.testing.assert_close(log_prob, dist.log_prob(action).sum(-1), atol=1e-3, rtol=1e-4)


def test_sac_scores_itself_every_eval_every_steps():
    cfg = SACConfig(env_steps=60, prefill=40, batch_size=8, hidden=8, eval_episodes=1,
                    eval_every=20)
    _, history = train_sac(cfg, robot_envs.ENV_ID, progress=False)   # short episodes
    assert history["eval_step"] == [20, 40, 60]
    assert all(0.0 <= rate <= 1.0 for rate in history["eval_success_rate"])
    with pytest.raises(ValueError, match="eval_every"):
        train_sac(SACConfig(eval_every=-1), robot_envs.ENV_ID, progress=False)


def test_replay_masks_transitions_across_episodes():
    replay = Replay(capacity=10, obs_size=1, action_size=1)
    for t in range(14):  # wraps around: episodes of 4 steps, steps 4..13 remain
        replay.add([t], [0.0], float(t), 1.0, is_first=t % 4 == 0)
    batch = replay.sample(32, 3, np.random.default_rng(0))
    obs = batch["obs"][..., 0]                                        # (B, 3)
    assert obs.min() >= 4 and torch.all(obs[:, 1:] - obs[:, :-1] == 1)   # never wraps
    torch.testing.assert_close(batch["mask"], 1.0 - (obs[:, 1:] % 4 == 0).float())
    torch.testing.assert_close(batch["reward"], obs[:, :-1])


def test_tiny_config_trains_end_to_end():
    agent, history = train(Config.tiny(), "Pendulum-v1", progress=False)
    assert history["episode_step"] and len(history["eval_return"]) == 1
    assert all(math.isfinite(x) for x in history["recon"] + history["actor_loss"])
    assert -2000 < history["eval_return"][0] <= 0     # Pendulum's rewards are in [-16.3, 0]


def test_clear_errors_on_bad_environments_and_configs():
    with pytest.raises(ValueError, match="Box actions"):
        make_env("CartPole-v1")
    with pytest.raises(TypeError, match="env_id"):
        make_env(3)
    with pytest.raises(ValueError, match="prefill"):
        train(Config(env_steps=100, prefill=200), "Pendulum-v1", progress=False)


@pytest.mark.parametrize("actor_grad", ["dynamics", "reinforce"])
def test_imagination_step_trains_actor_and_critic_but_never_the_world_model(actor_grad):
    from dataclasses import replace

    from worldmodels.dreamer.agent import Dreamer
    torch.manual_seed(0)
    agent = Dreamer(3, 1, replace(Config.tiny(), actor_grad=actor_grad))
    replay, rng = Replay(64, 3, 1), np.random.default_rng(0)
    for i in range(64):
        replay.add(rng.normal(size=3), rng.uniform(-1, 1, 1), -float(i % 5), 1.0, i % 32 == 0)
    _, _, out = agent.world_model.loss(replay.sample(4, 8, rng))
    start = {k: v.detach() for k, v in out["post"].items()}
    before = {name: [p.clone() for p in getattr(agent, name).parameters()]
              for name in ("world_model", "actor", "critic")}
    metrics = agent.imagination_step(start)
    moved = {name: any(not torch.equal(a, b) for a, b in zip(old, getattr(agent, name).parameters()))
             for name, old in before.items()}
    assert moved == {"world_model": False, "actor": True, "critic": True}
    assert math.isfinite(metrics["actor_loss"]) and math.isfinite(metrics["critic_loss"])


def _serial_update(agent, batch):
    """The update as the textbook writes it: world model, then imagination, one after the other."""
    loss, metrics, out = agent.world_model.loss(batch)
    agent.wm_opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(agent.world_model.parameters(), agent.cfg.model.grad_clip)
    agent.wm_opt.step()
    pick = torch.randperm(len(out["post"]["deter"]))[:agent.cfg.starts]
    metrics.update(agent.imagination_step({k: v[pick].detach() for k, v in out["post"].items()}))
    return metrics


@pytest.mark.parametrize("actor_grad", ["dynamics", "reinforce"])
def test_overlapped_updates_equal_serial_updates_bit_for_bit(actor_grad):
    from dataclasses import replace

    from worldmodels.dreamer.agent import Dreamer
    cfg = replace(Config.tiny(), actor_grad=actor_grad, starts=16)
    replay, rng = Replay(200, 3, 1), np.random.default_rng(0)
    for i in range(200):
        replay.add(rng.normal(size=3), rng.uniform(-1, 1, 1), -float(i % 5), 1.0, i % 50 == 0)
    batches = [replay.sample(4, 8, rng) for _ in range(5)]
    runs = {}
    for name in ("serial", "overlapped"):
        torch.manual_seed(0)
        agent = Dreamer(3, 1, cfg)
        initial = {n: p.detach().clone() for n, p in agent.named_parameters()}
        metrics = ([_serial_update(agent, b) for b in batches] if name == "serial"
                   else agent.update_many(batches))
        runs[name] = metrics, {n: p.detach().clone() for n, p in agent.named_parameters()}
        assert agent.update_many([]) == []
    (serial_metrics, serial_params), (metrics, params) = runs["serial"], runs["overlapped"]
    assert metrics == serial_metrics
    assert all(torch.equal(params[n], serial_params[n]) for n in params)
    learned = {n.split(".")[0] for n in params if not torch.equal(params[n], initial[n])}
    assert learned == {"world_model", "actor", "critic", "slow_critic"}


def test_bad_actor_gradient_is_named():
    from dataclasses import replace

    from worldmodels.dreamer.agent import Dreamer
    with pytest.raises(ValueError, match="actor_grad"):
        Dreamer(3, 1, replace(Config.tiny(), actor_grad="magic"))


@pytest.mark.parametrize("name, bar", [("dreamer_pendulum", "return"), ("dreamer_cup", "success")])
def test_shipped_agents_meet_their_bars(name, bar):
    """Held-out episodes (seeds the training and its evaluation never used)."""
    from worldmodels import checkpoints
    from worldmodels.dreamer.recipes import load_pretrained
    if name not in checkpoints.available():
        pytest.skip(f"{name} is not shipped yet: python -m worldmodels.train {name}")
    agent, env_id = load_pretrained(name=name)
    returns, successes = evaluate(agent, env_id, episodes=5, seed=777)
    if bar == "return":
        assert np.mean(returns) >= -200, returns      # issue: >= -200 on Pendulum-v1
    else:
        assert np.mean(successes) >= 0.8, successes   # 90 % over 10 in the benchmark; 4 of 5 here


def test_actor_log_prob_equals_tanh_change_of_variables():
    from worldmodels.dreamer.agent import Actor
    torch.manual_seed(0)
    actor = Actor(feature_size=6, action_size=2, hidden=8)
    features = torch.randn(5, 6)
    action, _ = actor(features)
    mean, raw_std = actor.net(features).chunk(2, dim=-1)
    std = actor.min_std + (actor.max_std - actor.min_std) * torch.sigmoid(raw_std)
    dist = torch.distributions.TransformedDistribution(
        torch.distributions.Normal(mean, std), torch.distributions.transforms.TanhTransform())
    torch.testing.assert_close(actor.log_prob(features, action), dist.log_prob(action).sum(-1),
                               atol=1e-3, rtol=1e-4)
