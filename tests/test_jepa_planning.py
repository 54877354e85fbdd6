"""Part 5's planning to a goal image: the pairs, the predictor on a frozen encoder, the surprise
of a clip, and the shipped latent planner against doing nothing and against the true goal."""
from dataclasses import replace

import pytest
import torch

from worldmodels.jepa import jepa, latent_dynamics
from worldmodels.jepa.goals import SUCCESS_RADIUS, GoalPairs, LatentPlanner, goal_pairs, reach
from worldmodels.jepa.play import HAND_SPEED, play
from worldmodels.video.goal_planner import PixelPlanner


class Still:
    """A planner that never moves the hand: the trivial baseline."""

    def __call__(self, frames, goal, steps_left):
        return 0.0


class Replay:
    """The presses that made each goal, replayed: an oracle that must reach every goal."""

    def __init__(self, actions):
        self.actions, self.pair, self.step = actions, -1, 0

    def __call__(self, frames, goal, steps_left):
        if steps_left == len(self.actions[0]):
            self.pair, self.step = self.pair + 1, 0
        self.step += 1
        return float(self.actions[self.pair, self.step - 1])


def test_goal_pairs_move_the_cup_along_the_table_and_are_reproducible():
    pairs = goal_pairs(6, seed=5)
    moved = (pairs.goal_cup - pairs.state.pos[:, 0]).norm(dim=-1)
    assert len(pairs) == 6 and pairs.steps == 20 and (moved >= 0.1).all()
    assert (pairs.goal_cup[:, 1] > pairs.params.table.height).all()
    assert pairs.start.shape == pairs.goal.shape == (6, 3, 32, 32)
    assert torch.equal(goal_pairs(6, seed=5).goal, pairs.goal)
    assert len(pairs.select([0, 2])) == 2 and torch.equal(pairs.select([2]).goal[0], pairs.goal[2])


def test_reach_scores_an_oracle_perfectly_and_doing_nothing_never():
    pairs = goal_pairs(4, seed=7, presses=3, wait=10)
    oracle = reach(pairs, Replay(pairs.actions))
    assert oracle.success == 1.0 and oracle.distance.max() < 1e-5
    assert reach(pairs, Still()).success == 0.0


def test_the_shipped_latent_planner_beats_doing_nothing():
    torch.manual_seed(0)
    encoder = jepa.load_pretrained(name="jepa_clean")
    planner = LatentPlanner(encoder, latent_dynamics.load_pretrained())
    pairs = goal_pairs(10, seed=40_000)
    assert planner(pairs.start[:2], pairs.goal[0], pairs.steps) in (-HAND_SPEED, 0.0, HAND_SPEED)
    planner.previous = None                               # a fresh episode for reach
    result = reach(pairs, planner)
    still = reach(pairs, Still())
    assert result.success >= 0.6 > still.success           # the benchmark's 100 pairs: 0.8
    assert result.distance.median() < still.distance.median() / 4


def test_the_pixel_planner_answers_a_velocity_and_checks_its_goal():
    from worldmodels.video import action_conditioned
    model = action_conditioned.ActionVideoModel(action_conditioned.Config.tiny())
    planner = PixelPlanner(model, samples=4, elites=2, iterations=1)
    frames = torch.rand(2, 3, 32, 32)
    action = planner(frames, torch.rand(3, 32, 32), 3)
    assert action in (-HAND_SPEED, 0.0, HAND_SPEED)                  # a button
    free = PixelPlanner(model, samples=4, elites=2, iterations=1, buttons=False)
    assert abs(free(frames, torch.rand(3, 32, 32), 3)) <= HAND_SPEED
    with pytest.raises(ValueError, match="goal"):
        planner(frames, torch.rand(3, 16, 16), 3)


def test_latent_dynamics_trains_and_its_rollout_error_is_a_share_of_the_spread():
    encoder = jepa.JEPA(jepa.Config.tiny())
    cfg = latent_dynamics.Config.tiny()
    dynamics, history = latent_dynamics.train(cfg, encoder, progress=False)
    assert len(history["loss"]) == cfg.iterations
    errors = latent_dynamics.evaluate(dynamics, encoder, steps=3, num_clips=8)["rollout_error"]
    assert len(errors) == 3 and all(e >= 0 for e in errors)
    with pytest.raises(ValueError, match="unroll"):
        latent_dynamics.train(replace(cfg, unroll=cfg.clip_steps), encoder, progress=False)


