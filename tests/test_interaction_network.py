"""The interaction network: equivariant over bodies, any number of them, learns, meets its bar."""
import pytest
import torch

from worldmodels import checkpoints
from worldmodels.measure.baselines import constant_velocity
from worldmodels.physics import interaction_network as inet
from worldmodels.world import bouncing_balls

TINY = inet.Config(num_rollouts=16, steps=20, hidden=16, effect_size=8, batch_size=64,
                   train_steps=100, lr=1e-2, event_fraction=0.0)


pytestmark = pytest.mark.usefixtures("one_thread")


def close_scene(num_balls=4, seed=0):
    """Disks packed close together, so that every disk has neighbours and messages flow."""
    state, params = bouncing_balls(batch_size=3, num_balls=num_balls, seed=seed)
    pos = 0.5 + 0.2 * torch.arange(num_balls, dtype=torch.float32)[None, :, None].expand(3, -1, 2)
    pos = pos + 0.01 * torch.randn(pos.shape, generator=torch.Generator().manual_seed(seed))
    radius = torch.full((3, num_balls), 0.13)
    return state.vel, pos, radius, params


def test_permuting_the_bodies_permutes_the_prediction():
    torch.manual_seed(0)
    net = inet.InteractionNetwork(TINY)
    vel, pos, radius, params = close_scene()
    dv = net(pos, vel, radius, params.world_size, params.dt)        # (B, N, 2)
    perm = torch.tensor([2, 0, 3, 1])
    dv_perm = net(pos[:, perm], vel[:, perm], radius[:, perm], params.world_size, params.dt)
    torch.testing.assert_close(dv_perm, dv[:, perm], rtol=1e-5, atol=1e-6)


def test_messages_flow_between_neighbours_only():
    torch.manual_seed(0)
    net = inet.InteractionNetwork(TINY)
    vel, pos, radius, params = close_scene()
    far = pos.clone()
    far[:, 0] = torch.tensor([1.8, 0.3])          # disk 0 moves far from the others
    dv_near = net(pos, vel, radius, params.world_size, params.dt)
    dv_far = net(far, vel, radius, params.world_size, params.dt)
    assert not torch.allclose(dv_near[:, 1], dv_far[:, 1])   # disk 1 lost a neighbour
    alone = net(far[:, :1], vel[:, :1], radius[:, :1], params.world_size, params.dt)
    torch.testing.assert_close(dv_far[:, 0], alone[:, 0])    # far away = alone in the box


@pytest.mark.parametrize("num_balls", [1, 2, 7])
def test_one_network_takes_any_number_of_disks(num_balls):
    torch.manual_seed(0)
    net = inet.InteractionNetwork(TINY)
    state, params = bouncing_balls(batch_size=2, num_balls=num_balls, seed=1)
    trajectory = inet.rollout(net, state, params, steps=3)
    assert trajectory.pos.shape == (2, 4, num_balls, 2)


def test_the_mlp_baseline_refuses_another_number_of_disks():
    mlp = inet.MLPDynamics(TINY)   # built for TINY.num_balls = 3
    state, params = bouncing_balls(batch_size=2, num_balls=6, seed=1)
    with pytest.raises(ValueError, match="exactly 3 disks"):
        inet.rollout(mlp, state, params, steps=1)


def test_aggregate_sums_incoming_messages():
    messages = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    receivers = torch.tensor([2, 0, 2])
    expected = torch.tensor([[3.0, 4.0], [0.0, 0.0], [6.0, 8.0]])
    torch.testing.assert_close(inet.aggregate(messages, receivers, 3), expected)


def test_constant_velocity_moves_in_straight_lines():
    state, params = bouncing_balls(batch_size=2, num_balls=3, seed=0)
    trajectory = constant_velocity(state, params, steps=10)
    torch.testing.assert_close(trajectory.pos[:, 10], state.pos + 10 * params.dt * state.vel)


def test_the_loss_falls_on_a_tiny_config():
    states, params = inet.make_data(TINY.num_balls, TINY.num_rollouts, TINY.steps, TINY.seed)

    def loss_on_all_steps(model):      # the training loss, on every transition at once
        B, T1, N, _ = states.pos.shape
        with torch.no_grad():
            dv = model(states.pos[:, :-1].flatten(0, 1), states.vel[:, :-1].flatten(0, 1),
                       params.radius[:, None].expand(B, T1 - 1, N).flatten(0, 1),
                       params.world_size, params.dt)
        target = (states.vel[:, 1:] - states.vel[:, :-1]).flatten(0, 1)
        return ((dv - target) / inet.DV_SCALE).pow(2).mean()

    torch.manual_seed(TINY.seed)      # train() starts from these same initial weights
    before = loss_on_all_steps(inet.build(TINY))
    model, history = inet.train(TINY, (states, params), progress=False)
    assert len(history["loss"]) == TINY.train_steps
    assert loss_on_all_steps(model) < 0.85 * before


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="architecture"):
        inet.Config(architecture="transformer")
    with pytest.raises(ValueError, match="neighbour_gap"):
        inet.Config(neighbour_gap=0.0)
    state, params = bouncing_balls(batch_size=1, num_balls=2, table=True)
    with pytest.raises(ValueError, match="table"):
        inet.rollout(inet.InteractionNetwork(TINY), state, params, steps=2)
    with pytest.raises(ValueError, match="steps"):
        inet.rollout(inet.InteractionNetwork(TINY), *bouncing_balls(), steps=-1)


@pytest.mark.skipif("interaction_network" not in checkpoints.available(),
                    reason="checkpoint not shipped yet")
def test_the_shipped_network_meets_its_bars_on_held_out_scenes():
    net, mlp = inet.load_pretrained()
    metrics = inet.evaluate(net, mlp, num_scenes=64, seed=20_000)
    assert metrics["in_3"] <= 0.5 * metrics["cv_3"]     # half the constant-velocity error
    assert metrics["in_6"] <= 2.0 * metrics["in_3"]     # twice the disks: at most twice the error
