"""Small trained weights shipped inside the package, each with a record of how it was made.

A checkpoint `NAME` is two files in this folder: `NAME.pt` (a dict of tensors and plain Python
values, loadable with `weights_only=True`) and `NAME.json` (its sha256, the metrics it reached
and the command that reproduces it). Only `python -m worldmodels.train NAME` writes them.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import torch

FOLDER = Path(__file__).parent
MAX_BYTES = 2 * 1024 * 1024  # ARCHITECTURE.md, Budgets: each shipped checkpoint stays under 2 MB


def available() -> list[str]:
    """Names of the shipped checkpoints."""
    return sorted(path.stem for path in FOLDER.glob("*.json"))


def info(name: str) -> dict:
    """The record of checkpoint `name`: sha256, metrics, command, size."""
    record = FOLDER / f"{name}.json"
    if not record.exists():
        raise ValueError(f"name must be one of the shipped checkpoints {available()}, got {name!r}")
    return json.loads(record.read_text())


def check_name(name: str, names: tuple[str, ...]) -> None:
    """Raise a clear error unless `name` is one of the checkpoints `names` a recipe trains."""
    if name not in names:
        raise ValueError(f"name must be one of {names}, got {name!r}")


def load(name: str, device: str | torch.device = "cpu") -> dict:
    """Load checkpoint `name` after checking its sha256 against its record."""
    record = info(name)
    data = (FOLDER / f"{name}.pt").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != record["sha256"]:
        raise RuntimeError(f"checkpoint {name!r} is corrupt: sha256 {digest} != {record['sha256']}")
    return torch.load(io.BytesIO(data), map_location=device, weights_only=True)


def save(name: str, payload: dict, metrics: dict, folder: str | Path | None = None) -> Path:
    """Write `NAME.pt` and its record to `folder` (this package's folder by default)."""
    folder = Path(folder) if folder is not None else FOLDER
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:
        raise ValueError(f"checkpoint {name!r} is {len(data) / 1e6:.2f} MB; the limit is "
                         f"{MAX_BYTES / 1e6:.2f} MB: shrink the model")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.pt").write_bytes(data)
    record = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
              "metrics": metrics, "command": f"python -m worldmodels.train {name}"}
    (folder / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    return folder / f"{name}.pt"
