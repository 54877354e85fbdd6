"""Part 6's bars: the whole shared benchmark, every shipped model on the full suite, and the
data-size sweep of the generalisation track.

    python benchmarks/shared_benchmark.py            # the full suite and the sweep
    python benchmarks/shared_benchmark.py --quick    # the notebook's quick suite, no sweep

The board is `python -m worldmodels.bench`'s, run here with torch on one thread; its time is
measured around everything the command does (building the suite, loading every checkpoint,
every track). The "best model" is the learned model with the highest mean relative accuracy
on the intuitive-physics track; the engine (the oracle) and the baselines are reported
beside it, never counted as it.

Targets (issue, Part 6a): every entrant on the board with every track it can do and no
errors; the best model's relative accuracy >= 90% on each violation kind (chance 50%), with
the trivial detector (copy-last, the largest frame difference) beside it; the best model flags
<= 20% of the plausible-but-unusual clips; the full suite in <= 10 minutes on the 2-core CPU.
"""
from __future__ import annotations

import argparse
import time

import torch

from worldmodels.bench import adapters
from worldmodels.bench.board import COLUMNS, format_board, run
from worldmodels.bench.suite import make_suite
from worldmodels.bench.sweep import SIZES, data_size_sweep
from worldmodels.measure.report import Report

ACCURACY_BAR, FLAG_BAR, SECONDS_BAR = 0.90, 0.20, 600.0


def best_model(board: dict) -> dict:
    models = [row for row in board["entrants"] if row["kind"] == "model"
              and row["tracks"].get("intuitive_physics")]
    return max(models, key=lambda row: row["tracks"]["intuitive_physics"]["relative_accuracy"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick suite, no sweep")
    torch.set_num_threads(1)     # before the report, which records the threads it ran on
    report, args = Report.from_command_line("shared_benchmark", parser)
    start = time.perf_counter()
    suite = make_suite(quick=args.quick)
    board = run(adapters.entrants(), suite, progress=True)
    seconds = time.perf_counter() - start
    print(format_board(board))
    print(f"\nthe {'quick' if args.quick else 'full'} suite in {seconds:.0f} s")

    errors = sum(len(row["errors"]) for row in board["entrants"])
    report.target("entrants with an error on a track they declare", errors, at_most=0)
    report.figure("entrants on the board", len(board["entrants"]))
    best = best_model(board)
    physics = best["tracks"]["intuitive_physics"]
    trivial = next(r for r in board["entrants"] if r["name"] == "copy last frame")
    print(f"\nbest model on intuitive physics: {best['name']}")
    for kind, result in physics["kinds"].items():
        report.target(f"best model ({best['name']}) relative accuracy, {kind}",
                      result["relative_accuracy"], at_least=ACCURACY_BAR)
        report.figure(f"trivial detector relative accuracy, {kind}",
                      trivial["tracks"]["intuitive_physics"]["kinds"][kind]["relative_accuracy"])
        report.figure(f"matched pairs, {kind}", result["pairs"])
    report.target(f"best model ({best['name']}) plausible-but-unusual clips flagged",
                  physics["flagged_unusual"], at_most=FLAG_BAR)
    report.target(f"{'quick' if args.quick else 'full'} suite, every entrant and track",
                  seconds, unit="s", at_most=SECONDS_BAR if not args.quick else 60.0)
    for row in board["entrants"]:
        for track, key, heading, _ in COLUMNS:
            result = row["tracks"].get(track)
            if result is not None and result.get(key) is not None:
                report.figure(f"{row['name']}: {heading}", result[key])

    if not args.quick:
        sweep = data_size_sweep(SIZES, suite)
        worlds = list(sweep["psnr"])
        print("\ndata-size sweep, action-conditioned video model: PSNR (dB) / cup error (cm)")
        print("sequences  " + "  ".join(f"{w:>14}" for w in worlds))
        for i, n in enumerate(sweep["sequences"]):
            cells = [f"{sweep['psnr'][w][i]:>6.1f} / {100 * sweep['cup_error'][w][i]:>5.1f}"
                     for w in worlds]
            print(f"{n:>9}  " + "  ".join(f"{c:>14}" for c in cells))
            for w in worlds:
                report.figure(f"sweep, {n} sequences: PSNR, {w} world", sweep["psnr"][w][i],
                              unit="dB")
                report.figure(f"sweep, {n} sequences: cup error, {w} world",
                              sweep["cup_error"][w][i], unit="m")
        for w in worlds:
            report.figure(f"sweep, PSNR gained from {SIZES[0]} to {SIZES[-1]} sequences, "
                          f"{w} world", sweep["psnr"][w][-1] - sweep["psnr"][w][0], unit="dB")
    report.finish()


if __name__ == "__main__":
    main()
