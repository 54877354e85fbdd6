"""Part 1's quality bars: Dreamer on Pendulum-v1 and on the cup task, against SAC on the same steps.

    python benchmarks/dreamer_pendulum.py               # 3 seeds, both tasks, both learners
    python benchmarks/dreamer_pendulum.py --quick       # a smoke run of the whole script
    python benchmarks/dreamer_pendulum.py --seeds 0 --skip-sac --json out.json --strict
    python benchmarks/dreamer_pendulum.py --jobs 2      # two seeds at a time (slower per run)

For each seed, Dreamer trains from scratch with the default `Config` for at most 10,000
environment steps of Pendulum-v1 (state observations), then plays 10 evaluation episodes with
its mean action; SAC (`worldmodels.measure.model_free`) gets the same environment steps. The cup task
(worldmodels/CupPush-v0) is scored by its success rate over 10 evaluation episodes. Wall time
is measured with time.perf_counter around each training run, and the machine's load average
is printed next to it, since other work on the machine only adds time. Torch runs on one
thread; Dreamer's updates put part of their work on a second thread (Dreamer.update_many), so
one Dreamer run uses two cores. With --jobs N, N runs go side by side in separate processes and
share the cores: quicker for checking returns, slower per run.

Targets: Pendulum mean return >= -200 after <= 10,000 steps in <= 6 minutes; cup task success
>= 90 %. The report judges them: --strict exits 1 on a miss, --json PATH keeps a record of every
figure (every seed's return, success and seconds).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np
import torch

from worldmodels.dreamer.learn import train
from worldmodels.dreamer.recipes import SETUPS
from worldmodels.measure.model_free import train_sac
from worldmodels.measure.report import Report

PENDULUM_BAR, TIME_BAR, CUP_BAR = -200.0, 360.0, 0.9


def run(name: str, seed: int, quick: bool, skip_sac: bool) -> dict:
    torch.set_num_threads(1)  # small networks run fastest on one thread
    env_id, cfg, sac_cfg = SETUPS[name]
    if quick:  # the whole script in a minute or two; the numbers mean nothing
        cfg = replace(cfg, env_steps=1_200, eval_episodes=2)
        sac_cfg = replace(sac_cfg, env_steps=1_200, eval_episodes=2)
    _, history = train(replace(cfg, seed=seed), env_id, progress=False)
    result = {"env_id": env_id, "seed": seed, "env_steps": cfg.env_steps,
              "dreamer_return": float(np.mean(history["eval_return"])),
              "dreamer_success": float(np.mean(history["eval_success"])),
              "dreamer_seconds": history["wall_seconds"][0], "load_after": os.getloadavg()[0]}
    if not skip_sac:
        _, sac = train_sac(replace(sac_cfg, seed=seed), env_id, progress=False)
        result.update(sac_return=float(np.mean(sac["eval_return"])),
                      sac_success=float(np.mean(sac["eval_success"])),
                      sac_seconds=sac["wall_seconds"][0])
    print(f"  {name} seed {seed}: " + ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else
                                                f"{k} {v}" for k, v in result.items()), flush=True)
    return result


def summary(results: list[dict], key: str) -> str:
    values = np.array([r[key] for r in results if key in r])
    if len(values) == 0:
        return "not run"
    return f"{values.mean():.3g} ± {values.std():.2g} (n={len(values)}, min {values.min():.3g})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--quick", action="store_true", help="a smoke run with few steps")
    parser.add_argument("--skip-sac", action="store_true", help="train Dreamer only")
    parser.add_argument("--tasks", nargs="+", default=["dreamer_pendulum", "dreamer_cup"])
    parser.add_argument("--jobs", type=int, default=1, help="runs side by side (times grow)")
    report, args = Report.from_command_line("dreamer_pendulum", parser)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__}, load average at start {os.getloadavg()}")
    runs = [(name, seed, args.quick, args.skip_sac) for name in args.tasks for seed in args.seeds]
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = list(pool.map(run, *zip(*runs)))
    results = {name: [r for (task, *_), r in zip(runs, done) if task == name]
               for name in args.tasks}
    print(f"load average at end {os.getloadavg()}")
    for (name, seed, *_), result in zip(runs, done):
        for key, value in result.items():
            if isinstance(value, (int, float)):
                report.figure(f"{name} seed {seed}: {key}", value)
    if "dreamer_pendulum" in results:
        pend = results["dreamer_pendulum"]
        mean, seconds = np.mean([r["dreamer_return"] for r in pend]), \
            max(r["dreamer_seconds"] for r in pend)
        verdict = report.target("Pendulum-v1 Dreamer mean return", mean, at_least=PENDULUM_BAR)
        print(f"Pendulum-v1 Dreamer return: {summary(pend, 'dreamer_return')}  "
              f"[{verdict} >= {PENDULUM_BAR}]")
        verdict = report.target("Pendulum-v1 Dreamer wall time, slowest seed", seconds, unit="s",
                                at_most=TIME_BAR)
        print(f"Pendulum-v1 Dreamer wall time (s): {summary(pend, 'dreamer_seconds')}  "
              f"[{verdict} <= {TIME_BAR} for every seed]")
        print(f"Pendulum-v1 SAC return (same steps): {summary(pend, 'sac_return')}; "
              f"wall time (s): {summary(pend, 'sac_seconds')}")
    if "dreamer_cup" in results:
        cup = results["dreamer_cup"]
        rate = np.mean([r["dreamer_success"] for r in cup])
        verdict = report.target("cup task Dreamer mean success rate", rate, at_least=CUP_BAR)
        print(f"Cup task Dreamer success rate: {summary(cup, 'dreamer_success')}  "
              f"[{verdict} >= {CUP_BAR}]")
        print(f"Cup task SAC success rate (same steps): {summary(cup, 'sac_success')}")
    report.finish()


if __name__ == "__main__":
    main()
