"""Part 5's bars on representations: what a JEPA and a pixel autoencoder keep of the cup
under distractors, and which cures keep a JEPA from collapsing.

    python benchmarks/jepa_representations.py               # 3 seeds (about 20 min, 2 cores)
    python benchmarks/jepa_representations.py --seeds 0     # a quicker look

Every run trains one model from scratch (`jepa.train` or `autoencoder.train`, default
configs, 512 clips of random play) and scores it with `evaluate`: a closed-form linear probe
of the cup's position and velocity on 256 unseen clips, and, for the JEPA, the effective rank
(RankMe) of its embeddings of 256 unseen frames. Runs go two at a time (--workers), a thread
each.

1. Distractors: JEPA (VICReg) and autoencoder under changing, fixed and no noise, at the
   default strength 0.5, each seed; and at strengths 0.25 and 0.75 for seed 0 (the page's
   explorable reads these).
2. Cures: no cure, EMA target, VICReg and SIGReg, on clean frames and on changing noise.

Targets (issue, Part 5), on the mean over seeds: with changing noise the JEPA's probe
R² of position >= 0.9 and >= 0.2 above the autoencoder's; with no cure the effective rank
< 2 (of D = 32); with each cure >= D/2, with probe R² within 0.05 of the best cure's.
--strict exits 1 on a miss, --json PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
import multiprocessing
import time
from dataclasses import replace

import numpy as np
import torch

from worldmodels.jepa import autoencoder, jepa
from worldmodels.measure.report import Report

STRENGTH, SWEEP = 0.5, (0.25, 0.75)
MODELS = {"JEPA": jepa, "autoencoder": autoencoder}
WORLDS = {"clean": "none", "changing noise": "changing"}


def run(job: tuple[str, dict]) -> dict:
    """Train one model with the config changes `changes` and score it."""
    model_name, changes = job
    torch.set_num_threads(1)
    module = MODELS[model_name]
    start = time.perf_counter()
    cfg = replace(module.Config(), **changes)
    model, _ = module.train(cfg, progress=False)
    seconds = time.perf_counter() - start
    return {"model": model_name, "distractor": cfg.distractor, "strength": cfg.strength,
            "cure": getattr(cfg, "cure", None), "seed": cfg.seed, **module.evaluate(model),
            "seconds": seconds}


def jobs(seeds: list[int]) -> list[tuple[str, dict]]:
    out = [(name, {"distractor": d, "seed": s}) for name in MODELS
           for d in ("changing", "fixed", "none") for s in seeds]
    out += [(name, {"distractor": d, "strength": strength, "seed": seeds[0]})
            for name in MODELS for d in ("changing", "fixed") for strength in SWEEP]
    out += [("JEPA", {"distractor": d, "cure": cure, "seed": s}) for d in WORLDS.values()
            for cure in ("none", "ema", "sigreg") for s in seeds]   # VICReg is above
    return out


def pick(results: list[dict], **match) -> list[dict]:
    """The runs whose fields equal `match`; at the default strength unless it says otherwise."""
    match = {"strength": STRENGTH, **match}
    return [r for r in results if all(r[k] == v for k, v in match.items())]


def mean_spread(runs: list[dict], key: str) -> tuple[float, float]:
    values = [r[key] for r in runs]
    return float(np.mean(values)), float(np.std(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--workers", type=int, default=2, help="runs at once, a thread each")
    report, args = Report.from_command_line("jepa_representations", parser)
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        results = pool.map(run, jobs(args.seeds), chunksize=1)
    report.figure("seconds to train one model, mean", float(np.mean([r["seconds"] for r in results])),
                  unit="s")

    print("probe R² of the cup's position (mean ± spread over seeds), strength 0.5")
    position = {}
    for name in MODELS:
        for d in ("changing", "fixed", "none"):
            runs = pick(results, model=name, distractor=d,
                        cure="vicreg" if name == "JEPA" else None)
            (m, s), (vm, vs) = mean_spread(runs, "position_r2"), mean_spread(runs, "velocity_r2")
            position[name, d] = m
            print(f"  {name:12s} {d:9s} position {m:.3f} ± {s:.3f}   velocity {vm:.3f} ± {vs:.3f}")
            report.figure(f"{name}, {d} noise: probe R² of position", m)
            report.figure(f"{name}, {d} noise: probe R² of position, spread", s)
            report.figure(f"{name}, {d} noise: probe R² of velocity", vm)
        for d in ("changing", "fixed"):
            for strength in SWEEP:
                r, = pick(results, model=name, distractor=d, strength=strength)
                report.figure(f"{name}, {d} noise at strength {strength}: probe R² of position",
                              r["position_r2"])
    report.target("JEPA, changing noise: probe R² of position", position["JEPA", "changing"],
                  at_least=0.9)
    report.target("JEPA minus autoencoder, changing noise: probe R² of position",
                  position["JEPA", "changing"] - position["autoencoder", "changing"], at_least=0.2)

    D = jepa.Config().latent_size
    print(f"cures (JEPA, D = {D}): effective rank and probe R² of position")
    for world, d in WORLDS.items():
        table = {}
        for cure in jepa.CURES:
            runs = pick(results, model="JEPA", distractor=d, cure=cure)
            table[cure] = mean_spread(runs, "effective_rank"), mean_spread(runs, "position_r2")
            (rm, rs), (pm, ps) = table[cure]
            collapsed = sum(r["collapsed"] for r in runs)
            print(f"  {world:15s} {cure:7s} rank {rm:5.2f} ± {rs:.2f}   R² {pm:.3f} ± {ps:.3f}"
                  f"   collapsed in {collapsed} of {len(runs)} runs")
            report.figure(f"{world}, cure {cure}: probe R² of position", pm)
            report.figure(f"{world}, cure {cure}: probe R² of position, spread", ps)
            report.figure(f"{world}, cure {cure}: runs collapsed", collapsed)
            if cure == "none":
                report.target(f"{world}, no cure: effective rank", rm, below=2)
            else:
                report.target(f"{world}, cure {cure}: effective rank", rm, at_least=D / 2)
        best = max(table[c][1][0] for c in jepa.CURES if c != "none")
        for cure in ("ema", "vicreg", "sigreg"):
            report.target(f"{world}, cure {cure}: probe R² below the best cure's",
                          best - table[cure][1][0], at_most=0.05)
    report.finish()


if __name__ == "__main__":
    main()
