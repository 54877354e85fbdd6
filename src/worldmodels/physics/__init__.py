"""The shared world: a batched, deterministic, differentiable 2-D engine of disks, a table and a hand.

    from worldmodels import physics
    state, params = physics.cup_on_table(batch_size=16, seed=0)
    state = physics.step(state, action, params)
"""
from .engine import energy, rollout, step
from .render import render
from .scenes import bouncing_balls, cup_on_table
from .state import Params, SimulationDiverged, State, Table
from .envs import CupPushEnv, register_envs

register_envs()  # Gymnasium ids worldmodels/CupPush-v0 and worldmodels/CupTarget-v0
