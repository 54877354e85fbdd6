"""Exercises of Part 1's "Acting in imagination": the λ-return, symlog and its inverse symexp."""
from __future__ import annotations

from typing import Callable

import torch

from .check import check_function


def _sample_return_inputs(rng) -> dict:
    N, H = int(rng.integers(1, 5)), int(rng.integers(1, 12))
    tensor = lambda array: torch.tensor(array, dtype=torch.float64)  # noqa: E731
    return {"reward": tensor(rng.normal(0, 2, (N, H))),
            "value": tensor(rng.normal(0, 5, (N, H + 1))),
            "cont": tensor(rng.uniform(0, 1, (N, H)) > 0.1),
            "gamma": float(rng.uniform(0.8, 1.0)), "lam": float(rng.uniform(0.0, 1.0))}


def check_lambda_return(user_fn: Callable) -> bool:
    """Exercise 'write the λ-return': user_fn(reward (N, H), value (N, H+1), cont (N, H), gamma,
    lam) -> returns (N, H), compared with `worldmodels.dreamer.returns.lambda_return`."""
    from ..dreamer.returns import lambda_return

    def sample(rng):
        inputs = _sample_return_inputs(rng)
        inputs["cont"] = inputs["cont"].double()
        return inputs
    return check_function(user_fn, lambda_return, sample, name="lambda_return")


def check_symlog(symlog_fn: Callable, symexp_fn: Callable) -> bool:
    """Exercise 'write symlog and its inverse': both elementwise on tensors, compared with
    `worldmodels.dreamer.symlog`, and symexp_fn(symlog_fn(x)) must give x back."""
    from ..dreamer.symlog import symexp, symlog

    def sample(rng):
        scale = 10.0 ** rng.uniform(-2, 3)  # from 0.01 to 1000: small and huge values alike
        return {"x": torch.tensor(rng.normal(0, scale, int(rng.integers(1, 20))),
                                  dtype=torch.float64)}

    def sample_logs(rng):  # symexp's inputs are symlogs: |x| <= 10 keeps exp(|x|) finite
        return {"x": torch.tensor(rng.uniform(-10, 10, int(rng.integers(1, 20))),
                                  dtype=torch.float64)}

    def round_trip(x):
        return symexp_fn(symlog_fn(x))
    return (check_function(symlog_fn, symlog, sample, name="symlog")
            and check_function(symexp_fn, symexp, sample_logs, name="symexp", rtol=1e-6)
            and check_function(round_trip, lambda x: x, sample, name="symexp(symlog(x))",
                               rtol=1e-6))
