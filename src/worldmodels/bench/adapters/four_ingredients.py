"""Part 6's four-ingredients model: context frames and the buttons pressed between them in,
its own dreamed frames out. It knows the suite's clock and buttons (it learned from the same
kind of play); the suite's velocities are read as buttons by their sign."""
from __future__ import annotations

from ... import checkpoints
from ...convergence import four_ingredients
from ..protocol import Context, Prediction, parameters


class FourIngredientsAdapter:
    name, kind, road = "four ingredients", "model", "Part 6 · Convergence"

    def __init__(self, model: four_ingredients.FourIngredients | None = None,
                 name: str | None = None, train_seconds: float | None = None):
        self.model = model if model is not None else four_ingredients.load_pretrained()
        self.name = name or self.name           # a variant's name on the board
        self.train_seconds = train_seconds

    def compute(self) -> dict:
        seconds = self.train_seconds
        if seconds is None:
            seconds = checkpoints.info(four_ingredients.CHECKPOINTS[0])["metrics"]["train_seconds"]
        return {"parameters": parameters(self.model), "train_seconds": seconds}

    def predict(self, context: Context) -> Prediction:
        buttons = four_ingredients.buttons_of(context.actions[..., 0])
        past = (None if context.past_actions is None
                else four_ingredients.buttons_of(context.past_actions[..., 0]))
        frames = context.frames.to(next(self.model.parameters()))
        return Prediction(frames=four_ingredients.dream(self.model, frames, buttons, past))
