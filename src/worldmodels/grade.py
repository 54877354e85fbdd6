"""Grade learners' notebooks: run each one and read every exercise's verdict.

    python -m worldmodels.grade submissions/ --csv grades.csv     # a folder of notebooks
    python -m worldmodels.grade alice/rssm.ipynb bob/rssm.ipynb   # or notebooks by name

Each notebook runs top to bottom in a fresh kernel, from its own folder, carrying on past
errors. Every exercise (a visible cell that calls a check, see `exercises.notebooks`) then gets
one verdict from what its check printed:

    passed          the check's ✓
    failed          the check's ✗ and its hint, or the error the check cell raised
    not attempted   the stub still raises NotImplementedError
    not reached     the cell never ran: the kernel died or the notebook stopped before it

A cell that runs past `--timeout` seconds is interrupted and reported, and the run goes on,
so one endless loop cannot hold up the class. The table goes to --csv (one row per
submission and exercise) and a summary to the terminal.
"""
from __future__ import annotations

import argparse
import csv
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .exercises.notebooks import find_exercises

PASSED, FAILED, NOT_ATTEMPTED, NOT_REACHED = "passed", "failed", "not attempted", "not reached"


@dataclass(frozen=True)
class Verdict:
    submission: str      # the notebook graded
    notebook: str        # its title
    exercise: str        # what the learner wrote, e.g. "cem_update"
    check: str           # the check that judged it
    verdict: str         # one of PASSED, FAILED, NOT_ATTEMPTED, NOT_REACHED
    detail: str          # the check's hint, or the error


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "".join(parts)


def _judge(cell) -> tuple[str, str]:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return NOT_REACHED, "the cell never ran"
    text = _text(cell)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "is not written yet" in text or any(o["ename"] == "NotImplementedError" for o in errors):
        return NOT_ATTEMPTED, ""
    if errors:
        error = errors[0]
        if error["ename"] == "KeyboardInterrupt":
            return FAILED, "interrupted: the check ran past the time limit"
        return FAILED, f"{error['ename']}: {error['evalue']}"
    marks = [line for line in lines if line[:1] in "✓✗"]
    if marks and all(line.startswith("✓") for line in marks):
        return PASSED, ""
    failing = next((i for i, line in enumerate(lines) if line.startswith("✗")), None)
    if failing is None:
        return FAILED, "the check printed no verdict"
    return FAILED, " ".join(lines[failing:failing + 4])


def grade_notebook(path: str | Path, timeout: int = 300) -> tuple[list[Verdict], list[str]]:
    """Run the notebook at `path`; its exercises' verdicts, and what else went wrong (cells
    that raised or timed out outside the checks, a kernel that died)."""
    path = Path(path)
    if not (isinstance(timeout, int) and timeout >= 1):
        raise ValueError(f"timeout must be an int >= 1 second, got {timeout!r}")
    if not path.is_file():
        raise FileNotFoundError(f"path {str(path)!r} is not a notebook file")
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:               # grade what runs now, not what was saved
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    problems = []
    client = NotebookClient(notebook, timeout=timeout, allow_errors=True,
                            interrupt_on_timeout=True, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    try:
        client.execute()
    except Exception as error:  # the kernel died, or could not start: report, do not stop
        problems.append(f"the run stopped: {type(error).__name__}: {str(error)[:300]}")
    exercises = find_exercises(path, notebook)
    checks = {exercise.cell for exercise in exercises}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or index in checks:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                what = ("ran past the time limit" if output["ename"] == "KeyboardInterrupt"
                        else f"raised {output['ename']}: {output['evalue'][:200]}")
                problems.append(f"cell {index} {what}")
    verdicts = []
    for exercise in exercises:
        verdict, detail = _judge(notebook.cells[exercise.cell])
        verdicts.append(Verdict(str(path), exercise.title, ", ".join(exercise.functions),
                                exercise.check, verdict, detail))
    return verdicts, problems


def submissions(paths: list[str]) -> list[Path]:
    """The notebooks named, and those under the folders named (checkpoints skipped)."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += [p for p in sorted(path.rglob("*.ipynb"))
                      if ".ipynb_checkpoints" not in p.parts]
        elif path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"paths must be notebooks or folders of them, got {name!r}")
    return found


def summary(results: dict[Path, tuple[list[Verdict], list[str]]]) -> str:
    """A readable report: per submission its score, failures with hints, and problems."""
    lines = []
    for path, (verdicts, problems) in results.items():
        passed = sum(v.verdict == PASSED for v in verdicts)
        lines.append(f"{path}: {passed} of {len(verdicts)} exercises passed")
        for v in verdicts:
            if v.verdict != PASSED:
                lines.append(f"  {v.exercise}: {v.verdict}" + (f" — {v.detail}" if v.detail else ""))
        lines += [f"  ! {problem}" for problem in problems]
    return "\n".join(lines)


def write_csv(results: dict, path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(Verdict.__dataclass_fields__))
        writer.writeheader()
        for verdicts, _ in results.values():
            writer.writerows(asdict(v) for v in verdicts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="notebooks, or folders of them")
    parser.add_argument("--csv", help="write the verdicts here, one row per exercise")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--workers", type=int, default=1, help="notebooks graded at once")
    args = parser.parse_args(argv)
    paths = submissions(args.paths)
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        graded = pool.map(grade_notebook, paths, [args.timeout] * len(paths))
        results = dict(zip(paths, graded))
    print(summary(results))
    if args.csv:
        write_csv(results, args.csv)
        print(f"wrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
