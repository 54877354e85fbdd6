"""Part 6, the Convergence: what the toddler has that no road has, measured.

    four_ingredients.py  one model with the four ingredients, and each of them removed
    cups.py       many tables with a cup and a hand, stepped a push at a time
    cup_model.py  an ensemble model of how the cup answers the hand, with a world context
    curiosity.py  a learner that intervenes where its model is unsure, against one that watches
    adapting.py   the world changes; surprise, and the updates that bring the error back
"""
