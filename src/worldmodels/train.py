"""Reproduce a shipped checkpoint from scratch: `python -m worldmodels.train NAME`.

Each recipe is a function in its road's package that trains from a fixed seed and returns
`(payload, metrics)`: the dict to save and the quality it reached. This is the only code that
writes into `worldmodels/checkpoints/`.
"""
from __future__ import annotations

import argparse
import importlib
import time

from . import checkpoints

# name -> "module:function". Every shipped checkpoint has a recipe here.
RECIPES: dict[str, str] = {
    "dreamer_pendulum": "worldmodels.dreamer.recipes:dreamer_pendulum",
    "dreamer_cup": "worldmodels.dreamer.recipes:dreamer_cup",
    "world_models_vae_rnn": "worldmodels.dreamer.world_models:recipe",
    "rssm_frames": "worldmodels.dreamer.frames_world_model:recipe",
    "video_predictor": "worldmodels.video.predictor:recipe",
    "video_generative": "worldmodels.video.generative:recipe",
    "video_action_conditioned": "worldmodels.video.action_conditioned:checkpoint_recipe",
    "interaction_network": "worldmodels.physics.interaction_network:recipe",
    "hamiltonian": "worldmodels.physics.hamiltonian:recipe",
}


def reproduce(name: str, folder=None) -> dict:
    """Train checkpoint `name` from scratch, save it, and return its record."""
    if name not in RECIPES:
        raise ValueError(f"name must be one of {sorted(RECIPES)}, got {name!r}")
    module_name, function_name = RECIPES[name].split(":")
    recipe = getattr(importlib.import_module(module_name), function_name)
    start = time.perf_counter()
    payload, metrics = recipe()
    metrics = {**metrics, "train_seconds": round(time.perf_counter() - start, 1)}
    checkpoints.save(name, payload, metrics, folder=folder)
    return metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="checkpoints to reproduce (default: all)")
    parser.add_argument("--folder", default=None, help="write here instead of the package")
    args = parser.parse_args(argv)
    for name in args.names or sorted(RECIPES):
        print(f"{name}: {reproduce(name, folder=args.folder)}")


if __name__ == "__main__":
    main()
