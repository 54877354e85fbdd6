"""Part 5, the Architecture Debate: predict pixels, or predict representations?

    play.py          clips of random button play, with distractors the physics does not
                     explain: noise that changes every frame, or noise fixed for a clip
    regularisers.py  what keeps embeddings from collapsing (VICReg's variance and covariance,
                     SIGReg), and the effective rank that shows whether they did
    jepa.py          a joint-embedding predictive architecture: encoder, action-conditioned
                     predictor in representation space, target encoder
    autoencoder.py   the pixel model it is compared with, the same encoder with a decoder
    probe.py         the cup read out of frozen embeddings, by the shared linear probe
    latent_dynamics.py  an action-conditioned predictor trained on a frozen encoder, to roll
                     out for planning; and the surprise of a clip in embedding space
    goals.py         planning to a goal image in embedding space, carried out in the engine

Submodules are imported by name: `from worldmodels.jepa import jepa`.
"""
