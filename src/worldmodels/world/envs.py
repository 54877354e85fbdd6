"""The toddler task as a Gymnasium environment: a hand pushes a cup along a table.

    import gymnasium, worldmodels.world.envs   # importing envs registers the ids
    env = gymnasium.make("worldmodels/CupPush-v0")                    # push it off the table
    env = gymnasium.make("worldmodels/CupTarget-v0", obs_type="pixels")  # push it to a mark

One world (B = 1) of the shared engine runs inside, in torch on the CPU. Each env step holds
the action for `frame_skip` engine steps (0.02 s by default); an episode is 100 steps, 2 s.

Observation, obs_type="state": a float32 vector (metres and m/s)
    [hand_x, hand_y, cup_x, cup_y, cup_vx, cup_vy]            task="off_table"
    [hand_x, hand_y, cup_x, cup_y, cup_vx, cup_vy, target_x]  task="target"

obs_type="pixels": a uint8 (size, size, 3) frame from the renderer; for task="target" the
target is painted as a short green mark in the table top, since it is part of what the agent
must see.

Action: a float32 (2,) in [-1, 1], scaled by params.hand_max_speed to the hand's velocity (m/s).
"""
from __future__ import annotations

import gymnasium
import numpy as np
import torch
from gymnasium import spaces

from .engine import step
from .render import render
from .scenes import cup_on_table
from .state import Params, State

TASKS = ("off_table", "target")
OBS_TYPES = ("state", "pixels")
MAX_SPEED_OBS = 10.0  # m/s; velocities in the observation are clipped here to keep the Box finite

SUCCESS_BONUS = 10.0      # reward on the step the cup lands on the floor (task="off_table")
REACH_WEIGHT = 0.5        # weight of the hand-to-cup distance in the shaping potential
LANDED_TOLERANCE = 0.02   # m; the cup has landed when its bottom is this close to the floor
TARGET_TOLERANCE = 0.05   # m; |cup_x - target_x| for success in task="target"
TARGET_MAX_SPEED = 0.2    # m/s; ... and the cup must have (nearly) stopped there
TARGET_MIN_GAP = 0.2      # m; targets are sampled at least this far from the cup's start
TARGET_COLOR = np.array([40, 200, 60], dtype=np.uint8)


