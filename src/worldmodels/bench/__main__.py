"""`python -m worldmodels.bench [--quick] [--tracks T ...] [--json PATH] [--seed S]`: score every
shipped model, the engine and the baselines on the shared suite; print the leaderboard."""
from __future__ import annotations

import argparse
import json
import time

import torch

from . import adapters
from .board import TRACKS, format_board, run
from .suite import make_suite


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m worldmodels.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="an eighth of the clips and 3 planning targets (under a minute)")
    parser.add_argument("--tracks", nargs="+", choices=tuple(TRACKS), default=None,
                        help="only these tracks (default: all)")
    parser.add_argument("--json", metavar="PATH", help="also write the board as JSON here")
    parser.add_argument("--seed", type=int, default=0, help="the suite's seed (default 0)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)     # the models are small: one thread is fastest, and steadiest
    start = time.perf_counter()
    suite = make_suite(quick=args.quick, seed=args.seed)
    board = run(adapters.entrants(), suite, args.tracks, progress=True)
    board["timings"]["total_seconds"] = time.perf_counter() - start
    print(format_board(board))
    print(f"\n{board['timings']['total_seconds']:.0f} s in all")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(board, f, indent=1)
    return board


if __name__ == "__main__":
    main()
