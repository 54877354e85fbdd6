"""The leaderboard: every entrant on every track it can do, as one table and one JSON record.

    board = run(adapters.entrants(), make_suite(quick=True))
    print(format_board(board))        # the table, "—" where a model cannot do a track
    board["entrants"][0]["tracks"]    # every number, per track

A model's error on one track (a wrong shape, NaN, a crash) is recorded against that model and
track, and the board goes on. Wall-clock timings are kept apart, under "timings", because they
are the only numbers that differ between two runs of the same seed.
"""
from __future__ import annotations

import math
import time

import torch

from .protocol import Acts, Predicts, describe
from .tracks import controllability, generalisation, intuitive_physics, planning, prediction

TRACKS = {
    "prediction": (prediction.run, lambda a: isinstance(a, Predicts)),
    "intuitive_physics": (intuitive_physics.run, intuitive_physics.can_run),
    "planning": (planning.run, lambda a: isinstance(a, Acts)),
    "generalisation": (generalisation.run, lambda a: isinstance(a, Predicts)),
    "controllability": (controllability.run, lambda a: isinstance(a, Predicts)),
}
TIMINGS = ("ms_per_frame", "ms_per_action")

# The board's headline columns: (track, key, heading, format). Each is one lab's yardstick
# among Part 0's five meanings of "world model" (the notebook's table says whose).
COLUMNS = (
    ("prediction", "psnr", "PSNR (dB)", "{:.1f}"),
    ("prediction", "cup_error", "cup error (cm)", "cm"),
    ("intuitive_physics", "relative_accuracy", "VoE accuracy", "%"),
    ("intuitive_physics", "flagged_unusual", "unusual flagged", "%"),
    ("planning", "success", "planning", "%"),
    ("generalisation", "ratio", "unseen / seen", "{:.2f}"),
    ("controllability", "delta_psnr", "Δ-PSNR (dB)", "{:.1f}"),
)


def run(adapters: list, suite, tracks: tuple[str, ...] | None = None,
        progress: bool = False) -> dict:
    """Score every adapter on every track it can do (all TRACKS, or those named)."""
    tracks = tuple(TRACKS) if tracks is None else tuple(tracks)
    unknown = set(tracks) - set(TRACKS)
    if unknown:
        raise ValueError(f"tracks must be among {tuple(TRACKS)}, got {sorted(unknown)}")
    board = {"suite": {"seed": suite.seed, "quick": suite.quick,
                       "clips": len(suite.ordinary),
                       "pairs": {k: len(p) for k, p in suite.pairs.items()},
                       "targets": len(suite.plan_seeds)},
             "tracks": list(tracks), "entrants": [], "timings": {}}
    for adapter in adapters:
        row = {**describe(adapter), "world": getattr(adapter, "world", "the cup world"),
               "tracks": {}, "errors": {}}
        timing = {}
        for name in tracks:
            scorer, can = TRACKS[name]
            if not can(adapter):
                row["tracks"][name] = None
                continue
            start = time.perf_counter()
            try:
                with torch.random.fork_rng():
                    torch.manual_seed(suite.seed)
                    result = scorer(adapter, suite)
            except Exception as error:  # one model's failure must not stop the board
                row["tracks"][name] = None
                row["errors"][name] = f"{type(error).__name__}: {error}"
                continue
            for key in TIMINGS:
                if result is not None and key in result:
                    timing[key] = result.pop(key)
            timing[f"{name}_seconds"] = time.perf_counter() - start
            row["tracks"][name] = result
            if progress:
                print(f"  {adapter.name}: {name} in {timing[f'{name}_seconds']:.1f} s")
        board["entrants"].append(row)
        board["timings"][adapter.name] = timing
    return board


def cell(row: dict, track: str, key: str, style: str) -> str:
    """One cell: the number, "—" where the model cannot do the track, "error" where it failed."""
    if track in row["errors"]:
        return "error"
    result = row["tracks"].get(track)
    value = None if result is None else result.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if style == "%":
        return f"{value:.0%}"
    if style == "cm":
        return f"{100 * value:.1f}"
    return style.format(value)


def table_rows(board: dict, compute: bool = True) -> tuple[list[str], list[list[str]]]:
    """The leaderboard's header and rows, each cell a string ("—" where a model cannot do a
    track); compute adds the parameters and the measured milliseconds per predicted frame
    (`compute_rows` has the whole compute track)."""
    columns = [c for c in COLUMNS if c[0] in board["tracks"]]
    heads = ["model", "road"] + [c[2] for c in columns]
    if compute:
        heads += ["parameters", "ms / frame"]
    rows = []
    for row in board["entrants"]:
        cells = [row["name"], row["road"]] + [cell(row, *c[:2], c[3]) for c in columns]
        if compute:
            cells.append(f"{row['parameters']:,}" if row["parameters"] is not None else "—")
            ms = board["timings"].get(row["name"], {}).get("ms_per_frame")
            cells.append("—" if ms is None else f"{ms:.2f}")
        rows.append(cells)
    return heads, rows


def compute_rows(board: dict) -> tuple[list[str], list[list[str]]]:
    """The compute track: parameters, CPU seconds to train (from each checkpoint's record),
    and the measured milliseconds per predicted frame and per planned action."""
    heads = ["model", "parameters", "train (s)", "ms / frame", "ms / action"]
    rows = []
    for row in board["entrants"]:
        timing = board["timings"].get(row["name"], {})
        cells = [row["name"],
                 "—" if row["parameters"] is None else f"{row['parameters']:,}",
                 "—" if row["train_seconds"] is None else f"{row['train_seconds']:.0f}"]
        cells += ["—" if timing.get(key) is None else f"{timing[key]:.2f}" for key in TIMINGS]
        rows.append(cells)
    return heads, rows


def format_board(board: dict, compute: bool = True) -> str:
    """The leaderboard as a Markdown table (plain text reads too), then any errors."""
    heads, rows = table_rows(board, compute)
    lines = ["| " + " | ".join(heads) + " |", "|:--|:--|" + "--:|" * (len(heads) - 2)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    errors = [f"- {row['name']}, track {track}: {message}"
              for row in board["entrants"] for track, message in row["errors"].items()]
    return "\n".join(lines + (["", "Errors:"] + errors if errors else []))
