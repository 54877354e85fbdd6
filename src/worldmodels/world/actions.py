"""Action patterns for the hand: what it does in every dataset, clip and game of the book.

    strokes = smooth_random_actions(64, 50, max_speed=2.0, generator=g)   # (B, T, 2) m/s
    presses = random_buttons(64, 12, (-1.5, 0.0, 1.5), mean_hold=4.0, generator=g)  # (B, T)
    shoves = push(speed, steps=40, start=12)                              # (B, T, 2) m/s

Letters: B rollouts, T steps. Each pattern draws its random numbers from the generator it is
given, in a fixed order, so the same seed always gives the same actions. Random actions are
*held*: a value is kept for a geometrically distributed number of steps before the next is
drawn, since fresh noise at every step makes the hand jitter in place instead of travelling.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

MEAN_HOLD_STEPS = 10  # random strokes are held this many engine steps on average


def held(values: Tensor, switch: Tensor) -> Tensor:
    """values (B, T, ...) with each step's value held until the next True of switch (B, T).

    A new value starts at every True (and always at t = 0); between them the last one repeats.
    """
    switch = switch.clone()
    switch[:, 0] = True
    B, T = switch.shape
    index = torch.arange(T, device=switch.device).expand(B, T)
    start = torch.where(switch, index, 0).cummax(dim=1).values                # (B, T)
    return values.gather(1, start.view(B, T, *([1] * (values.ndim - 2))).expand_as(values))


def smooth_random_actions(batch_size: int, steps: int, max_speed: float,
                          generator: torch.Generator) -> Tensor:
    """Random hand velocities (B, T, 2) in [-max_speed, max_speed], held for a while.

    A random walk of T steps covers about sqrt(T) step lengths, a held stroke T of them.
    Holding each velocity for a random time (mean MEAN_HOLD_STEPS) gives strokes that travel,
    reach the cup from either side and push it: in 50-step cup rollouts about a third of the
    cups move by more than 10 cm, against one in twelve with fresh noise every step.
    """
    candidates = (2 * torch.rand(batch_size, steps, 2, generator=generator) - 1) * max_speed
    switch = torch.rand(batch_size, steps, generator=generator) < 1.0 / MEAN_HOLD_STEPS
    return held(candidates, switch)                                           # (B, T, 2)


def random_buttons(batch_size: int, steps: int, buttons: Sequence[float], mean_hold: float,
                   generator: torch.Generator) -> Tensor:
    """(B, T) presses of one of `buttons` (each a value, e.g. a velocity in m/s), each press
    held for a geometric number of steps with mean `mean_hold`."""
    if not mean_hold >= 1:
        raise ValueError(f"mean_hold must be >= 1 step, got {mean_hold!r}")
    choice = torch.tensor(list(buttons))[torch.randint(len(buttons), (batch_size, steps),
                                                       generator=generator)]
    switch = torch.rand(batch_size, steps, generator=generator) < 1.0 / mean_hold
    return held(choice, switch)                                               # (B, T)


def push(speed: Tensor, steps: int, start: int = 0) -> Tensor:
    """Hand velocities (B, T, 2): still until step `start`, then rightwards at speed (B,) m/s."""
    if not (isinstance(start, int) and 0 <= start <= steps):
        raise ValueError(f"start must be an int in [0, steps={steps}], got {start!r}")
    actions = torch.zeros(len(speed), steps, 2, dtype=speed.dtype, device=speed.device)
    actions[:, start:, 0] = speed[:, None]
    return actions


def repeat(actions: Tensor, every: int) -> Tensor:
    """Each action (B, T, ...) held for `every` engine steps: (B, T * every, ...)."""
    return actions.repeat_interleave(every, dim=1)


def mean_over(actions: Tensor, every: int) -> Tensor:
    """The mean of each run of `every` engine steps' actions: (B, T * every, A) -> (B, T, A)."""
    B, steps, A = actions.shape
    if steps % every:
        raise ValueError(f"actions' {steps} steps must be a multiple of every={every}")
    return actions.view(B, steps // every, every, A).mean(dim=2)
