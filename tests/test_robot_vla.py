"""Part 4's instructed task and the policy distilled from its planner."""
import gymnasium
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env

from worldmodels.robot import demonstrations, instructed, vla
from worldmodels.robot.demonstrations import CHUNK

pytestmark = pytest.mark.usefixtures("one_thread")


def test_the_environment_passes_gymnasiums_checks():
    check_env(instructed.InstructedPushEnv(), skip_render_check=True)


def test_the_named_cup_is_disk_0_and_has_the_instructions_colour():
    env = gymnasium.make(instructed.ENV_ID)
    for seed in range(12):
        obs, info = env.reset(seed=seed)
        params = env.unwrapped._params
        assert torch.allclose(params.color[0, 0], torch.tensor(instructed.COLOURS[info["colour"]]))
        assert info["instruction"] == instructed.instruction(info["colour"])
        words = [instructed.VOCABULARY[i] for i in obs["instruction"]]
        assert info["colour"] in words
        xs = env.unwrapped._state.pos[0, :, 0]
        named_is_left = bool(xs[0] < xs[1])
        assert named_is_left == (info["side"] == "left")


def test_the_mark_lies_between_the_cups_where_either_could_reach_it_untouched():
    env = gymnasium.make(instructed.ENV_ID)
    for seed in range(20):
        _, info = env.reset(seed=seed)
        left, right = sorted(env.unwrapped._state.pos[0, :, 0].tolist())
        assert left + instructed.CLEARANCE <= info["target_x"] <= right - instructed.CLEARANCE
        # A cup arriving at the mark stays clear of the other one (two radii apart).
        assert min(info["target_x"] - left, right - info["target_x"]) > 2 * instructed.RADIUS


def test_the_splits_keep_the_held_out_combinations_apart():
    env = gymnasium.make(instructed.ENV_ID)
    pairs = {}
    for split in ("train", "held_out"):
        pairs[split] = set()
        for seed in range(40):
            _, info = env.reset(seed=seed, options={"split": split})
            pairs[split].add((info["colour"], info["side"]))
    assert pairs["held_out"] == set(instructed.HELD_OUT)
    assert not pairs["train"] & set(instructed.HELD_OUT)
    assert len(pairs["train"]) == 2 * len(instructed.COLOURS) - len(instructed.HELD_OUT)


def test_bad_instructions_and_splits_are_named():
    with pytest.raises(ValueError, match="colour"):
        instructed.instruction("green")
    with pytest.raises(ValueError, match="text"):
        instructed.tokens("push the cup")
    with pytest.raises(ValueError, match="split"):
        gymnasium.make(instructed.ENV_ID).reset(seed=0, options={"split": "test"})
    np.testing.assert_array_equal(
        instructed.tokens(instructed.instruction("red")),
        [instructed.VOCABULARY.index(w) for w in ("push", "red", "cup", "to", "mark")])


def test_euler_follows_a_constant_field_exactly_and_a_linear_one_as_its_product():
    x0 = torch.randn(3, CHUNK, 2, dtype=torch.float64)
    constant = torch.randn(CHUNK, 2, dtype=torch.float64)
    out = vla.euler_sample(lambda c, x, tau: constant.expand_as(x), None, x0, 7)
    torch.testing.assert_close(out, x0 + constant)
    # dx/dtau = -x: n Euler steps multiply by (1 - 1/n)^n, which tends to exp(-1).
    out = vla.euler_sample(lambda c, x, tau: -x, None, x0, 50)
    torch.testing.assert_close(out, x0 * (1 - 1 / 50) ** 50)
    assert abs((1 - 1 / 50) ** 50 - np.exp(-1)) < 0.004
    with pytest.raises(ValueError, match="steps"):
        vla.euler_sample(lambda c, x, tau: x, None, x0, 0)


def test_the_flow_matching_loss_vanishes_for_the_true_field_of_one_chunk():
    actions = torch.rand(4096, CHUNK, 2) * 2 - 1
    # For a single target A the velocity that carries A_tau to A is (A - A_tau) / (1 - tau).
    def true_field(context, moved, tau):
        return (actions - moved) / (1 - tau.view(-1, 1, 1))
    assert vla.flow_matching_loss(true_field, None, actions).item() < 1e-8
    # The zero field pays E (A - eps)^2 = E A^2 + 1.
    zero = vla.flow_matching_loss(lambda c, x, tau: torch.zeros_like(x), None, actions)
    assert abs(zero.item() - (actions.pow(2).mean().item() + 1)) < 0.03


