"""Part 6's four-ingredients model: patches, the block-causal mask and causality itself, a
model that starts as copy-last, the ablations, and the shipped model against copy-last."""
from dataclasses import replace

import pytest
import torch

from worldmodels.convergence import four_ingredients as fi


def test_patches_cut_the_frame_row_by_row_and_put_it_back():
    frames = torch.rand(2, 3, 3, 32, 32)
    patches = fi.to_patches(frames)
    assert patches.shape == (2, 3, fi.PATCHES, 3 * fi.PATCH ** 2)
    top_right = frames[0, 0, :, :fi.PATCH, fi.PATCH:2 * fi.PATCH].permute(1, 2, 0).flatten()
    torch.testing.assert_close(patches[0, 0, 1], top_right)
    assert torch.equal(fi.from_patches(patches), frames)


def test_the_mask_lets_a_token_see_its_own_frame_and_earlier_ones_only():
    allowed = fi.block_causal(3, 2)
    expected = torch.tensor([[i // 2 >= j // 2 for j in range(6)] for i in range(6)])
    assert torch.equal(allowed, expected)


@pytest.mark.parametrize("core", fi.CORES)
def test_a_prediction_never_depends_on_a_later_frame(core):
    torch.manual_seed(0)
    model = fi.FourIngredients(replace(fi.Config.tiny(), core=core))
    torch.nn.init.normal_(model.pixels.weight)          # not the zero start: see changes
    frames, buttons = torch.rand(2, 4, 3, 32, 32), torch.randint(0, 4, (2, 4))
    later = frames.clone()
    later[:, 2:] = torch.rand(2, 2, 3, 32, 32)           # frames 2 and 3 changed
    pressed = buttons.clone()
    pressed[:, 2:] = (pressed[:, 2:] + 1) % 4
    before, rep_before = model(frames, buttons)
    after, rep_after = model(later, pressed)
    torch.testing.assert_close(after[:, :2], before[:, :2])
    torch.testing.assert_close(rep_after[:, :2], rep_before[:, :2])
    assert not torch.allclose(after[:, 2:], before[:, 2:])


def test_an_untrained_model_predicts_that_nothing_changes():
    model = fi.FourIngredients(fi.Config.tiny())
    frames = torch.rand(3, 4, 3, 32, 32)
    predicted, _ = model(frames, torch.full((3, 4), fi.UNKNOWN))
    torch.testing.assert_close(predicted, frames)


def test_training_runs_both_stages_and_each_ablation_changes_one_ingredient():
    _, history = fi.train(fi.Config.tiny(), progress=False)
    assert history["stage"][0] == "video" and history["stage"][-1] == "actions"
    _, history = fi.train(fi.without("video", fi.Config.tiny()), progress=False)
    assert set(history["stage"]) == {"actions"}
    full = fi.Config()
    for ingredient in ("transformer", "video", "actions", "levels"):
        changed = {f for f in full.__dataclass_fields__
                   if getattr(full, f) != getattr(fi.without(ingredient), f)}
        assert len(changed) == 1
    with pytest.raises(ValueError, match="ingredient"):
        fi.without("money")


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="cfg.core"):
        fi.Config(core="lstm")
    with pytest.raises(ValueError, match="cfg.labelled"):
        fi.Config(labelled=0.0)
    model = fi.FourIngredients(fi.Config.tiny())
    with pytest.raises(ValueError, match="context"):
        fi.dream(model, torch.rand(2, 3, 32, 32), torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="buttons"):
        fi.dream(model, torch.rand(2, 2, 3, 32, 32), torch.zeros(3, 3, dtype=torch.long))


def test_the_shipped_model_dreams_better_than_copying_the_last_frame():
    scores = fi.evaluate(fi.load_pretrained(), clips_=64)
    assert scores["rollout_mse"] < 0.6 * scores["copy_last_mse"]
