"""The renderer: shapes, soft edges that conserve area and position, gradients, bad input."""
import math

import pytest
import torch

from worldmodels.world import Params, State, Table
from worldmodels.world.render import BACKGROUND_COLOR, CHUNK, HAND_COLOR, TABLE_COLOR, render

FAR = 100.0  # metres: a position far outside the 2 m world


def one_world(pos, radius, color=None, hand=None, dtype=torch.float32, **kwargs):
    """A State and Params from positions (B, N, 2) and radii (B, N); the rest is filler."""
    pos = torch.as_tensor(pos, dtype=dtype)
    radius = torch.as_tensor(radius, dtype=dtype)
    B, N = radius.shape
    if color is None:
        color = torch.rand(B, N, 3, generator=torch.Generator().manual_seed(0))
    hand = torch.full((B, 2), FAR, dtype=dtype) if hand is None else torch.as_tensor(hand, dtype=dtype)
    state = State(pos, torch.zeros_like(pos), hand)
    params = Params(mass=torch.ones(B, N, dtype=dtype), radius=radius,
                    restitution=torch.full((B, N), 0.5, dtype=dtype),
                    friction=torch.full((B, N), 0.3, dtype=dtype),
                    color=torch.as_tensor(color, dtype=dtype),
                    gravity=torch.full((B,), 9.81, dtype=dtype), **kwargs)
    return state, params


def random_world(B, N, seed, dtype=torch.float32, **kwargs):
    g = torch.Generator().manual_seed(seed)
    pos = torch.rand(B, N, 2, generator=g, dtype=dtype) * 2.4 - 0.2  # some partly off-frame
    radius = 0.03 + 0.3 * torch.rand(B, N, generator=g, dtype=dtype)
    hand = torch.rand(B, 2, generator=g, dtype=dtype) * 2.0
    color = torch.rand(B, N, 3, generator=g, dtype=dtype)
    return one_world(pos, radius, color, hand, dtype=dtype, **kwargs)


def coverage(x, y, r_px, size, world_size=2.0):
    """A black disk at (x, y) of radius r_px pixels in the sky: its coverage of each pixel."""
    r = r_px * world_size / size
    state, params = one_world([[[x, y]]], [[r]], color=[[[0.0, 0.0, 0.0]]], dtype=torch.float64,
                          table=None, hand_radius=0.0)
    empty = State(torch.full_like(state.pos, FAR), state.vel, state.hand)  # the disk moved away
    background = render(empty, params, size)[0, 0]
    return (background - render(state, params, size)[0, 0]) / background  # (H, W)


def dense_reference(state, params, size):
    """Every disk composited over the whole frame, no windows: slow but plainly right."""
    hidden = State(torch.full_like(state.pos, FAR), state.vel, torch.full_like(state.hand, FAR))
    frames = render(hidden, params, size)  # the background alone
    pos = torch.cat([state.pos, state.hand[:, None]], 1)
    radius = torch.cat([params.radius, torch.full_like(params.radius[:, :1], params.hand_radius)], 1)
    color = torch.cat([params.color, torch.tensor(HAND_COLOR).expand(len(pos), 1, 3)], 1)
    scale = size / params.world_size
    centres = torch.arange(size, dtype=pos.dtype) + 0.5
    for d in range(pos.shape[1]):
        cx = pos[:, d, 0, None, None] * scale
        cy = (params.world_size - pos[:, d, 1, None, None]) * scale
        r = (radius[:, d, None, None] * scale) ** 2 - 1 / 12
        dist = ((centres[None, :, None] - cy) ** 2 + (centres[None, None, :] - cx) ** 2).sqrt()
        alpha = (r.clamp_min(0).sqrt() + 0.5 - dist).clamp(0, 1)[:, None]  # (B, 1, H, W)
        frames = frames + alpha * (color[:, d, :, None, None] - frames)
    return frames