def test_the_shipped_predictor_rolls_out_far_better_than_assuming_nothing_moves():
    scores = latent_dynamics.evaluate(latent_dynamics.load_pretrained(),
                                      jepa.load_pretrained(name="jepa_clean"), num_clips=64)
    rolled, still = scores["rollout_error"], scores["copy_last_error"]
    assert len(rolled) == 8 and rolled[0] < 0.05 and rolled[-1] < 0.2
    assert all(r < s / 2 for r, s in zip(rolled[1:], still[1:]))


def test_surprise_is_small_on_played_clips_and_spikes_where_the_cup_teleports():
    encoder = jepa.load_pretrained(name="jepa_clean")
    dynamics = latent_dynamics.load_pretrained()
    clips = play(16, steps=8, seed=60_000)
    frames = clips.frames.clone()
    frames[:, 6:] = frames[torch.arange(1, 17) % 16, 6:]     # from frame 6, another clip's cup
    actions = torch.cat([clips.actions, torch.zeros(16, 1)], dim=1)      # (N, T+1)
    normal = latent_dynamics.surprise(dynamics, encoder, clips.frames, actions)
    odd = latent_dynamics.surprise(dynamics, encoder, frames, actions)
    assert normal.shape == (16, 9) and (normal[:, :2] == 0).all()
    assert torch.equal(normal[:, :6], odd[:, :6])            # identical until the jump
    assert (odd[:, 6] > normal[:, 6]).float().mean() >= 0.8
    with pytest.raises(ValueError, match="actions"):
        latent_dynamics.surprise(dynamics, encoder, clips.frames, clips.actions)


def test_bad_planning_input_is_named():
    with pytest.raises(ValueError, match="num_pairs"):
        goal_pairs(0, seed=0)
    with pytest.raises(ValueError, match="min_move"):
        goal_pairs(2, seed=0, min_move=-1.0)
    with pytest.raises(TypeError, match="pairs"):
        reach("pairs", Still())
    pairs = goal_pairs(1, seed=3)
    with pytest.raises(ValueError, match="planner"):
        reach(pairs, lambda frames, goal, steps_left: float("nan"))
    encoder = jepa.load_pretrained(name="jepa_clean")
    planner = LatentPlanner(encoder, latent_dynamics.load_pretrained())
    with pytest.raises(ValueError, match="goal"):
        planner(pairs.start, torch.rand(3, 16, 16), 2)
    assert isinstance(pairs, GoalPairs) and SUCCESS_RADIUS == pytest.approx(0.05)


def test_the_exercise_checks_accept_the_definitions_and_reject_near_misses(capsys):
    import math

    from worldmodels import exercises

    def rank(z):
        sigma = torch.linalg.svdvals(z)
        p = sigma / sigma.sum() + 1e-12
        return math.exp(-(p * p.log()).sum().item())

    def centred_rank(z):                       # RankMe does not centre
        return rank(z - z.mean(0))

    def surprise(z, predicted):
        error = (predicted - z[:, 2:]).pow(2).mean(-1)
        return torch.cat([torch.zeros(len(z), 2, dtype=error.dtype), error], dim=1)

    def summed(z, predicted):                  # a sum over dimensions, not the mean
        return surprise(z, predicted) * z.shape[-1]

    assert exercises.jepa.check_effective_rank(rank)
    assert not exercises.jepa.check_effective_rank(centred_rank)
    assert exercises.jepa.check_surprise(surprise)
    assert not exercises.jepa.check_surprise(summed)


def test_part_5_figures_draw_what_they_are_given():
    import matplotlib.pyplot as plt

    from worldmodels import viz

    frames = torch.rand(2, 9, 3, 32, 32)
    fig = viz.jepa.episodes({"a": frames[0], "b": frames[1]}, frames[:, -1], every=4)
    assert fig.axes[0].get_title() == "step 0" and fig.axes[3].get_title() == "goal"
    fig = viz.jepa.surprise_over_time({"possible": torch.zeros(9), "odd": torch.ones(9)},
                                      onset=4, fps=25, title="s")
    assert len(fig.axes[0].lines) == 3                      # two curves and the onset
    flat, spiky = torch.full((8,), 1 / 8), torch.tensor([1.0] + [0.0] * 7)
    fig = viz.jepa.spectrum({"flat": flat, "collapsed": spiky}, "flat", "t")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "flat (effective rank 8.0)" in labels and "collapsed (effective rank 1.0)" in labels
    plt.close("all")
