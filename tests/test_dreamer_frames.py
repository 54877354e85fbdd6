"""Part 1, the RSSM on frames of the world: training, open-loop imagination, the shipped model."""
import pytest
import torch

from worldmodels import checkpoints, exercises
from worldmodels.dreamer import frames_world_model as fwm
from worldmodels.dreamer import rssm


def test_tiny_rssm_loss_falls_and_imagination_has_the_right_shape():
    model, history = fwm.train(fwm.Config.tiny(), progress=False)
    assert sum(history["recon"][-5:]) < 0.7 * sum(history["recon"][:5])
    frames, actions = torch.rand(2, 7, 3, 32, 32), torch.zeros(2, 6, 2)
    pred = fwm.open_loop(model, frames, actions, context=3)
    assert pred.shape == frames.shape and ((pred >= 0) & (pred <= 1)).all()


def test_windows_pair_each_frame_with_the_action_that_follows_it():
    frames = torch.arange(3 * 8, dtype=torch.float32).view(3, 8, 1, 1, 1).expand(3, 8, 3, 2, 2)
    actions = torch.arange(3 * 7, dtype=torch.float32).view(3, 7, 1).expand(3, 7, 2)
    batch = fwm.sample_windows(frames, actions, 4, 5, torch.Generator().manual_seed(0))
    first_frame = batch["obs"][:, :-1, 0, 0, 0]                     # (5, 3): 8 r + t
    rollout, t = first_frame // 8, first_frame % 8
    assert torch.equal(batch["action"][..., 0], rollout * 7 + t)    # action index 7 r + t


def test_the_shipped_rssm_reconstructs_and_beats_copy_last_frame_ten_steps_ahead():
    model = fwm.load_pretrained()
    result = fwm.evaluate(model, num_rollouts=16, context=5, horizon=10, seed=2024)
    assert result["recon"] < 0.5 * result["mean_frame"]
    assert result["open_loop"][-1] < result["copy_last"][-1]
    assert checkpoints.info("rssm_frames")["bytes"] <= 1024 * 1024


def test_the_kl_balance_check_accepts_the_library_and_rejects_an_unbalanced_loss(capsys):
    assert exercises.dreamer_model.check_kl_balance(rssm.kl_loss)

    def unbalanced(post_logits, prior_logits, balance, free_bits):
        return rssm.kl_divergence(post_logits, prior_logits).clamp(min=free_bits).mean()
    assert not exercises.dreamer_model.check_kl_balance(unbalanced)
    assert "gradient" in capsys.readouterr().out


def test_bad_input_is_refused_with_a_clear_error():
    model = fwm.make_world_model(fwm.Config.tiny())
    frames, actions = torch.rand(1, 5, 3, 32, 32), torch.zeros(1, 4, 2)
    with pytest.raises(ValueError, match="context"):
        fwm.open_loop(model, frames, actions, context=5)
    with pytest.raises(ValueError, match="seq_len"):
        fwm.sample_windows(frames, actions, 9, 2, torch.Generator())
    with pytest.raises(ValueError, match="actions"):
        fwm.train(fwm.Config.tiny(), frames=frames, actions=torch.zeros(1, 5, 2), progress=False)
