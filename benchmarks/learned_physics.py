"""Learned physics against its quality bars: interaction network, Hamiltonian network, residual.

    python benchmarks/learned_physics.py              # the shipped checkpoints, about a minute
    python benchmarks/learned_physics.py --retrain    # train both from scratch first (minutes)

Measured on held-out scenes (seeds never used in training):

- interaction network (IN), MLP over concatenated states and constant velocity: mean distance
  between predicted and true disk centres after a 50-step (0.5 s) open-loop rollout, on
  512 scenes of 3 disks (the trained count) and of 6 disks (twice as many; the MLP cannot
  take them: its input layer is sized for 3);
- Hamiltonian network (HNN) against an MLP field on the frictionless pendulum: the largest
  relative change of the true energy over 1,000 RK4 steps of 0.05 s, mean over 16 orbits;
- the hybrid (engine + learned drag residual) against the bare engine: position error after
  2 s against a reality with air drag.

Bars: IN error <= 1/2 of constant velocity's; IN error on 6 disks <= 2x its error on 3; HNN
drift <= 1/10 of the MLP's; the hybrid's error below the bare engine's. The report judges them:
--strict exits 1 on a miss, --json PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
import time

import torch

from worldmodels.measure.metrics import position_error
from worldmodels.measure.report import Report
from worldmodels.physics import hamiltonian as hm
from worldmodels.physics import interaction_network as inet
from worldmodels.physics import residual


def interaction_network(report: Report, retrain: bool) -> None:
    if retrain:
        data = inet.make_data(3, inet.Config().num_rollouts, inet.Config().steps, 0)
        net, _ = inet.train(inet.Config(), data)
        mlp, _ = inet.train(inet.Config(architecture="mlp"), data)
    else:
        net, mlp = inet.load_pretrained()
    m = inet.evaluate(net, mlp, num_scenes=512, seed=30_000)
    print("\nInteraction network, 50-step rollout, mean position error (m), 512 held-out scenes")
    print(f"  3 disks: IN {m['in_3']:.4f}   MLP {m['mlp_3']:.4f}   "
          f"constant velocity {m['cv_3']:.4f}")
    print(f"  6 disks: IN {m['in_6']:.4f}   MLP cannot take 6 disks   constant velocity "
          f"{m['cv_6']:.4f}")
    for key, value in m.items():
        report.figure(f"interaction network scores: {key}", value, unit="m")
    ratio, growth = m["in_3"] / m["cv_3"], m["in_6"] / m["in_3"]
    verdict = report.target("IN error / constant velocity's, 3 disks", ratio, at_most=0.5)
    print(f"  IN / constant velocity = {ratio:.3f} (bar <= 0.5): {verdict}")
    verdict = report.target("IN error on 6 disks / on 3 disks", growth, at_most=2.0)
    print(f"  IN 6 disks / 3 disks  = {growth:.3f} (bar <= 2.0): {verdict}")


def hamiltonian(report: Report, retrain: bool) -> None:
    if retrain:
        cfg = hm.Config()
        data = hm.make_data(cfg, torch.Generator().manual_seed(cfg.seed))
        hnn, _ = hm.train(cfg, data)
        mlp, _ = hm.train(hm.Config(architecture="mlp"), data)
    else:
        hnn, mlp, cfg = hm.load_pretrained()
    drift = hm.evaluate(hnn, mlp, cfg, num_orbits=16, dt=0.05, steps=1000, seed=30_000)
    ratio = drift["hnn"] / drift["mlp"]
    print("\nHamiltonian network, energy drift over 1,000 RK4 steps (max |H_t - H_0| / H_0)")
    print(f"  HNN {drift['hnn']:.5f}   MLP {drift['mlp']:.5f}   true field {drift['true']:.5f}")
    for key, value in drift.items():
        report.figure(f"energy drift over 1,000 steps: {key}", value)
    verdict = report.target("HNN energy drift / MLP's", ratio, at_most=0.1)
    print(f"  HNN / MLP = {ratio:.4f} (bar <= 0.1): {verdict}")


def hybrid(report: Report) -> None:
    cfg = residual.Config()
    model, _ = residual.train(cfg, progress=False)
    start, params = residual.scenes(cfg, num_rollouts=64, seed=30_000)
    reality = residual.reality_rollout(start, params, 200, cfg.drag)
    alone = position_error(residual.rollout(None, start, params, 200), reality)[-1]
    mixed = position_error(residual.rollout(model, start, params, 200), reality)[-1]
    report.figure("engine alone: position error after 2 s", alone, unit="m")
    report.target("hybrid: position error after 2 s", mixed, unit="m", below=alone)
    print("\nHybrid (engine + learned drag residual), position error after 2 s, 64 scenes")
    print(f"  engine alone {alone:.4f} m   hybrid {mixed:.4f} m   ({alone / mixed:.1f}x smaller)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="train from scratch first")
    report, args = Report.from_command_line("learned_physics", parser)
    start = time.perf_counter()
    interaction_network(report, args.retrain)
    hamiltonian(report, args.retrain)
    hybrid(report)
    print(f"\n{time.perf_counter() - start:.0f} s ({torch.get_num_threads()} torch threads)")
    report.finish()


if __name__ == "__main__":
    main()
