"""The engine against analytic solutions, conservation laws, finite differences and itself."""

import pytest
import torch

from worldmodels import world
from worldmodels.physics import pymunk_reality
from worldmodels.world import Params, SimulationDiverged, State, energy, rollout, step

G = 9.81


def one_world(pos, vel, *, radius=0.1, mass=1.0, restitution=1.0, friction=0.0, gravity=G,
          dt=0.01, table=None, walls=True, world_size=2.0, hand=None, hand_radius=0.0,
          dtype=torch.float64) -> tuple[State, Params]:
    """One world of disks at `pos` moving at `vel` (lists of (x, y)); properties: scalar or list."""
    pos = torch.tensor([pos], dtype=dtype)                                   # (1, N, 2)
    N = pos.shape[1]

    def per_disk(value):
        return torch.tensor([value if isinstance(value, list) else [value] * N], dtype=dtype)

    state = State(pos=pos, vel=torch.tensor([vel], dtype=dtype),
                  hand=torch.tensor([hand or [0.0, 0.0]], dtype=dtype))
    params = Params(mass=per_disk(mass), radius=per_disk(radius),
                    restitution=per_disk(restitution), friction=per_disk(friction),
                    color=torch.full((1, N, 3), 0.5, dtype=dtype),
                    gravity=torch.tensor([gravity], dtype=dtype), dt=dt, table=table,
                    walls=walls, world_size=world_size, hand_radius=hand_radius)
    return state, params


def shadow_energy(states: State, params: Params) -> torch.Tensor:
    """E - dt/2 sum(m g v_y): what semi-implicit Euler conserves exactly in free flight."""
    m, g = params.mass[:, None], params.gravity[:, None, None]
    return energy(states, params) - 0.5 * params.dt * (m * g * states.vel[..., 1]).sum(-1)


def momentum(states: State, params: Params) -> torch.Tensor:
    return (params.mass[:, None, :, None] * states.vel).sum(-2)             # (B, T, 2)


# ------------------------------------------------------------------------------ free flight

def test_projectile_follows_the_parabola_up_to_euler_offset():
    state, params = one_world([[0.5, 1.0]], [[1.0, 2.0]])
    states = rollout(state, None, params, steps=40)
    t = torch.arange(41, dtype=torch.float64) * params.dt                   # (T+1,)
    x, y = states.pos[0, :, 0, 0], states.pos[0, :, 0, 1]
    torch.testing.assert_close(x, 0.5 + 1.0 * t, rtol=0, atol=1e-12)
    # Semi-implicit Euler falls g*t*dt/2 below the parabola: it applies each step's gravity
    # before moving. The offset is O(dt): it vanishes as dt -> 0.
    parabola = 1.0 + 2.0 * t - 0.5 * G * t ** 2
    torch.testing.assert_close(y, parabola - 0.5 * G * t * params.dt, rtol=0, atol=1e-12)


def test_rollout_returns_the_initial_state_and_a_time_axis():
    state, params = world.bouncing_balls(batch_size=3, num_balls=4, seed=1)
    actions = torch.zeros(3, 5, 2)
    states = rollout(state, actions, params)
    assert states.pos.shape == (3, 6, 4, 2) and states.hand.shape == (3, 6, 2)
    assert torch.equal(states.at(0).pos, state.pos)
    assert energy(states, params).shape == (3, 6) and energy(state, params).shape == (3,)


# ------------------------------------------------------------------------------ conservation

def test_elastic_ball_bouncing_on_the_floor_conserves_energy():
    state, params = one_world([[1.0, 1.0]], [[0.3, 0.0]], dt=0.004)
    states = rollout(state, None, params, steps=300)                        # 1.2 s: one bounce
    assert states.vel[0, :, 0, 1].max() > 3.0, "the ball must have bounced"
    shadow = shadow_energy(states, params)[0]
    torch.testing.assert_close(shadow, shadow[:1].expand_as(shadow), rtol=1e-9, atol=0)
    # E itself swings by up to m g dt |v_y| / 2 around the shadow energy: 0.1 % here.
    e = energy(states, params)[0]
    swing = 0.5 * G * params.dt * states.vel[0, :, 0, 1].abs().max()
    assert (e - e[0]).abs().max() <= swing + 1e-9
    # ... and the ball comes back up to where it started, to within a millimetre.
    after_bounce = states.pos[0, 150:, 0, 1]
    assert abs(after_bounce.max().item() - 1.0) < 1e-3


