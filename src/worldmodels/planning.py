"""Planning by sampling: the cross-entropy method and MPPI, and the receding-horizon loop.

A planner searches for the action sequence a_0..a_{H-1} that minimises a cost, given only a
model that rolls candidates out. Both are black boxes, batched over K candidates:

    dynamics(start, actions) -> states     actions (K, H, A); states: anything cost() reads
    cost(states, actions)    -> (K,)       one number per candidate, lower is better

`start` is passed through untouched (a vector, a world State, a latent), so the same planner
runs on the true engine, a learned ensemble or a representation (Parts 4, 5, 6).

- CEM (Rubinstein 1999; in model-based RL, PETS, Chua et al. 2018): sample K sequences from a
  Gaussian, keep the `elites` cheapest, refit the Gaussian's mean and standard deviation to
  them, repeat.
- MPPI (Williams et al. 2017): sample around the mean and move it to the softmin-weighted
  average of the samples, weights exp(-(cost - min) / temperature), repeat.

`RecedingHorizon` plans, takes the first action, and warm-starts the next plan from the rest
of this one shifted by a step: model-predictive control.

    plan = cem(dynamics, cost, start, horizon=20, action_dim=2, generator=g)
    plan.actions    # (H, A), the best sequence found;  plan.cost: its cost

Planning code never plots and never touches an environment.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import Tensor

Dynamics = Callable[[Any, Tensor], Any]
Cost = Callable[[Any, Tensor], Tensor]


@dataclass
class Plan:
    """A planner's answer: the best action sequence found and what the search went through."""

    actions: Tensor                  # (H, A) the sequence to carry out
    cost: float                      # its cost under the model
    mean: Tensor                     # (H, A) the sampling distribution's final mean
    std: Tensor                      # (H, A) ... and standard deviation (CEM; MPPI's noise)
    costs: list[float] = field(default_factory=list)   # the best cost after each iteration


def _check(horizon: int, action_dim: int, samples: int, low: float, high: float) -> None:
    if not (isinstance(horizon, int) and horizon >= 1):
        raise ValueError(f"horizon must be an int >= 1 step, got {horizon!r}")
    if not (isinstance(action_dim, int) and action_dim >= 1):
        raise ValueError(f"action_dim must be an int >= 1, got {action_dim!r}")
    if not (isinstance(samples, int) and samples >= 2):
        raise ValueError(f"samples must be an int >= 2, got {samples!r}")
    if not low < high:
        raise ValueError(f"low ({low}) must be < high ({high})")


def _start_mean(init: Tensor | None, horizon: int, action_dim: int, low: float, high: float,
                dtype: torch.dtype) -> Tensor:
    if init is None:
        return torch.full((horizon, action_dim), (low + high) / 2, dtype=dtype)
    if not isinstance(init, Tensor) or init.shape != (horizon, action_dim):
        raise ValueError(f"init_mean must be a tensor of shape {(horizon, action_dim)}, got "
                         f"{getattr(init, 'shape', type(init).__name__)}")
    if not torch.isfinite(init).all():
        raise ValueError("init_mean must be finite")
    return init.to(dtype).clamp(low, high)


def _sample(mean: Tensor, std: Tensor, samples: int, low: float, high: float,
            generator: torch.Generator | None) -> Tensor:
    """The mean itself and samples - 1 Gaussian perturbations of it, clipped: (K, H, A)."""
    noise = torch.randn(samples - 1, *mean.shape, generator=generator, dtype=mean.dtype)
    return torch.cat([mean[None], mean + std * noise]).clamp(low, high)


class _Best:
    """The cheapest candidate seen so far, and the best cost after each iteration."""

    def __init__(self, mean: Tensor):
        self.actions, self.cost, self.history = mean, math.inf, []

    def update(self, candidates: Tensor, costs: Tensor, again: bool = False) -> Tensor:
        i = int(costs.argmin())
        if costs[i] < self.cost:
            self.actions, self.cost = candidates[i], float(costs[i])
        if again and self.history:
            self.history[-1] = self.cost         # the same iteration, one more candidate
        else:
            self.history.append(self.cost)
        return costs


def _evaluate(dynamics: Dynamics, cost: Cost, start, actions: Tensor) -> Tensor:
    costs = cost(dynamics(start, actions), actions)
    if not isinstance(costs, Tensor) or costs.shape != actions.shape[:1]:
        raise ValueError(f"cost must return a tensor of shape ({actions.shape[0]},), one per "
                         f"candidate, got {getattr(costs, 'shape', type(costs).__name__)}")
    if torch.isnan(costs).any():
        raise ValueError(f"cost returned NaN for {int(torch.isnan(costs).sum())} of "
                         f"{len(costs)} candidates; check the dynamics and the cost")
    return costs


def elite_refit(candidates: Tensor, costs: Tensor, elites: int) -> tuple[Tensor, Tensor]:
    """One CEM update: the mean and standard deviation (H, A) of the `elites` cheapest of the
    candidates (K, H, A), per step and action dimension (the population deviation, ddof 0)."""
    elite = candidates[costs.argsort()[:elites]]                                 # (E, H, A)
    return elite.mean(0), elite.std(0, unbiased=False)


