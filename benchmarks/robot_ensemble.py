"""Part 4's sample-efficiency bars: model-predictive control through a learned ensemble (PETS)
on ArmPush-v0 from at most 5,000 real environment steps, and SAC, model-free, on the same task.

    python benchmarks/robot_ensemble.py                 # seeds 0, 1, 2 (about 35 min, 2 cores)
    python benchmarks/robot_ensemble.py --seeds 0 --sac-steps 10000    # a quicker look

For each seed, `robot.ensemble.train` plays 10 episodes of smooth random joint velocities,
then alternates refitting the ensemble and planning 5 episodes through it, until 5,000 real
steps are used; the planner never sees the engine. After about every 1,000 real steps the
model as fitted so far is scored by planning through it on 20 held-out targets, and the final
model on 50. SAC (`measure.model_free`) learns from its own steps, up to ten times as many,
and is scored with its mean action on the same 20 held-out targets every 2,500 steps. The six
runs go two at a time (--workers), one thread each.

The number of real steps a learner "needs" for 80% is the first evaluation at which its
success, averaged over the seeds, reaches 80%.

Targets (issue, Part 4): the ensemble's held-out success >= 85% (mean over seeds); the steps
SAC needs to reach 80% are >= 5x those the ensemble needs. If SAC never reaches 80% within
its budget, the ratio is at least budget / (the ensemble's steps), which is what is reported,
with the curves. --strict exits 1 on a miss, --json PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
import multiprocessing
import time

import numpy as np
import torch

from worldmodels.measure.model_free import SACConfig, train_sac
from worldmodels.measure.report import Report
from worldmodels.robot import ensemble

SUCCESS_BAR, REACH, RATIO_BAR = 0.85, 0.80, 5.0
EVAL_TARGETS, FIRST_HELD_OUT = 20, 20_000


def run(job: tuple[str, int, int]) -> dict:
    """One learner, one seed: its curve of held-out success against real steps."""
    learner, seed, sac_steps = job
    torch.set_num_threads(1)
    start = time.perf_counter()
    if learner == "PETS":
        model, history = ensemble.train(ensemble.Config(seed=seed), progress=False,
                                        evaluate_every=1000, evaluate_targets=EVAL_TARGETS)
        final = ensemble.evaluate(model, targets=50, first_seed=FIRST_HELD_OUT)["success_rate"]
        seconds = history["wall_seconds"][0]
    else:
        cfg = SACConfig(env_steps=sac_steps, eval_every=2500, eval_episodes=EVAL_TARGETS,
                        eval_seed=FIRST_HELD_OUT, seed=seed)
        _, history = train_sac(cfg, ensemble.ENV_ID, progress=False)
        final, seconds = history["eval_success_rate"][-1], time.perf_counter() - start
    return {"learner": learner, "seed": seed, "steps": history["eval_step"],
            "success": history["eval_success_rate"], "final": final, "seconds": seconds}


def steps_to_reach(runs: list[dict]) -> tuple[int | None, np.ndarray, np.ndarray]:
    """The first evaluation at which the seeds' mean success reaches REACH (None if it never
    does), and that mean curve. The k-th evaluations of the seeds fall at nearly the same
    steps (the ensemble's at the end of a round); each is counted at the latest of them."""
    length = min(len(r["steps"]) for r in runs)
    steps = np.max([r["steps"][:length] for r in runs], axis=0)
    mean = np.mean([r["success"][:length] for r in runs], axis=0)
    reached = np.flatnonzero(mean >= REACH)
    return (int(steps[reached[0]]) if len(reached) else None), steps, mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sac-steps", type=int, default=50_000,
                        help="SAC's budget of real steps (ten times the ensemble's)")
    parser.add_argument("--workers", type=int, default=2, help="runs at once, a thread each")
    report, args = Report.from_command_line("robot_ensemble", parser)
    jobs = [(learner, seed, args.sac_steps) for learner in ("PETS", "SAC") for seed in args.seeds]
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        results = pool.map(run, jobs, chunksize=1)
    by_learner = {name: [r for r in results if r["learner"] == name] for name in ("PETS", "SAC")}
    for r in results:
        curve = " ".join(f"{s}:{v:.0%}" for s, v in zip(r["steps"], r["success"]))
        print(f"{r['learner']} seed {r['seed']} ({r['seconds']:.0f} s): {curve}")
        report.figure(f"{r['learner']} seed {r['seed']}: final held-out success", r["final"])
        report.figure(f"{r['learner']} seed {r['seed']}: training seconds", r["seconds"], unit="s")
    reach = {}
    for name, runs in by_learner.items():
        reach[name], steps, mean = steps_to_reach(runs)
        print(f"{name}, mean over seeds: " + " ".join(f"{s}:{v:.0%}" for s, v in zip(steps, mean)))
        report.figure(f"{name}: real steps to reach {REACH:.0%} (mean over seeds)",
                      float("nan") if reach[name] is None else reach[name])
    finals = [r["final"] for r in by_learner["PETS"]]
    print(f"ensemble held-out success over seeds: {np.mean(finals):.0%} ± {np.std(finals):.0%}")
    report.figure("ensemble held-out success rate, spread over seeds", float(np.std(finals)))
    report.target("ensemble MPC held-out success rate, mean over seeds", float(np.mean(finals)),
                  at_least=SUCCESS_BAR)
    if reach["PETS"] is None:
        ratio = float("nan")
    elif reach["SAC"] is None:
        ratio = args.sac_steps / reach["PETS"]
        print(f"SAC did not reach {REACH:.0%} within {args.sac_steps} steps: the ratio is at "
              f"least {ratio:.1f}")
    else:
        ratio = reach["SAC"] / reach["PETS"]
    report.target(f"real steps SAC needs for {REACH:.0%} / steps the ensemble needs"
                  + (" (a lower bound)" if reach["SAC"] is None else ""), ratio,
                  at_least=RATIO_BAR)
    report.finish()


if __name__ == "__main__":
    main()