@pytest.mark.parametrize("size", [8, 32, 64])
def test_shape_range_and_dtype(size):
    state, params = random_world(B=5, N=3, seed=0)
    frames = render(state, params, size)
    assert frames.shape == (5, 3, size, size)
    assert frames.dtype == torch.float32
    assert frames.min() >= 0 and frames.max() <= 1


def test_background_is_sky_floor_and_table_with_row_zero_at_the_top():
    table = Table(left=0.0, right=1.0, height=0.5)
    state, params = one_world([[[FAR, FAR]]], [[0.1]], table=table, hand_radius=0.0)
    frame = render(state, params, 32)[0]  # (3, 32, 32); 16 pixels per metre
    sky, brown = torch.tensor(BACKGROUND_COLOR), torch.tensor(TABLE_COLOR)
    # Pixel (row i, column j) has its centre at x = (j + 0.5) / 16, y = 2 - (i + 0.5) / 16.
    assert torch.allclose(frame[:, 0, :], sky[:, None])       # the top row is sky
    assert torch.allclose(frame[:, 28, 4], brown)              # (0.28, 0.22) m: in the table
    assert torch.allclose(frame[:, 20, 4], sky)                # (0.28, 0.72) m: above it
    assert torch.allclose(frame[:, 28, 24], sky)               # (1.53, 0.22) m: right of it
    assert not torch.allclose(frame[:, 31, 24], sky)           # the floor along the bottom row


def test_a_disk_covers_pi_r_squared_pixels():
    # Sampling a one-pixel ramp at pixel centres leaves an error that shrinks as disks grow.
    g = torch.Generator().manual_seed(0)
    for r_px, rel in [(1.5, 0.03), (2.5, 0.03), (4.0, 0.01), (7.3, 0.01)]:
        for _ in range(5):
            x, y = (0.5 + torch.rand(2, generator=g, dtype=torch.float64)).tolist()
            area = coverage(x, y, r_px, size=32).sum().item()
            assert area == pytest.approx(math.pi * r_px ** 2, rel=rel), (r_px, x, y)


def test_centroid_matches_position_to_a_twentieth_of_a_pixel():
    size, g = 32, torch.Generator().manual_seed(1)
    centres = torch.arange(size, dtype=torch.float64) + 0.5
    for _ in range(10):
        x, y = (0.5 + torch.rand(2, generator=g, dtype=torch.float64)).tolist()
        alpha = coverage(x, y, r_px=2.0, size=size)
        cx = (alpha.sum(0) * centres).sum() / alpha.sum()  # pixels from the left
        cy = (alpha.sum(1) * centres).sum() / alpha.sum()  # pixels from the top
        assert cx.item() == pytest.approx(x * size / 2, abs=0.05)
        assert cy.item() == pytest.approx((2 - y) * size / 2, abs=0.05)


def test_windows_match_a_dense_reference_with_overlaps_and_clipping():
    state, params = random_world(B=40, N=6, seed=2, hand_radius=0.15)
    for size in (16, 32, 64):
        assert torch.allclose(render(state, params, size), dense_reference(state, params, size),
                              atol=1e-5)


def test_batch_matches_one_world_at_a_time():
    B = CHUNK + 10  # more worlds than one chunk
    state, params = random_world(B=B, N=2, seed=3)
    frames = render(state, params, 16)
    for b in (0, 1, CHUNK - 1, CHUNK, B - 1):
        one = State(state.pos[b:b + 1], state.vel[b:b + 1], state.hand[b:b + 1])
        fields = dict(mass=params.mass[b:b + 1], radius=params.radius[b:b + 1],
                      restitution=params.restitution[b:b + 1], friction=params.friction[b:b + 1],
                      color=params.color[b:b + 1], gravity=params.gravity[b:b + 1])
        assert torch.equal(render(one, params.replace(**fields), 16)[0], frames[b])


