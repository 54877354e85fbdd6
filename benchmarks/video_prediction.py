"""Part 3's quality bars: the deterministic video predictor and the generative one, measured.

    python benchmarks/video_prediction.py            # trains the deterministic model from scratch
    python benchmarks/video_prediction.py --shipped  # scores the shipped checkpoints only

Deterministic predictor (target: MSE over a 10-frame horizon <= 0.5x copy-last-frame's on
held-out clips, trained in <= 3 minutes of CPU): trained from its recipe's seed, with its
training time as wall-clock and as CPU time of this process (the machine may be shared, and
CPU time is what the training itself costs); then scored on 512 held-out "mixed" clips.

Generative model (the shipped checkpoint, against the deterministic one; 256 held-out clips of
the random push, where the future is uncertain, 8 samples per context): samples differ (mean
pairwise MSE between a context's samples > 0); best-of-8 MSE below the deterministic model's;
per-sample sharpness closer to the real frames' than the deterministic prediction's.
The report judges every target: --strict exits 1 on a miss, --json PATH keeps a record of
every figure.
"""
from __future__ import annotations

import argparse
import os
import time

import torch

from worldmodels.measure.report import Report
from worldmodels.video import generative, predictor


def deterministic(report: Report, shipped: bool) -> predictor.VideoPredictor:
    if shipped:
        model = predictor.load_pretrained()
        print("deterministic predictor: the shipped checkpoint")
    else:
        wall, cpu = time.perf_counter(), time.process_time()
        model, _ = predictor.train(predictor.Config(), progress=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"deterministic predictor trained from scratch: {wall:.0f} s wall-clock, "
              f"{cpu:.0f} s CPU on {torch.get_num_threads()} thread(s); "
              f"load average {os.getloadavg()[0]:.1f}")
        report.figure("deterministic predictor: training wall-clock", wall, unit="s")
        verdict = report.target("deterministic predictor: training CPU time", cpu, unit="s",
                                at_most=180)
        print(f"  training in <= 3 min of CPU: {verdict}")
    scores = predictor.evaluate(model, num_clips=512)
    report.figure("deterministic predictor: 10-frame MSE", scores["mse"])
    report.figure("copy-last: 10-frame MSE", scores["copy_last_mse"])
    verdict = report.target("deterministic predictor: MSE / copy-last's", scores["ratio"],
                            at_most=0.5)
    print(f"  10-frame MSE on 512 held-out clips: model {scores['mse']:.5f}, copy-last "
          f"{scores['copy_last_mse']:.5f}, ratio {scores['ratio']:.3f} (target <= 0.5: "
          f"{verdict})")
    return model


def generative_bars(report: Report, det: predictor.VideoPredictor) -> None:
    model = generative.load_pretrained()
    s = generative.evaluate(model, det, num_clips=256, num_samples=8)
    for key, value in s.items():
        report.figure(f"generative model: {key}", value)
    print("generative model (shipped), random push, 256 held-out contexts, 8 samples each:")
    verdict = report.target("generative samples differ: mean pairwise MSE", s["diversity"],
                            above=1e-4)
    print(f"  samples differ: mean pairwise MSE {s['diversity']:.5f} ({verdict}: > 1e-4)")
    verdict = report.target("generative best-of-8 MSE / deterministic MSE",
                            s["best_of_k_mse"] / s["deterministic_mse"], below=1.0)
    print(f"  best-of-8 MSE {s['best_of_k_mse']:.5f} vs deterministic {s['deterministic_mse']:.5f} "
          f"({verdict}); a single sample: {s['sample_mse']:.5f}")
    real, gap_s = s["sharpness_real"], abs(s["sharpness_sample"] - s["sharpness_real"])
    gap_d = abs(s["sharpness_deterministic"] - real)
    verdict = report.target("sharpness gap to real: samples' / deterministic's", gap_s / gap_d,
                            below=1.0)
    print(f"  sharpness: real {real:.4f}, per sample {s['sharpness_sample']:.4f}, deterministic "
          f"{s['sharpness_deterministic']:.4f} ({verdict}: samples closer to real)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipped", action="store_true", help="skip training; score checkpoints")
    report, args = Report.from_command_line("video_prediction", parser)
    det = deterministic(report, args.shipped)
    generative_bars(report, det if args.shipped else predictor.load_pretrained())
    report.finish()


if __name__ == "__main__":
    main()
