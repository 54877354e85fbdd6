"""The measuring layer: the instruments every road, and the benchmark of Part 6, score models with.

    from worldmodels.measure import baselines, metrics, protocol
    pred = baselines.copy_last(context, horizon=10)         # (N, 10, 3, H, W)
    metrics.error_by_horizon(pred, future, "psnr")          # (10,) dB
    protocol.score_frames(my_model, clips, context=4)       # any model that predicts frames

    metrics.py       MSE, PSNR, SSIM, sharpness per frame; position error in the state
    baselines.py     predictors that learn nothing: copy-last, mean frame, constant velocity
    protocol.py      what "a model that predicts" must offer, and one door to score it
    tracker.py       objects read back out of any frames of the world, by colour
    plausibility.py  does a clip behave like the world? permanence, continuity, gravity, solidity
    violations.py    impossible events injected into true trajectories, for the checks' tests
    model_free.py    SAC, the model-free learner every model-based agent is compared with
    probe.py         a linear probe (closed-form ridge) and R²: what a representation holds
    report.py        a benchmark's targets judged PASS or MISS, and a JSON record of its figures

Nothing here belongs to one road: it imports only the world and the shared building blocks,
and every road may import it.
"""
