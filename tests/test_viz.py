"""Figures and animations: the right panels, the right pictures, nothing fetched from the internet."""
import re

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

from worldmodels import viz, world  # noqa: E402


def test_show_frames_lays_out_a_grid_and_shows_the_pixels():
    frames = torch.rand(5, 3, 8, 8)
    fig = viz.show_frames(frames, ncols=3)
    shown = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(fig.axes) == 6 and len(shown) == 5
    np.testing.assert_allclose(shown[2], frames[2].permute(1, 2, 0).numpy(), atol=1e-6)


def test_compare_rollouts_has_one_row_per_clip():
    fig = viz.compare_rollouts({"truth": torch.rand(6, 3, 8, 8), "model": torch.rand(6, 3, 8, 8)},
                               every=2)
    assert len(fig.axes) == 2 * 3
    assert fig.axes[0].get_ylabel() == "truth" and fig.axes[3].get_ylabel() == "model"


def test_animation_is_self_contained_and_has_every_frame():
    generator = torch.Generator().manual_seed(0)
    clips = {name: torch.rand(4, 3, 8, 8, generator=generator) for name in ("truth", "model")}
    html = viz.animation(clips).data
    assert html.count("data:image/png;base64") == 4 and 'title="Play"' in html
    markup = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=\\\n]*", "", html)
    assert "font-awesome" not in markup and "http" not in markup  # nothing from the internet


def test_strobe_draws_the_scene_at_every_sampled_time():
    state, params = world.cup_on_table(seed=0)
    trajectory = world.rollout(state, None, params, steps=30)
    fig = viz.strobe(trajectory, params, every=10)
    # cup and hand at t = 0, 10, 20, 29, plus the floor and the table
    assert len(fig.axes[0].patches) == 2 * 4 + 2


@pytest.mark.parametrize("bad", [torch.rand(4, 8, 8), torch.rand(4, 1, 8, 8)])
def test_frames_of_the_wrong_shape_are_refused(bad):
    with pytest.raises(ValueError, match="frames"):
        viz.show_frames(bad)


def test_html_table_has_a_padded_cell_for_every_value():
    html = viz.html_table(["task", "result"], [["cup", "100%"], ["pendulum", -151.7]]).data
    assert html.count("<th ") == 2 and html.count("<td ") == 4 and html.count("<tr>") == 3
    assert all(f">{value}</td>" in html for value in ("cup", "100%", "pendulum", "-151.7"))
    assert html.count("padding") == 6  # columns must not touch on the page


def test_error_by_horizon_puts_each_value_at_its_step_and_time():
    errors = {"model": torch.tensor([0.0, 0.1, 0.2]), "copy last": [0.0, 0.3, 0.6]}
    ax = viz.error_by_horizon(errors, "MSE", "t", first=0).axes[0]
    model, copy = ax.get_lines()
    np.testing.assert_allclose(model.get_xdata(), [0, 1, 2])
    np.testing.assert_allclose(copy.get_ydata(), [0.0, 0.3, 0.6])
    assert copy.get_linestyle() == "--" and model.get_linestyle() == "-"   # baselines dashed
    assert copy.get_color() == viz.ROAD_COLORS["baseline"]
    timed = viz.error_by_horizon(errors, "MSE", "t", dt=0.04).axes[0].get_lines()[0]
    np.testing.assert_allclose(timed.get_xdata(), [0.04, 0.08, 0.12])       # first=1 by default


@pytest.mark.parametrize("curves, kwargs, message", [
    ({}, {}, "curves must name"), ({"m": torch.ones(2, 3)}, {}, r"curves\['m'\]"),
    ({"m": [1.0]}, {"dt": 0.0}, "dt must be > 0"),
])
def test_error_by_horizon_refuses_bad_input(curves, kwargs, message):
    with pytest.raises(ValueError, match=message):
        viz.error_by_horizon(curves, "MSE", "t", **kwargs)


def test_training_curves_are_running_means():
    loss = np.arange(10.0)
    line = viz.training_curves({"loss": loss}, "loss", "t", window=4).axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), np.convolve(loss, np.ones(4) / 4, "valid"))


def test_one_colour_per_model_name_on_every_page():
    assert viz.color_for("deterministic model") == viz.color_for("deterministic")
    assert viz.color_for("Copy last frame") == viz.ROAD_COLORS["baseline"]
    assert viz.color_for("engine alone") != viz.color_for("engine")
    assert viz.color_for("something new", 0) != viz.color_for("something else", 1)
