"""Part 4, the Robot's Road: an arm in the shared world, models that take actions, and planners
that choose them.

    arm.py       the 2-link arm: forward and inverse kinematics, the Jacobian, damped least
                 squares, resolved-rate control
    frames.py    the arm drawn into the world's frames
    envs.py      worldmodels/ArmPush-v0: push the cup to a mark by joint velocities
    scripted.py  a pusher written by hand, the task's reference controller
    mpc.py       the task's cost, the true engine as a planner's model, oracle MPC
    ensemble.py  a learned model as PETS builds one: an ensemble of probabilistic networks
    instructed.py     worldmodels/ArmInstruct-v0: two cups, one mark, an instruction
    demonstrations.py the task's planner, its demonstrations, and how a controller is scored
    vla.py       a vision-language-action policy cloned from the planner, by flow matching
    recognition.py    a network that recognises the scene, probed against a world model on
                      what a push will do

Submodules are imported by name: `from worldmodels.robot import arm`.
"""
