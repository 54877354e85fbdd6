"""Part 6's bars on the four ingredients: what action-free video buys when few clips have
labels, and what each ingredient adds on the shared benchmark.

    python benchmarks/four_ingredients.py               # 3 seeds (about 25 minutes)
    python benchmarks/four_ingredients.py --seeds 0     # one seed

For each seed, six models of `convergence.four_ingredients` are trained from scratch (seed 0's
full model is the shipped `four_ingredients`): the full model (action-free pretraining on
every clip, then buttons on 10% of them); the same 10% of clips with buttons and no
pretraining; every clip with its buttons and no pretraining; and the full model with one more
ingredient removed each (a convolutional core, no actions, pixels only). Each is scored by
its action-conditioned rollout error on held-out clips (`evaluate`) and on the shared
benchmark's quick suite (prediction, intuitive physics, planning).

Targets (issue, Part 6b): pretraining closes >= 80% of the gap in rollout error between the
labelled 10% alone and every clip labelled (mean over seeds); the full model is no worse than
any ablation on at least three of the board's columns (read per seed, reported for seed 0's
board); --strict exits 1 on a miss, --json PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
import torch

from worldmodels.bench import board
from worldmodels.bench.adapters import FourIngredientsAdapter
from worldmodels.bench.suite import make_suite
from worldmodels.convergence import four_ingredients as fi
from worldmodels.measure.report import Report

TRACKS = ("prediction", "intuitive_physics", "planning")
# The board's columns these tracks fill: (track, key, heading, higher is better)
COLUMNS = (("prediction", "psnr", "PSNR (dB)", True),
           ("prediction", "cup_error", "cup error (cm)", False),
           ("intuitive_physics", "relative_accuracy", "VoE accuracy", True),
           ("intuitive_physics", "flagged_unusual", "unusual flagged", False),
           ("planning", "success", "planning", True))


def variants(seed: int) -> dict:
    full = replace(fi.Config(), seed=seed)
    return {"full": full,
            "labelled 10% only": fi.without("video", full),
            "every clip labelled": replace(full, pretrain=False, labelled=1.0),
            "no transformer (conv core)": fi.without("transformer", full),
            "no actions": fi.without("actions", full),
            "one level (pixels only)": fi.without("levels", full)}


def column(row: dict, track: str, key: str):
    result = row["tracks"].get(track)
    return None if result is None else result.get(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    torch.set_num_threads(1)
    report, args = Report.from_command_line("four_ingredients", parser)
    suite = make_suite(quick=True)
    closed, no_worse = [], []
    for seed in args.seeds:
        errors, entrants = {}, []
        for name, cfg in variants(seed).items():
            model, history = fi.train(cfg, progress=False)
            errors[name] = fi.evaluate(model)["rollout_mse"]
            print(f"  seed {seed}, {name}: rollout MSE {errors[name]:.5f} "
                  f"({history['seconds']:.0f} s)", flush=True)
            report.figure(f"seed {seed}, {name}: rollout MSE", errors[name])
            if name != "every clip labelled":
                entrants.append(FourIngredientsAdapter(model, name, history["seconds"]))
        gap = errors["labelled 10% only"] - errors["every clip labelled"]
        closed.append((errors["labelled 10% only"] - errors["full"]) / gap)
        report.figure(f"seed {seed}: share of the labelling gap pretraining closes", closed[-1])
        scored = board.run(entrants, suite, tracks=TRACKS)
        rows = {row["name"]: row for row in scored["entrants"]}
        wins = 0
        for track, key, heading, higher in COLUMNS:
            full = column(rows["full"], track, key)
            others = [column(row, track, key) for name, row in rows.items() if name != "full"]
            for name, row in rows.items():
                value = column(row, track, key)
                if value is not None:
                    report.figure(f"seed {seed}, {name}: {heading}", value)
            if full is None:
                continue
            present = [v for v in others if v is not None]
            wins += all((full >= v) if higher else (full <= v) for v in present)
        no_worse.append(wins)
        report.figure(f"seed {seed}: board columns where the full model is no worse than "
                      f"any ablation", wins)
    report.figure("share of the labelling gap closed: spread over seeds", float(np.std(closed)))
    report.target("share of the labelling gap action-free pretraining closes",
                  float(np.mean(closed)), at_least=0.8)
    report.target("board columns where the full model is no worse than any ablation, "
                  "fewest over seeds", min(no_worse), at_least=3)
    report.finish()


if __name__ == "__main__":
    main()
