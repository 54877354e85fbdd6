"""Part 4's planning bar: model-predictive control of ArmPush-v0 with the true engine as the
model, on held-out targets.

    python benchmarks/robot_mpc.py                 # 100 held-out targets
    python benchmarks/robot_mpc.py --targets 20    # a quicker look

The oracle (`robot.mpc.OracleMPC`) plans 15 env steps (0.3 s) ahead with CEM through copies
of the true world stepped by the compiled engine, acts once, and plans again, warm-started.
Planning time is measured around every `act` call with time.perf_counter, torch on one
thread; the first plan of an episode searches longer (6 iterations instead of 2) and is
reported apart as the slowest. The hand-written pusher (`robot.scripted`) is scored on the
same targets for reference.

Targets (issue, Part 4): the oracle succeeds on >= 95% of 100 held-out targets, at <= 50 ms
of planning per action on the 2-core CPU. The report judges them: --strict exits 1 on a
miss, --json PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
import time

import gymnasium
import numpy as np
import torch

from worldmodels.measure.report import Report
from worldmodels.robot import envs
from worldmodels.robot.mpc import OracleMPC
from worldmodels.robot.scripted import ScriptedPusher

FIRST_SEED = 20_000         # held out: nothing was tuned on these targets
SUCCESS_BAR, MS_BAR = 0.95, 50.0


def episode(env, act, seed: int) -> tuple[bool, list[float]]:
    obs, info = env.reset(seed=seed)
    seconds = []
    for _ in range(envs.world_envs.MAX_EPISODE_STEPS):
        start = time.perf_counter()
        action = act(obs)
        seconds.append(time.perf_counter() - start)
        obs, _, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            break
    return bool(info["is_success"]), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=100, help="held-out targets")
    report, args = Report.from_command_line("robot_mpc", parser)
    torch.set_num_threads(1)
    env = gymnasium.make(envs.ENV_ID)
    oracle, pusher = OracleMPC(seed=0), ScriptedPusher()
    seeds = range(FIRST_SEED, FIRST_SEED + args.targets)
    wins, seconds, first = 0, [], []
    for seed in seeds:
        oracle.reset()
        won, times = episode(env, lambda obs: oracle.act(env.unwrapped), seed)
        wins += won
        first.append(times[0])
        seconds.extend(times[1:])
    scripted = sum(episode(env, pusher.act, seed)[0] for seed in seeds)
    ms = 1e3 * np.array(seconds)
    print(f"oracle MPC: {wins} of {args.targets} targets; planning {ms.mean():.1f} ms per action "
          f"(median {np.median(ms):.1f}, 95th percentile {np.percentile(ms, 95):.1f}); "
          f"first plan of an episode {1e3 * np.mean(first):.1f} ms on average")
    print(f"hand-written pusher: {scripted} of {args.targets} targets")
    report.target("oracle MPC success rate", wins / args.targets, at_least=SUCCESS_BAR)
    all_ms = 1e3 * np.array(seconds + first)
    report.target("oracle MPC planning time per action, mean over every action",
                  all_ms.mean(), unit="ms", at_most=MS_BAR)
    report.figure("oracle MPC planning time, 95th percentile", np.percentile(all_ms, 95), unit="ms")
    report.figure("oracle MPC first plan of an episode, mean", 1e3 * np.mean(first), unit="ms")
    report.figure("hand-written pusher success rate", scripted / args.targets)
    report.finish()


if __name__ == "__main__":
    main()
