"""`python -m grader check NOTEBOOK`: the visible checks, out of kernel, with the notebook's own messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat

from grader.config import Settings
from grader.exercises import ASSIGNMENTS, EXERCISES
from grader.fill import filled_notebook
from grader.references import release_cells
from tests.conftest import reference_answers

IDENTITY_RELU = "class ReLU(nn.Module):\n    def forward(self, x):\n        return x\n"


def _write(tmp_path: Path, assignment: str, answers: dict[str, str]) -> Path:
    path = tmp_path / ASSIGNMENTS[assignment].filename
    nbformat.write(filled_notebook(Settings().release_dir, assignment, answers), path)
    return path


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", "check", "--json", str(path)], capture_output=True, text=True, timeout=300)


def _in_kernel_message(answers: dict[str, str], exercise: str) -> str:
    """What the notebook prints when its cells run in order up to the exercise's visible check."""
    namespace: dict = {"__name__": "__main__"}
    for cell in release_cells(Settings().release_dir, EXERCISES[exercise].assignment):
        if cell.is_setup or (cell.solution and cell.grade_id in answers):
            exec(answers.get(cell.grade_id, cell.source) if cell.solution else cell.source, namespace)
        elif cell.grade_id == f"check_{exercise}":
            try:
                exec(cell.source, namespace)
            except AssertionError as failure:
                return str(failure)
            return ""
    raise AssertionError(f"no visible check for {exercise}")


def test_reference_answers_pass_every_visible_check(tmp_path: Path) -> None:
    for assignment in ASSIGNMENTS:
        done = _check(_write(tmp_path, assignment, reference_answers()))
        assert done.returncode == 0, done.stdout + done.stderr
        assert {r["status"] for r in json.loads(done.stdout)["exercises"]} == {"passed"}


def test_a_wrong_answer_fails_with_the_notebooks_own_message_and_stubs_are_not_attempted(tmp_path: Path) -> None:
    answers = {"relu": IDENTITY_RELU}
    done = _check(_write(tmp_path, "01_modules", answers))
    assert done.returncode == 1
    rows = {r["exercise"]: r for r in json.loads(done.stdout)["exercises"]}
    assert rows["relu"]["status"] == "failed"
    expected = _in_kernel_message(answers, "relu")
    assert expected and expected in rows["relu"]["message"]
    assert rows["linear"]["status"] == rows["simple_mlp"]["status"] == "not attempted"
    assert rows["linear"]["points"] == EXERCISES["linear"].points


def test_an_answer_that_breaks_the_rules_is_failed_unrun(tmp_path: Path) -> None:
    done = _check(_write(tmp_path, "01_modules", {"relu": "import os\n" + reference_answers()["relu"]}))
    assert done.returncode == 1
    (relu,) = [r for r in json.loads(done.stdout)["exercises"] if r["exercise"] == "relu"]
    assert relu["status"] == "failed" and "import os" in relu["message"]


def test_a_file_that_is_no_workbook_notebook_is_refused(tmp_path: Path) -> None:
    stray = tmp_path / "homework.ipynb"
    stray.write_text("{}")
    done = _check(stray)
    assert done.returncode == 2 and "not a notebook of this workbook" in done.stderr
