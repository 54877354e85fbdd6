"""What the planner shows a policy, and how any controller of ArmInstruct-v0 is scored.

    demos = demonstrate(episodes=100, seed=0)      # the oracle planner solves 100 train scenes
    demos.frames, demos.q, demos.words, demos.chunks

    score = evaluate(controller, episodes=50, seed=10_000, split="held_out")
    score["success_rate"], score["ms_per_action"]

A demonstration step is what a policy sees (the camera's view of this frame and the last, the
joint angles, the instruction) and the CHUNK actions the planner took from there, which is
what an action-chunking policy learns to give. Past the episode's end the chunk is padded with
zeros, the arm held still. A sampling planner's actions carry the noise of its samples (one
step's action barely changes a plan's cost, so it is barely chosen): the chunks hold a
SMOOTH-step moving average of them, the planner's intent without its dither. The arm moves
almost as far, since its hand goes where the sum of the actions takes it.

A controller is anything with reset() and act(env) -> action (2,), reading what it needs from
the env: its last observation (`env.last_obs`) for a policy, `env.world()` for the planner.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import gymnasium
import numpy as np
import torch
from tqdm.auto import tqdm

from .instructed import ENV_ID, SPLITS, side_push_cost
from .mpc import OracleMPC

CHUNK = 8                        # actions a demonstration step holds: the plan's next 8 steps
SMOOTH = 5                       # steps of the moving average a demonstration's actions get
VIEW = (slice(8, 48), slice(0, 40))   # rows, cols of a 64-px frame the camera looks at
EPISODE_STEPS = 100              # ArmInstruct-v0's time limit


def _check(episodes: int, split: str) -> None:
    if not (isinstance(episodes, int) and episodes >= 1):
        raise ValueError(f"episodes must be an int >= 1, got {episodes!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")


def view(frame: np.ndarray) -> np.ndarray:
    """The camera's view of a (64, 64, 3) frame: the arm, the table and the cups,
    (3, 40, 40) uint8."""
    if frame.shape != (64, 64, 3):
        raise ValueError(f"frame must be a (64, 64, 3) image, got shape {frame.shape}")
    return np.ascontiguousarray(frame[VIEW].transpose(2, 0, 1))


@dataclass
class Demonstrations:
    """N demonstration steps from E episodes."""

    frames: torch.Tensor     # (N, 6, 40, 40) uint8: this frame's view and the last one's
    q: torch.Tensor          # (N, 2) float32 joint angles (rad)
    words: torch.Tensor      # (N, WORDS) int64 the instruction
    chunks: torch.Tensor     # (N, CHUNK, 2) float32 the planner's next actions, in [-1, 1]
    episode: torch.Tensor    # (N,) int64 which episode each step is from

    def __len__(self) -> int:
        return len(self.q)

    @property
    def episodes(self) -> int:
        return int(self.episode.max()) + 1 if len(self) else 0

    def first(self, episodes: int) -> "Demonstrations":
        """The steps of the first `episodes` episodes: a smaller set, nested in this one."""
        if not (isinstance(episodes, int) and 1 <= episodes <= self.episodes):
            raise ValueError(f"episodes must be an int in [1, {self.episodes}], got "
                             f"{episodes!r}")
        keep = self.episode < episodes
        return Demonstrations(self.frames[keep], self.q[keep], self.words[keep],
                              self.chunks[keep], self.episode[keep])


def stacked(frame: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """(6, 40, 40): this frame's view and the previous frame's (itself at the start)."""
    now = view(frame)
    return np.concatenate([now, now if previous is None else view(previous)])


def task_planner(seed: int = 0) -> OracleMPC:
    """The task's planner: CEM through the true engine, with the cost that pushes cups from
    the side (`instructed.side_push_cost`)."""
    return OracleMPC(seed=seed, cost=side_push_cost)


def smoothed(actions: np.ndarray, window: int = SMOOTH) -> np.ndarray:
    """A centred moving average (T, A) -> (T, A) over `window` steps, the ends repeated."""
    if not (isinstance(window, int) and window >= 1 and window % 2 == 1):
        raise ValueError(f"window must be an odd int >= 1, got {window!r}")
    half = window // 2
    padded = np.concatenate([actions[:1].repeat(half, 0), actions, actions[-1:].repeat(half, 0)])
    kernel = np.ones(window) / window
    return np.stack([np.convolve(padded[:, j], kernel, mode="valid")
                     for j in range(actions.shape[1])], axis=1).astype(np.float32)


def demonstrate(episodes: int, seed: int = 0, split: str = "train", *,
                planner: OracleMPC | None = None, progress: bool = True) -> Demonstrations:
    """The oracle planner's episodes on `episodes` scenes of `split`, seeded from `seed`.

    Every episode is kept, solved or not (the planner solves nearly all); a policy cloned
    from them learns what the planner does, not only what worked."""
    _check(episodes, split)
    planner = planner or task_planner(seed)
    env = gymnasium.make(ENV_ID)
    frames, qs, words, chunks, index = [], [], [], [], []
    for e in tqdm(range(episodes), desc="planner demonstrations", disable=not progress):
        obs, _ = env.reset(seed=seed * 100_003 + e, options={"split": split})
        planner.reset()
        previous, actions = None, []
        for _ in range(EPISODE_STEPS):
            frames.append(stacked(obs["frame"], previous))
            qs.append(obs["q"])
            words.append(obs["instruction"])
            action = planner.act(env.unwrapped)
            actions.append(action)
            previous = obs["frame"]
            obs, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                break
        padded = np.concatenate([smoothed(np.asarray(actions, np.float32)),
                                 np.zeros((CHUNK, 2), np.float32)])
        chunks += [padded[t:t + CHUNK] for t in range(len(actions))]
        index += [e] * len(actions)
    return Demonstrations(torch.as_tensor(np.stack(frames)), torch.as_tensor(np.stack(qs)),
                          torch.as_tensor(np.stack(words)), torch.as_tensor(np.stack(chunks)),
                          torch.as_tensor(index, dtype=torch.int64))


def evaluate(controller, episodes: int = 50, seed: int = 10_000, split: str = "train", *,
             progress: bool = False) -> dict:
    """Run `controller` on `episodes` scenes of `split` (seeds from `seed`, apart from those
    `demonstrate` draws for seeds < 100): success rate, steps, and milliseconds of the
    controller's own time per action (the world's stepping and drawing not counted)."""
    _check(episodes, split)
    env = gymnasium.make(ENV_ID)
    successes, steps, thinking, actions = [], [], 0.0, 0
    for e in tqdm(range(episodes), desc=f"scoring on {split}", disable=not progress):
        env.reset(seed=seed * 100_003 + e, options={"split": split})
        controller.reset()
        for t in range(EPISODE_STEPS):
            start = time.perf_counter()
            action = controller.act(env.unwrapped)
            thinking += time.perf_counter() - start
            actions += 1
            _, _, terminated, truncated, info = env.step(action)
            if terminated or truncated:
                break
        successes.append(bool(info["is_success"]))
        steps.append(t + 1)
    return {"success_rate": float(np.mean(successes)), "successes": successes,
            "steps": steps, "ms_per_action": 1000 * thinking / actions}
