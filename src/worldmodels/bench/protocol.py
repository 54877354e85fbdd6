"""How a model takes part in the benchmark: an adapter that does what the model can.

An adapter is any object with a `name`, a `kind` ("oracle", "baseline" or "model"), a `road`
(where it comes from) and a `compute()`; then any of these, each opening tracks to it:

    predict(context: Context) -> Prediction      prediction, generalisation, controllability,
                                                 and intuitive physics (by one-step surprise)
    surprise(frames, actions, start, params) -> (N, T)
                                                 intuitive physics, its own way (optional)
    policy(seed) -> act(env, obs) -> action      planning, on ArmPush-v0

No base class: an adapter need not import anything from here (the structural protocols below
say what is expected). A track that an adapter has no method for is absent from its row,
shown as "—", never a made-up number. An adapter that has the method but returns a wrong
shape or NaN gets an error naming the model and the track, and the rest of the board runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

from torch import Tensor

from ..world.state import Params, State

KINDS = ("oracle", "baseline", "model")


@dataclass(frozen=True)
class Context:
    """What a model is shown before it predicts.

    frames:  (N, C, 3, S, S) the last C frames, in [0, 1] (C = the suite's CONTEXT)
    actions: (N, H, 2) hand velocities (m/s): actions[:, h] is held from the frame before
             predicted frame h to that frame (the first from the last context frame)
    past_actions: (N, C-1, 2) the actions between the context frames (what an agent knows
             it did), or None
    state:   the true State at the last context frame, or None where there is none (an
             impossible clip has no true state); only oracles and state baselines read it
    params:  the worlds' true Params (same rule)
    """

    frames: Tensor
    actions: Tensor
    past_actions: Tensor | None = None
    state: State | None = None
    params: Params | None = None

    @property
    def horizon(self) -> int:
        return self.actions.shape[1]


@dataclass(frozen=True)
class Prediction:
    """A model's future: frames (N, H, 3, S, S) in [0, 1] and/or cup (N, H, 2) in metres.

    A model that predicts only frames leaves cup None: the benchmark reads the cup out of its
    frames with Part 3's tracker. A model of states only leaves frames None.
    """

    frames: Tensor | None = None
    cup: Tensor | None = None


@runtime_checkable
class Predicts(Protocol):
    def predict(self, context: Context) -> Prediction: ...


@runtime_checkable
class Surprised(Protocol):
    def surprise(self, frames: Tensor, actions: Tensor, start: State,
                 params: Params) -> Tensor: ...


@runtime_checkable
class Acts(Protocol):
    def policy(self, seed: int) -> Callable: ...


class BenchError(RuntimeError):
    """A model broke the protocol on a track: the message names both."""

    def __init__(self, model: str, track: str, message: str):
        super().__init__(f"{model}, track {track}: {message}")
        self.model, self.track = model, track


def describe(adapter) -> dict:
    """An adapter's identity and compute, checked: {"name", "kind", "road", "parameters",
    "train_seconds"} (None where unknown)."""
    for field in ("name", "kind", "road"):
        if not isinstance(getattr(adapter, field, None), str):
            raise TypeError(f"adapter {adapter!r} must have a str `{field}`")
    if adapter.kind not in KINDS:
        raise ValueError(f"adapter {adapter.name!r}: kind must be one of {KINDS}, "
                         f"got {adapter.kind!r}")
    compute = adapter.compute() if hasattr(adapter, "compute") else {}
    return {"name": adapter.name, "kind": adapter.kind, "road": adapter.road,
            "parameters": compute.get("parameters"), "train_seconds": compute.get("train_seconds")}


def parameters(*modules) -> int:
    """How many numbers a model learned: its parameters, summed over its networks."""
    return sum(p.numel() for module in modules for p in module.parameters())
