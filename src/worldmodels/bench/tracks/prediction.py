"""Track 1, prediction: how far a model's future is from the truth, frame by frame.

Scored in pixels (PSNR, dB) and in the physical state (the cup's position, m). A model that
paints frames has its cup read out of them by Part 3's tracker, the same instrument for all.

    forecast(adapter, clips)        -> Prediction, checked, and seconds it took
    score(prediction, clips)        -> {"psnr": (H,), "cup_error": (H,)} per horizon
    run(adapter, suite)             -> the track's numbers for the board
"""
from __future__ import annotations

import time

import torch
from torch import Tensor

from ...measure import metrics
from ...measure.tracker import track
from ..protocol import BenchError, Context, Prediction
from ..suite import CONTEXT, Clips, scene_of

TRACK = "prediction"


def context_of(clips: Clips, actions: Tensor | None = None) -> Context:
    """The first CONTEXT frames of clips and the actions after them (or other actions)."""
    return Context(clips.frames[:, :CONTEXT],
                   clips.actions[:, CONTEXT - 1:] if actions is None else actions,
                   clips.actions[:, :CONTEXT - 1], clips.states.at(CONTEXT - 1), clips.params)


def forecast(adapter, clips: Clips, track_name: str = TRACK,
             actions: Tensor | None = None) -> tuple[Prediction, float]:
    """The adapter's prediction of clips' futures, checked for shape and finiteness."""
    context = context_of(clips, actions)
    N, H = len(clips), context.horizon
    start = time.perf_counter()
    with torch.no_grad():
        pred = adapter.predict(context)
    seconds = time.perf_counter() - start
    if not isinstance(pred, Prediction) or (pred.frames is None and pred.cup is None):
        raise BenchError(adapter.name, track_name,
                         f"predict must return a Prediction with frames or cup, got {pred!r}")
    check_frames(adapter.name, track_name, pred.frames, (N, H) + tuple(clips.frames.shape[2:]))
    if pred.cup is not None:
        check_frames(adapter.name, track_name, pred.cup, (N, H, 2), "cup")
    return pred, seconds


def check_frames(model: str, track_name: str, value: Tensor | None, shape: tuple,
                 what: str = "frames") -> None:
    """A model's output must have `shape` and be finite (frames within [0, 1] as well)."""
    if value is None:
        return
    if not isinstance(value, Tensor) or tuple(value.shape) != tuple(shape):
        raise BenchError(model, track_name, f"{what} must have shape {tuple(shape)}, "
                         f"got {getattr(value, 'shape', type(value).__name__)}")
    if not torch.isfinite(value).all():
        raise BenchError(model, track_name, f"{what} contain NaN or inf")
    if what == "frames" and (value.min() < -1e-3 or value.max() > 1 + 1e-3):
        raise BenchError(model, track_name, "frames must lie in [0, 1]")


def tracked_cup(frames: Tensor, last_seen: Tensor, params) -> Tensor:
    """The cup's centre (N, H, 2) read out of frames (N, H, 3, S, S); in a frame where the cup
    is not seen, the last place it was seen (starting from `last_seen` (N, 2))."""
    tracks = track(frames, scene_of(params))
    centre, seen = tracks.centre[:, :, 0], tracks.seen[:, :, 0]
    out, where = [], last_seen
    for h in range(frames.shape[1]):
        where = torch.where(seen[:, h, None], centre[:, h], where)
        out.append(where)
    return torch.stack(out, dim=1)


def score(pred: Prediction, clips: Clips) -> dict[str, Tensor]:
    """{"psnr": (H,) dB, or None for a model of states; "cup_error": (H,) m}."""
    future = clips.frames[:, CONTEXT:]
    cup = pred.cup
    if cup is None:
        seen = tracked_cup(clips.frames[:, CONTEXT - 1:CONTEXT], clips.cup[:, CONTEXT - 1],
                           clips.params)[:, 0]
        cup = tracked_cup(pred.frames, seen, clips.params)
    psnr = None if pred.frames is None else metrics.psnr_from_mse(
        metrics.mse(pred.frames, future).mean(0))
    return {"psnr": psnr, "cup_error": (cup - clips.cup[:, CONTEXT:]).norm(dim=-1).mean(0)}


def run(adapter, suite) -> dict:
    """Pixels and cup, against the horizon, on the suite's ordinary clips."""
    pred, seconds = forecast(adapter, suite.ordinary)
    scores = score(pred, suite.ordinary)
    psnr = scores["psnr"]
    frames = len(suite.ordinary) * suite.ordinary.frames[:, CONTEXT:].shape[1]
    return {"psnr": None if psnr is None else float(psnr.mean()),
            "cup_error": float(scores["cup_error"].mean()),
            "psnr_by_horizon": None if psnr is None else psnr.tolist(),
            "cup_error_by_horizon": scores["cup_error"].tolist(),
            "ms_per_frame": 1000 * seconds / frames}
