"""Fill a release notebook's answer cells: how sample submissions are made for the demo and the tests.

Answer files hold sections that start with ``# %% <grade_id>``; a section replaces the
solution cell with that grade_id, and cells without a section keep their stub.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from grader.exercises import ASSIGNMENTS

SECTION = re.compile(r"^# %% (\w+)\s*$", re.MULTILINE)


def parse_answers(text: str) -> dict[str, str]:
    parts = SECTION.split(text)
    return {parts[i]: parts[i + 1].strip("\n") + "\n" for i in range(1, len(parts), 2)}


def filled_notebook(release_dir: Path, assignment: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    notebook = nbformat.read(release_dir / assignment / ASSIGNMENTS[assignment].filename, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def write_submission(root: Path, student: str, assignment: str, notebook: nbformat.NotebookNode) -> Path:
    """Place a notebook where nbgrader expects it: <root>/<student>/<assignment>/<notebook>.ipynb."""
    path = root / student / assignment / ASSIGNMENTS[assignment].filename
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
