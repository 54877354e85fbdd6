"""Planning to a goal image: push the cup to where a picture shows it, model-predictive control.

V-JEPA 2-AC (Assran et al. 2025) plans a robot's actions by searching for the sequence whose
predicted representation lands nearest the representation of a goal image. In miniature:

    pairs = goal_pairs(100, seed=40_000)    # starts, goal images, where each goal's cup is
    planner = LatentPlanner(encoder, dynamics)  # CEM on embeddings: |z_H - z_goal|²
    result = reach(pairs, planner)          # in the true engine; result.success, .ms_per_plan

A goal image is the last frame of a clip of random presses followed by a wait, so the cup in it
is at rest wherever the presses left it; the planner gets as many steps as the clip had. Any
planner with the same call, `planner(frames, goal, steps_left) -> action (m/s)`, runs on the same
pairs (Part 5's notebook plans through Part 3's pixel model this way).

Letters: N pairs, H = W pixels.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from ..planning import cem
from ..world.actions import random_buttons
from ..world.render import render
from ..world.scenes import cup_on_table
from ..world.state import Params, State
from .play import BUTTONS, HAND_SPEED, MEAN_HOLD, press

SUCCESS_RADIUS = 0.05   # m: the cup must end this close to the goal's cup (its radius is 0.12)
Planner = Callable[[Tensor, Tensor, int], float]


@dataclass(frozen=True)
class GoalPairs:
    """Start states with their frames, goal images, and the truth behind each goal.

    state, params: the N worlds at the start;  start, goal: (N, 3, H, W) frames in [0, 1]
    goal_cup: (N, 2) the goal's cup centre (m);  steps: the presses each episode allows
    actions: (N, steps) the presses (m/s) that made each goal: one way, not the only one
    """

    state: State
    params: Params
    start: Tensor
    goal: Tensor
    goal_cup: Tensor
    steps: int
    actions: Tensor

    def __len__(self) -> int:
        return len(self.start)

    def select(self, index) -> "GoalPairs":
        """Some of the pairs: `index` an index tensor, a list or a slice."""
        index = torch.arange(len(self))[index]
        return GoalPairs(self.state.select(index), self.params.select(index), self.start[index],
                         self.goal[index], self.goal_cup[index], self.steps, self.actions[index])


def goal_pairs(num_pairs: int, seed: int, presses: int = 8, wait: int = 12,
               min_move: float = 0.1, frame_size: int = 32) -> GoalPairs:
    """`num_pairs` start/goal pairs in which random presses moved the cup >= `min_move` m
    along the table (pairs whose cup fell off are left out: a goal on the floor says little
    about where the push should stop).

    Each goal is the frame after `presses` random button presses and `wait` steps of waiting,
    long enough for a pushed cup to slide to rest (or fall).
    """
    for name, value, low in (("num_pairs", num_pairs, 1), ("presses", presses, 1),
                             ("wait", wait, 0), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    if not min_move >= 0:
        raise ValueError(f"min_move must be >= 0 m, got {min_move!r}")
    draws = 20 * num_pairs           # about one clip in eight pushes the cup and leaves it on
    state, params = cup_on_table(batch_size=draws, seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)
    actions = torch.cat([random_buttons(draws, presses, BUTTONS, MEAN_HOLD, generator),
                         torch.zeros(draws, wait)], dim=1)                       # (D, T)
    final = press(state, params, actions).at(-1)
    moved = (final.pos[:, 0] - state.pos[:, 0]).norm(dim=-1) >= min_move
    on_table = final.pos[:, 0, 1] > params.table.height               # not fallen off
    keep = torch.nonzero(moved & on_table).flatten()[:num_pairs]
    if len(keep) < num_pairs:
        raise ValueError(f"only {len(keep)} of {draws} clips moved the cup {min_move} m on the table: "
                         f"lower min_move or num_pairs")
    state, params, final = state.select(keep), params.select(keep), final.select(keep)
    with torch.no_grad():
        start, goal = render(state, params, frame_size), render(final, params, frame_size)
    return GoalPairs(state=state, params=params, start=start, goal=goal,
                     goal_cup=final.pos[:, 0], steps=presses + wait, actions=actions[keep])


class LatentPlanner:
    """CEM over the hand's velocities, rolled out in a JEPA's embedding space.

    `dynamics` is a LatentDynamics trained on the frozen `encoder`'s embeddings. The cost of a
    candidate is the squared distance between the embedding it is predicted to reach after the
    steps left and the goal image's embedding. Each call re-plans from the two newest frames,
    starting the search from the rest of the previous plan.

    buttons: round every candidate's velocities to the game's three buttons (-1.5, 0, 1.5 m/s),
    the only pushes the predictor saw in training, so that the search cannot pick a push the
    model was never taught; False searches all velocities in between too.
    """

    def __init__(self, encoder, dynamics, samples: int = 256, elites: int = 32,
                 iterations: int = 4, buttons: bool = True, seed: int = 0):
        self.encoder, self.dynamics, self.buttons = encoder, dynamics, buttons
        self.options = dict(samples=samples, elites=elites, iterations=iterations)
        self.generator = torch.Generator().manual_seed(seed)
        self.previous: Tensor | None = None

    @torch.no_grad()
    def __call__(self, frames: Tensor, goal: Tensor, steps_left: int) -> float:
        if goal.shape != frames.shape[1:]:
            raise ValueError(f"goal must be one frame of shape {tuple(frames.shape[1:])}, "
                             f"got {tuple(goal.shape)}")
        z_before, z_now, z_goal = self.encoder.embed(torch.stack([*frames[-2:], goal]))

        def rollout(start: tuple[Tensor, Tensor], actions: Tensor) -> Tensor:
            K = len(actions)                                          # actions (K, T, 1)
            z = self.dynamics.rollout(start[0].expand(K, -1), start[1].expand(K, -1),
                                      self.pushes(actions[..., 0]))
            return z[:, -1]                                           # (K, D) at the end

        def cost(z_end: Tensor, actions: Tensor) -> Tensor:
            return (z_end - z_goal).pow(2).sum(-1)

        warm = None
        if self.previous is not None and len(self.previous) == steps_left + 1:
            warm = self.previous[1:]                                  # this episode's plan
        plan = cem(rollout, cost, (z_before, z_now), steps_left, 1, init_mean=warm,
                   generator=self.generator, **self.options)
        self.previous = plan.actions
        return float(self.pushes(plan.actions[0, 0]))

    def pushes(self, actions: Tensor) -> Tensor:
        """The planner's actions in [-1, 1] as hand velocities (m/s), buttons if `buttons`."""
        return HAND_SPEED * (actions.round() if self.buttons else actions)