def cem(dynamics: Dynamics, cost: Cost, start, horizon: int, action_dim: int, *,
        samples: int = 256, elites: int = 32, iterations: int = 5, init_mean: Tensor | None = None,
        init_std: float = 0.5, min_std: float = 1e-3, low: float = -1.0, high: float = 1.0,
        dtype: torch.dtype = torch.float32, generator: torch.Generator | None = None) -> Plan:
    """The cross-entropy method: refit a Gaussian to the elite candidates `iterations` times.

    Actions are clipped to [low, high]. Returns the cheapest sequence ever sampled (the mean
    itself is evaluated too), so a plan never gets worse with more iterations.
    """
    _check(horizon, action_dim, samples, low, high)
    if not (isinstance(elites, int) and 1 <= elites <= samples):
        raise ValueError(f"elites must be an int in [1, samples={samples}], got {elites!r}")
    if not init_std > 0:
        raise ValueError(f"init_std must be > 0, got {init_std}")
    mean = _start_mean(init_mean, horizon, action_dim, low, high, dtype)
    std = torch.full_like(mean, init_std)
    best = _Best(mean)
    for _ in range(iterations):
        candidates = _sample(mean, std, samples, low, high, generator)          # (K, H, A)
        costs = best.update(candidates, _evaluate(dynamics, cost, start, candidates))
        mean, std = elite_refit(candidates, costs, elites)
        std = std.clamp_min(min_std)
    return Plan(actions=best.actions, cost=best.cost, mean=mean, std=std, costs=best.history)


def mppi(dynamics: Dynamics, cost: Cost, start, horizon: int, action_dim: int, *,
         samples: int = 256, iterations: int = 5, temperature: float = 0.1,
         noise_std: float = 0.5, decay: float = 0.7, init_mean: Tensor | None = None,
         low: float = -1.0, high: float = 1.0, dtype: torch.dtype = torch.float32,
         generator: torch.Generator | None = None) -> Plan:
    """Model-predictive path integral control: a softmin-weighted average of noisy samples.

    temperature (in cost units) sets how greedy the average is: -> 0 takes the best sample,
    large values average everything. The noise shrinks by `decay` every iteration, so later
    iterations refine what earlier ones found.
    """
    _check(horizon, action_dim, samples, low, high)
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0 (cost units), got {temperature}")
    if not noise_std > 0:
        raise ValueError(f"noise_std must be > 0, got {noise_std}")
    if not 0 < decay <= 1:
        raise ValueError(f"decay must lie in (0, 1], got {decay}")
    mean = _start_mean(init_mean, horizon, action_dim, low, high, dtype)
    std = torch.full_like(mean, noise_std)
    best = _Best(mean)
    for _ in range(iterations):
        candidates = _sample(mean, std, samples, low, high, generator)
        costs = best.update(candidates, _evaluate(dynamics, cost, start, candidates))
        weights = torch.softmax(-(costs - costs.min()) / temperature, dim=0)        # (K,)
        mean = (weights[:, None, None] * candidates).sum(0)
        std = std * decay
    # The weighted mean is itself a candidate worth keeping.
    best.update(mean[None], _evaluate(dynamics, cost, start, mean[None]), again=True)
    return Plan(actions=best.actions, cost=best.cost, mean=mean, std=std, costs=best.history)


PLANNERS = {"cem": cem, "mppi": mppi}


class RecedingHorizon:
    """Model-predictive control: plan H steps, act one, re-plan from where the world went.

        controller = RecedingHorizon("cem", dynamics, cost, horizon=15, action_dim=2, seed=0)
        action = controller.act(start)      # (A,), then step the real world, and again

    Each plan starts its search from the previous plan shifted by one step (the last action
    repeated), so few iterations suffice once the first plan is made. `options` go to the
    planner (samples, iterations, ...); `first_iterations`, if given, replaces `iterations`
    for the first plan of an episode.
    """

    def __init__(self, planner: str, dynamics: Dynamics, cost: Cost, horizon: int,
                 action_dim: int, *, seed: int = 0, first_iterations: int | None = None,
                 **options):
        if planner not in PLANNERS:
            raise ValueError(f"planner must be one of {sorted(PLANNERS)}, got {planner!r}")
        _check(horizon, action_dim, options.get("samples", 256), options.get("low", -1.0),
               options.get("high", 1.0))
        self.plan_fn, self.dynamics, self.cost = PLANNERS[planner], dynamics, cost
        self.horizon, self.action_dim, self.options = horizon, action_dim, options
        self.first_iterations = first_iterations
        self.generator = torch.Generator().manual_seed(seed)
        self.last: Plan | None = None

    def reset(self) -> None:
        """Forget the previous plan: the next `act` searches from scratch."""
        self.last = None

    def act(self, start) -> Tensor:
        """The first action (A,) of a fresh plan from `start`."""
        options = dict(self.options)
        if self.last is None:
            warm = None
            if self.first_iterations is not None:
                options["iterations"] = self.first_iterations
        else:
            warm = torch.cat([self.last.actions[1:], self.last.actions[-1:]])
        self.last = self.plan_fn(self.dynamics, self.cost, start, self.horizon, self.action_dim,
                                 init_mean=warm, generator=self.generator, **options)
        return self.last.actions[0]
