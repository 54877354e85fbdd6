"""make_dataset: shapes, determinism, and data consistent with the engine and the renderer."""
import pytest
import torch

from worldmodels.world.datasets import Rollouts, make_dataset, thin
from worldmodels.world.engine import rollout
from worldmodels.world.render import render


def test_shapes_with_frames():
    data = make_dataset("cup", num_rollouts=4, steps=12, frame_size=32)
    assert isinstance(data, Rollouts) and data.num_rollouts == 4 and data.steps == 12
    N = data.params.num_disks
    assert data.states.pos.shape == (4, 13, N, 2) and data.states.vel.shape == (4, 13, N, 2)
    assert data.states.hand.shape == (4, 13, 2)
    assert data.actions.shape == (4, 12, 2)
    assert data.frames.shape == (4, 13, 3, 32, 32)
    assert 0 <= data.frames.min() and data.frames.max() <= 1


def test_balls_without_frames_and_scene_kwargs():
    data = make_dataset("balls", num_rollouts=3, steps=5, frame_size=None, num_balls=5)
    assert data.frames is None
    assert data.states.pos.shape == (3, 6, 5, 2)


@pytest.mark.parametrize("policy", ["random", "push"])
def test_same_seed_same_data_other_seed_other_data(policy):
    a = make_dataset(num_rollouts=3, steps=8, policy=policy, frame_size=16, seed=1)
    b = make_dataset(num_rollouts=3, steps=8, policy=policy, frame_size=16, seed=1)
    c = make_dataset(num_rollouts=3, steps=8, policy=policy, frame_size=16, seed=2)
    for x, y in [(a.states.pos, b.states.pos), (a.actions, b.actions), (a.frames, b.frames)]:
        assert torch.equal(x, y)
    assert not torch.equal(a.actions, c.actions)
    assert not torch.equal(a.states.pos, c.states.pos)


@pytest.mark.parametrize("policy", ["random", "push"])
def test_data_agrees_with_engine_and_renderer(policy):
    data = make_dataset(num_rollouts=3, steps=10, policy=policy, frame_size=24, seed=5)
    replay = rollout(data.states.at(0), data.actions, data.params)
    torch.testing.assert_close(replay.pos, data.states.pos)
    torch.testing.assert_close(replay.hand, data.states.hand)
    torch.testing.assert_close(data.frames, render(data.states, data.params, size=24))


def test_push_moves_the_cup_right():
    data = make_dataset(num_rollouts=4, steps=60, policy="push", frame_size=None)
    dx = data.states.pos[:, -1, 0, 0] - data.states.pos[:, 0, 0, 0]
    assert (dx > 0.05).all()


def test_callable_policy_gets_state_time_and_generator():
    seen = []

    def policy(state, t, generator):
        seen.append(t)
        assert isinstance(generator, torch.Generator)
        return torch.zeros(state.batch_size, 2)

    data = make_dataset(num_rollouts=2, steps=4, policy=policy, frame_size=None)
    assert seen == [0, 1, 2, 3]
    torch.testing.assert_close(data.states.hand[:, -1], data.states.hand[:, 0])


@pytest.mark.parametrize("kwargs, name", [
    ({"scene": "moon"}, "scene"), ({"num_rollouts": 0}, "num_rollouts"), ({"steps": 0}, "steps"),
    ({"steps": 2.5}, "steps"), ({"policy": "walk"}, "policy"), ({"frame_size": 2}, "frame_size"),
    ({"seed": "x"}, "seed"), ({"device": "toaster"}, "device"),
    ({"policy": lambda s, t, g: torch.zeros(3)}, "policy"),
])
def test_bad_arguments_name_themselves(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_dataset(**{"num_rollouts": 2, "steps": 3, "frame_size": None, **kwargs})


def test_thinning_keeps_every_skipth_state_and_frame_and_averages_the_actions():
    data = make_dataset(num_rollouts=3, steps=12, frame_size=16, seed=4)
    slow = data.thin(3)
    assert slow.steps == 4 and slow.frames.shape[1] == 5 and slow.states.pos.shape[1] == 5
    assert torch.equal(slow.states.pos, data.states.pos[:, ::3])
    assert torch.equal(slow.frames, data.frames[:, ::3])
    torch.testing.assert_close(slow.actions[:, 1], data.actions[:, 3:6].mean(dim=1))
    assert torch.equal(thin(data.states, 1).pos, data.states.pos)
    with pytest.raises(ValueError, match="multiple of every=5"):
        data.thin(5)
