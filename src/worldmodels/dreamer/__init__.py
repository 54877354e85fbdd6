"""Part 1, the Dreamer's road: a world model learned from experience, and an agent that acts in it.

    rssm.py        the recurrent state-space model (RSSM) and the world model around it
    symlog.py      the symlog squashing of DreamerV3 and its inverse
    returns.py     λ-returns and percentile return normalisation
    agent.py       actor and critic trained only on imagined trajectories; `train`
    replay.py      the replay buffer of real experience
    model_free.py  a model-free learner (SAC) for comparison on the same environment steps

Submodules are imported by name: `from worldmodels.dreamer import rssm`.
"""
