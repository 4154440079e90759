"""The only writer of nbgrader's gradebook: each exercise's score lands on its hidden-test cell."""

from __future__ import annotations

import csv
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import nbformat
import nbgrader
from alembic.script import ScriptDirectory
from nbgrader.api import Base, Gradebook, MissingEntry
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import SaveCells
from sqlalchemy import create_engine, inspect, text
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


def alembic_head() -> str:
    """The schema version nbgrader stamps on a new gradebook, read from its migration scripts."""
    return ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head() or ""


def _create_if_new(db_url: str) -> None:
    """A new gradebook, created as nbgrader creates one (its tables, stamped with its schema
    version) but without the `alembic heads` command nbgrader runs for the version: starting
    that program took seconds, the largest part of recording a small batch."""
    engine = create_engine(db_url)
    try:
        if inspect(engine).get_table_names():
            return
        with engine.begin() as connection:
            Base.metadata.create_all(connection)
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": alembic_head()})
    finally:
        engine.dispose()


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


def _rows(results: list[SubmissionResult]) -> dict[tuple[str, str], SubmissionResult | None]:
    """One row per student and assignment: the real notebook's result, or None where the
    student handed in only files that are not it (the row then records zero, but exists)."""
    rows: dict[tuple[str, str], SubmissionResult | None] = {}
    for result in results:
        if not result.student or result.assignment not in ASSIGNMENTS:
            continue
        key = (result.student, result.assignment)
        if result.notebook == ASSIGNMENTS[result.assignment].notebook:
            rows[key] = result
        else:
            rows.setdefault(key, None)  # a stray file beside the real notebook must not overwrite its scores
    return rows


@contextmanager
def _one_transaction(gradebook: Gradebook) -> Iterator[None]:
    """nbgrader's gradebook commits after every student and submission it adds: one disk sync
    (or one server round trip) each, most of a batch's time. Here its session only flushes
    until the batch is written, then commits once; a failure records nothing of the batch."""
    session = gradebook.db
    session.commit = session.flush  # this session object only, for the duration of the batch
    try:
        yield
    except BaseException:
        del session.commit
        session.rollback()
        raise
    del session.commit
    session.commit()


def record(results: list[SubmissionResult], db_url: str, settings: Settings) -> int:
    """Write the scores of every student and assignment in ``results``, in one transaction;
    returns how many rows."""
    rows = _rows(results)
    _create_if_new(db_url)
    with _alembic_on_path():
        for assignment in sorted({assignment for _, assignment in rows}):
            _ensure_assignment(db_url, assignment, settings)
        with Gradebook(db_url) as gradebook, _one_transaction(gradebook):
            for (student, assignment), result in rows.items():
                gradebook.update_or_create_student(student)
                try:
                    gradebook.find_submission(assignment, student)
                except MissingEntry:
                    with warnings.catch_warnings():
                        # nbgrader's add_submission trips an autoflush warning in SQLAlchemy 2; harmless.
                        warnings.simplefilter("ignore", SAWarning)
                        gradebook.add_submission(assignment, student)
                scores = {e.exercise: e.score for e in result.exercises} if result else {}
                for exercise_id in ASSIGNMENTS[assignment].exercises:
                    grade = gradebook.find_grade(
                        EXERCISES[exercise_id].test_cell, ASSIGNMENTS[assignment].notebook, assignment, student
                    )
                    grade.auto_score = scores.get(exercise_id, 0.0)
    return len(rows)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading =, +, -, @ would start a formula.
    (Scores are never negative, so no number is touched.)"""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def export_csv(db_url: str, destination: Path) -> None:
    """nbgrader's own CSV export (one row per student and assignment), with every cell that a
    spreadsheet would run as a formula (a student folder named "=HYPERLINK(...)") made text."""
    raw = destination.with_name(destination.name + ".nbgrader")
    with _alembic_on_path(), Gradebook(db_url) as gradebook:
        CsvExportPlugin(to=str(raw)).export(gradebook)
    with open(raw, newline="", encoding="utf-8") as source:
        rows = [[_cell(value) for value in row] for row in csv.reader(source)]
    with open(destination, "w", newline="", encoding="utf-8") as target:
        csv.writer(target).writerows(rows)
    raw.unlink()