@pytest.mark.parametrize("dt", [0.01, 0.02])
def test_a_bounce_rises_to_the_height_the_law_of_restitution_gives(dt):
    # A ball of radius 0.1 m dropped from 1 m meets the floor at v = sqrt(2 g 0.9) and leaves
    # at e v, so its centre rises to 0.1 + e^2 0.9 m. The engine bounces at the time of impact
    # on the parabola that semi-implicit Euler follows, so only two tiny errors remain: that
    # parabola starts g dt^2 / 8 high (v = 0 is its speed half a step earlier), and the steps
    # sample its apex at most g dt^2 / 8 low. Bouncing where the ball was at the start of the
    # step instead would miss by (1 - e^2) times that height, up to |v| dt: 4 cm at dt = 0.01.
    restitution = torch.tensor([[1.0], [0.8], [0.5], [0.3]], dtype=torch.float64)
    state, params = one_world([[0.5, 1.0]], [[0.3, 0.0]], dt=dt)
    state, params = state.repeat(4), params.repeat(4).replace(restitution=restitution)
    states = rollout(state, None, params, steps=round(1.0 / dt))            # past every apex
    for b, e in enumerate(restitution[:, 0].tolist()):
        apex = pymunk_reality.first_apex(states.pos[b, :, 0, 1], states.vel[b, :, 0, 1])
        assert abs(apex - (0.1 + e ** 2 * 0.9)) <= G * dt ** 2 / 4, f"e = {e}: apex {apex:.5f} m"


def test_elastic_balls_among_walls_conserve_energy():
    state, params = world.bouncing_balls(batch_size=4, num_balls=5, seed=2, dtype=torch.float64)
    params = params.replace(gravity=torch.zeros(4, dtype=torch.float64))
    states = rollout(state, None, params, steps=200)
    e = energy(states, params)                                              # (B, T+1)
    assert (momentum(states, params) - momentum(states, params)[:, :1]).abs().max() > 0.1, \
        "walls must have been hit"
    torch.testing.assert_close(e, e[:, :1].expand_as(e), rtol=1e-9, atol=0)


def test_disk_collisions_conserve_momentum_exactly():
    # Far from the floor, no gravity, no walls: only disk-disk contacts act.
    pos = [[3.0, 5.0], [5.0, 5.1], [7.0, 4.9], [5.0, 7.0]]
    vel = [[2.0, 0.0], [0.0, 0.0], [-1.5, 0.2], [0.1, -2.0]]
    state, params = one_world(pos, vel, radius=[0.3, 0.4, 0.25, 0.35], mass=[1.0, 2.0, 0.5, 1.5],
                          restitution=[1.0, 0.5, 0.8, 0.3], friction=0.4, gravity=0.0,
                          walls=False, world_size=10.0)
    states = rollout(state, None, params, steps=200)
    p = momentum(states, params)[0]                                         # (T+1, 2)
    torch.testing.assert_close(p, p[:1].expand_as(p), rtol=0, atol=1e-12)
    assert (states.vel[0, -1] - states.vel[0, 0]).abs().max() > 0.5, "disks must have collided"


# ------------------------------------------------------------------------------ batching, seeds

def test_a_batched_step_equals_stepping_each_world_alone():
    state, params = world.bouncing_balls(batch_size=5, num_balls=4, seed=3, table=True,
                                           hand=True, friction=0.4, restitution=0.6,
                                           dtype=torch.float64)
    generator = torch.Generator().manual_seed(0)
    actions = (2 * torch.rand(5, 40, 2, generator=generator, dtype=torch.float64) - 1) * 2
    batched = rollout(state, actions, params)
    for b in range(5):
        one = slice(b, b + 1)
        alone = rollout(state.select(one), actions[one], params.select(one))
        # Equal to rounding: complex multiplies may be vectorised differently in a batch.
        torch.testing.assert_close(alone.pos, batched.pos[b:b + 1], rtol=0, atol=1e-10)
        torch.testing.assert_close(alone.vel, batched.vel[b:b + 1], rtol=0, atol=1e-9)


