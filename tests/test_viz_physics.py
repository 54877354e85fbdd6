"""Part 2's figures: the right panels, labelled axes, the data that was passed in."""
import matplotlib
import numpy as np
import torch

matplotlib.use("Agg")

from worldmodels.viz import physics as vp  # noqa: E402


def test_integrator_and_energy_figures_draw_what_they_are_given():
    times = torch.linspace(0, 1, 5)
    paths = {"RK4": (torch.ones(5), torch.zeros(5)), "exact": (torch.ones(5), torch.zeros(5))}
    fig = vp.integrator_paths(times, paths, "t")
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2
    assert fig.axes[0].get_xlabel() == "time (s)"
    fig = vp.energy_drift([0.1, 0.2], {"leapfrog": [1e-3, 4e-3]}, "drift")
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [1e-3, 4e-3])
    energies = {"RK4": torch.full((5,), 0.5), "leapfrog": torch.full((5,), 0.5)}
    fig = vp.energy_explorer(times, energies, "RK4", paths["RK4"], paths["exact"], 0.1)
    assert "+0.0%" in fig._suptitle.get_text()


def test_identifiability_marks_infinite_errors():
    fig = vp.identifiability(["a", "b"], ["mass_ratio", "gravity"],
                             torch.tensor([[float("inf"), 0.01], [0.02, 0.003]]), "t")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["not identifiable", "±1.00%", "±2.00%", "±0.30%"]


def test_fit_history_and_paths():
    history = {"loss": [1.0, 0.1, 0.01], "window": [5, 5, 10],
               "values": [torch.tensor([1.0, 2.0]), torch.tensor([1.5, 2.0]), torch.tensor([2.0, 2.0])]}
    fig = vp.fit_history(history, torch.tensor([2.0, 2.0]), ["friction", "gravity"], "t")
    assert len(fig.axes) == 2
    pos = torch.rand(6, 2, 2)
    fig = vp.compare_paths({"observed": pos, "model": pos}, "t")
    assert len(fig.axes[0].lines) == 4
