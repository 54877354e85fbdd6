"""Part 6's shared benchmark: every road's model, the engine and the trivial baselines scored
on the same held-out clips, track by track, as one leaderboard.

    from worldmodels import bench
    suite = bench.make_suite(quick=True)                  # the clips, from fixed seeds
    board = bench.run(bench.adapters.entrants(), suite)   # every entrant on every track it can do
    print(bench.format_board(board))

    python -m worldmodels.bench [--quick] [--tracks ...] [--json PATH]

    suite.py      the clips: ordinary, unusual worlds, matched possible/impossible twins, targets
    protocol.py   what an adapter offers (predict, surprise, policy, compute), and its errors
    tracks/       prediction, intuitive physics, planning, generalisation, controllability
    scores.py     relative accuracy, AUROC and the flag rate of the intuitive-physics track
    adapters/     the book's models as entrants, one small file each (roads never import these)
    board.py      runs the board, formats it, keeps timings apart from the reproducible numbers
    sweep.py      the data-size sweep of the generalisation track (Kang et al. 2024)
"""
from . import adapters
from .board import compute_rows, format_board, run, table_rows
from .suite import make_suite

__all__ = ["adapters", "compute_rows", "format_board", "make_suite", "run", "table_rows"]
