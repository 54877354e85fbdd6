"""Reproduce a shipped checkpoint from scratch: `python -m worldmodels.train NAME`.

Every model module of a road that ships weights follows the road contract (ARCHITECTURE.md):
it names them in `CHECKPOINTS` and trains each from a fixed seed with `recipe(name)`, which
returns `(payload, metrics)`: the dict to save and the quality it reached. The list of recipes
is found from the modules themselves. This is the only code that writes into
`worldmodels/checkpoints/`.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import time
from types import ModuleType

from . import checkpoints

# Packages below the roads: they train nothing, so the search for recipes skips them.
NOT_ROADS = ("world", "measure", "checkpoints", "viz", "exercises")


def recipes() -> dict[str, ModuleType]:
    """{checkpoint name: the model module whose `recipe(name)` trains it}, over every road."""
    package = importlib.import_module("worldmodels")
    found: dict[str, ModuleType] = {}
    for road in pkgutil.iter_modules(package.__path__):
        if not road.ispkg or road.name in NOT_ROADS:
            continue
        road_package = importlib.import_module(f"worldmodels.{road.name}")
        for info in pkgutil.iter_modules(road_package.__path__):
            module = importlib.import_module(f"worldmodels.{road.name}.{info.name}")
            for name in getattr(module, "CHECKPOINTS", ()):
                if name in found:
                    raise RuntimeError(f"checkpoint {name!r} is claimed by both "
                                       f"{found[name].__name__} and {module.__name__}")
                found[name] = module
    return found


def reproduce(name: str, folder=None) -> dict:
    """Train checkpoint `name` from scratch, save it, and return its record."""
    found = recipes()
    if name not in found:
        raise ValueError(f"name must be one of {sorted(found)}, got {name!r}")
    start = time.perf_counter()
    payload, metrics = found[name].recipe(name)
    metrics = {**metrics, "train_seconds": round(time.perf_counter() - start, 1)}
    checkpoints.save(name, payload, metrics, folder=folder)
    return metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="checkpoints to reproduce (default: all)")
    parser.add_argument("--folder", default=None, help="write here instead of the package")
    args = parser.parse_args(argv)
    for name in args.names or sorted(recipes()):
        print(f"{name}: {reproduce(name, folder=args.folder)}")


if __name__ == "__main__":
    main()
