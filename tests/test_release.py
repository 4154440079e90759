"""exercises/ is exactly what nbgrader makes of solutions/, and gives nothing away."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from grader.course import nbgrader
from grader.exercises import ASSIGNMENTS, EXERCISES
from grader.judge import max_score
from grader.references import SOLUTION_MARKERS, instructor_cells, notebook_cells, release_cells
from tests.conftest import ROOT

RELEASE = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(SOLUTIONS, course / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for assignment in ASSIGNMENTS:
        nbgrader("generate_assignment", assignment, "--no-db", cwd=course)
    return course / "exercises"


def _released_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_exercises_match_a_fresh_nbgrader_release(regenerated: Path) -> None:
    assert _released_files(regenerated) == _released_files(RELEASE)
    for name in _released_files(RELEASE):
        committed = json.loads((RELEASE / name).read_text(encoding="utf-8"))
        fresh = json.loads((regenerated / name).read_text(encoding="utf-8"))
        assert committed == fresh, f"exercises/{name} is stale: run `make release` and commit the result"


def _solution_lines(assignments: Iterable[str] = ASSIGNMENTS, longer_than: int = 8) -> set[str]:
    """Every substantial line written between solution markers in these notebooks of solutions/."""
    lines: set[str] = set()
    for assignment in assignments:
        for cell in instructor_cells(SOLUTIONS, assignment):
            inside = False
            for line in cell.source.splitlines():
                if line.strip() in SOLUTION_MARKERS:
                    inside = line.strip() == SOLUTION_MARKERS[0]
                elif inside and len(line.strip()) > longer_than:
                    lines.add(line.strip())
    return lines


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_release_holds_no_solution_code_and_no_hidden_tests(assignment: str) -> None:
    text = (RELEASE / assignment / ASSIGNMENTS[assignment].filename).read_text(encoding="utf-8")
    for secret in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "grade_in_kernel", "import grader"):
        assert secret not in text
    imports = {line.strip() for line in text.replace("\\n", "\n").splitlines() if "from grader" in line}
    assert imports == {'"    from grader.inkernel import check_rules'}, "the release uses the grader for its rule check only"
    code_lines = {
        line.strip()
        for cell in release_cells(RELEASE, assignment) if cell.cell_type == "code"
        for line in cell.source.splitlines()
    }
    assert not _solution_lines([assignment]) & code_lines
    # Another notebook's answers must not leak either; its short idioms (`optimizer.step()`,
    # `x = block(x)`) are every training loop's and may appear in a notebook's given code.
    assert not _solution_lines([a for a in ASSIGNMENTS if a != assignment], longer_than=30) & code_lines


def test_release_holds_only_the_notebooks() -> None:
    """Students get exercises/ and nothing else: the visible checks import only torch."""
    assert _released_files(RELEASE) == sorted(f"{a}/{a}.ipynb" for a in ASSIGNMENTS)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_every_exercise_has_stub_visible_check_and_graded_hidden_tests(exercise: str) -> None:
    spec = EXERCISES[exercise]
    cells = {c.grade_id: c for c in release_cells(RELEASE, spec.assignment)}
    assert "raise NotImplementedError()" in cells[exercise].source and cells[exercise].solution
    assert cells[f"check_{exercise}"].locked and f"_check_{exercise}()" in cells[f"check_{exercise}"].source
    hidden = {c.grade_id: c for c in instructor_cells(SOLUTIONS, spec.assignment)}[spec.test_cell]
    assert hidden.grade and f'grade_in_kernel("{exercise}", globals())' in hidden.source
    assert hidden.points == max_score(exercise), "the notebook's points must equal the hidden tests' points"


def test_notebook_cells_come_in_teaching_order() -> None:
    """Each exercise: task text, answer cell, visible check, then the hidden tests."""
    for assignment, spec in ASSIGNMENTS.items():
        order = [c.grade_id for c in notebook_cells(json.loads((SOLUTIONS / assignment / spec.filename).read_text()))]
        for exercise in spec.exercises:
            assert order.index(exercise) < order.index(f"check_{exercise}") < order.index(f"test_{exercise}")
