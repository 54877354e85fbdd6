"""Where the book's notebooks set their exercises, read from the notebooks themselves.

An exercise is a visible code cell that calls a check on what the learner wrote,

    exercises.robot.check_cem_update(cem_update);

after a stub cell that raises NotImplementedError until the learner fills it in. The check cell
may carry `"exercise": {"minutes": 10}` in its metadata: the time to plan for it. The hidden
copies of the checks (cells tagged remove-cell, which assert) are not exercises.

    for exercise in book_exercises("notebooks"):
        print(exercise.part, exercise.title, exercise.functions, exercise.check)
"""
from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

CHECK_CALL = re.compile(r"\b(exercises\.(?:\w+\.)*check_\w+)\(([^)]*)\)")


@dataclass(frozen=True)
class Exercise:
    notebook: Path                 # the notebook's path
    title: str                     # its title (the first heading)
    part: str                      # its part's folder, e.g. "04_robot"
    cell: int                      # index of the check cell
    check: str                     # e.g. "exercises.robot.check_cem_update"
    functions: tuple[str, ...]     # what the learner writes, e.g. ("cem_update",)
    minutes: int | None            # planned time, from the check cell's metadata


def title_of(notebook) -> str:
    """A notebook's first heading (its title on the website)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("# ").strip()
    return ""


def find_exercises(path: str | Path, notebook=None) -> list[Exercise]:
    """The exercises of the notebook at `path` (read from disk unless `notebook` is given)."""
    path = Path(path)
    if notebook is None:
        if not path.is_file():
            raise FileNotFoundError(f"path {str(path)!r} is not a notebook file")
        notebook = nbformat.read(path, as_version=4)
    title, found = title_of(notebook), []
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "remove-cell" in tags or "solution" in tags:
            continue
        for check, arguments in CHECK_CALL.findall(cell.source):
            functions = tuple(a.strip() for a in arguments.split(",") if a.strip())
            minutes = cell.metadata.get("exercise", {}).get("minutes")
            found.append(Exercise(path, title, path.parent.name, index, check, functions,
                                  minutes))
    return found


def book_exercises(folder: str | Path) -> list[Exercise]:
    """Every exercise of every notebook under `folder`, in the book's order (by path)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"folder {str(folder)!r} does not exist")
    return [exercise for path in sorted(folder.glob("*/*.ipynb"))
            for exercise in find_exercises(path)]


def what_it_checks(check: str) -> str:
    """The first paragraph of a check function's docstring: what the learner's function takes
    and must return."""
    module_name, _, function_name = f"worldmodels.{check}".rpartition(".")
    function = getattr(importlib.import_module(module_name), function_name, None)
    if function is None:
        raise ValueError(f"check must name a check function, got {check!r}")
    return " ".join((inspect.getdoc(function) or "").split("\n\n")[0].split())
