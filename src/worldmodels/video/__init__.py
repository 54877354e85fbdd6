"""Part 3, the Cinematographer's Road: predicting and generating the world's video.

    from worldmodels import video
    clips = video.make_clips(256, context=4, horizon=10, scene="random_push", seed=0)
    context, future = clips[:, :4], clips[:, 4:]
    video.metrics.psnr(video.baselines.copy_last(context, 10), future)   # (N, 10) dB

Letters: N or B clips, T frames, K samples per context, H horizon frames, D latent size.
"""
from . import baselines, metrics  # noqa: F401
from .clips import SCENES, Clips, make_clips, simulate_clips  # noqa: F401
