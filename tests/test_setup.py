"""The notebooks' setup: seeding is reproducible and bad devices are refused by name."""
import pytest
import torch

from worldmodels.devices import pick_device
from worldmodels.setup import seed_everything, setup


def test_seeding_makes_random_draws_repeat():
    seed_everything(3)
    first = torch.rand(4)
    seed_everything(3)
    assert torch.equal(first, torch.rand(4))


def test_devices():
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert setup(seed=0, device="cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device"):
        pick_device("tpu-please")
    with pytest.raises(ValueError, match="seed"):
        seed_everything(-1)


def test_building_the_website_turns_every_progress_bar_off(monkeypatch, capsys):
    import tqdm

    from worldmodels.setup import setup

    monkeypatch.setattr(tqdm.std.tqdm, "__init__", tqdm.std.tqdm.__init__)   # undone after
    for _ in tqdm.tqdm(range(3), disable=False):
        pass
    assert "3/3" in capsys.readouterr().err                  # a learner's run shows its bar
    monkeypatch.setenv("WORLDMODELS_BOOK", "1")
    setup()
    for _ in tqdm.tqdm(range(3), disable=False):
        pass
    assert capsys.readouterr().err == ""                     # the website's shows none
