"""Check functions for the book's exercises.

Each `check_...` runs the learner's function on random inputs, compares it with a reference,
prints a verdict a learner can act on, and returns True or False (so a notebook can assert it).
A stub that still raises NotImplementedError gets a friendly verdict, not a traceback.
"""
from . import (
           bench,
           convergence,
           dreamer_agent,
           dreamer_model,
           jepa,
           learned_physics,
           physics,
           plausibility,
           robot,
           video,
)
from .check import check_function
from .map import check_landing_distance, landing_distance

__all__ = ["bench", "check_function", "convergence", "check_landing_distance", "dreamer_agent",
           "dreamer_model", "jepa", "landing_distance", "learned_physics", "physics", "plausibility",
           "robot", "video"]
