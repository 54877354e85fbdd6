"""Part 0, The Map: the exercise of the toddler's cup, where a pushed cup lands."""
from __future__ import annotations

import math
from typing import Callable

from .check import check_function


def landing_distance(speed: float, height: float, gravity: float) -> float:
    """How far past the table's edge a cup leaving it horizontally at `speed` lands (m).

    Free fall from `height` takes sqrt(2 h / g) seconds, during which the cup keeps its
    horizontal speed: a projectile, as Galileo found.
    """
    return speed * math.sqrt(2 * height / gravity)


def check_landing_distance(user_fn: Callable) -> bool:
    """Exercise 'predict before you look': user_fn(speed, height, gravity) -> distance (m)."""
    def sample(rng):
        return {"speed": float(rng.uniform(0.1, 3.0)), "height": float(rng.uniform(0.2, 1.5)),
                "gravity": float(rng.uniform(1.0, 20.0))}
    return check_function(user_fn, landing_distance, sample, name="landing_distance")


# Each road's exercise checks, as submodules: `exercises.physics`, `exercises.video`, ...
# (imported last: they use `check_function`)