@pytest.mark.parametrize("scene", [world.cup_on_table, world.bouncing_balls])
def test_the_same_seed_gives_the_same_scene_and_trajectory(scene):
    (s1, p1), (s2, p2) = scene(batch_size=4, seed=7), scene(batch_size=4, seed=7)
    s3, _ = scene(batch_size=4, seed=8)
    for name in ("pos", "vel", "hand"):
        assert torch.equal(getattr(s1, name), getattr(s2, name))
    for name in ("mass", "radius", "restitution", "friction", "color", "gravity"):
        assert torch.equal(getattr(p1, name), getattr(p2, name))
    assert not torch.equal(s1.pos, s3.pos)
    actions = torch.ones(4, 30, 2)
    t1, t2 = rollout(s1, actions, p1), rollout(s2, actions, p2)
    assert torch.equal(t1.pos, t2.pos) and torch.equal(t1.vel, t2.vel)


# ------------------------------------------------------------------------------ gradients

def _bouncing_pair(v0, gravity, restitution, friction, mass, batch_size):
    """Two disks that hit the floor (with friction) and each other within 40 steps."""
    B, f64 = batch_size, torch.float64
    state = State(pos=torch.tensor([[[0.5, 0.3], [0.8, 0.25]]], dtype=f64).expand(B, 2, 2),
                  vel=v0, hand=torch.zeros(B, 2, dtype=f64))
    params = Params(mass=mass, radius=torch.full((B, 2), 0.1, dtype=f64),
                    restitution=restitution, friction=friction,
                    color=torch.zeros(B, 2, 3, dtype=f64), gravity=gravity, table=None,
                    hand_radius=0.0)
    final = rollout(state, None, params, steps=40).at(-1)
    weights = torch.tensor([1.0, 0.7], dtype=f64)
    return (final.pos * weights).sum((-1, -2)) + 0.3 * final.vel.sum((-1, -2))   # (B,)


def test_gradients_through_many_steps_match_finite_differences():
    f64 = torch.float64
    inputs = {"v0": torch.tensor([[[1.0, -2.0], [-1.5, -1.0]]], dtype=f64),
              "gravity": torch.tensor([G], dtype=f64),
              "restitution": torch.tensor([[0.8, 0.6]], dtype=f64),
              "friction": torch.tensor([[0.3, 0.5]], dtype=f64),
              "mass": torch.tensor([[0.3, 0.5]], dtype=f64)}
    leaves = {k: v.clone().requires_grad_() for k, v in inputs.items()}
    grads = torch.autograd.grad(_bouncing_pair(*leaves.values(), batch_size=1).sum(),
                                list(leaves.values()))
    # Central differences, every perturbed copy a world of one batch (eps = 1e-6).
    eps, names = 1e-6, list(inputs)
    rows = [(name, i, sign) for name in names for i in range(inputs[name].numel())
            for sign in (1.0, -1.0)]
    batch = {k: v.expand(len(rows), *v.shape[1:]).clone() for k, v in inputs.items()}
    for r, (name, i, sign) in enumerate(rows):
        batch[name][r].view(-1)[i] += sign * eps
    loss = _bouncing_pair(*batch.values(), batch_size=len(rows))
    for name, grad in zip(names, grads):
        picked = [r for r, row in enumerate(rows) if row[0] == name]
        numeric = (loss[picked[0::2]] - loss[picked[1::2]]) / (2 * eps)
        torch.testing.assert_close(grad.reshape(-1), numeric, rtol=1e-5, atol=1e-6,
                                   msg=f"gradient w.r.t. {name}")
    assert grads[names.index("friction")].abs().max() > 0.1, "friction must have acted"


# ------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize("field, value, name", [
    ("mass", torch.tensor([[-1.0]]), "params.mass"),
    ("radius", torch.tensor([[0.0]]), "params.radius"),
    ("radius", torch.tensor([[0.1, 0.1]]), "params.radius"),
    ("restitution", torch.tensor([[1.5]]), "params.restitution"),
    ("friction", torch.tensor([[-0.1]]), "params.friction"),
    ("gravity", torch.tensor([float("nan")]), "params.gravity"),
    ("dt", 0.0, "params.dt"),
    ("dt", -0.01, "params.dt"),
])
def test_invalid_parameters_raise_value_error_naming_them(field, value, name):
    _, params = one_world([[0.5, 0.5]], [[0.0, 0.0]], dtype=torch.float32)
    with pytest.raises(ValueError, match=name):
        params.replace(**{field: value})


