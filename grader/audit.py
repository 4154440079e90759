"""Prove each exercise's hidden tests against its catalogue, through the real grading path.

Every correct answer must keep full marks, every known mistake must lose points with a
message containing its phrase. The kill matrix shows which hidden test catches which
mistake, so a test that catches nothing, or a mistake only a blocking problem catches,
is visible to the instructor.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from grader.api import grade
from grader.config import Settings
from grader.exercises import EXERCISES
from grader.exercises.variants import Variant, load_catalogue
from grader.fill import filled_notebook, write_submission
from grader.judge.rules import TAMPERING
from grader.records import GATED, ExerciseResult, SubmissionResult
from grader.references import reference_answer

REFERENCE, STUB = "_reference", "_stub"
"""Student names of the two notebooks graded alongside the catalogue (not valid variant names)."""
BLOCKED = "(before any test)"
"""Kill-matrix row of mistakes stopped by a blocking problem (not defined, crashed, wrong kind)."""
GRADER_PROBLEM = "internal grader problem"


@dataclass(frozen=True)
class Outcome:
    """One catalogue answer, graded inside an otherwise correct notebook."""

    variant: Variant
    result: ExerciseResult
    others: tuple[ExerciseResult, ...]
    """The notebook's other exercises: a mistake must cost nothing there."""

    @property
    def full_marks(self) -> bool:
        return self.result.score == self.result.max_score

    @property
    def named(self) -> bool:
        phrase = (self.variant.expect or "").lower()
        return bool(phrase) and any(phrase in t.message.lower() for t in self.result.tests if not t.passed)

    @property
    def grader_problems(self) -> list[str]:
        """Tests that crashed or met a broken instructor cell: the grader's fault, not the answer's."""
        return [t.name for t in self.result.tests if GRADER_PROBLEM in t.message]

    @property
    def catching_tests(self) -> list[str]:
        """The failed tests that judged this answer themselves (not blocked, not gated)."""
        failed = [t for t in self.result.tests if not t.passed]
        if failed and len(failed) == len(self.result.tests) and len({t.message for t in failed}) == 1:
            return [BLOCKED]
        return [t.name for t in failed if not t.message.startswith(GATED)]


@dataclass(frozen=True)
class ExerciseAudit:
    exercise: str
    reference: ExerciseResult
    stub: ExerciseResult
    outcomes: tuple[Outcome, ...]
    seed: int
    """The batch's seed: ``audit --seed`` with it grades the same inputs again."""

    @property
    def correct(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.variant.is_mistake]

    @property
    def mistakes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.variant.is_mistake]

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.correct if o.full_marks]

    @property
    def caught(self) -> list[Outcome]:
        return [o for o in self.mistakes if not o.full_marks]

    @property
    def tampering(self) -> list[Outcome]:
        """Caught mistakes whose message tells the instructor that tampering is suspected."""
        return [o for o in self.caught if any(TAMPERING.lower() in t.message.lower() for t in o.result.tests)]

    @property
    def unnamed(self) -> list[Outcome]:
        """Mistakes that lose points, but whose messages lack the phrase that names them."""
        return [o for o in self.caught if not o.named]

    @property
    def kills(self) -> dict[str, list[str]]:
        """Hidden test -> the mistakes it catches; every test is listed, in grading order."""
        matrix: dict[str, list[str]] = {t.name: [] for t in self.reference.tests}
        for outcome in self.mistakes:
            for test in outcome.catching_tests:
                matrix.setdefault(test, []).append(outcome.variant.name)
        return matrix

    @property
    def grader_problems(self) -> list[str]:
        """Answers (the reference and the stub included) on which the grader itself failed."""
        named = [("reference", self.reference), ("stub", self.stub)] + [(o.variant.name, o.result) for o in self.outcomes]
        return [name for name, result in named if any(GRADER_PROBLEM in t.message for t in result.tests)]

    @property
    def idle_tests(self) -> list[str]:
        return [test for test, killed in self.kills.items() if not killed and test != BLOCKED]

    @property
    def ok(self) -> bool:
        """No correct answer (the reference included) loses points, no mistake gets full marks,
        and no mistake counts as caught because the grader itself failed."""
        reference_ok = self.reference.score == self.reference.max_score
        all_right = len(self.accepted) == len(self.correct) and len(self.caught) == len(self.mistakes)
        return reference_ok and all_right and not self.grader_problems

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "correct": len(self.correct),
            "accepted": len(self.accepted),
            "mistakes": len(self.mistakes),
            "caught": len(self.caught),
            "tampering": len(self.tampering),
            "kills": self.kills,
            "idle_tests": self.idle_tests,
            "unnamed": [o.variant.name for o in self.unnamed],
            "rejected": [o.variant.name for o in self.correct if not o.full_marks],
            "missed": [o.variant.name for o in self.mistakes if o.full_marks],
            "grader_problems": self.grader_problems,
        }


def _students(exercise_ids: Sequence[str], settings: Settings) -> dict[str, dict[str, dict[str, str]]]:
    """Answers by student and assignment: each variant is submitted only in its own notebook."""
    reference = {e.id: reference_answer(settings.solutions_dir, e.assignment, e.id) for e in EXERCISES.values()}
    assignments = list(dict.fromkeys(EXERCISES[e].assignment for e in exercise_ids))
    empty: dict[str, str] = {}
    students: dict[str, dict[str, dict[str, str]]] = {
        REFERENCE: {a: reference for a in assignments},
        STUB: {a: empty for a in assignments},
    }
    for exercise_id in exercise_ids:
        for variant in load_catalogue(exercise_id).variants:
            if variant.name in students:
                raise ValueError(f"catalogue name {variant.name!r} is used twice")
            students[variant.name] = {EXERCISES[exercise_id].assignment: {**reference, exercise_id: variant.source}}
    return students


def audit(exercise_ids: Sequence[str], settings: Settings | None = None) -> list[ExerciseAudit]:
    """Grade the reference, the stubs and every catalogue answer of these exercises in one batch."""
    settings = (settings or Settings()).with_batch_seed()
    assert settings.seed is not None
    students = _students(exercise_ids, settings)
    with tempfile.TemporaryDirectory(prefix="grader-audit-") as scratch:
        root = Path(scratch)
        for student, notebooks in students.items():
            for assignment, answers in notebooks.items():
                write_submission(root, student, assignment, filled_notebook(settings.release_dir, assignment, answers))
        graded = {(r.student or "", r.assignment): r for r in grade([root], settings)}

    def submission(student: str, exercise_id: str) -> SubmissionResult:
        return graded[(student, EXERCISES[exercise_id].assignment)]

    audits = []
    for exercise_id in exercise_ids:
        outcomes = []
        for variant in load_catalogue(exercise_id).variants:
            row = submission(variant.name, exercise_id)
            others = tuple(e for e in row.exercises if e.exercise != exercise_id)
            outcomes.append(Outcome(variant, row.exercise(exercise_id), others))
        audits.append(
            ExerciseAudit(
                exercise_id,
                submission(REFERENCE, exercise_id).exercise(exercise_id),
                submission(STUB, exercise_id).exercise(exercise_id),
                tuple(outcomes),
                settings.seed,
            )
        )
    return audits