def test_the_policy_gives_chunks_in_the_action_box_and_refuses_bad_configs():
    policy = vla.Policy(vla.Config(width=32, heads=2, head_hidden=32))
    frames = torch.randint(0, 256, (5, 6, 40, 40), dtype=torch.uint8)
    chunk = policy.sample(frames, torch.zeros(5, 2), torch.zeros(5, instructed.WORDS,
                                                                 dtype=torch.int64))
    assert chunk.shape == (5, CHUNK, 2) and chunk.abs().max() <= 1
    with pytest.raises(ValueError, match="execute"):
        vla.Config(execute=CHUNK + 1)
    with pytest.raises(ValueError, match="width"):
        vla.Config(width=30, heads=4)
    with pytest.raises(ValueError, match="demos"):
        vla.fit(demonstrations.Demonstrations(*(torch.zeros(0),) * 5))


@pytest.fixture(scope="module")
def two_episodes():
    return demonstrations.demonstrate(2, seed=3, progress=False)


def test_demonstration_chunks_are_the_planners_next_actions(two_episodes):
    demos = two_episodes
    assert demos.episodes == 2 and demos.frames.shape[1:] == (6, 40, 40)
    first = demos.first(1)
    n = len(first)
    # Step t's chunk is the (smoothed) actions of steps t .. t + CHUNK - 1, then zeros.
    torch.testing.assert_close(first.chunks[1:, 0], first.chunks[:-1, 1])
    assert torch.all(first.chunks[-1, 1:] == 0)
    assert torch.equal(demos.chunks[:n], first.chunks)
    with pytest.raises(ValueError, match="episodes"):
        demos.first(3)


def test_cloning_beats_the_mean_chunk_on_its_own_demonstrations(two_episodes):
    demos = two_episodes
    cfg = vla.Config(width=32, heads=2, head_hidden=128, steps=400, batch_size=32)
    policy, history = vla.fit(demos, cfg, progress=False)
    assert np.mean(history["loss"][-50:]) < np.mean(history["loss"][:50])
    generator = torch.Generator().manual_seed(0)
    sampled = policy.sample(demos.frames, demos.q, demos.words, generator)
    policy_error = (sampled - demos.chunks).pow(2).mean()
    mean_error = (demos.chunks.mean(0) - demos.chunks).pow(2).mean()
    assert policy_error < mean_error


def test_a_still_arm_never_succeeds_and_the_oracle_does():
    class Still:
        def reset(self):
            pass

        def act(self, env):
            return np.zeros(2, np.float32)
    assert demonstrations.evaluate(Still(), 3)["success_rate"] == 0.0
    assert demonstrations.evaluate(demonstrations.task_planner(0), 2)["success_rate"] == 1.0


def test_smoothing_keeps_a_constant_and_averages_a_dither_away():
    steady = np.full((20, 2), 0.4, np.float32)
    np.testing.assert_allclose(demonstrations.smoothed(steady), steady, rtol=1e-6)
    dither = np.tile([[1.0, -1.0], [-1.0, 1.0]], (10, 1)).astype(np.float32)
    assert np.abs(demonstrations.smoothed(dither)[2:-2]).max() <= 0.2 + 1e-6
    with pytest.raises(ValueError, match="window"):
        demonstrations.smoothed(steady, 4)


def test_the_shipped_policy_loads_and_solves_scenes_a_still_arm_never_does():
    policy, shipped = vla.load_pretrained()
    record = shipped["metrics"]
    assert record["planner_train_success_rate"] > record["policy_train_success_rate"] > 0
    assert len(shipped["loss"]) == policy.cfg.steps
    score = demonstrations.evaluate(vla.Controller(policy), 6, seed=vla.SEEN)
    assert score["success_rate"] > 0


def test_the_shortest_fits_still_warm_up_and_decay():
    demos = demonstrations.demonstrate(1, progress=False)
    for steps in (3, 7, 25):
        _, history = vla.fit(demos, vla.Config(width=16, heads=2, head_hidden=16, steps=steps,
                                               batch_size=4), progress=False)
        assert len(history["loss"]) == steps
    with pytest.raises(ValueError, match="steps"):
        vla.Config(steps=2)
