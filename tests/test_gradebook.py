"""A gradebook the grader creates is the one nbgrader would create: same tables, same schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from nbgrader.api import Gradebook

from grader import gradebook
from grader.config import Settings
from grader.exercises import ASSIGNMENTS, EXERCISES
from grader import records
from grader.records import ExerciseResult, SubmissionResult


def _schema(path: Path) -> tuple[set[str], list[tuple[str, ...]]]:
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return tables, db.execute("SELECT version_num FROM alembic_version").fetchall()


def test_a_new_gradebook_has_nbgraders_tables_and_schema_version(tmp_path: Path) -> None:
    with gradebook._alembic_on_path(), Gradebook(f"sqlite:///{tmp_path / 'theirs.db'}"):
        pass  # nbgrader creates it, asking the `alembic` command for the version
    assert gradebook.record([], f"sqlite:///{tmp_path / 'ours.db'}", Settings()) == 0
    assert _schema(tmp_path / "ours.db") == _schema(tmp_path / "theirs.db")
    with Gradebook(f"sqlite:///{tmp_path / 'ours.db'}") as opened:
        assert opened.students == []


def _result(student: str, scores: dict[str, float], notebook: str = "01_modules") -> SubmissionResult:
    """A graded 01_modules notebook whose exercises scored ``scores`` (one test each)."""
    return SubmissionResult(
        submission=f"{student}/{notebook}.ipynb", student=student, assignment="01_modules", notebook=notebook,
        status="graded",
        exercises=tuple(ExerciseResult(e, (records.TestResult("t", score > 0, "", score or 1.0),)) for e, score in scores.items()),
    )


def _scores(url: str) -> dict[tuple[str, str], float | None]:
    with Gradebook(url) as opened:
        return {
            (student, exercise): opened.find_grade(EXERCISES[exercise].test_cell, "01_modules", "01_modules", student).auto_score
            for student in ("ada", "ben", "cy") for exercise in ASSIGNMENTS["01_modules"].exercises
        }


def test_a_batch_is_written_once_and_a_rerun_changes_only_what_changed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'book.db'}"
    first = [
        _result("ada", {"relu": 5.0, "linear": 10.0, "simple_mlp": 5.0}),
        _result("ben", {"relu": 5.0, "linear": 0.0, "simple_mlp": 5.0}),
        _result("cy", {}, notebook="notes"),  # handed in only a stray file: a row of zeros
    ]
    assert gradebook.record(first, url, Settings()) == 3
    written = _scores(url)
    assert written[("ada", "linear")] == 10.0 and written[("ben", "linear")] == 0.0
    assert all(written[("cy", exercise)] == 0.0 for exercise in ASSIGNMENTS["01_modules"].exercises)

    unchanged = (tmp_path / "book.db").read_bytes()
    gradebook.record(first, url, Settings())
    assert (tmp_path / "book.db").read_bytes() == unchanged  # nothing to write, nothing written

    regraded = [_result("ben", {"relu": 5.0, "linear": 10.0, "simple_mlp": 0.0})]
    gradebook.record(regraded, url, Settings())
    assert _scores(url) == {**written, ("ben", "linear"): 10.0, ("ben", "simple_mlp"): 0.0}
