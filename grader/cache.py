"""Incremental regrading: exercise results of earlier batches, keyed by everything that decides them.

A job's key hashes its whole program (the instructor's given cells, the references it builds
on, the student's answer, the batch's seed), the grader's own code that can change a verdict
(everything in ``grader/`` but other exercises' units and the catalogues), and the settings
that change scores. An unchanged answer under unchanged tests and settings then gets its
stored result back without running; anything else is graded anew. The cache is the
instructor's file, like the gradebook: it holds results and the seed they were drawn with.

Outcomes that say nothing about the student (the grader's own failures, timeouts that a busy
machine can cause) are never stored, so they are always tried again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from grader.config import Settings, draw_seed
from grader.exercises import COURSE_ORDER
from grader.records import ExerciseResult, Program, TestResult

PACKAGE = Path(__file__).resolve().parent
KEY_VERSION = "1"
NOT_STORED = ("internal grader problem", "timed out after")
"""Messages of results that must be graded again next time rather than reused."""


def verdict_sources(exercise_id: str) -> list[Path]:
    """The grader's files that can change this exercise's verdicts: all but the other
    exercises' units and the catalogues (which only the audit reads)."""
    other_units = {PACKAGE / "exercises" / unit for unit in COURSE_ORDER if unit != exercise_id}
    return [
        path for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "catalogue.py" and not any(unit in path.parents for unit in other_units)
    ]


@lru_cache(maxsize=None)
def code_fingerprint(exercise_id: str) -> str:
    digest = hashlib.sha256()
    for path in verdict_sources(exercise_id):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def settings_fingerprint(settings: Settings) -> str:
    """The settings that can change a score (the seed is in each program)."""
    relevant = {
        "limits": asdict(settings.limits),
        "enforce_rules": settings.enforce_rules,
        "isolate": settings.isolate,
        "max_output_chars": settings.max_output_chars,
    }
    return json.dumps(relevant, sort_keys=True)


def job_key(program: Program, settings: Settings) -> str:
    digest = hashlib.sha256(KEY_VERSION.encode())
    for part in (code_fingerprint(program.exercise), settings_fingerprint(settings), json.dumps(program.to_json(), sort_keys=True)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part.encode())
    return digest.hexdigest()


def storable(result: ExerciseResult) -> bool:
    return not any(phrase in test.message for test in result.tests for phrase in NOT_STORED)


class CacheError(Exception):
    """The cache file cannot be used; the message says which file and what to do."""


class ResultCache:
    """A SQLite file of exercise results. Safe to delete: everything is graded again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, result TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"{path} is not a grading cache ({exc}); give another --cache file or delete this one") from None

    def batch_seed(self) -> int:
        """The seed its results were drawn with, fixed when the cache is created: a rerun must
        draw the same inputs to be able to reuse anything."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'seed'").fetchone()
        if row is not None:
            return int(row[0])
        seed = draw_seed()
        self._db.execute("INSERT INTO meta VALUES ('seed', ?)", (str(seed),))
        return seed

    def get(self, key: str) -> ExerciseResult | None:
        row = self._db.execute("SELECT result FROM results WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        stored = json.loads(row[0])
        tests = tuple(TestResult(t["name"], t["passed"], t["message"], t["points"]) for t in stored["tests"])
        return ExerciseResult(stored["exercise"], tests, reused=True)

    def put_all(self, entries: list[tuple[str, ExerciseResult]]) -> None:
        rows = [
            (key, json.dumps({"exercise": r.exercise, "tests": [{**t.to_json(), "points": t.points} for t in r.tests]}))
            for key, r in entries if storable(r)
        ]
        self._db.execute("BEGIN")
        try:
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()
