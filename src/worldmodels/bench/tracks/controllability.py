"""Track 5, controllability: how much a model's predictions depend on the actions.

Genie measures it as the PSNR of frames predicted from the true actions minus that of frames
predicted from random actions (Bruce et al. 2024, "delta-PSNR"). Here the random actions are
another clip's: button presses just as plausible, but not the ones that were made. A model
that ignores its actions scores exactly 0 dB.
"""
from __future__ import annotations

from ...measure import metrics
from ..suite import CONTEXT
from . import prediction

TRACK = "controllability"


def run(adapter, suite) -> dict | None:
    clips = suite.ordinary
    true, _ = prediction.forecast(adapter, clips, TRACK)
    if true.frames is None:
        return None      # a model of states has no frames to compare
    others = clips.actions[:, CONTEXT - 1:].roll(1, dims=0)   # each clip gets its neighbour's
    random, _ = prediction.forecast(adapter, clips, TRACK, actions=others)
    future = clips.frames[:, CONTEXT:]
    psnr_true, psnr_random = (metrics.psnr_from_mse(metrics.mse(p.frames, future).mean())
                              for p in (true, random))
    return {"delta_psnr": float(psnr_true - psnr_random), "psnr_true_actions": float(psnr_true),
            "psnr_random_actions": float(psnr_random)}
