"""A replay buffer of real experience, sampled as short sequences for the world model.

Each row is one time step: the observation, the action taken there, the reward and continue
flag of the transition that followed, and whether the row starts an episode. When an episode
ends, its final observation is stored too (with a zero action), so the transition into it,
and its terminal flag, can be learned. Letters: B batch, L sequence length, D obs size, A action.
"""
from __future__ import annotations

import numpy as np
import torch


class Replay:
    """A first-in-first-out buffer of `capacity` steps with uniform sequence sampling."""

    def __init__(self, capacity: int, obs_size: int, action_size: int):
        if min(capacity, obs_size, action_size) < 1:
            raise ValueError(f"capacity, obs_size and action_size must be positive, got "
                             f"{capacity}, {obs_size}, {action_size}")
        self.capacity, self.size, self.next = capacity, 0, 0
        self.obs = np.zeros((capacity, obs_size), np.float32)
        self.action = np.zeros((capacity, action_size), np.float32)
        self.reward = np.zeros(capacity, np.float32)
        self.cont = np.ones(capacity, np.float32)
        self.is_first = np.zeros(capacity, np.float32)

    def add(self, obs, action, reward: float, cont: float, is_first: bool) -> None:
        """Store one step (obs, the action taken at it, the transition's reward and continue)."""
        i = self.next
        self.obs[i], self.action[i] = obs, action
        self.reward[i], self.cont[i], self.is_first[i] = reward, cont, float(is_first)
        self.next = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int, length: int, rng: np.random.Generator,
               device: torch.device | str = "cpu") -> dict:
        """B windows of L consecutive steps, in the format of `WorldModel.loss`.

        Returns "obs" (B, L, D), "is_first" (B, L), and for the L-1 transitions inside each
        window "action" (B, L-1, A), "reward", "cont" and "mask" (B, L-1); mask is 0 where a
        window crosses from one episode into the next (that transition never happened).
        """
        if self.size < length:
            raise ValueError(f"the buffer holds {self.size} steps, fewer than length={length}")
        # Windows must not wrap across the write position, where old and new data meet.
        oldest = self.next if self.size == self.capacity else 0
        starts = (oldest + rng.integers(0, self.size - length + 1, batch_size)) % self.capacity
        index = (starts[:, None] + np.arange(length)) % self.capacity       # (B, L)
        as_tensor = lambda array: torch.as_tensor(array[index], device=device)  # noqa: E731
        is_first = as_tensor(self.is_first)
        return {"obs": as_tensor(self.obs), "is_first": is_first,
                "action": as_tensor(self.action)[:, :-1], "reward": as_tensor(self.reward)[:, :-1],
                "cont": as_tensor(self.cont)[:, :-1], "mask": 1.0 - is_first[:, 1:]}
