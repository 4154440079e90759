"""Shared fixtures: sample submissions built from answer sources, graded in one batch."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest

from grader.api import grade
from grader.audit import ExerciseAudit, audit
from grader.config import Settings, draw_seed
from grader.exercises import ASSIGNMENTS, COURSE_ORDER, EXERCISES
from grader.exercises.variants import Variant
from grader.fill import filled_notebook, write_submission
from grader.records import SubmissionResult
from grader.references import reference_answer

ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"
if "MNIST_DIR" not in os.environ and not (ROOT / "data" / "mnist").is_dir() and SHARED_MNIST.is_dir():
    os.environ["MNIST_DIR"] = str(SHARED_MNIST)  # the course's copy beside the project: read in place, never copied

Answers = dict[str, str]
"""Answer cell sources by grade_id; exercises left out keep their stub."""


def reference_answers(settings: Settings | None = None) -> Answers:
    settings = settings or Settings()
    return {e.id: reference_answer(settings.solutions_dir, e.assignment, e.id) for e in EXERCISES.values()}


def points(exercise: str) -> float:
    """An exercise's points, as its spec states them."""
    return EXERCISES[exercise].points


def notebook_points(assignment: str) -> float:
    return sum(points(e) for e in ASSIGNMENTS[assignment].exercises)


def scores_with(assignment: str, **changed: float) -> dict[str, float]:
    """Each exercise of the notebook at full marks, except those given."""
    return {e: changed.get(e, points(e)) for e in ASSIGNMENTS[assignment].exercises}


def build_submissions(root: Path, students: dict[str, Answers], settings: Settings) -> None:
    for student, answers in students.items():
        for assignment in ASSIGNMENTS:
            write_submission(root, student, assignment, filled_notebook(settings.release_dir, assignment, answers))


SESSION_SEED = draw_seed()
"""The seed of every batch this session grades: random, so that no test passes by a lucky
seed, and shown in the header so that a failure can be reproduced (NN_WORKBOOK_TEST_SEED)."""


def _session_seed() -> int:
    given = os.environ.get("NN_WORKBOOK_TEST_SEED")
    return int(given) if given else SESSION_SEED


def pytest_report_header(config: pytest.Config) -> str:
    return f"grading seed {_session_seed()} (set NN_WORKBOOK_TEST_SEED to reproduce)"


AUDITS = pytest.StashKey[dict]()
"""The catalogue audits of this run, for the summary at its end."""


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    audits = config.stash.get(AUDITS, {})
    if audits:
        counts = [(len(a.accepted), len(a.correct), len(a.caught), len(a.mistakes), len(a.tampering)) for a in audits.values()]
        accepted, correct, caught, mistakes, tampering = (sum(column) for column in zip(*counts))
        terminalreporter.write_line(
            f"catalogue of {len(audits)} exercises: {accepted}/{correct} correct answers accepted, "
            f"{caught}/{mistakes} mistakes caught, {tampering} of them with tampering suspected"
        )


def pytest_configure(config: pytest.Config) -> None:
    for exercise in EXERCISES:
        config.addinivalue_line("markers", f"{exercise}: tests of the {exercise} exercise (its catalogue, its audit)")


GradeStudents = Callable[[dict[str, Answers]], dict[tuple[str, str], SubmissionResult]]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(workers=2, seed=_session_seed())


@pytest.fixture(scope="session")
def grade_students(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> GradeStudents:
    """Grade many students in one batch; results keyed by (student, assignment)."""

    def run(students: dict[str, Answers]) -> dict[tuple[str, str], SubmissionResult]:
        root = tmp_path_factory.mktemp("submitted")
        build_submissions(root, students, settings)
        return {(r.student or "", r.assignment): r for r in grade([root], settings)}

    return run


def host_processes_with(marker: str) -> list[int]:
    """Processes on this machine whose command line contains ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            pass
    return found


def by_exercise(values: list[Any]) -> list[Any]:
    """Each parameter marked with its exercise, so `-m <grade_id>` selects one unit."""
    return [
        pytest.param(v, id=v if isinstance(v, str) else v.name, marks=getattr(pytest.mark, v if isinstance(v, str) else v.exercise))
        for v in values
    ]


def audited_exercises(request: pytest.FixtureRequest) -> set[str]:
    """The exercises whose catalogues the selected tests need (each names them in a parameter)."""
    wanted: set[str] = set()
    for item in request.session.items:
        for value in getattr(getattr(item, "callspec", None), "params", {}).values():
            if isinstance(value, Variant):
                wanted.add(value.exercise)
            elif isinstance(value, str) and value in EXERCISES:
                wanted.add(value)
    return {e for e in COURSE_ORDER if e in wanted}


@pytest.fixture(scope="session")
def audits(request: pytest.FixtureRequest, settings: Settings) -> dict[str, ExerciseAudit]:
    """One audit batch for every exercise a selected test needs."""
    audits = {a.exercise: a for a in audit(sorted(audited_exercises(request), key=COURSE_ORDER.index), settings)}
    request.config.stash[AUDITS] = audits
    return audits
