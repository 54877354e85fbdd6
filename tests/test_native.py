"""The compiled step against the PyTorch step it was written from: the same world, to rounding."""
import pytest
import torch

from worldmodels import world
from worldmodels.world import SimulationDiverged, State, native, step

pytestmark = pytest.mark.skipif(not native.available(), reason="no C compiler")

SCENES = {
    "elastic balls, table": lambda dtype: world.bouncing_balls(
        200, num_balls=8, seed=0, table=True, dtype=dtype),
    "soft balls with friction, table, hand": lambda dtype: world.bouncing_balls(
        200, num_balls=6, seed=1, table=True, hand=True, restitution=0.5, friction=0.4,
        dtype=dtype),
    "cups pushed by the hand": lambda dtype: world.cup_on_table(200, seed=2, dtype=dtype),
    "open floor, no walls, ten passes": lambda dtype: _open_floor(dtype),
}


def _open_floor(dtype):
    state, params = world.bouncing_balls(200, num_balls=5, seed=3, restitution=0.8,
                                           friction=0.2, hand=True, dtype=dtype)
    return state, params.replace(walls=False, substeps=10, hand_radius=0.15)
# float32 rounding of positions and speeds of order 1, through a few hundred operations
TOLERANCE = {torch.float32: 2e-5, torch.float64: 1e-11}
# A contact at a gap of exactly zero counts as touching or not by its last bit, which changes
# how a positional correction is shared out; PyTorch's own batched and one-world steps part
# the same way. So a few world-steps in ten thousand may differ, by under a millimetre.
RARE, SMALL = 1e-3, 1e-3


def _random_actions(params, generator, dtype):
    if params.hand_radius == 0:
        return None
    return (4 * torch.rand(params.batch_size, 2, generator=generator, dtype=dtype) - 2)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("scene", SCENES)
def test_every_step_of_a_rollout_equals_the_pytorch_step(scene, dtype):
    """From each state of a PyTorch rollout, one compiled step lands where PyTorch's does."""
    state, params = SCENES[scene](dtype)
    generator = torch.Generator().manual_seed(0)
    steps, bounced, parted, worst = 40, 0, 0, 0.0
    for _ in range(steps):
        action = _random_actions(params, generator, dtype)
        reference = step(state, action, params)
        compiled = native.step(state, action, params)
        gap = torch.stack([(getattr(compiled, name) - getattr(reference, name)).abs().flatten(1)
                           .amax(1) for name in ("pos", "vel", "hand")]).amax(0)     # (B,)
        parted += int((gap > TOLERANCE[dtype]).sum())
        worst = max(worst, gap.max().item())
        # count the steps in which some velocity turned around: contacts did act
        bounced += int((reference.vel * state.vel < 0).any())
        state = reference
    assert bounced > 10
    assert parted <= RARE * steps * params.batch_size, f"{parted} world-steps differ"
    assert worst < SMALL


def test_many_threads_give_the_worlds_one_thread_gives():
    state, params = SCENES["soft balls with friction, table, hand"](torch.float32)
    state, params = state.repeat(6), params.repeat(6)                 # 1200 worlds
    action = torch.full((params.batch_size, 2), 1.5)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = native.step(state, action, params)
        torch.set_num_threads(4)
        many = native.step(state, action, params)
        assert native._slices(params.batch_size)[-1] == (900, 1200)   # four slices ran
    finally:
        torch.set_num_threads(before)
    for name in ("pos", "vel", "hand"):
        assert torch.equal(getattr(one, name), getattr(many, name))


def test_a_pushed_cup_falls_off_the_table_as_in_pytorch():
    state, params = world.cup_on_table(8, seed=0)
    action = torch.tensor([2.0, 0.0]).expand(8, 2)
    reference = compiled = state
    for _ in range(150):
        reference = step(reference, action, params)
        compiled = native.step(compiled, action, params)
    assert (reference.pos[:, 0, 1] < 0.2).all(), "every cup must have reached the floor"
    torch.testing.assert_close(compiled.pos, reference.pos, rtol=0, atol=1e-4)


def test_gradients_are_refused_by_name():
    state, params = world.cup_on_table(2)
    heavy = params.replace(mass=params.mass.clone().requires_grad_(True))
    with pytest.raises(ValueError, match="params.mass requires grad"):
        native.step(state, None, heavy)
    with torch.no_grad():
        native.step(state, None, heavy)   # without a graph, nothing is lost


def test_bad_input_and_divergence_raise_as_in_pytorch():
    state, params = world.cup_on_table(2)
    with pytest.raises(ValueError, match="action"):
        native.step(state, torch.zeros(3, 2), params)
    fast = State(state.pos, torch.full_like(state.vel, 5e3), state.hand)
    with pytest.raises(SimulationDiverged, match="dt"):
        native.step(fast, None, params)
    big, big_params = state.repeat(600), params.repeat(600)            # several slices
    for name in ("pos", "hand"):
        poisoned = State(big.pos.clone(), big.vel, big.hand.clone())
        getattr(poisoned, name)[700, ..., 0] = float("nan")         # in the second slice
        with pytest.raises(SimulationDiverged):
            native.step(poisoned, None, big_params)


def test_a_missing_compiler_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    monkeypatch.setenv("WORLDMODELS_CACHE", str(tmp_path))
    native._library.cache_clear()
    try:
        assert not native.available()
        state, params = world.cup_on_table(2)
        with pytest.raises(OSError, match="needs a C compiler"):
            native.step(state, None, params)
    finally:
        native._library.cache_clear()