def test_gradients_match_finite_differences():
    state, params = random_world(B=2, N=3, seed=4, dtype=torch.float64)
    target = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(5), dtype=torch.float64)

    def loss(pos, radius, hand):
        image = render(State(pos, state.vel, hand), params.replace(radius=radius), size=16)
        return ((image - target) ** 2).sum()

    inputs = (state.pos.clone().requires_grad_(), params.radius.clone().requires_grad_(),
              state.hand.clone().requires_grad_())
    assert torch.autograd.gradcheck(loss, inputs, eps=1e-7, atol=1e-5)
    grads = torch.autograd.grad(loss(*inputs), inputs)
    assert all(torch.isfinite(g).all() for g in grads)


def test_gradient_is_finite_at_a_pixel_centre():
    pos = torch.tensor([[[1.0625, 1.0625]]], dtype=torch.float64, requires_grad=True)  # on a centre
    state, params = one_world(pos, [[0.2]], dtype=torch.float64)
    render(State(pos, state.vel, state.hand), params, 32).sum().backward()
    assert torch.isfinite(pos.grad).all()


def test_time_axis_renders_each_step():
    state, params = random_world(B=3, N=2, seed=6)
    T = 4
    drift = torch.linspace(0, 0.3, T)[None, :, None, None]
    traj = State(state.pos[:, None] + drift, state.vel[:, None].expand(3, T, 2, 2),
                 state.hand[:, None].expand(3, T, 2))  # (B, T, N, 2)
    video = render(traj, params, 32)
    assert video.shape == (3, T, 3, 32, 32)
    for t in range(T):
        assert torch.allclose(video[:, t], render(traj.at(t), params, 32))


def test_disk_outside_the_frame_draws_nothing():
    # A disk draws nothing when the frame does not depend on its colour.
    for x, y in [(-0.2, 1.0), (2.3, 1.0), (1.0, 2.2), (1.0, -0.3), (FAR, FAR), (math.inf, 1.0)]:
        red = one_world([[[x, y]]], [[0.1]], color=[[[1.0, 0, 0]]])
        blue = one_world([[[x, y]]], [[0.1]], color=[[[0, 0, 1.0]]])
        assert torch.equal(render(*red, size=32), render(*blue, size=32))
    inside = one_world([[[1.0, 1.0]]], [[0.1]], color=[[[1.0, 0, 0]]])
    assert not torch.equal(render(*inside, size=32), render(*blue, size=32))


def test_the_hand_is_drawn_in_front_and_skipped_when_it_has_no_radius():
    state, params = one_world([[[1.0, 1.0]]], [[0.2]], color=[[[0.0, 0.0, 1.0]]], hand=[[1.0, 1.0]],
                          hand_radius=0.1)
    centre = (slice(None), 15, 16)  # the pixel at (1.03, 1.03) m
    assert torch.allclose(render(state, params, 32)[0][centre], torch.tensor(HAND_COLOR))
    no_hand = render(state, params.replace(hand_radius=0.0), 32)[0]
    assert torch.allclose(no_hand[centre], torch.tensor([0.0, 0.0, 1.0]))


@pytest.mark.parametrize("size", [0, 7, -32, 32.0, "32", True, None])
def test_bad_size_raises(size):
    state, params = random_world(B=1, N=1, seed=0)
    with pytest.raises(ValueError, match="size"):
        render(state, params, size)


def test_bad_shapes_raise():
    state, params = random_world(B=2, N=3, seed=0)
    five_d = State(torch.zeros(2, 1, 1, 3, 2), torch.zeros(2, 1, 1, 3, 2), torch.zeros(2, 1, 1, 2))
    with pytest.raises(ValueError, match="state.pos"):
        render(five_d, params)
    _, other = random_world(B=3, N=3, seed=0)
    with pytest.raises(ValueError, match="params"):
        render(state, other)
    _, other = random_world(B=2, N=4, seed=0)
    with pytest.raises(ValueError, match="params"):
        render(state, other)
    with pytest.raises(TypeError, match="state"):
        render(state.pos, params)
    broken = State(state.pos.clone(), state.vel, state.hand)
    broken.pos[1, 2, 0] = float("nan")
    with pytest.raises(ValueError, match="state.pos"):
        render(broken, params)