class CupPushEnv(gymnasium.Env):
    """A hand pushes a cup: off the table (task="off_table") or to a target x (task="target").

    Arguments:
      task: "off_table" or "target"
      obs_type: "state" (the float32 vector in the module docstring) or "pixels" (uint8 frames)
      size: side of pixel observations, in pixels
      frame_skip: engine steps of params.dt (0.01 s) per env step, the action held throughout
      render_mode: None or "rgb_array": render() returns a (render_size, render_size, 3) frame

    Rewards:
      off_table: shaped by the potential phi = edge progress + fall progress - 0.5 * reach,
          where edge progress is the cup's fraction of the way along the table top (0..1),
          fall progress its fraction of the drop from table top to floor (0..1) and reach the
          hand-to-cup distance (m). Reward = phi(next) - phi(now), plus SUCCESS_BONUS = 10 when
          the cup, past the edge, lands on the floor; that ends the episode. Because the
          shaping is a difference of potentials it does not change which policy is best for
          undiscounted returns (Ng, Harada & Russell 1999); it tells a learner it is getting
          warmer long before the first success.
      target: reward = -abs(cup_x - target_x) (m) every step; success, which ends the episode,
          when the cup is within 5 cm of the target and has nearly stopped. A cup pushed off
          the table does not end the episode, so dropping it never beats the time limit.

    info["is_success"] says whether the task is solved at this step.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 50}

    def __init__(self, task: str = "off_table", obs_type: str = "state", *, size: int = 64,
                 frame_skip: int = 2, render_mode: str | None = None, render_size: int = 128):
        if task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {task!r}")
        if obs_type not in OBS_TYPES:
            raise ValueError(f"obs_type must be one of {OBS_TYPES}, got {obs_type!r}")
        if not (isinstance(size, int) and 16 <= size <= 512):
            raise ValueError(f"size must be an int in [16, 512] pixels, got {size!r}")
        if not (isinstance(frame_skip, int) and 1 <= frame_skip <= 50):
            raise ValueError(f"frame_skip must be an int in [1, 50], got {frame_skip!r}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        if not (isinstance(render_size, int) and 16 <= render_size <= 1024):
            raise ValueError(f"render_size must be an int in [16, 1024] pixels, "
                             f"got {render_size!r}")
        self.task, self.obs_type, self.size = task, obs_type, size
        self.frame_skip, self.render_mode, self.render_size = frame_skip, render_mode, render_size

        # A throwaway scene fixes the geometry that the spaces are built from.
        _, params = cup_on_table(batch_size=1, seed=0)
        self.metadata = {**self.metadata, "render_fps": round(1.0 / (params.dt * frame_skip))}
        self.action_space = spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        if obs_type == "pixels":
            self.observation_space = spaces.Box(0, 255, shape=(size, size, 3), dtype=np.uint8)
        else:
            w, v = params.world_size, MAX_SPEED_OBS
            low = [0.0, 0.0, 0.0, 0.0, -v, -v] + ([0.0] if task == "target" else [])
            high = [w, w, w, w, v, v] + ([w] if task == "target" else [])
            self.observation_space = spaces.Box(np.array(low, dtype=np.float32),
                                                np.array(high, dtype=np.float32), dtype=np.float32)
        self._state: State | None = None
        self._params: Params | None = None
        self._target_x = 0.0

    # ----------------------------------------------------------------------------- the task

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        # The scene's own seed comes from np_random, so reset(seed=s) fixes the whole episode
        # and reset() without a seed continues the stream with a fresh scene.
        scene_seed = int(self.np_random.integers(2**31 - 1))
        self._state, self._params = self._new_scene(scene_seed)
        if self.task == "target":
            self._target_x = self._sample_target()
        self._potential = self._shaping_potential()
        return self._obs(), self._info(success=False)

    def step(self, action):
        if self._state is None:
            raise RuntimeError("call reset() before step()")
        self._advance(np.clip(np.asarray(action, dtype=np.float32).reshape(2), -1.0, 1.0))

        if self.task == "off_table":
            success = self._cup_landed()
            potential = self._shaping_potential()
            reward = potential - self._potential + (SUCCESS_BONUS if success else 0.0)
            self._potential = potential
        else:
            cup_x, _, cup_vx, _ = self._cup()
            distance = abs(cup_x - self._target_x)
            success = distance < TARGET_TOLERANCE and abs(cup_vx) < TARGET_MAX_SPEED
            reward = -distance
        # Truncation at the step limit is the TimeLimit wrapper's job (see register_envs).
        return self._obs(), float(reward), bool(success), False, self._info(success)

    def render(self):
        if self.render_mode == "rgb_array":
            return self._frame(self.render_size)
        return None

    def _new_scene(self, seed: int) -> tuple[State, Params]:
        """One cup scene (B = 1) drawn from `seed`."""
        return cup_on_table(batch_size=1, seed=seed)

    def _advance(self, action: np.ndarray) -> None:
        """Hold `action` (2,) in [-1, 1] for frame_skip engine steps: the hand's velocity."""
        velocity = torch.as_tensor(action * self._params.hand_max_speed).reshape(1, 2)  # (1, 2)
        velocity = velocity.to(self._state.pos.dtype)
        with torch.no_grad():
            for _ in range(self.frame_skip):
                self._state = step(self._state, velocity, self._params)

    def _sample_target(self) -> float:
        """A target x on the table top, at least TARGET_MIN_GAP from where the cup starts.

        From one cup-width off the table's left end to where the cup's rim is flush with its
        right edge: targets near the edge ask for a push that stops just short of the fall.
        """
        table, radius = self._params.table, float(self._params.radius[0, 0])
        low, high = table.left + 2 * radius, table.right - radius
        cup_x = self._cup()[0]
        for _ in range(100):  # rejection sampling: the allowed set is most of the table
            x = float(self.np_random.uniform(low, high))
            if abs(x - cup_x) >= TARGET_MIN_GAP:
                return x
        return high if cup_x < (low + high) / 2 else low

    def _cup_landed(self) -> bool:
        cup_x, cup_y, _, _ = self._cup()
        table, radius = self._params.table, float(self._params.radius[0, 0])
        return cup_x > table.right and cup_y - radius < LANDED_TOLERANCE

    def _shaping_potential(self) -> float:
        cup_x, cup_y, _, _ = self._cup()
        table, radius = self._params.table, float(self._params.radius[0, 0])
        edge = np.clip((cup_x - table.left) / (table.right - table.left), 0.0, 1.0)
        fall = np.clip((table.height - (cup_y - radius)) / table.height, 0.0, 1.0)
        reach = float(torch.linalg.vector_norm(self._state.hand[0] - self._state.pos[0, 0]))
        return float(edge + fall - REACH_WEIGHT * reach)

    # ----------------------------------------------------------------------- observations

    def _cup(self) -> tuple[float, float, float, float]:
        """The cup (disk 0): x, y, vx, vy."""
        pos, vel = self._state.pos[0, 0].tolist(), self._state.vel[0, 0].tolist()
        return pos[0], pos[1], vel[0], vel[1]

    def _obs(self) -> np.ndarray:
        if self.obs_type == "pixels":
            return self._frame(self.size)
        vector = self._state.hand[0].tolist() + list(self._cup())
        if self.task == "target":
            vector.append(self._target_x)
        space = self.observation_space
        return np.clip(np.asarray(vector, dtype=np.float32), space.low, space.high)

    def _image(self, size: int) -> torch.Tensor:
        """The world drawn, (3, size, size) in [0, 1]."""
        with torch.no_grad():
            return render(self._state, self._params, size=size)[0]

    def _frame(self, size: int) -> np.ndarray:
        image = self._image(size)
        frame = (image.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
        frame = np.ascontiguousarray(frame)  # (H, W, 3)
        if self.task == "target":
            _paint_target(frame, self._target_x, self._params)
        return frame

    def _info(self, success: bool) -> dict:
        info = {"is_success": bool(success)}
        if self.task == "target":
            info["target_x"] = self._target_x
        return info


def _paint_target(frame: np.ndarray, target_x: float, params: Params) -> None:
    """Paint a short vertical mark into the table top at target_x, in place.

    The mark sits inside the table, below its surface, so it never hides the cup or the hand.
    Pixel (row, col) covers the world square whose x grows with col and y falls with row.
    """
    size, table = frame.shape[0], params.table
    scale = size / params.world_size                    # pixels per metre
    col = int(np.clip(target_x * scale, 0, size - 1))
    top = int(np.clip(np.ceil((params.world_size - table.height) * scale), 0, size - 1))
    depth = max(2, size // 16)                          # a few pixels, at any frame size
    half_width = max(0, size // 64)
    frame[top:top + depth, max(0, col - half_width):col + half_width + 1] = TARGET_COLOR


ENV_IDS = {"worldmodels/CupPush-v0": "off_table", "worldmodels/CupTarget-v0": "target"}
# 2 s of world time at frame_skip=2, dt=0.01. A straight push needs at most ~40 steps; at
# this length a random policy succeeds in ~15 % of episodes (frame_skip=4 or longer episodes
# let random flailing knock the cup off in 30-40 %, which would make the task look trivial).
MAX_EPISODE_STEPS = 100


def register_envs() -> None:
    """Register the cup tasks with Gymnasium (safe to call more than once)."""
    for env_id, task in ENV_IDS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point="worldmodels.world.envs:CupPushEnv",
                               max_episode_steps=MAX_EPISODE_STEPS, kwargs={"task": task})


# ------------------------------------------------- any Gymnasium environment, as agents see it

def make_env(env_id: str, seed: int = 0) -> gymnasium.Env:
    """gymnasium.make(env_id), checked: Box observations and Box actions with finite bounds."""
    if not isinstance(env_id, str):
        raise TypeError(f"env_id must be a Gymnasium id string, got {type(env_id).__name__}")
    env = gymnasium.make(env_id)
    if not isinstance(env.observation_space, spaces.Box):
        raise ValueError(f"env_id {env_id!r} must have Box observations, got "
                         f"{type(env.observation_space).__name__}")
    space = env.action_space
    if not isinstance(space, spaces.Box) or not np.all(np.isfinite([space.low, space.high])):
        raise ValueError(f"env_id {env_id!r} must have Box actions with finite bounds, got {space}")
    env.action_space.seed(seed)
    return env


def to_env_action(action: np.ndarray, space: spaces.Box) -> np.ndarray:
    """An action in [-1, 1]^A -> the environment's Box [low, high]."""
    return (space.low + (action + 1.0) * 0.5 * (space.high - space.low)).astype(space.dtype)


def sizes(env: gymnasium.Env) -> tuple[int, int]:
    """(observation size, action size) of an environment with Box spaces, flattened."""
    return int(np.prod(env.observation_space.shape)), int(np.prod(env.action_space.shape))


def obs_tensor(obs) -> torch.Tensor:
    """A Gymnasium observation as a (1, D) float32 tensor, the batch of one an agent acts on."""
    return torch.as_tensor(np.asarray(obs, np.float32).reshape(1, -1))  # (1, D)


# Gymnasium's convention for packages of environments: importing the module registers its ids
# (`import worldmodels.world.envs`, or gymnasium.make("worldmodels.world.envs:worldmodels/CupPush-v0")).
register_envs()
