"""Adapters: each of the book's models, the engine and the trivial baselines as entrants of the
benchmark, one small file each. A road never imports these; they import the roads.

    entrants()            # every entrant, in the board's order (loads shipped checkpoints)
"""
from __future__ import annotations

from .action_video import ActionVideo
from .baselines import ConstantVelocity, CopyLast, Engine, RandomActions
from .dreamer_agent import DreamerAgent
from .four_ingredients import FourIngredientsAdapter
from .generative_video import GenerativeVideoAdapter
from .jepa_planner import JEPAPredictor
from .other_worlds import DreamerPendulum, HamiltonianNet, InteractionNet
from .robot_ensemble import RobotEnsemble
from .rssm import RSSM
from .vae_rnn import VaeRnn
from .video_predictor import VideoPredictorAdapter

ENTRANTS = (Engine, CopyLast, ConstantVelocity, RandomActions, VaeRnn, RSSM, DreamerAgent,
            DreamerPendulum, InteractionNet, HamiltonianNet, VideoPredictorAdapter,
            GenerativeVideoAdapter, ActionVideo, RobotEnsemble, JEPAPredictor,
            FourIngredientsAdapter)


def entrants() -> list:
    """One adapter of every entrant, with shipped weights loaded."""
    return [make() for make in ENTRANTS]
