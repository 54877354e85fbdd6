"""Action patterns: seeded, held as their statistics say, and the repeats and means that undo each other."""
import pytest
import torch

from worldmodels.world.actions import (
    MEAN_HOLD_STEPS,
    held,
    mean_over,
    push,
    random_buttons,
    repeat,
    smooth_random_actions,
)


def test_held_repeats_each_value_until_the_next_switch():
    values = torch.tensor([[1.0, 2.0, 3.0, 4.0, 5.0]])
    switch = torch.tensor([[False, False, True, False, True]])   # t = 0 always starts a value
    assert held(values, switch).tolist() == [[1.0, 1.0, 3.0, 3.0, 5.0]]


def test_random_strokes_are_bounded_and_change_as_often_as_their_mean_hold_says():
    actions = smooth_random_actions(64, 200, 2.0, torch.Generator().manual_seed(0))
    assert actions.shape == (64, 200, 2) and actions.abs().max() <= 2.0
    changes = (actions[:, 1:] != actions[:, :-1]).any(-1).float().mean().item()
    assert changes == pytest.approx(1 / MEAN_HOLD_STEPS, abs=0.02)


def test_random_buttons_are_seeded_held_and_only_the_buttons_given():
    buttons = (-1.5, 0.0, 1.5)
    a = random_buttons(64, 100, buttons, mean_hold=4.0, generator=torch.Generator().manual_seed(0))
    b = random_buttons(64, 100, buttons, mean_hold=4.0, generator=torch.Generator().manual_seed(0))
    assert torch.equal(a, b) and set(a.unique().tolist()) <= set(buttons)
    # A new press every 4 steps on average, and a third of new presses repeat the old button.
    changes = (a.diff(dim=1) != 0).float().mean().item()
    assert changes == pytest.approx(0.25 * 2 / 3, abs=0.03)
    with pytest.raises(ValueError, match="mean_hold"):
        random_buttons(2, 5, buttons, mean_hold=0.5, generator=torch.Generator())


def test_a_push_is_still_until_its_start_then_constant():
    actions = push(torch.tensor([0.5, 2.0]), steps=6, start=2)
    assert actions[:, :2].abs().sum() == 0 and actions[:, 2:, 1].abs().sum() == 0
    assert actions[1, 2:, 0].tolist() == [2.0] * 4
    with pytest.raises(ValueError, match="start"):
        push(torch.ones(1), steps=3, start=4)


def test_the_mean_over_repeated_actions_gives_them_back():
    actions = torch.randn(3, 5, 2, generator=torch.Generator().manual_seed(1))
    assert repeat(actions, 4).shape == (3, 20, 2)
    torch.testing.assert_close(mean_over(repeat(actions, 4), 4), actions)
