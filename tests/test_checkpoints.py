"""The checkpoint registry: records match files, tampering is caught, size is capped."""
import pytest
import torch

from worldmodels import checkpoints, train


def test_save_then_load_round_trips(tmp_path, monkeypatch):
    payload = {"state_dict": {"w": torch.arange(6.0).view(2, 3)}, "config": {"hidden": 8}}
    checkpoints.save("tiny", payload, {"mse": 0.5}, folder=tmp_path)
    monkeypatch.setattr(checkpoints, "FOLDER", tmp_path)
    assert checkpoints.available() == ["tiny"]
    loaded = checkpoints.load("tiny")
    assert torch.equal(loaded["state_dict"]["w"], payload["state_dict"]["w"])
    assert loaded["config"] == {"hidden": 8}
    assert checkpoints.info("tiny")["metrics"] == {"mse": 0.5}


def test_a_corrupt_file_is_refused(tmp_path, monkeypatch):
    checkpoints.save("tiny", {"w": torch.zeros(3)}, {}, folder=tmp_path)
    (tmp_path / "tiny.pt").write_bytes((tmp_path / "tiny.pt").read_bytes() + b"x")
    monkeypatch.setattr(checkpoints, "FOLDER", tmp_path)
    with pytest.raises(RuntimeError, match="corrupt"):
        checkpoints.load("tiny")


def test_oversized_and_unknown_checkpoints_are_refused(tmp_path):
    with pytest.raises(ValueError, match="2.10 MB|MB"):
        checkpoints.save("big", {"w": torch.zeros(600_000)}, {}, folder=tmp_path)
    with pytest.raises(ValueError, match="name"):
        checkpoints.info("no-such-checkpoint")
    with pytest.raises(ValueError, match="name"):
        train.reproduce("no-such-checkpoint")


def test_every_shipped_checkpoint_has_a_recipe_and_fits_the_budget():
    total, recipes = 0, train.recipes()
    for name in checkpoints.available():
        assert name in recipes, f"{name} has no recipe: no model module lists it in CHECKPOINTS"
        record = checkpoints.info(name)
        assert record["bytes"] <= checkpoints.MAX_BYTES
        total += record["bytes"]
        checkpoints.load(name)  # the sha256 matches
    assert total <= 10 * 1024 * 1024  # ARCHITECTURE.md, Budgets: 10 MB all together


def test_save_creates_a_folder_that_does_not_exist_yet(tmp_path):
    path = checkpoints.save("tiny", {"w": torch.zeros(2)}, {}, folder=tmp_path / "new" / "dir")
    assert path.exists() and path.with_suffix(".json").exists()
