"""worldmodels: the teaching library of *Roads to a Universal World Model*.

Each road of the field in miniature, on one shared 2-D world: a toddler's cup on a table.
"""
__version__ = "0.1.0"
