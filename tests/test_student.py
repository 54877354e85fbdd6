"""The student-notebook command removes solutions and leaves valid notebooks."""
import json
from pathlib import Path

import nbformat
import pytest

from worldmodels.student import strip_solutions, write_student_notebooks

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_every_solution_cell_is_removed_and_the_rest_kept(tmp_path):
    written = write_student_notebooks(NOTEBOOKS, tmp_path)
    assert written, "the book has notebooks"
    for out in written:
        original = json.loads((NOTEBOOKS / out.relative_to(tmp_path)).read_text())
        student = nbformat.read(out, as_version=4)
        nbformat.validate(student)
        tags = [c.metadata.get("tags", []) for c in student.cells]
        assert not any("solution" in t for t in tags)
        kept = [c for c in original["cells"] if "solution" not in c["metadata"].get("tags", [])]
        assert [c.source for c in student.cells] == ["".join(c["source"]) if isinstance(c["source"], list)
                                                     else c["source"] for c in kept]


def test_strip_solutions_clears_outputs_and_rejects_non_notebooks():
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "1", "outputs": [{"x": 1}],
                     "execution_count": 3},
                    {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "2",
                     "outputs": [], "execution_count": None}]}
    stripped = strip_solutions(nb)
    assert [c["source"] for c in stripped["cells"]] == ["1"]
    assert stripped["cells"][0]["outputs"] == [] and nb["cells"][0]["outputs"]  # input untouched
    with pytest.raises(ValueError, match="notebook"):
        strip_solutions({"not": "a notebook"})


def test_a_student_notebook_runs_until_its_first_unwritten_stub(tmp_path):
    """Instructors hand these out: every cell before the learner's first exercise must run."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    out = write_student_notebooks(NOTEBOOKS / "00_map", tmp_path)[0]
    notebook = nbformat.read(out, as_version=4)
    with pytest.raises(CellExecutionError, match="NotImplementedError"):
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    ran = [c for c in notebook.cells if c.cell_type == "code" and c.get("execution_count")]
    failed = ran[-1]
    assert "NotImplementedError" in str(failed.outputs) and "landing_distance" in failed.source
    # Before failing, the check cell told the learner what to do instead of crashing.
    assert any("not written yet" in str(c.outputs) for c in ran[:-1])
