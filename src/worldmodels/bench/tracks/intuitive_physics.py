"""Track 2, intuitive physics: the violation-of-expectation test of IntPhys (Riochet et al.
2021; IntPhys 2, Bordes et al. 2025), on matched clips of our world.

A model is surprised by a frame as much as its prediction of that frame misses it. A clip's
surprise is its most surprising frame after the context. Each violation kind (vanish,
teleport, wrong gravity, sink) is scored by relative accuracy over matched twins and by AUROC;
the controls keep the test honest:

- the trivial detector, the largest difference between consecutive frames, is the copy-last
  baseline's surprise: a model must beat it to claim any understanding;
- plausible but unusual clips (a slippery table, a faster hand) must not be flagged: a model
  that flags them detects novelty, not impossibility.
"""
from __future__ import annotations

import torch
from torch import Tensor

from ...measure import metrics
from .. import scores
from ..protocol import BenchError, Context, Surprised
from ..suite import CONTEXT
from .prediction import check_frames

TRACK = "intuitive_physics"
WINDOW_BATCH = 1024   # one-step windows predicted per call


def can_run(adapter) -> bool:
    """Surprise needs a `surprise` method, or frames predicted from frames alone."""
    return isinstance(adapter, Surprised) or (hasattr(adapter, "predict")
                                              and not getattr(adapter, "needs_state", False))


def one_step_surprise(adapter, frames: Tensor, actions: Tensor) -> Tensor:
    """(N, T) squared error of predicting each frame t >= CONTEXT from the CONTEXT frames
    before it and the action between; 0 for the first CONTEXT frames."""
    N, T = frames.shape[:2]
    windows = frames.unfold(1, CONTEXT, 1)[:, : T - CONTEXT]       # (N, W, 3, S, S, C)
    windows = windows.permute(0, 1, 5, 2, 3, 4).flatten(0, 1)      # (N W, C, 3, S, S)
    steps = actions[:, CONTEXT - 1:, None].flatten(0, 1)           # (N W, 1, 2)
    past = actions.unfold(1, CONTEXT - 1, 1)[:, : T - CONTEXT]      # (N, W, 2, C-1)
    past = past.transpose(-1, -2).flatten(0, 1)                    # (N W, C-1, 2)
    targets = frames[:, CONTEXT:].flatten(0, 1)[:, None]           # (N W, 1, 3, S, S)
    errors = []
    for i in range(0, len(windows), WINDOW_BATCH):
        part = slice(i, i + WINDOW_BATCH)
        with torch.no_grad():
            pred = adapter.predict(Context(windows[part], steps[part], past[part]))
        check_frames(adapter.name, TRACK, pred.frames, tuple(targets[part].shape))
        errors.append(metrics.mse(pred.frames, targets[part])[:, 0])
    surprise = torch.cat(errors).view(N, T - CONTEXT)
    return torch.cat([torch.zeros(N, CONTEXT), surprise], dim=1)


def surprise(adapter, frames: Tensor, actions: Tensor, start, params) -> Tensor:
    """(N, T) the adapter's own surprise where it has one, else its one-step surprise."""
    if isinstance(adapter, Surprised):
        with torch.no_grad():
            value = adapter.surprise(frames, actions, start, params)
        if not isinstance(value, Tensor) or tuple(value.shape) != tuple(frames.shape[:2]):
            raise BenchError(adapter.name, TRACK, f"surprise must have shape "
                             f"{tuple(frames.shape[:2])}, got {getattr(value, 'shape', value)}")
        if not torch.isfinite(value).all():
            raise BenchError(adapter.name, TRACK, "surprise contains NaN or inf")
        return value.float()
    return one_step_surprise(adapter, frames, actions)


def clip_score(per_frame: Tensor) -> Tensor:
    """(N,) a clip's surprise: its most surprising frame after the context."""
    return per_frame[:, CONTEXT:].amax(dim=1)


def run(adapter, suite) -> dict:
    """Per violation kind: relative accuracy, AUROC and how many impossible clips are caught;
    per unusual world: how many of its plausible clips are flagged."""
    def score_of(frames, actions, start, params) -> Tensor:
        return clip_score(surprise(adapter, frames, actions, start, params))

    def of(clips) -> Tensor:
        return score_of(clips.frames, clips.actions, clips.states.at(0), clips.params)

    reference = of(suite.ordinary)
    long, start = suite.long, suite.long.states.at(0)
    possible_all = of(long)                       # each possible clip once, for every kind
    kinds = {}
    for kind, pairs in suite.pairs.items():
        index = pairs.index
        possible = possible_all[index]
        impossible = score_of(pairs.impossible, long.actions[index], start.select(index),
                              long.params.select(index))
        kinds[kind] = {"relative_accuracy": scores.relative_accuracy(possible, impossible),
                       "auroc": scores.auroc(possible, impossible),
                       "caught": scores.flag_rate(reference, impossible),
                       "pairs": len(possible)}
    flagged = {name: scores.flag_rate(reference, of(c)) for name, c in suite.unusual.items()}
    mean = lambda key: sum(k[key] for k in kinds.values()) / len(kinds)  # noqa: E731
    return {"relative_accuracy": mean("relative_accuracy"), "auroc": mean("auroc"),
            "worst_relative_accuracy": min(k["relative_accuracy"] for k in kinds.values()),
            "flagged_unusual": max(flagged.values()), "kinds": kinds, "unusual": flagged}
