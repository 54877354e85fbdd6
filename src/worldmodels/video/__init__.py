"""Part 3, the Cinematographer's Road: predicting and generating the world's video.

    from worldmodels import video
    from worldmodels.measure import baselines, metrics
    clips = video.make_clips(256, context=4, horizon=10, scene="random_push", seed=0)
    context, future = clips[:, :4], clips[:, 4:]
    metrics.psnr(baselines.copy_last(context, 10), future)   # (N, 10) dB

    clips.py               short clips of the toddler's scene: a context and its futures
    predictor.py           a deterministic video predictor, and why its futures blur
    generative.py          a conditional VAE that samples several sharp futures
    action_conditioned.py  a video model you can play: frames and an action in, a frame out

The instruments this road is judged by (metrics, baselines, the tracker, the plausibility
checks, the violation injectors) are shared with every road in `worldmodels.measure`.

Letters: N or B clips, T frames, K samples per context, H horizon frames, D latent size.
"""
from .clips import SCENES, Clips, make_clips, simulate_clips

__all__ = ["SCENES", "Clips", "make_clips", "simulate_clips"]
