"""The only writer of nbgrader's gradebook: each exercise's score lands on its hidden-test cell."""

from __future__ import annotations

import csv
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import nbformat
import nbgrader
from alembic.script import ScriptDirectory
from nbgrader.api import (
    Assignment, Base, Comment, Grade, Gradebook, GradeCell, MissingEntry, Notebook, Student, SubmittedAssignment,
    SubmittedNotebook,
)
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import SaveCells
from sqlalchemy import create_engine, inspect, text

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


def _grades(gradebook: Gradebook, assignment: str) -> dict[tuple[str, str], Grade]:
    """Every grade of the assignment's notebook, by (student, grade cell), in one query:
    nbgrader's find_grade asks for one at a time, thousands of round trips in a batch."""
    query = (
        gradebook.db.query(Student.id, GradeCell.name, Grade)
        .join(GradeCell, GradeCell.id == Grade.cell_id)
        .join(SubmittedNotebook, SubmittedNotebook.id == Grade.notebook_id)
        .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
        .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .join(Student, Student.id == SubmittedAssignment.student_id)
        .filter(Assignment.name == assignment, Notebook.name == ASSIGNMENTS[assignment].notebook)
    )
    return {(student, cell): grade for student, cell, grade in query}


def _add_missing(gradebook: Gradebook, assignment: str, students: set[str]) -> None:
    """Students and submissions the gradebook does not hold yet, built as nbgrader's
    add_student and add_submission build them (a submission mirrors every notebook of the
    assignment, with a grade per grade cell and task cell and a comment per solution cell and
    task cell) but written in one flush: nbgrader's writes each one on its own."""
    session = gradebook.db
    known = {row[0] for row in session.query(Student.id)}
    submitted = {
        row[0] for row in session.query(SubmittedAssignment.student_id)
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id).filter(Assignment.name == assignment)
    }
    session.add_all(Student(id=student) for student in sorted(students - known))
    session.flush()
    parent = gradebook.find_assignment(assignment)
    by_id = {row.id: row for row in session.query(Student).filter(Student.id.in_(students - submitted))}
    with session.no_autoflush:
        for student in sorted(students - submitted):
            submission = SubmittedAssignment(assignment=parent, student=by_id[student])
            for notebook in parent.notebooks:
                copy = SubmittedNotebook(notebook=notebook, assignment=submission)
                for cell in notebook.grade_cells:
                    Grade(cell_id=cell.id, notebook=copy)
                for cell in notebook.solution_cells:
                    Comment(cell_id=cell.id, notebook=copy)
                for cell in notebook.task_cells:
                    Comment(cell_id=cell.id, notebook=copy)
                    Grade(cell_id=cell.id, notebook=copy)
            session.add(submission)
    session.flush()


def record(results: list[SubmissionResult], db_url: str, settings: Settings) -> int:
    """Write the scores of every student and assignment in ``results``, in one transaction;
    returns how many rows. A score the gradebook already holds is left as it is, so that a
    rerun of an unchanged batch writes next to nothing."""
    rows = _rows(results)
    _create_if_new(db_url)
    with _alembic_on_path():
        assignments = sorted({assignment for _, assignment in rows})
        for assignment in assignments:
            _ensure_assignment(db_url, assignment, settings)
        with Gradebook(db_url) as gradebook, _one_transaction(gradebook):
            for assignment in assignments:
                own = {student: result for (student, name), result in rows.items() if name == assignment}
                _add_missing(gradebook, assignment, set(own))
                grades = _grades(gradebook, assignment)
                for student, result in own.items():
                    scores = {e.exercise: e.score for e in result.exercises} if result else {}
                    for exercise_id in ASSIGNMENTS[assignment].exercises:
                        grade = grades[(student, EXERCISES[exercise_id].test_cell)]
                        score = scores.get(exercise_id, 0.0)
                        if grade.auto_score != score:
                            grade.auto_score = score
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
