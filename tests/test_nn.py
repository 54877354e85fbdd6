"""Shared building blocks: shapes, and a clear error on bad sizes."""
import pytest
import torch

from worldmodels import nn as wnn


@pytest.mark.parametrize("size", [16, 32, 64])
def test_encoder_decoder_shapes(size):
    frames = torch.rand(2, 3, size, size)
    latent = wnn.ConvEncoder(size, latent_size=8)(frames)
    assert latent.shape == (2, 8)
    assert wnn.ConvDecoder(size, latent_size=8)(latent).shape == (2, 3, size, size)


def test_mlp_learns_a_linear_map():
    torch.manual_seed(0)
    x = torch.randn(256, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    model = wnn.mlp(3, 1, hidden=32)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(300):
        loss = (model(x) - y).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.01 * y.var().item()  # far below predicting the mean


def test_bad_sizes_name_the_argument():
    with pytest.raises(ValueError, match="frame_size"):
        wnn.ConvEncoder(frame_size=48)
    with pytest.raises(ValueError, match="hidden"):
        wnn.mlp(3, 1, hidden=0)
