"""Part 1, the Dreamer's road: a world model learned from experience, and an agent that acts in it.

    rssm.py        the recurrent state-space model (RSSM) and the world model around it
    symlog.py      the symlog squashing of DreamerV3 and its inverse
    returns.py     λ-returns and percentile return normalisation
    agent.py       actor and critic trained only on imagined trajectories
    learn.py       the loop in a real Gymnasium environment: `train`, `evaluate`
    replay.py      the replay buffer of real experience
    recipes.py     how the shipped agents are trained and loaded
    frame_data.py          frames and actions of random-push rollouts of the cup world
    vae.py                 V of World Models: a VAE from frames to a small code
    sequence_model.py      M of World Models: a GRU predicting the next code
    world_models.py        V and M together: dreams, evaluation, the shipped pair
    frames_world_model.py  the RSSM trained on frame rollouts; open-loop imagination

Submodules are imported by name: `from worldmodels.dreamer import rssm`.
"""
