"""Part 5, the Architecture Debate: predict pixels, or predict representations?

    play.py          clips of random button play, with distractors the physics does not
                     explain: noise that changes every frame, or noise fixed for a clip
    regularisers.py  what keeps embeddings from collapsing (VICReg's variance and covariance,
                     SIGReg), and the effective rank that shows whether they did
    jepa.py          a joint-embedding predictive architecture: encoder, action-conditioned
                     predictor in representation space, target encoder
    autoencoder.py   the pixel model it is compared with, the same encoder with a decoder
    probe.py         a closed-form linear probe: what a frozen representation keeps

Submodules are imported by name: `from worldmodels.jepa import jepa`.
"""
