"""The shared world: a batched, deterministic, differentiable 2-D engine of disks, a table and a hand.

    from worldmodels import world
    state, params = world.cup_on_table(batch_size=16, seed=0)
    state = world.step(state, action, params)
    frames = world.render(state, params, size=32)          # (B, 3, 32, 32)
    data = world.make_dataset("cup", num_rollouts=64, steps=50, seed=0)

    state.py     State, Params and Table: every field with its shape and unit
    engine.py    step and rollout, the pure step function of the world
    contacts.py  which disks touch what, found in one batched pass
    bodies.py    the bodies of those contacts, renumbered for the solver
    solver.py    impulses on velocities, then a correction of positions
    native.py    the same step compiled to C, for fast simulation without gradients
    render.py    states to soft-edged RGB frames
    scenes.py    the cup on the table, bouncing balls
    datasets.py  rollouts of a scene under action patterns: the data of every learned model
    play.py      clips played with three buttons at 25 frames a second, as a game is played
    envs.py      the cup tasks as Gymnasium environments (importing it registers their ids)

Every road builds on this package and nothing in it knows about the roads.
"""
from .datasets import Rollouts, make_dataset
from .engine import energy, rollout, step
from .render import render
from .scenes import bouncing_balls, cup_on_table
from .state import Params, SimulationDiverged, State, Table

__all__ = ["Params", "Rollouts", "SimulationDiverged", "State", "Table", "bouncing_balls",
           "cup_on_table", "energy", "make_dataset", "render", "rollout", "step"]
