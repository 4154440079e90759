"""Every correct variant gets full marks; every known mistake loses points and is named.

The catalogues live in grader/exercises/<id>/catalogue.py. They are graded once, by the
audit (the real grading path), in one batch for the exercises this session selected:
`pytest -m relu` or `-k relu` grades only ReLU's.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from grader import reports
from grader.assemble import as_python
from grader.audit import ExerciseAudit, Outcome
from grader.config import Settings
from grader.exercises import COURSE_ORDER, EXERCISES
from grader.exercises.variants import Variant, load_catalogue
from grader.inkernel import grade_in_kernel
from grader.judge.rules import violations
from grader.references import instructor_cells
from tests.conftest import by_exercise as _params, reference_answers

CATALOGUES = {e: load_catalogue(e) for e in COURSE_ORDER}
CORRECT = [v for c in CATALOGUES.values() for v in c.correct]
MISTAKES = [v for c in CATALOGUES.values() for v in c.mistakes]


def _outcome(audits: dict[str, ExerciseAudit], variant: Variant) -> Outcome:
    return next(o for o in audits[variant.exercise].outcomes if o.variant.name == variant.name)


def test_catalogue_is_large_enough() -> None:
    assert len(MISTAKES) >= 245 and len(CORRECT) >= 87, "catalogues only grow"
    assert len({v.name for v in CORRECT + MISTAKES}) == len(CORRECT + MISTAKES)
    assert all(c.correct and c.mistakes for c in CATALOGUES.values())
    assert all(v.expect for v in MISTAKES)


@pytest.mark.parametrize("exercise", _params(list(COURSE_ORDER)))
def test_audit_accepts_every_correct_answer_and_catches_every_mistake(audits, exercise: str) -> None:
    report = audits[exercise]
    assert report.ok, reports.audit_table([report])
    assert not report.unnamed, reports.audit_table([report])
    document = json.loads(reports.audit_json([report]))["exercises"][exercise]
    assert (document["correct"], document["accepted"]) == (len(CATALOGUES[exercise].correct),) * 2
    assert (document["mistakes"], document["caught"]) == (len(CATALOGUES[exercise].mistakes),) * 2
    assert set(document["kills"]) >= {t.name for t in report.reference.tests}


@pytest.mark.parametrize("exercise", _params(list(COURSE_ORDER)))
def test_reference_scores_full_marks(audits, exercise: str) -> None:
    result = audits[exercise].reference
    assert result.score == result.max_score == EXERCISES[exercise].points > 0, [t for t in result.tests if not t.passed]


@pytest.mark.parametrize("exercise", _params(list(COURSE_ORDER)))
def test_unmodified_release_scores_zero_with_not_implemented(audits, exercise: str) -> None:
    result = audits[exercise].stub
    assert result.score == 0
    assert all("not implemented" in t.message for t in result.tests)


@pytest.mark.parametrize("variant", _params(CORRECT))
def test_correct_variant_gets_full_marks(audits, variant: Variant) -> None:
    result = _outcome(audits, variant).result
    assert result.score == result.max_score, [(t.name, t.message) for t in result.tests if not t.passed]


@pytest.mark.parametrize("variant", _params(MISTAKES))
def test_mistake_loses_points_and_is_named(audits, variant: Variant) -> None:
    outcome = _outcome(audits, variant)
    assert outcome.result.score < outcome.result.max_score
    assert outcome.named, [t.message for t in outcome.result.tests if not t.passed]


@pytest.mark.parametrize("variant", _params(MISTAKES))
def test_mistake_costs_nothing_elsewhere(audits, variant: Variant) -> None:
    """The other exercises of the notebook keep full marks: a mistake is paid for once."""
    others = _outcome(audits, variant).others
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


HONEST = [v for v in CORRECT + MISTAKES if not violations(as_python(v.source), EXERCISES[v.exercise].names)]
"""Answers that keep the rules; the others are refused unrun and would patch this very process."""


@pytest.mark.parametrize("variant", _params(HONEST))
def test_in_kernel_path_gives_the_same_score(audits, variant: Variant, capsys) -> None:
    """Plain `nbgrader autograde` runs grade_in_kernel in the student's kernel: same verdicts."""
    answers = {**reference_answers(), variant.exercise: variant.source}
    score = grade_in_kernel(variant.exercise, _kernel_namespace(variant.exercise, answers))
    assert score == _outcome(audits, variant).result.score, capsys.readouterr().out


@pytest.mark.parametrize("variant", _params(CORRECT))
def test_visible_check_accepts_every_correct_answer(variant: Variant, capsys) -> None:
    """A student with a right answer must never be told by the notebook that it is wrong."""
    namespace = _kernel_namespace(variant.exercise, {**reference_answers(), variant.exercise: variant.source})
    cells = {c.grade_id: c for c in instructor_cells(Settings().solutions_dir, EXERCISES[variant.exercise].assignment)}
    exec(compile(cells[f"check_{variant.exercise}"].source, "<visible check>", "exec"), namespace)
    assert "passes the visible checks" in capsys.readouterr().out
