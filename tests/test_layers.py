"""The library reads top-down: each layer imports only from the layers below it, and no road
imports another road (ARCHITECTURE.md, "Layers")."""
import ast
from pathlib import Path

import worldmodels

PACKAGE = Path(worldmodels.__file__).parent
# Lowest first. A module may import its own package and any layer below its own.
LAYERS = [
    {"devices", "nn", "checkpoints"},                  # shared building blocks
    {"world"},                                         # the shared world
    {"measure"},                                       # the shared measuring layer
    {"planning"},                                      # planners, shared by the roads
    {"dreamer", "physics", "video", "robot", "jepa", "convergence"},  # the roads
    {"bench"},                                         # the shared benchmark, above the roads
    {"viz", "widgets", "exercises", "setup", "train", "student", "grade"},  # pages, commands
]
ROADS = LAYERS[4]


def layer_of(part: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if part in names)


def allowed(own: str, part: str) -> bool:
    """May a module of `own` import `part`? Only from below, or beside it outside the roads."""
    if own == part:
        return True
    if own in ROADS and part in ROADS:
        return False
    return layer_of(part) <= layer_of(own)


def imports_of(path: Path) -> set[str]:
    """The top-level worldmodels parts (e.g. "world") that a module imports."""
    own = path.relative_to(PACKAGE).parts
    parts = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("worldmodels."):
                parts.add(node.module.split(".")[1])
            elif node.level >= 1:
                base = own[:len(own) - node.level]            # the package the dots climb to
                target = list(base) + (node.module.split(".") if node.module else [])
                if target:
                    parts.add(target[0])
                else:
                    parts.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            parts.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("worldmodels."))
    return parts


def test_every_part_of_the_library_has_a_layer():
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.name != "__init__.py"}
    assert parts == set().union(*LAYERS), "a new module or package needs a layer in LAYERS"


def test_no_import_climbs_a_layer_and_no_road_imports_another():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts == ("__init__.py",):
            continue
        own = rel.parts[0].removesuffix(".py")
        wrong += [f"{rel} imports {part}" for part in sorted(imports_of(path))
                  if not allowed(own, part)]
    assert not wrong, "imports that climb a layer or cross between roads:\n" + "\n".join(wrong)


def test_the_rule_refuses_what_it_should_and_the_reader_finds_relative_imports():
    assert not allowed("world", "video") and not allowed("measure", "dreamer")
    assert not allowed("video", "dreamer") and not allowed("physics", "video")
    assert allowed("video", "measure") and allowed("viz", "video") and allowed("widgets", "viz")
    assert imports_of(PACKAGE / "measure" / "baselines.py") >= {"world", "measure"}
    assert "measure" in imports_of(PACKAGE / "video" / "predictor.py")
