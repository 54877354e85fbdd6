"""Part 6's toddler revisited: the tables, the cup model, learning by intervening and by
surprise, each against a reference (the engine, an exact zero model, an analytic curve)."""
import math
from dataclasses import replace

import pytest
import torch

from worldmodels.convergence import adapting, curiosity
from worldmodels.convergence.cup_model import CupModel, error, features, fit, move_hand
from worldmodels.convergence.cups import EPISODE, Cups, random_play


def test_the_hand_is_known_exactly_even_at_the_worlds_edge():
    cups = Cups(64, seed=3)
    generator = torch.Generator().manual_seed(0)
    for _ in range(EPISODE - 1):
        actions = (2 * torch.rand(64, 2, generator=generator) - 1) * 3.0   # some clipped
        cup, hand = cups.observe()
        seen = cups.interact(actions)
        after, moved = move_hand(hand, actions)
        torch.testing.assert_close(after, cups.observe()[1], atol=1e-6, rtol=0)
        torch.testing.assert_close(moved, seen.move, atol=1e-5, rtol=0)


def test_an_untouched_cup_at_rest_stays_put():
    cups = Cups(8, seed=1)
    seen = cups.interact(torch.tensor([[-1.0, 0.0]]).repeat(8, 1))     # the hand backs away
    torch.testing.assert_close(seen.after, seen.cup, atol=1e-6, rtol=0)


def test_tables_reset_to_fresh_cups_every_episode():
    cups = Cups(4, seed=0)
    push = torch.tensor([[2.0, 0.0]]).repeat(4, 1)
    starts = []
    for t in range(2 * EPISODE):
        seen = cups.interact(push)
        if t % EPISODE == 0:
            starts.append(seen.cup)
    assert not torch.equal(starts[0], starts[1])
    assert (starts[1][:, 2:] == 0).all()                          # a fresh cup is at rest


def test_bad_input_names_the_argument():
    cups = Cups(2)
    with pytest.raises(ValueError, match="actions"):
        cups.interact(torch.zeros(3, 2))
    with pytest.raises(ValueError, match="friction"):
        cups.change(friction=-0.1)
    with pytest.raises(ValueError, match="batch_size"):
        Cups(0)
    with pytest.raises(ValueError, match="members"):
        CupModel(members=0)
    with pytest.raises(ValueError, match="cfg.interactions"):
        curiosity.Config(tables=16, interactions=1000, rounds=25)
    model, _ = adapting.train(adapting.Config.tiny(), progress=False)
    memory = adapting.old_world_play(adapting.Config.tiny())
    with pytest.raises(ValueError, match="change"):
        adapting.stream(model, memory, "no gravity", "frozen", adapting.Stream.tiny())
    with pytest.raises(ValueError, match="rule"):
        adapting.stream(model, memory, "slippery table", "sometimes", adapting.Stream.tiny())


def test_a_model_that_predicts_no_change_scores_exactly_one():
    data = random_play(16, EPISODE, seed=2)
    model = CupModel(members=3, hidden=8)
    with torch.no_grad():
        model.layers[-1].weight.zero_()
    assert error(model, data) == pytest.approx(1.0, abs=1e-6)


def test_identical_members_do_not_disagree_and_trained_ones_do_where_data_is_thin():
    data = random_play(32, EPISODE, seed=4)
    x = features(data.cup, data.hand, data.move)
    model = CupModel(members=4, hidden=16)
    with torch.no_grad():
        for layer in model.layers:
            layer.weight[:] = layer.weight[:1]
            layer.bias[:] = layer.bias[:1]
    assert model.disagreement(x).abs().max() < 1e-10
    assert CupModel(members=4, hidden=16).disagreement(x).min() > 0


def test_fitting_beats_predicting_no_change_on_held_out_play():
    torch.manual_seed(0)
    model = CupModel(members=2, hidden=32)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    fit(model, optimiser, random_play(128, 2 * EPISODE, seed=5), 600,
        torch.Generator().manual_seed(0))
    assert error(model, random_play(64, 2 * EPISODE, seed=6)) < 0.6


def test_interactions_to_reach_reads_a_power_law_exactly():
    n = [100, 200, 400, 800, 1600]
    history = {"interactions": n, "error": [1 / k for k in n]}
    smooth = curiosity.smoothed(history)
    target = math.sqrt(smooth[2] * smooth[3])            # halfway between refits, in logs
    assert curiosity.interactions_to_reach(history, target) == pytest.approx(math.sqrt(400 * 800))
    assert curiosity.interactions_to_reach(history, 0.0) == math.inf


def test_a_curious_learner_pushes_the_cup_more_often_than_random_play():
    """Disagreement lives where the cup moves: a learner that seeks it sets the cup moving
    more often than the random strokes a watcher sees."""
    cfg = replace(curiosity.Config(), interactions=960, rounds=6, fit_steps=50, members=3,
                  hidden=32, candidates=16, horizon=4, test_tables=16)
    model, history = curiosity.learn(cfg, intervene=True, progress=False)
    assert len(history["error"]) == cfg.rounds and all(map(math.isfinite, history["error"]))
    moved = {}
    for intervene in (False, True):
        cups = Cups(16, seed=9)
        strokes = curiosity.random_strokes(16, 40, torch.Generator().manual_seed(1))
        generator, count = torch.Generator().manual_seed(2), 0
        for t in range(40):
            actions = (curiosity.curious_pushes(model, *cups.observe(), 16, 4, generator)
                       if intervene else strokes[:, t])
            seen = cups.interact(actions)
            count += int(((seen.after - seen.cup)[:, 2:].norm(dim=-1) > 1e-3).sum())
        moved[intervene] = count
    assert moved[True] > 1.5 * moved[False]


def test_a_frozen_model_forgets_nothing_and_is_never_changed():
    model, _ = adapting.train(adapting.Config.tiny(), progress=False)
    memory = adapting.old_world_play(adapting.Config.tiny())
    before = {k: v.clone() for k, v in model.state_dict().items()}
    run = adapting.stream(model, memory, "stronger gravity", "frozen", adapting.Stream.tiny())
    assert run["forgetting"] == pytest.approx(1.0)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    replay = adapting.stream(model, memory, "stronger gravity", "replay", adapting.Stream.tiny())
    assert replay["forgetting"] != pytest.approx(1.0) and len(replay["surprise"]) == 20


def test_the_shipped_model_knows_the_old_world_and_is_surprised_by_a_new_one():
    """toddler_cup: its held-out error in the old world is a small share of "nothing moves",
    and weaker gravity, which it never saw, raises its error several times over."""
    model = adapting.load_pretrained()
    old = adapting.evaluate(model)["old_world_error"]
    assert old < 0.04
    weaker = error(model, adapting.test_world({**adapting.OLD_WORLD, "gravity": 4.0}))
    assert weaker > 3 * old
