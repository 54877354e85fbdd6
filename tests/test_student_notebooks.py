"""What `make student` hands out, checked on every notebook of the book: no solution is left,
every exercise's stub and check are still there, and each notebook runs up to its first
exercise (that check then says "not written yet")."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from worldmodels.exercises.notebooks import find_exercises
from worldmodels.student import write_student_notebooks

pytestmark = pytest.mark.course
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BOOK = sorted(NOTEBOOKS.glob("*/*.ipynb"))


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    write_student_notebooks(NOTEBOOKS, folder)
    return folder


@pytest.mark.parametrize("path", BOOK, ids=lambda p: p.stem)
def test_a_student_notebook_keeps_every_exercise_and_no_solution(path, student):
    book = nbformat.read(path, as_version=4)
    handed_out = nbformat.read(student / path.relative_to(NOTEBOOKS), as_version=4)
    text = "\n".join(cell.source for cell in handed_out.cells)
    for cell in book.cells:
        if "solution" in cell.metadata.get("tags", []):
            assert cell.source not in text, f"a solution is left in {path.name}"
    exercises = find_exercises(path, handed_out)
    assert [e.functions for e in exercises] == [e.functions for e in find_exercises(path)]
    for exercise in exercises:
        stubs = [c for c in handed_out.cells[:exercise.cell] if "NotImplementedError" in c.source
                 and all(f"def {name}(" in c.source for name in exercise.functions)]
        assert stubs, f"{path.name}: the stub of {exercise.functions} is missing"


@pytest.mark.parametrize("path", [p for p in BOOK if find_exercises(p)], ids=lambda p: p.stem)
def test_a_student_notebook_runs_up_to_its_first_exercise(path, student):
    handed_out = nbformat.read(student / path.relative_to(NOTEBOOKS), as_version=4)
    first = find_exercises(path, handed_out)[0]
    handed_out.cells = handed_out.cells[:first.cell + 1]
    NotebookClient(handed_out, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    assert "not written yet" in str(handed_out.cells[first.cell].outputs)
