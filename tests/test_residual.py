"""The hybrid model: the engine plus a learned correction for air drag it does not model."""
import pytest
import torch

from worldmodels.physics import residual
from worldmodels.world import rollout as engine_rollout

TINY = residual.Config(num_rollouts=8, steps=20, hidden=16, batch_size=64, train_steps=300,
                       lr=1e-2)


pytestmark = pytest.mark.usefixtures("one_thread")


def test_without_drag_reality_is_the_engine():
    state, params = residual.scenes(TINY, num_rollouts=2, seed=0)
    reality = residual.reality_rollout(state, params, steps=5, drag=0.0)
    torch.testing.assert_close(reality.pos, engine_rollout(state, None, params, steps=5).pos)
    torch.testing.assert_close(residual.rollout(None, state, params, 5).pos, reality.pos)


def test_drag_slows_a_disk_as_the_law_says():
    state, params = residual.scenes(TINY, num_rollouts=3, seed=1)
    fast = residual.with_drag(state, params, drag=1.0)
    k = (params.radius / params.mass)[..., None] * params.dt        # (B, N, 1)
    speed = state.vel.norm(dim=-1, keepdim=True)
    # One implicit step of dv/dt = -(drag r / m)|v| v: v' (1 + k |v|) = v, same direction.
    torch.testing.assert_close(fast.vel * (1 + k * speed), state.vel)
    assert (fast.vel.norm(dim=-1) < speed[..., 0]).all()


def test_the_learned_residual_brings_the_engine_close_to_reality():
    model, history = residual.train(TINY, progress=False)
    assert sum(history["loss"][-10:]) < 0.2 * sum(history["loss"][:10])
    state, params = residual.scenes(TINY, num_rollouts=8, seed=123)   # held-out scenes
    reality = residual.reality_rollout(state, params, 40, TINY.drag)
    alone = (residual.rollout(None, state, params, 40).pos - reality.pos).norm(dim=-1).mean()
    hybrid = (residual.rollout(model, state, params, 40).pos - reality.pos).norm(dim=-1).mean()
    assert hybrid < 0.5 * alone


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="drag"):
        residual.Config(drag=-1.0)
    state, params = residual.scenes(TINY, num_rollouts=1, seed=0)
    with pytest.raises(ValueError, match="steps"):
        residual.rollout(None, state, params, steps=-2)
    with pytest.raises(TypeError, match="Residual"):
        residual.rollout(torch.nn.Linear(2, 2), state, params, steps=2)
