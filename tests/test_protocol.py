"""The one door every model is scored through: baselines and the engine score as their maths says."""
import pytest
import torch

from worldmodels.measure import baselines, metrics, protocol
from worldmodels.video import make_clips
from worldmodels.world import bouncing_balls, rollout


def test_copy_last_scored_through_the_door_equals_the_baseline_computed_directly():
    clips = make_clips(8, context=4, horizon=6, seed=3)
    scores = protocol.score_frames(protocol.copy_last(), clips, context=4)
    expected = baselines.copy_last_error(clips[:, :4], clips[:, 4:])
    assert set(scores) == {"mse", "psnr", "ssim"} and scores["mse"].shape == (6,)
    torch.testing.assert_close(scores["mse"], expected)


def test_a_model_that_returns_the_truth_scores_zero_error_and_perfect_ssim():
    clips = make_clips(4, context=2, horizon=5, seed=1)
    oracle = protocol.FunctionPredictor(lambda context, horizon, _: clips[:, 2:], context=2)
    scores = protocol.score_frames(oracle, clips)
    assert torch.all(scores["mse"] == 0)
    torch.testing.assert_close(scores["ssim"], torch.ones(5))


def test_the_engine_predicts_its_own_trajectory_exactly_and_beats_constant_velocity():
    state, params = bouncing_balls(batch_size=6, num_balls=3, seed=2)
    truth = rollout(state, None, params, steps=60)
    engine = protocol.score_states(protocol.Engine(), truth, params)
    constant = protocol.score_states(protocol.ConstantVelocity(), truth, params)
    assert engine.shape == constant.shape == (60,)
    assert engine.max() == 0.0
    assert constant[-1] > 0.01        # gravity alone bends every path within 0.6 s
    torch.testing.assert_close(constant, metrics.position_error(
        baselines.constant_velocity(state, params, 60), truth)[1:])


def test_models_that_break_the_protocol_get_errors_that_name_what_is_wrong():
    clips = make_clips(2, context=2, horizon=3, seed=0)
    with pytest.raises(TypeError, match="FramePredictor"):
        protocol.score_frames(object(), clips)
    wrong_shape = protocol.FunctionPredictor(lambda c, h, _: c[:, :1], context=2, name="bad")
    with pytest.raises(ValueError, match="'bad'.*predict_frames must return"):
        protocol.score_frames(wrong_shape, clips)
    nan = protocol.FunctionPredictor(lambda c, h, _: torch.full_like(clips[:, 2:], float("nan")),
                                     context=2)
    with pytest.raises(ValueError, match="NaN"):
        protocol.score_frames(nan, clips)
    with pytest.raises(ValueError, match="context must be"):
        protocol.score_frames(protocol.copy_last(), clips, context=5)
    with pytest.raises(ValueError, match="context must be an int"):
        protocol.FunctionPredictor(lambda c, h, _: c, context=0)
