"""Part 4's sample-efficiency bar: model-predictive control through a learned ensemble (PETS)
on ArmPush-v0, from at most 5,000 real environment steps.

    python benchmarks/robot_ensemble.py               # seeds 0, 1, 2 (several minutes each)
    python benchmarks/robot_ensemble.py --seeds 0     # one seed

For each seed, `robot.ensemble.train` plays 10 episodes of smooth random joint velocities,
then alternates refitting the ensemble and planning 5 episodes through it, until 5,000 real
steps are used; the planner never sees the engine. The trained ensemble is then scored by
planning through it on 50 held-out targets (seeds never played in training). Also printed:
the success of the planner's own training episodes, in order, against the real steps used.

Target (issue, Part 4): ensemble-MPC learned from <= 5,000 real steps succeeds on >= 85% of
held-out targets (mean over seeds). The report judges it: --strict exits 1 on a miss, --json
PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from worldmodels.measure.report import Report
from worldmodels.robot import ensemble

SUCCESS_BAR = 0.85


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--targets", type=int, default=50, help="held-out targets per seed")
    report, args = Report.from_command_line("robot_ensemble", parser)
    torch.set_num_threads(1)
    rates = []
    for seed in args.seeds:
        start = time.perf_counter()
        cfg = ensemble.Config(seed=seed)
        model, history = ensemble.train(cfg, progress=False)
        seconds = time.perf_counter() - start
        scores = ensemble.evaluate(model, targets=args.targets)
        rates.append(scores["success_rate"])
        successes = np.array(history["episode_success"], dtype=float)
        print(f"seed {seed}: {history['real_steps'][0]} real steps, trained in {seconds:.0f} s; "
              f"held-out success {scores['success_rate']:.0%} of {args.targets}; training "
              f"episodes' success, in fifths: "
              + " ".join(f"{chunk.mean():.0%}" for chunk in np.array_split(successes, 5)))
        report.figure(f"seed {seed}: held-out success rate", scores["success_rate"])
        report.figure(f"seed {seed}: real steps", history["real_steps"][0])
        report.figure(f"seed {seed}: training seconds", seconds, unit="s")
    print(f"held-out success over seeds: {np.mean(rates):.0%} ± {np.std(rates):.0%}")
    report.figure("held-out success rate, spread over seeds", float(np.std(rates)))
    report.target("ensemble MPC held-out success rate, mean over seeds", float(np.mean(rates)),
                  at_least=SUCCESS_BAR)
    report.finish()


if __name__ == "__main__":
    main()
