"""A controller written by hand for ArmPush-v0: waypoints for the hand, turned into joint
velocities by damped least squares. No model, no learning: it knows the task by heart.

Its plan, in the hand's space: if the hand is on the wrong side of the cup, lift it over the
cup; come down behind it; push towards the target, slowing as the cup gets close (at a
deceleration the table's friction can follow, so the cup stays against the hand and stops
where the hand does). Each step it asks for the hand velocity that heads for the current
waypoint, v = gain (waypoint - hand), and sends q' = damped_least_squares(J(q), v): the
resolved-rate control of Whitney (1969), made safe near singularities.
"""
from __future__ import annotations

import numpy as np
import torch

from ..world.scenes import CUP_RADIUS, HAND_RADIUS
from .arm import Arm, damped_least_squares
from .envs import MAX_JOINT_SPEED


class ScriptedPusher:
    """act(obs) -> action for ArmPush-v0's state observation.

    gain: 1/s, how fast the hand closes on a waypoint; top_speed, push_speed: m/s;
    approach: 1/s, the push's speed per metre still to go; clearance: m above the cup's top.
    """

    def __init__(self, arm: Arm = Arm(), *, gain: float = 10.0, top_speed: float = 1.2,
                 push_speed: float = 0.9, approach: float = 3.0, clearance: float = 0.04,
                 damping: float = 0.05):
        if not all(v > 0 for v in (gain, top_speed, push_speed, approach, clearance)):
            raise ValueError("gain, top_speed, push_speed, approach and clearance must be > 0")
        self.arm, self.gain, self.top_speed = arm, gain, top_speed
        self.push_speed, self.approach, self.clearance = push_speed, approach, clearance
        self.damping = damping

    def hand_velocity(self, obs: np.ndarray) -> np.ndarray:
        """The hand velocity (2,) in m/s the script asks for in this observation."""
        _, _, hx, hy, cx, cy, _, _, tx = (float(v) for v in obs)
        side = 1.0 if tx >= cx else -1.0                 # the direction the cup must go
        touching = CUP_RADIUS + HAND_RADIUS
        behind = (cx - hx) * side > touching - 0.02       # the hand is on the pushing side
        over = cy + touching + self.clearance             # a height that clears the cup
        if not behind:
            waypoint = (hx, over) if hy < over - 0.03 else (cx - side * (touching + 0.05), over)
            return self._towards(np.array(waypoint), np.array([hx, hy]))
        if abs(hy - cy) > 0.02:                           # come down behind the cup
            return self._towards(np.array([cx - side * (touching + 0.03), cy]),
                                 np.array([hx, hy]))
        remaining = max(0.0, (tx - cx) * side)
        speed = min(self.push_speed, self.approach * remaining)
        return np.array([side * speed, self.gain * (cy - hy)])

    def act(self, obs: np.ndarray) -> np.ndarray:
        q = torch.as_tensor(obs[:2], dtype=torch.float64)
        v = torch.as_tensor(self.hand_velocity(obs), dtype=torch.float64)
        action = damped_least_squares(self.arm, q, v, self.damping).numpy() / MAX_JOINT_SPEED
        # Too fast for a joint: slow both joints alike, so the hand keeps its direction.
        return (action / max(1.0, np.abs(action).max())).astype(np.float32)

    def _towards(self, waypoint: np.ndarray, hand: np.ndarray) -> np.ndarray:
        v = self.gain * (waypoint - hand)
        norm = np.linalg.norm(v)
        return v * (self.top_speed / norm) if norm > self.top_speed else v
