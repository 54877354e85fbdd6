"""Every plot and animation in the book. Nothing else in the library draws.

Frames are (T, 3, H, W) or (B, 3, H, W) float tensors or arrays in [0, 1], as `world.render`
returns them. The same colour always means the same road or object (see `ROAD_COLORS`).
"""
from . import dreamer, dreamer_agent, learned_physics, physics, video, video_checks
from .style import ROAD_COLORS, figure_to_png, html_table, to_numpy_frames, use_book_style
from .world import animation, compare_rollouts, draw_world, roads_map, show_frames, strobe

__all__ = ["ROAD_COLORS", "animation", "compare_rollouts", "draw_world", "dreamer",
           "dreamer_agent", "figure_to_png", "html_table", "learned_physics", "physics",
           "roads_map", "show_frames", "strobe", "to_numpy_frames", "use_book_style", "video",
           "video_checks"]
