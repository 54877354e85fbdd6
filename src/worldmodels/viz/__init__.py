"""Every plot and animation in the book. Nothing else in the library draws.

Frames are (T, 3, H, W) or (B, 3, H, W) float tensors or arrays in [0, 1], as `world.render`
returns them. The same colour always means the same road or model (`ROAD_COLORS`, `color_for`).

    style.py     the look: road and model colours, matplotlib style, arrays, HTML tables
    world.py     the world drawn: frames, rollouts side by side, animations, strobes, the map
    curves.py    the plots every road draws: error against the horizon, training and learning curves
    dreamer.py   physics.py   video.py   robot.py   jepa.py   each road's own figures
    bench.py     Part 6's benchmark: the leaderboard, surprise over time, the reader's game
    convergence.py  Part 6's toddler revisited: watching against intervening, a changing world
"""
from . import bench, convergence, dreamer, jepa, physics, robot, video
from .curves import error_by_horizon, learning_curves, training_curves
from .style import (
                    ROAD_COLORS,
                    color_for,
                    figure_to_png,
                    html_table,
                    to_numpy,
                    to_numpy_frames,
                    use_book_style,
)
from .world import animation, compare_rollouts, draw_world, roads_map, show_frames, strobe

__all__ = ["ROAD_COLORS", "animation", "bench", "color_for", "compare_rollouts", "convergence",
           "draw_world", "dreamer",
           "error_by_horizon", "figure_to_png", "html_table", "jepa", "learning_curves", "physics",
           "roads_map", "robot", "show_frames", "strobe", "to_numpy", "to_numpy_frames",
           "training_curves", "use_book_style", "video"]
