"""What "a model that predicts" offers, and the one door through which every such model is scored.

A model takes part by having the methods of the track it can do; nothing else is asked of it
(a structural `typing.Protocol`: no base class to inherit, so a road never imports this file):

    class FramePredictor:       context: int; predict_frames(context, horizon, actions) -> frames
    class StatePredictor:       predict_states(start, params, horizon, actions) -> trajectory

    protocol.score_frames(model, clips, context=4)        # {"mse": (H,), "psnr": (H,), ...}
    protocol.score_states(model, trajectory, params)      # (H,) mean position error (m)

Shapes: N clips, C context frames, H horizon (frames or steps), A action size, K disks.
Actions are the ones applied after each context frame: for frames, (N, H, A), the action
between frame C-1+h and frame C+h; for states, (N, H, 2) hand velocities as the engine takes.
A model that ignores actions accepts them and may ignore them. The baselines below take part
through the same door, so a leaderboard compares like with like.
"""
from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

import torch
from torch import Tensor

from ..world.engine import rollout
from ..world.state import Params, State
from . import baselines, metrics


@runtime_checkable
class FramePredictor(Protocol):
    context: int   # frames the model must see before it predicts

    def predict_frames(self, context: Tensor, horizon: int,
                       actions: Tensor | None = None) -> Tensor:
        """context (N, C, 3, H, W) in [0, 1], actions (N, horizon, A) or None
        -> predicted frames (N, horizon, 3, H, W) in [0, 1]."""


@runtime_checkable
class StatePredictor(Protocol):
    def predict_states(self, start: State, params: Params, horizon: int,
                       actions: Tensor | None = None) -> State:
        """The world's state at steps 0..horizon from `start`: a trajectory State (N, H+1, K, 2)."""


class FunctionPredictor:
    """Any function (context, horizon, actions) -> frames, as a FramePredictor: the adapter."""

    def __init__(self, predict: Callable[[Tensor, int, Tensor | None], Tensor], context: int,
                 name: str = "model"):
        if not callable(predict):
            raise TypeError(f"predict must be callable, got {type(predict).__name__}")
        if isinstance(context, bool) or not (isinstance(context, int) and context >= 1):
            raise ValueError(f"context must be an int >= 1 frames, got {context!r}")
        self.predict, self.context, self.name = predict, context, name

    def predict_frames(self, context: Tensor, horizon: int,
                       actions: Tensor | None = None) -> Tensor:
        return self.predict(context, horizon, actions)

    def __repr__(self) -> str:
        return f"FunctionPredictor({self.name!r}, context={self.context})"


def copy_last(context: int = 1) -> FunctionPredictor:
    """The world stands still: the last frame seen, repeated."""
    return FunctionPredictor(lambda frames, horizon, _: baselines.copy_last(frames, horizon),
                             context, "copy-last")


def mean_frame(context: int = 1) -> FunctionPredictor:
    """The average picture of the context, repeated."""
    return FunctionPredictor(lambda frames, horizon, _: baselines.mean_frame(frames, horizon),
                             context, "mean frame")


class ConstantVelocity:
    """Every disk keeps its velocity: the state baseline that knows no forces."""

    def predict_states(self, start: State, params: Params, horizon: int,
                       actions: Tensor | None = None) -> State:
        return baselines.constant_velocity(start, params, horizon)


class Engine:
    """The world's own engine, given the true parameters: the oracle every model is held to."""

    def predict_states(self, start: State, params: Params, horizon: int,
                       actions: Tensor | None = None) -> State:
        with torch.no_grad():
            return rollout(start, actions, params, steps=None if actions is not None else horizon)


def score_frames(model: FramePredictor, frames: Tensor, context: int | None = None,
                 actions: Tensor | None = None,
                 names: tuple[str, ...] = ("mse", "psnr", "ssim")) -> dict[str, Tensor]:
    """Predict the future of clips (N, T, 3, H, W) from their first `context` frames
    (model.context by default) and score it: {metric: (T - context,)} averaged over clips."""
    if not isinstance(model, FramePredictor):
        raise TypeError(f"model must offer `context` and `predict_frames` (a FramePredictor), "
                        f"got {type(model).__name__}")
    if not isinstance(frames, Tensor) or frames.ndim != 5 or frames.shape[2] != 3:
        raise ValueError(f"frames must be a (N, T, 3, H, W) tensor, "
                         f"got {getattr(frames, 'shape', type(frames).__name__)}")
    context = model.context if context is None else context
    if not context >= model.context or not context < frames.shape[1]:
        raise ValueError(f"context must be in [{model.context}, {frames.shape[1] - 1}] frames "
                         f"(the model's context to the clip's length - 1), got {context}")
    horizon = frames.shape[1] - context
    if actions is not None and tuple(actions.shape[:2]) != (len(frames), horizon):
        raise ValueError(f"actions must be (N, H, A) = ({len(frames)}, {horizon}, A), "
                         f"got {tuple(actions.shape)}")
    with torch.no_grad():
        pred = model.predict_frames(frames[:, :context], horizon, actions)
    future = frames[:, context:]
    if not isinstance(pred, Tensor) or pred.shape != future.shape:
        raise ValueError(f"{model!r}.predict_frames must return {tuple(future.shape)}, "
                         f"got {getattr(pred, 'shape', type(pred).__name__)}")
    if not torch.isfinite(pred).all():
        raise ValueError(f"{model!r}.predict_frames returned NaN or inf")
    return {name: metrics.error_by_horizon(pred.clamp(0, 1), future, name) for name in names}


def score_states(model: StatePredictor, trajectory: State, params: Params,
                 actions: Tensor | None = None) -> Tensor:
    """Predict a true trajectory (pos (N, H+1, K, 2)) from its first state; the mean position
    error (m) at each of the H steps after it, (H,)."""
    if not isinstance(model, StatePredictor):
        raise TypeError(f"model must offer `predict_states` (a StatePredictor), "
                        f"got {type(model).__name__}")
    if not isinstance(trajectory, State) or trajectory.pos.ndim != 4:
        raise ValueError("trajectory must be a trajectory State with pos (N, H+1, K, 2)")
    horizon = trajectory.pos.shape[1] - 1
    pred = model.predict_states(trajectory.at(0), params, horizon, actions)
    return metrics.position_error(pred, trajectory)[1:]
