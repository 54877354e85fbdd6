"""Every notebook follows the anatomy of ARCHITECTURE.md ("Notebook anatomy") and shares one setup cell."""
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]

SETUP_CELL = f'''# Setup (the same in every notebook): install the library in Colab, seed, pick the device.
import sys
if "google.colab" in sys.modules:
    %pip install -q "worldmodels @ git+{REPOSITORY}"
from worldmodels.setup import setup
device = setup(seed=0, device="auto")'''


def tags(cell):
    return cell.metadata.get("tags", [])


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_the_book_has_notebooks():
    assert NOTEBOOKS


def test_setup_cell_is_shared_and_hidden(notebook):
    setup = [c for c in notebook.cells if c.cell_type == "code"][0]
    assert setup.source == SETUP_CELL, "the first code cell must be the shared setup cell"
    assert "remove-cell" in tags(setup)


def test_committed_without_outputs(notebook):
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_title_objectives_and_further_reading(notebook):
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert notebook.cells[0].source.startswith("# ")
    assert "Learning objectives" in text and "Further reading" in text and "{cite}" in text


def test_exercises_have_a_check_and_a_hidden_solution(notebook):
    solutions = [c for c in notebook.cells if "solution" in tags(c) and "remove-cell" not in tags(c)]
    assert solutions, "each notebook has at least one exercise with a solution"
    for cell in solutions:
        assert "hide-input" in tags(cell)
        assert cell.metadata["mystnb"]["code_prompt_show"] == "Show solution"
    assert any("check_" in c.source for c in notebook.cells if c.cell_type == "code")


def test_results_are_asserted_in_hidden_cells(notebook):
    checks = [c for c in notebook.cells if "remove-cell" in tags(c) and "assert" in c.source]
    assert checks
