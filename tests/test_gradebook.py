"""A gradebook the grader creates is the one nbgrader would create: same tables, same schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from nbgrader.api import Gradebook

from grader import gradebook
from grader.config import Settings


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
