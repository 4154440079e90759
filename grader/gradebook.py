"""The only writer of nbgrader's gradebook: each exercise's score lands on its hidden-test cell."""

from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import SaveCells
from sqlalchemy.exc import SAWarning

from grader.config import Settings
from grader.exercises import ASSIGNMENTS, EXERCISES
from grader.records import SubmissionResult


@contextmanager
def _alembic_on_path() -> Iterator[None]:
    """nbgrader runs the `alembic` command to stamp a new database; it lives beside this Python."""
    before = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{before}"
    try:
        yield
    finally:
        os.environ["PATH"] = before


def _ensure_assignment(db_url: str, assignment: str, settings: Settings) -> None:
    """Register the assignment's cells the way `nbgrader generate_assignment` would."""
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_notebook(ASSIGNMENTS[assignment].notebook, assignment)
            return
        except MissingEntry:
            gradebook.update_or_create_assignment(assignment)
    release = settings.release_dir / assignment / ASSIGNMENTS[assignment].filename
    notebook = nbformat.read(release, as_version=4)
    resources = {"nbgrader": {"db_url": db_url, "assignment": assignment, "notebook": ASSIGNMENTS[assignment].notebook}}
    SaveCells().preprocess(notebook, resources)


def record(results: list[SubmissionResult], db_url: str, settings: Settings) -> int:
    """Write the scores of every submission with a known student and assignment; returns how many."""
    written = 0
    with _alembic_on_path():
        for assignment in sorted({r.assignment for r in results if r.assignment in ASSIGNMENTS}):
            _ensure_assignment(db_url, assignment, settings)
        with Gradebook(db_url) as gradebook:
            for result in results:
                if not result.student or result.assignment not in ASSIGNMENTS:
                    continue
                if result.notebook != ASSIGNMENTS[result.assignment].notebook:
                    continue  # a stray file beside the real notebook must not overwrite its scores
                gradebook.update_or_create_student(result.student)
                try:
                    gradebook.find_submission(result.assignment, result.student)
                except MissingEntry:
                    with warnings.catch_warnings():
                        # nbgrader's add_submission trips an autoflush warning in SQLAlchemy 2; harmless.
                        warnings.simplefilter("ignore", SAWarning)
                        gradebook.add_submission(result.assignment, result.student)
                scores = {e.exercise: e.score for e in result.exercises}
                for exercise_id in ASSIGNMENTS[result.assignment].exercises:
                    grade = gradebook.find_grade(
                        EXERCISES[exercise_id].test_cell, ASSIGNMENTS[result.assignment].notebook,
                        result.assignment, result.student,
                    )
                    grade.auto_score = scores.get(exercise_id, 0.0)
                gradebook.db.commit()
                written += 1
    return written


def export_csv(db_url: str, destination: Path) -> None:
    """nbgrader's own CSV export: one row per student and assignment."""
    with _alembic_on_path(), Gradebook(db_url) as gradebook:
        CsvExportPlugin(to=str(destination)).export(gradebook)
