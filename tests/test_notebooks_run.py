"""The notebooks as a student meets them, in a real Jupyter kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.exercises import ASSIGNMENTS
from tests.conftest import ROOT


def _execute(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def _errors(notebook: nbformat.NotebookNode) -> dict[str, str]:
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found[cell.metadata.get("nbgrader", {}).get("grade_id", "?")] = f"{output['ename']}: {output['evalue']}"
    return found


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_reference_notebook_runs_clean_and_every_visible_check_passes(assignment: str) -> None:
    notebook = _execute(ROOT / "solutions" / assignment / ASSIGNMENTS[assignment].filename)
    assert _errors(notebook) == {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("check_"):
            printed = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
            assert "passes the visible checks" in printed


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_release_notebook_fails_only_where_work_is_missing(assignment: str) -> None:
    """An untouched release stops at the stubs and the checks after them, nowhere else."""
    notebook = _execute(ROOT / "exercises" / assignment / ASSIGNMENTS[assignment].filename)
    errors = _errors(notebook)
    exercises = ASSIGNMENTS[assignment].exercises
    assert set(errors) == {f"check_{e}" for e in exercises}
    assert all(message.startswith("NotImplementedError") for message in errors.values())


def test_a_visible_check_warns_about_an_answer_that_breaks_the_rules(tmp_path: Path) -> None:
    """The rules are told before submission, in the kernel, with the words grading would use."""
    from grader.fill import filled_notebook

    answer = (
        "import os\n\n"
        "class ReLU(nn.Module):\n"
        "    def forward(self, x):\n"
        "        return x.clamp(min=0)\n"
    )
    notebook = filled_notebook(ROOT / "exercises", "01_modules", {"relu": answer})
    path = tmp_path / "01_modules.ipynb"
    nbformat.write(notebook, path)
    executed = _execute(path)
    check = next(c for c in executed.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "check_relu")
    printed = "".join(o.get("text", "") for o in check.outputs if o.get("output_type") == "stream")
    assert "Rule broken in your ReLU cell: import os (line 1): answers may import only" in printed
    assert "would score 0 points" in printed
    assert "ReLU passes the visible checks." in printed  # the behaviour itself is right
