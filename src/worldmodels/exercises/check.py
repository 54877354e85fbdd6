"""The one checker behind every exercise: a learner's function against a reference, on random inputs."""
from __future__ import annotations

from typing import Callable

import numpy as np


def check_function(user_fn: Callable, reference_fn: Callable, sample_inputs: Callable,
                   num_trials: int = 20, rtol: float = 1e-3, atol: float = 1e-6,
                   seed: int = 0, name: str | None = None) -> bool:
    """Compare `user_fn(**inputs)` with `reference_fn(**inputs)` on random inputs.

    sample_inputs(rng) -> dict of keyword arguments, drawn with a seeded numpy Generator.
    """
    name = name or getattr(user_fn, "__name__", "your function")
    rng = np.random.default_rng(seed)
    for trial in range(num_trials):
        inputs = sample_inputs(rng)
        expected = np.asarray(reference_fn(**inputs), dtype=float)
        ok, got = call_learner(lambda: user_fn(**inputs), name, f"\n  on inputs {_fmt(inputs)}")
        if not ok:
            return False
        got = to_numpy(got)
        if got.shape != expected.shape:
            print(f"✗ {name} returned shape {got.shape}, expected {expected.shape}\n"
                  f"  on inputs {_fmt(inputs)}")
            return False
        if not np.allclose(got, expected, rtol=rtol, atol=atol):
            print(f"✗ {name} differs from the reference on trial {trial + 1}:\n"
                  f"  inputs   {_fmt(inputs)}\n  yours    {_fmt(got)}\n  expected {_fmt(expected)}")
            return False
    print(f"✓ {name} matches the reference on {num_trials} random inputs. Well done!")
    return True


def call_learner(call: Callable, name: str, where: str = "") -> tuple[bool, object]:
    """Run the learner's code: (True, its result), or (False, None) after a verdict that says
    the stub is not written yet, or which error it raised (`where` says on what inputs)."""
    try:
        return True, call()
    except NotImplementedError:
        print(f"✗ {name} is not written yet: replace the `raise NotImplementedError` line.")
    except Exception as error:  # the learner's bug, reported rather than raised
        print(f"✗ {name} raised {type(error).__name__}: {error}{where}")
    return False, None


def to_numpy(value) -> np.ndarray:
    """A learner's answer (tensor, array, list or number) as a float array, to compare."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=float)


def _fmt(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items())
    if callable(value):            # an input such as a velocity field: its own description
        return repr(value)
    array = np.asarray(value, dtype=float)
    return np.array2string(array, precision=4) if array.ndim else f"{float(array):.4g}"


# --- Part 0: The Map -------------------------------------------------------------------------
