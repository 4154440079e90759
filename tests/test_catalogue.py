"""Every correct variant gets full marks; every known mistake loses points and is named."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grader.assemble import as_python
from grader.config import Settings
from grader.exercises import EXERCISES
from grader.inkernel import grade_in_kernel
from grader.records import SubmissionResult
from grader.references import instructor_cells
from tests.catalogue import CORRECT, MUTANTS, Variant
from tests.conftest import GradeStudents, reference_answers


@pytest.fixture(scope="module")
def catalogue_results(grade_students: GradeStudents) -> dict[tuple[str, str], SubmissionResult]:
    base = reference_answers()
    students = {"reference": base, "stub": {}}
    students.update({v.name: {**base, v.exercise: v.source} for v in CORRECT + MUTANTS})
    return grade_students(students)


def _result(results: dict[tuple[str, str], SubmissionResult], student: str, exercise: str):
    return results[(student, EXERCISES[exercise].assignment)].exercise(exercise)


def test_catalogue_is_large_enough() -> None:
    assert len(MUTANTS) >= 25
    assert len(CORRECT) >= 8
    assert len({v.name for v in CORRECT + MUTANTS}) == len(CORRECT + MUTANTS)
    assert {v.exercise for v in MUTANTS} == set(EXERCISES)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_reference_scores_full_marks(catalogue_results, exercise: str) -> None:
    result = _result(catalogue_results, "reference", exercise)
    assert result.score == result.max_score > 0, [t for t in result.tests if not t.passed]


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_unmodified_release_scores_zero_with_not_implemented(catalogue_results, exercise: str) -> None:
    result = _result(catalogue_results, "stub", exercise)
    assert result.score == 0
    assert all("not implemented" in t.message for t in result.tests)


@pytest.mark.parametrize("variant", CORRECT, ids=lambda v: v.name)
def test_correct_variant_gets_full_marks(catalogue_results, variant: Variant) -> None:
    result = _result(catalogue_results, variant.name, variant.exercise)
    assert result.score == result.max_score, [(t.name, t.message) for t in result.tests if not t.passed]


@pytest.mark.parametrize("variant", MUTANTS, ids=lambda v: v.name)
def test_mutant_loses_points_and_is_named(catalogue_results, variant: Variant) -> None:
    result = _result(catalogue_results, variant.name, variant.exercise)
    assert result.score < result.max_score
    messages = [t.message for t in result.tests if not t.passed]
    assert variant.expect and any(variant.expect.lower() in m.lower() for m in messages), messages


@pytest.mark.parametrize("variant", MUTANTS, ids=lambda v: v.name)
def test_mutant_costs_nothing_elsewhere(catalogue_results, variant: Variant) -> None:
    """The other exercises of the notebook keep full marks: a mistake is paid for once."""
    submission = catalogue_results[(variant.name, EXERCISES[variant.exercise].assignment)]
    others = [e for e in submission.exercises if e.exercise != variant.exercise]
    assert all(e.score == e.max_score for e in others), [(e.exercise, e.score) for e in others]


def _kernel_namespace(exercise: str, answers: dict[str, str]) -> dict:
    """What a kernel holds after running the notebook's code cells up to ``exercise``."""
    shell = SimpleNamespace(run_line_magic=lambda *args: None, run_cell_magic=lambda *args: None, system=lambda *args: None)
    namespace: dict = {"__name__": "__main__", "In": [], "get_ipython": lambda: shell}
    for cell in instructor_cells(Settings().solutions_dir, EXERCISES[exercise].assignment):
        if not (cell.is_setup or cell.solution):
            continue
        source = as_python(answers[cell.grade_id] if cell.solution else cell.source)  # what IPython runs
        namespace["In"].append(source)
        try:
            exec(compile(source, f"<cell {cell.grade_id}>", "exec"), namespace)
        except Exception:  # noqa: BLE001 - a kernel shows the error and goes on
            pass
        if cell.grade_id == exercise:
            return namespace
    raise AssertionError(f"no cell {exercise}")


HONEST = [v for v in CORRECT + MUTANTS if "fakes" not in v.name]


@pytest.mark.parametrize("variant", HONEST, ids=lambda v: v.name)
def test_in_kernel_path_gives_the_same_score(catalogue_results, variant: Variant, capsys) -> None:
    """Plain `nbgrader autograde` runs grade_in_kernel in the student's kernel: same verdicts."""
    answers = {**reference_answers(), variant.exercise: variant.source}
    score = grade_in_kernel(variant.exercise, _kernel_namespace(variant.exercise, answers))
    expected = _result(catalogue_results, variant.name, variant.exercise)
    assert score == expected.score, capsys.readouterr().out


@pytest.mark.parametrize("variant", CORRECT, ids=lambda v: v.name)
def test_visible_check_accepts_every_correct_answer(variant: Variant, capsys) -> None:
    """A student with a right answer must never be told by the notebook that it is wrong."""
    namespace = _kernel_namespace(variant.exercise, {**reference_answers(), variant.exercise: variant.source})
    cells = {c.grade_id: c for c in instructor_cells(Settings().solutions_dir, EXERCISES[variant.exercise].assignment)}
    exec(compile(cells[f"check_{variant.exercise}"].source, "<visible check>", "exec"), namespace)
    assert "passes the visible checks" in capsys.readouterr().out