@dataclass(frozen=True)
class Reached:
    """What `reach` measured: per pair the cup's distance from the goal's cup at the end."""

    distance: Tensor          # (N,) m
    success: float            # share of pairs within SUCCESS_RADIUS
    ms_per_plan: float        # the planner's mean milliseconds per call (one call per step)
    frames: Tensor | None = None   # (N, steps+1, 3, H, W) what happened, if keep_frames


def reach(pairs: GoalPairs, planner: Planner, context: int = 2,
          keep_frames: bool = False) -> Reached:
    """Carry out `planner` in the true engine, one press per step, re-planning every step.

    The planner is shown the last `context` rendered frames (the first repeated at the start),
    the goal image and the steps left, and answers the hand's velocity in m/s.
    """
    if not isinstance(pairs, GoalPairs):
        raise TypeError(f"pairs must be GoalPairs (see goal_pairs), got {type(pairs).__name__}")
    size = pairs.goal.shape[-1]
    distances, episodes, seconds, calls = [], [], 0.0, 0
    for i in range(len(pairs)):
        state, params = pairs.state.select([i]), pairs.params.select([i])
        frames = [pairs.start[i]] * context
        for steps_left in range(pairs.steps, 0, -1):
            began = time.perf_counter()
            action = planner(torch.stack(frames[-context:]), pairs.goal[i], steps_left)
            seconds, calls = seconds + time.perf_counter() - began, calls + 1
            if not (isinstance(action, float) and abs(action) <= HAND_SPEED + 1e-6):
                raise ValueError(f"planner must answer a float in [-{HAND_SPEED}, "
                                 f"{HAND_SPEED}] m/s, got {action!r}")
            state = press(state, params, torch.tensor([[action]])).at(-1)
            with torch.no_grad():
                frames.append(render(state, params, size)[0])
        distances.append((state.pos[0, 0] - pairs.goal_cup[i]).norm())
        if keep_frames:
            episodes.append(torch.stack(frames[context - 1:]))
    distance = torch.stack(distances)
    return Reached(distance=distance, success=float((distance < SUCCESS_RADIUS).float().mean()),
                   ms_per_plan=1000 * seconds / calls,
                   frames=torch.stack(episodes) if keep_frames else None)

