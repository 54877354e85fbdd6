"""The grader on a small course notebook of two exercises: solved (both pass), as a student
gets it (neither attempted), with one wrong answer (that one fails, with its hint), and with
an endless loop (interrupted and reported; the checks after it still run)."""
import contextlib
import csv
import io

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from worldmodels import grade
from worldmodels.student import strip_solutions

pytestmark = pytest.mark.course

STUB = '''def {name}({arguments}):
    raise NotImplementedError("your turn")'''
CEM = '''import numpy as np
def cem_update(candidates, costs, elites):
    best = candidates[np.argsort(costs)[:elites]]
    return best.mean(axis=0), best.std(axis=0)'''
JACOBIAN = '''import numpy as np
def jacobian(q1, q2, l1, l2):
    s1, c1, s12, c12 = np.sin(q1), np.cos(q1), np.sin(q1 + q2), np.cos(q1 + q2)
    return np.array([[-l1 * s1 - l2 * s12, -l2 * s12], [l1 * c1 + l2 * c12, l2 * c12]])'''


def course_notebook(cem=CEM, before_checks="") -> dict:
    cells = [new_markdown_cell("# Two exercises"), new_code_cell("from worldmodels import exercises")]
    for name, arguments, solution in (("cem_update", "candidates, costs, elites", cem),
                                      ("jacobian", "q1, q2, l1, l2", JACOBIAN)):
        cells += [new_code_cell(STUB.format(name=name, arguments=arguments)),
                  new_code_cell(solution, metadata={"tags": ["solution"]})]
    if before_checks:
        cells.append(new_code_cell(before_checks))
    cells += [new_code_cell("exercises.robot.check_cem_update(cem_update);"),
              new_code_cell("exercises.robot.check_jacobian(jacobian);"),
              new_code_cell("assert exercises.robot.check_jacobian(jacobian)",
                            metadata={"tags": ["remove-cell", "solution"]})]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return new_notebook(cells=cells, metadata={"kernelspec": kernel})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    wrong = CEM.replace("best.std(axis=0)", "best.std(axis=0, ddof=1)")
    notebooks = {"solved": course_notebook(), "student": strip_solutions(course_notebook()),
                 "wrong": course_notebook(cem=wrong),
                 "loops": course_notebook(before_checks="while True:\n    pass")}
    for name, notebook in notebooks.items():
        nbformat.write(nbformat.from_dict(notebook), folder / f"{name}.ipynb")
    csv_path, printed = folder / "grades.csv", io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert grade.main([str(folder), "--csv", str(csv_path), "--timeout", "10",
                           "--workers", "2"]) == 0
    rows = list(csv.DictReader(csv_path.open()))
    by_name = {name: {row["exercise"]: row for row in rows if row["submission"].endswith(
        f"{name}.ipynb")} for name in notebooks}
    return by_name, printed.getvalue()


def test_a_solved_notebook_passes_every_exercise(graded):
    graded, _ = graded
    assert {k: v["verdict"] for k, v in graded["solved"].items()} == {
        "cem_update": "passed", "jacobian": "passed"}


def test_a_student_notebook_has_nothing_attempted(graded):
    graded, _ = graded
    assert {v["verdict"] for v in graded["student"].values()} == {"not attempted"}


def test_a_wrong_answer_fails_with_the_checks_hint_and_the_rest_pass(graded):
    graded, _ = graded
    assert graded["wrong"]["cem_update"]["verdict"] == "failed"
    assert "differs from the reference" in graded["wrong"]["cem_update"]["detail"]
    assert graded["wrong"]["jacobian"]["verdict"] == "passed"


def test_an_endless_loop_is_interrupted_and_the_checks_after_it_still_run(graded):
    graded, printed = graded
    assert {v["verdict"] for v in graded["loops"].values()} == {"passed"}
    report = printed[printed.index("loops.ipynb"):]
    assert "ran past the time limit" in report.split("ipynb:")[1]


def test_bad_input_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="paths"):
        grade.submissions([str(tmp_path / "nothing.txt")])
    with pytest.raises(ValueError, match="timeout"):
        grade.grade_notebook(tmp_path / "x.ipynb", timeout=0)
