"""Choosing where tensors live: the CPU by default, CUDA when asked for or when "auto" finds it."""
from __future__ import annotations

import torch


def pick_device(device: str | torch.device = "cpu") -> torch.device:
    """"cpu", "cuda", "auto" (CUDA when available, else the CPU) or a torch.device."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        chosen = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"device must be 'cpu', 'cuda', 'auto' or a torch.device, "
                         f"got {device!r}") from error
    if chosen.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for, but no CUDA GPU is available; use 'auto'")
    return chosen
