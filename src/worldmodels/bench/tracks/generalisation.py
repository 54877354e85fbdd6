"""Track 4, generalisation: the prediction error in worlds the models never saw, against the
error in the world they were trained on (Kang et al. 2024 found that video models extrapolate
poorly beyond their training ranges, and that more data does not fix it).

The out-of-distribution worlds are the suite's plausible-but-unusual ones (a slippery table,
a faster hand); the ratio of their cup error to the ordinary clips' is 1 for a model that
generalises perfectly.
"""
from __future__ import annotations

from . import prediction

TRACK = "generalisation"


def errors(adapter, clips, track_name: str = TRACK) -> dict:
    """The adapter's mean errors on clips: {"cup_error": m, "psnr": dB, or None for a model
    of states}."""
    pred, _ = prediction.forecast(adapter, clips, track_name)
    scored = prediction.score(pred, clips)
    psnr = scored["psnr"]
    return {"cup_error": float(scored["cup_error"].mean()),
            "psnr": None if psnr is None else float(psnr.mean())}


def run(adapter, suite) -> dict:
    inside = errors(adapter, suite.ordinary)["cup_error"]
    outside = {name: errors(adapter, clips)["cup_error"]
               for name, clips in suite.unusual.items()}
    mean_outside = sum(outside.values()) / len(outside)
    # A perfect model (no error anywhere, like the engine) generalises perfectly: ratio 1.
    ratio = mean_outside / inside if inside > 0 else (1.0 if mean_outside == 0 else None)
    return {"in_distribution": inside, **outside, "ratio": ratio}
