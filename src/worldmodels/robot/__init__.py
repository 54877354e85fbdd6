"""Part 4, the Robot's Road: an arm in the shared world, models that take actions, and planners
that choose them.

    arm.py     the 2-link arm: forward and inverse kinematics, the Jacobian, damped least squares
    envs.py    worldmodels/ArmPush-v0: push the cup to a mark by joint velocities

Submodules are imported by name: `from worldmodels.robot import arm`.
"""
