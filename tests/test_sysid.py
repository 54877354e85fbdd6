"""System identification: its loss equals its maths, derivatives are right, a tiny fit recovers the truth."""
import dataclasses

import pytest
import torch

from worldmodels.physics import sysid

TINY = sysid.Config(windows=(10,), iterations=3)     # 0.2 s: the collision and a few steps after it


def test_loss_is_the_mean_squared_distance():
    generator = torch.Generator().manual_seed(0)
    pred, target = torch.randn(2, 7, 3, 2, generator=generator, dtype=torch.float64)
    by_hand = sum(((pred[t, n] - target[t, n]) ** 2).sum() for t in range(7) for n in range(3)) / 21
    torch.testing.assert_close(sysid.loss(pred, target), by_hand)
    batched = sysid.loss(torch.stack([pred, target]), target)         # (B, T, N, 2) -> (B,)
    torch.testing.assert_close(batched, torch.stack([by_hand, torch.zeros_like(by_hand)]))


def test_log_coordinates_round_trip():
    values = torch.tensor([[0.3, 0.01, 0.999, 20.0], [2.0, 1.5, 0.2, 1.0]], dtype=torch.float64)
    torch.testing.assert_close(sysid.from_log(sysid.to_log(values)), values)


def test_forward_mode_jacobian_matches_finite_differences():
    z = sysid.to_log(sysid.TRUTH)
    pos, J = sysid.jacobian(z, TINY, steps=10)                       # (T+1, N, 2, P)
    assert J.shape == (11, 2, 2, 4)
    h = 1e-6
    for p in range(4):
        step = torch.zeros(4, dtype=torch.float64)
        step[p] = h
        with torch.no_grad():
            plus, minus = sysid.simulate(sysid.from_log(torch.stack([z + step, z - step])), TINY)
        torch.testing.assert_close(J[..., p], (plus - minus) / (2 * h), atol=1e-5, rtol=1e-4)


def test_identify_recovers_known_parameters_on_a_tiny_problem():
    # Noise-free: the truth is the unique minimum; from the book's guess (up to 67% off in
    # each parameter) a few Gauss-Newton steps on 10 observed steps must find it.
    observed = sysid.observe(sysid.TRUTH, dataclasses.replace(TINY, noise=0.0))
    free = ("mass_ratio", "friction", "restitution")                  # mu g is what slides
    init = sysid.GUESS.clone()
    init[3] = sysid.TRUTH[3]
    values, history = sysid.identify(observed, TINY, init=init, free=free, progress=False)
    error = ((values - sysid.TRUTH) / sysid.TRUTH).abs()
    assert error.max() < 0.01, error
    assert history["loss"][-1] < 1e-3 * history["loss"][0]
    assert len(history["loss"]) == len(history["values"]) == TINY.iterations


def test_fixed_parameters_do_not_move():
    observed = sysid.observe(sysid.TRUTH, TINY)
    values, _ = sysid.identify(observed, dataclasses.replace(TINY, iterations=1),
                               free=("friction",), progress=False)
    assert values[[0, 2, 3]].tolist() == sysid.GUESS[[0, 2, 3]].tolist()


def test_adam_descends():
    cfg = dataclasses.replace(TINY, method="adam", windows=(8,), iterations=4, lr=0.1)
    observed = sysid.observe(sysid.TRUTH, cfg)
    _, history = sysid.identify(observed, cfg, progress=False)
    assert history["loss"][-1] < history["loss"][0]


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="windows"):
        sysid.Config(windows=(50, 20))
    with pytest.raises(ValueError, match="method"):
        sysid.Config(method="newton")
    with pytest.raises(ValueError, match="restitution"):
        sysid.world(torch.tensor([1.0, 0.3, 1.5, 9.81]), TINY)
    with pytest.raises(ValueError, match="must agree"):
        sysid.loss(torch.zeros(5, 2, 2), torch.zeros(4, 2, 2))
    with pytest.raises(ValueError, match="observed"):
        sysid.identify(torch.zeros(3, 2, 2), TINY, progress=False)
    with pytest.raises(ValueError, match="free"):
        sysid.identify(torch.zeros(11, 2, 2), TINY, free=("mass",), progress=False)
    with pytest.raises(TypeError, match="values"):
        sysid.simulate([1.0, 0.3, 0.5, 9.81], TINY)


def test_cramer_rao_bounds_see_what_each_window_reveals():
    # Sliding alone shows only mu*g: nothing is identifiable. The collision reveals the mass
    # ratio and restitution, while friction and gravity stay tied (the cup does not fall yet).
    bounds = sysid.relative_errors(sysid.TRUTH, TINY, [3, 10])
    assert torch.isinf(bounds[0]).all()
    assert torch.isfinite(bounds[1, [0, 2]]).all() and torch.isinf(bounds[1, [1, 3]]).all()
    with pytest.raises(ValueError, match="noise"):
        sysid.relative_errors(sysid.TRUTH, TINY, [3], noise=0.0)
