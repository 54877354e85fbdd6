"""Write student notebooks: the book's notebooks with every solution cell removed.

    python -m worldmodels.student notebooks student

Cells tagged `solution` go (the worked solutions and the hidden checks that rely on them);
everything else stays, outputs cleared, so a student notebook runs up to its first stub.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

SOLUTION_TAG = "solution"


def strip_solutions(notebook: dict) -> dict:
    """A copy of a notebook (nbformat 4 JSON) without solution cells and without outputs."""
    if not isinstance(notebook, dict) or "cells" not in notebook:
        raise ValueError("notebook must be a Jupyter notebook's JSON (a dict with 'cells')")
    cells = []
    for cell in notebook["cells"]:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        cell = dict(cell)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    return {**notebook, "cells": cells}


def write_student_notebooks(source: Path, target: Path) -> list[Path]:
    """Strip every notebook under `source` into the same place under `target`."""
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise ValueError(f"source must be a folder of notebooks, got {source}")
    written = []
    for path in sorted(source.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        notebook = json.loads(path.read_text(encoding="utf-8"))
        out.write_text(json.dumps(strip_solutions(notebook), indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder of the book's notebooks")
    parser.add_argument("target", type=Path, help="folder to write student notebooks to")
    args = parser.parse_args(argv)
    for path in write_student_notebooks(args.source, args.target):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
