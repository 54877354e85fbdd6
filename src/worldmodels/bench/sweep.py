"""Does more data fix generalisation? Kang et al. (2024, "How far is video generation from world
model") trained video models on growing datasets and found that the error on the training
ranges falls with data while the error outside them does not. The same experiment, in
miniature: Part 3's action-conditioned video model trained on more and more played sequences,
scored by the generalisation track on the suite's ordinary and unusual worlds.

    sweep = data_size_sweep((96, 384, 1536), make_suite())
    sweep["cup_error"]["fast"] # cup error (m) with the faster hand, one per dataset size
    sweep["psnr"]["seen"]      # PSNR (dB) in the world it was trained on
"""
from __future__ import annotations

import re
import time
from dataclasses import replace

import torch

from ..video import action_conditioned
from .adapters.action_video import ActionVideo
from .tracks import generalisation

SIZES = (8, 32, 128, 512, 1536)   # played sequences; the shipped model saw 1536


def data_size_sweep(sizes: tuple[int, ...], suite, seed: int = 0) -> dict:
    """Train the model on each number of sequences (same steps, same seed), score each."""
    if not sizes or any(not (isinstance(n, int) and n >= 4) for n in sizes):
        raise ValueError(f"sizes must be ints >= 4 sequences, got {sizes!r}")
    rows = {"sequences": list(sizes), "train_seconds": [], "cup_error": {}, "psnr": {}}
    worlds = {"seen": suite.ordinary, **suite.unusual}
    for n in sizes:
        start = time.perf_counter()
        with torch.random.fork_rng():
            model, _ = action_conditioned.train(
                replace(action_conditioned.Config(), num_sequences=n, seed=seed), progress=False)
        rows["train_seconds"].append(time.perf_counter() - start)
        for world, clips in worlds.items():
            scored = generalisation.errors(ActionVideo(model), clips)
            for key in ("cup_error", "psnr"):
                rows[key].setdefault(world, []).append(scored[key])
    return rows


FIGURE = re.compile(r"sweep, (\d+) sequences: (PSNR|cup error), (\w+) world")


def sweep_from_record(record: dict) -> dict:
    """The sweep as `data_size_sweep` returns it, read back from the figures that
    benchmarks/shared_benchmark.py recorded (without the training times)."""
    rows = {"sequences": [], "cup_error": {}, "psnr": {}}
    for figure in record["figures"]:
        match = FIGURE.fullmatch(figure["name"])
        if not match:
            continue
        n, metric, world = int(match[1]), match[2], match[3]
        if n not in rows["sequences"]:
            rows["sequences"].append(n)
        key = "psnr" if metric == "PSNR" else "cup_error"
        rows[key].setdefault(world, []).append(figure["value"])
    if not rows["sequences"]:
        raise ValueError(f"record {record.get('benchmark')!r} holds no data-size sweep")
    return rows