def test_bad_step_arguments_raise_value_error_naming_them():
    state, params = world.cup_on_table(batch_size=2)
    with pytest.raises(ValueError, match="action"):
        step(state, torch.zeros(3, 2), params)
    with pytest.raises(ValueError, match="action"):
        step(state, torch.zeros(2, 2, dtype=torch.float64), params)
    other_state, _ = world.cup_on_table(batch_size=3)
    with pytest.raises(ValueError, match="state and params"):
        step(other_state, None, params)
    _, many_params = world.bouncing_balls(batch_size=2, num_balls=3)
    with pytest.raises(ValueError, match="state and params"):
        step(state, None, many_params)
    with pytest.raises(ValueError, match="steps"):
        rollout(state, None, params)
    with pytest.raises(ValueError, match="actions"):
        rollout(state, torch.zeros(2, 5), params)


def test_a_diverging_simulation_raises_instead_of_returning_nan():
    state, params = one_world([[1.0, 1.0]], [[5e3, 0.0]], dt=0.1, walls=False, world_size=2.0)
    with pytest.raises(SimulationDiverged, match="dt"):
        step(state, None, params)
    state, params = world.cup_on_table(batch_size=2)
    poisoned = State(state.pos.clone(), state.vel.clone(), state.hand)
    poisoned.vel[1, 0, 0] = float("nan")
    with pytest.raises(SimulationDiverged):
        step(poisoned, None, params)


# ------------------------------------------------------------------------------ the toddler scene

def test_a_cup_resting_on_the_table_stays_put():
    state, params = world.cup_on_table(batch_size=4, seed=0)
    states = rollout(state, None, params, steps=300)
    drift = (states.pos[:, :, 0] - state.pos[:, None, 0]).abs().max()
    assert drift < 1e-4, f"the cup moved {drift:.2e} m without being touched"
    assert states.vel[:, -1].abs().max() < 1e-3


def test_a_pushed_cup_falls_off_the_table_and_comes_to_rest_on_the_floor():
    state, params = world.cup_on_table(batch_size=4, seed=1)
    push = torch.zeros(4, 250, 2)
    push[:, :120, 0] = 1.5                          # the hand moves right at 1.5 m/s for 1.2 s
    states = rollout(state, push, params)
    cup, radius, table = states.pos[:, :, 0], params.radius[0, 0].item(), params.table
    assert (cup[:, 0, 1] > table.height).all() and (cup[:, -1, 0] > table.right).all()
    torch.testing.assert_close(cup[:, -1, 1], torch.full((4,), radius), rtol=0, atol=1e-3)
    assert states.vel[:, -1, 0].norm(dim=-1).max() < 0.05, "the cup must have come to rest"


def test_friction_decelerates_a_sliding_disk_at_mu_g():
    mu, v0, radius = 0.3, 2.0, 0.1
    state, params = one_world([[0.5, radius]], [[v0, 0.0]], radius=radius, friction=mu,
                          restitution=0.5, walls=False, world_size=10.0)
    states = rollout(state, None, params, steps=50)                         # stops after 0.68 s
    t = torch.arange(1, 51, dtype=torch.float64) * params.dt
    torch.testing.assert_close(states.vel[0, 1:, 0, 0], v0 - mu * G * t, rtol=0, atol=1e-9)
    assert states.vel[0, 1:, 0, 1].abs().max() < 1e-12
    assert (states.pos[0, :, 0, 1] - radius).abs().max() < 1e-12


def test_the_hand_is_clipped_kept_in_the_world_and_pushes_like_a_wall():
    state, params = world.cup_on_table(batch_size=1, seed=0)
    fast = torch.tensor([[100.0, 0.0]])
    moved = step(state, fast, params)
    assert moved.hand[0, 0] - state.hand[0, 0] == pytest.approx(params.hand_max_speed * params.dt)
    states = rollout(state, fast[:, None].expand(1, 100, 2), params)
    assert states.hand[0, :, 0].max() <= params.world_size - params.hand_radius + 1e-6
    # An infinitely heavy pusher: the cup moves off at the hand's speed, however heavy it is.
    heavy = params.replace(mass=torch.full((1, 1), 1e3))
    states = rollout(state, fast[:, None].expand(1, 20, 2), heavy)
    assert states.vel[0, -1, 0, 0] == pytest.approx(params.hand_max_speed, rel=0.05)


def test_select_keeps_the_chosen_worlds_of_a_batch():
    state, params = world.cup_on_table(batch_size=4, seed=3)
    index = torch.tensor([2, 0])
    picked, picked_params = state.select(index), params.select(index)
    assert torch.equal(picked.pos, state.pos[index]) and torch.equal(picked.hand, state.hand[[2, 0]])
    assert torch.equal(picked_params.mass, params.mass[index])
    assert picked_params.batch_size == 2 and picked_params.table == params.table
