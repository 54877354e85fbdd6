"""Video metrics against their maths, clips from the world, and the copy-last baseline exactly."""
import math

import pytest
import torch
import torch.nn.functional as F

from worldmodels.measure import baselines, metrics
from worldmodels.video import make_clips, simulate_clips


def random_frames(*lead, size=16, seed=0):
    return torch.rand(*lead, 3, size, size, generator=torch.Generator().manual_seed(seed))


def test_mse_and_psnr_of_a_known_error():
    target = random_frames(2, 5) * 0.8
    pred = target + 0.1                                     # every pixel off by exactly 0.1
    assert torch.allclose(metrics.mse(pred, target), torch.full((2, 5), 0.01), atol=1e-7)
    assert torch.allclose(metrics.psnr(pred, target), torch.full((2, 5), 20.0), atol=1e-4)
    assert metrics.psnr(pred, target, data_range=2.0)[0, 0] == pytest.approx(
        20 + 20 * math.log10(2), abs=1e-4)


def test_ssim_is_one_for_identical_frames_and_falls_with_noise():
    frames = random_frames(4)
    assert torch.allclose(metrics.ssim(frames, frames), torch.ones(4), atol=1e-5)
    noisy = (frames + 0.4 * (random_frames(4, seed=1) - 0.5)).clamp(0, 1)
    assert (metrics.ssim(noisy, frames) < 0.95).all()
    assert torch.allclose(metrics.ssim(noisy, frames), metrics.ssim(frames, noisy), atol=1e-6)


def test_ssim_of_a_constant_offset_matches_the_luminance_term():
    # Flat images a and b: variances and covariance vanish, so SSIM = (2ab + c1) / (a^2 + b^2 + c1).
    a, b = 0.3, 0.5
    x, y = torch.full((1, 3, 16, 16), a), torch.full((1, 3, 16, 16), b)
    c1 = (metrics.SSIM_K1) ** 2
    assert metrics.ssim(x, y).item() == pytest.approx((2 * a * b + c1) / (a * a + b * b + c1), rel=1e-4)


def test_blurring_lowers_sharpness():
    frames = make_clips(2, context=1, horizon=1, frame_size=32, seed=0)[:, 0]   # (2, 3, 32, 32)
    blurred = F.avg_pool2d(frames, 3, stride=1, padding=1, count_include_pad=False)
    assert (metrics.sharpness(blurred) < 0.7 * metrics.sharpness(frames)).all()
    assert metrics.sharpness(torch.full((1, 3, 8, 8), 0.4)).item() == pytest.approx(0.0, abs=1e-10)


def test_error_by_horizon_averages_over_clips():
    pred, target = random_frames(3, 4), random_frames(3, 4, seed=2)
    expected = ((pred - target) ** 2).mean(dim=(0, 2, 3, 4))
    assert torch.allclose(metrics.error_by_horizon(pred, target, "mse"), expected, atol=1e-7)
    with pytest.raises(ValueError, match="metric"):
        metrics.error_by_horizon(pred, target, "mae")


def test_metrics_reject_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        metrics.mse(random_frames(2), random_frames(3))
    with pytest.raises(ValueError, match=r"\(\.\.\., 3, H, W\)"):
        metrics.psnr(torch.zeros(2, 4, 8, 8), torch.zeros(2, 4, 8, 8))
    with pytest.raises(TypeError, match="pred"):
        metrics.ssim([0.0], random_frames(1))
    with pytest.raises(ValueError, match="at least"):
        metrics.ssim(torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4))


def test_copy_last_error_is_exact():
    clips = make_clips(6, context=3, horizon=5, seed=3)
    context, future = clips[:, :3], clips[:, 3:]
    last = context[:, 2]
    expected = torch.stack([((future[:, h] - last) ** 2).mean() for h in range(5)])
    assert torch.allclose(baselines.copy_last_error(context, future), expected, atol=1e-8)
    mean = baselines.mean_frame(context, 5)
    assert torch.allclose(mean[:, 0], context.mean(dim=1))
    with pytest.raises(ValueError, match="horizon"):
        baselines.copy_last(context, 0)


def test_clips_are_seeded_and_the_scenes_differ_where_they_should():
    a = simulate_clips(8, context=4, horizon=6, scene="random_push", seed=5)
    b = simulate_clips(8, context=4, horizon=6, scene="random_push", seed=5)
    assert torch.equal(a.frames, b.frames) and a.frames.shape == (8, 10, 3, 32, 32)
    # Unseen push: the context is still; the cup moves only in the future.
    assert torch.equal(a.hand[:, 0], a.hand[:, 3]) and (a.hand[:, -1, 0] > a.hand[:, 3, 0]).all()
    seen = simulate_clips(8, context=4, horizon=6, scene="determined_push", seed=5)
    assert (seen.hand[:, 3, 0] > seen.hand[:, 0, 0]).all()       # the context shows the push
    moved = seen.hand[:, 1, 0] - seen.hand[:, 0, 0]
    assert torch.allclose(moved, seen.speed * seen.frame_dt, atol=1e-4)   # its speed, exactly
    mixed = make_clips(8, context=4, horizon=6, scene="mixed", seed=5)
    assert torch.equal(mixed[:4], make_clips(4, context=4, horizon=6, scene="determined_push", seed=5))


@pytest.mark.parametrize("kwargs, match", [
    (dict(num_clips=0), "num_clips"), (dict(context=0), "context"), (dict(horizon=-1), "horizon"),
    (dict(frame_size=33), "frame_size"), (dict(scene="cat"), "scene"), (dict(seed=-1), "seed")])
def test_make_clips_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_clips(**{"num_clips": 2, **kwargs})
