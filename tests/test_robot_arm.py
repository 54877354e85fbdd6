"""The arm's kinematics against geometry, autograd and finite differences; its errors."""
import math

import pytest
import torch

from worldmodels.robot import arm as kin
from worldmodels.robot.arm import Arm

ARM = Arm()


@pytest.fixture(autouse=True)
def float64():
    """Kinematics checked to 1e-9 need doubles; the default comes back after each test."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def random_angles(n: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 2, generator=g) * 2 - 1) * math.pi


def reachable_points(n: int, seed: int = 0) -> torch.Tensor:
    """Points spread over the annulus the hand reaches, kept off its two boundary circles."""
    g = torch.Generator().manual_seed(seed)
    inner, outer = ARM.reach
    radius = inner + (0.02 + 0.96 * torch.rand(n, generator=g)) * (outer - inner)
    angle = torch.rand(n, generator=g) * 2 * math.pi
    return torch.tensor(ARM.base) + radius[:, None] * torch.stack([angle.cos(), angle.sin()], -1)


def test_forward_kinematics_matches_the_geometry():
    base = torch.tensor(ARM.base)
    l1, l2 = ARM.upper, ARM.fore
    cases = {(0.0, 0.0): (l1 + l2, 0.0), (math.pi / 2, 0.0): (0.0, l1 + l2),
             (0.0, math.pi / 2): (l1, l2), (math.pi, math.pi): (-l1 + l2, 0.0)}
    for q, offset in cases.items():
        torch.testing.assert_close(kin.forward(ARM, torch.tensor(q)), base + torch.tensor(offset))
    q = random_angles(100)
    elbow, hand = kin.elbow(ARM, q), kin.forward(ARM, q)
    torch.testing.assert_close((elbow - base).norm(dim=-1), torch.full((100,), l1))
    torch.testing.assert_close((hand - elbow).norm(dim=-1), torch.full((100,), l2))


@pytest.mark.parametrize("elbow", kin.ELBOWS)
def test_inverse_kinematics_round_trips_across_the_workspace(elbow):
    targets = reachable_points(500)
    q = kin.inverse(ARM, targets, elbow)
    torch.testing.assert_close(kin.forward(ARM, q), targets, atol=1e-9, rtol=0)
    # "up": the elbow lies left of the line from shoulder to hand (a positive cross product).
    base = torch.tensor(ARM.base)
    a, b = targets - base, kin.elbow(ARM, q) - base
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    assert bool((cross > 0).all() if elbow == "up" else (cross < 0).all())


def test_both_elbows_reach_the_same_point_and_meet_on_the_boundary():
    target = torch.tensor([0.6, 0.92])
    up, down = kin.inverse(ARM, target, "up"), kin.inverse(ARM, target, "down")
    assert up[1] < 0 < down[1] and not torch.allclose(up, down)
    stretched = torch.tensor(ARM.base) + torch.tensor([ARM.reach[1], 0.0])
    torch.testing.assert_close(kin.inverse(ARM, stretched, "up"),
                               kin.inverse(ARM, stretched, "down"), atol=1e-6, rtol=0)


def test_jacobian_matches_autograd_and_finite_differences():
    q = random_angles(20, seed=1)
    J = kin.jacobian(ARM, q)
    auto = torch.stack([torch.func.jacrev(lambda x: kin.forward(ARM, x))(qi) for qi in q])
    torch.testing.assert_close(J, auto)
    h = 1e-6
    for j in range(2):
        step = torch.zeros(2)
        step[j] = h
        column = (kin.forward(ARM, q + step) - kin.forward(ARM, q - step)) / (2 * h)
        torch.testing.assert_close(J[..., j], column, atol=1e-8, rtol=0)


def test_singularities_are_where_sin_q2_vanishes():
    q = random_angles(50, seed=2)
    det = torch.linalg.det(kin.jacobian(ARM, q))
    torch.testing.assert_close(det, ARM.upper * ARM.fore * q[:, 1].sin())
    torch.testing.assert_close(kin.manipulability(ARM, q), det.abs())
    for q2 in (0.0, math.pi):
        assert kin.manipulability(ARM, torch.tensor([0.3, q2])) < 1e-12


def test_damped_least_squares_inverts_away_from_singularities_and_stays_bounded_at_one():
    q, v = torch.tensor([0.2, -1.5]), torch.tensor([0.3, -0.2])
    plain = kin.damped_least_squares(ARM, q, v, damping=0.0)
    torch.testing.assert_close(kin.jacobian(ARM, q) @ plain, v)
    stretched = torch.tensor([0.2, 1e-7])
    along = kin.forward(ARM, stretched) - torch.tensor(ARM.base)   # the direction it cannot go
    v = 0.5 * along / along.norm()
    for damping in (0.05, 0.2):
        speed = kin.damped_least_squares(ARM, stretched, v, damping).norm()
        assert speed <= v.norm() / (2 * damping) + 1e-9
    assert kin.damped_least_squares(ARM, stretched, v, 0.0).norm() > 1e4   # the plain inverse


def test_links_run_from_the_shoulder_to_the_hand():
    q = torch.tensor([[0.1, -2.0]])
    points = kin.links(ARM, q, beads=5)
    assert points.shape == (1, 10, 2)
    torch.testing.assert_close(points[0, 0], torch.tensor(ARM.base))
    torch.testing.assert_close(points[0, 5], kin.elbow(ARM, q)[0])


@pytest.mark.parametrize("call, error, message", [
    (lambda: kin.forward(ARM, torch.zeros(3)), ValueError, r"q must have shape \(\.\.\., 2\)"),
    (lambda: kin.forward(ARM, [0.0, 0.0]), TypeError, "q must be a tensor"),
    (lambda: kin.jacobian(ARM, torch.tensor([math.nan, 0.0])), ValueError, "q must be finite"),
    (lambda: kin.inverse(ARM, torch.tensor([5.0, 5.0])), ValueError, "out of reach"),
    (lambda: kin.inverse(ARM, torch.tensor(ARM.base) + 0.01), ValueError, "out of reach"),
    (lambda: kin.inverse(ARM, torch.zeros(3)), ValueError, "hand must be"),
    (lambda: kin.inverse(ARM, torch.tensor([0.5, 0.9]), "sideways"), ValueError, "elbow"),
    (lambda: kin.damped_least_squares(ARM, torch.zeros(2), torch.zeros(2), -1.0), ValueError,
     "damping"),
    (lambda: kin.damped_least_squares(ARM, torch.zeros(2), torch.zeros(3)), ValueError,
     "hand_velocity"),
    (lambda: Arm(upper=0.0), ValueError, "link lengths"),
    (lambda: Arm(base=(0.0, math.inf)), ValueError, "base"),
])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_resolved_rate_control_reaches_a_target_and_stretches_towards_one_out_of_reach():
    start = kin.inverse(ARM, torch.tensor([0.3, 0.95]), "up")
    target = torch.tensor([0.9, 1.1])
    path = kin.resolved_rate(ARM, start, target, steps=200)
    assert (kin.forward(ARM, path[-1]) - target).norm() < 1e-3
    assert path[-1][1] < 0                                   # it kept its elbow up
    far = torch.tensor(ARM.base) + torch.tensor([3.0, 0.0])
    stretched = kin.resolved_rate(ARM, start, far, steps=300)
    assert torch.isfinite(stretched).all()
    reach = (kin.forward(ARM, stretched[-1]) - torch.tensor(ARM.base)).norm()
    assert reach > 0.99 * ARM.reach[1]                       # as far as it goes
    assert stretched[-100:, 1].abs().max() < 0.2             # and stays there, elbow steady
    hand_speed = (kin.forward(ARM, stretched[1:]) - kin.forward(ARM, stretched[:-1])).norm(dim=-1)
    assert hand_speed.max() / 0.02 < 1.05 * 1.5              # as fast as asked, to first order
