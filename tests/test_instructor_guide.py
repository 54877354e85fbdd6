"""The instructor guide lists every notebook of the book and every exercise it sets."""
import re
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "book" / "instructor_guide.md").read_text()


def notebooks_in_the_book():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def test_every_notebook_title_is_in_the_guide():
    for path in notebooks_in_the_book():
        title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
        assert f"**{title}**" in GUIDE, f"{path.name}: '{title}' is missing from the guide"


def test_every_exercise_and_check_is_in_the_guide():
    for path in notebooks_in_the_book():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            if "NotImplementedError" in cell.source:
                for name in re.findall(r"^def (\w+)", cell.source, flags=re.M):
                    assert f"`{name}`" in GUIDE, f"{path.name}: exercise {name} is not listed"
            for check in re.findall(r"(exercises\.[\w.]*check_\w+)", cell.source):
                assert f"`{check}`" in GUIDE, f"{path.name}: {check} is not listed"
