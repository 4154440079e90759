"""Frozen records that move between the grading stages, each with a JSON form."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

SCHEMA_VERSION = 3
"""2: a program carries the batch's seed. 3: and the modules its given cells import."""

RunStatus = Literal["ok", "timeout", "limit", "exited", "crashed", "infrastructure"]
"""'infrastructure': the grader could not run the job; never the student's fault."""
SubmissionStatus = Literal["graded", "ungradable"]

GATED = "not checked until "
"""How the message of a test that waits on another's pass begins: a follow-on failure."""


@dataclass(frozen=True)
class Chunk:
    """One piece of code the child runs: a notebook cell, labelled by its grade_id."""

    label: str
    source: str
    given: bool = False
    """The instructor's code (a given cell, a reference answer, a check), never a student's."""


@dataclass(frozen=True)
class Program:
    """Everything one exercise needs, in notebook order."""

    exercise: str
    chunks: tuple[Chunk, ...]
    seed: int | None = None
    """The batch's secret seed for the probe's inputs. Assembling a program does not know it;
    the batch sets it (``with_seed``) before the program is sent. The harness hands it to the
    probe only after the cells have run, never to the namespace they run in."""

    @property
    def preload(self) -> tuple[str, ...]:
        """Modules the given chunks import. A fork server imports them once, before its first
        such job, so that no job pays for them; the student's own imports are not in it."""
        return tuple(sorted({name for chunk in self.chunks if chunk.given for name in imported_modules(chunk.source)}))

    def with_seed(self, seed: int) -> Program:
        return replace(self, seed=seed)

    def to_json(self) -> dict[str, Any]:
        if self.seed is None:
            raise ValueError(f"the {self.exercise} program has no seed: set the batch's seed with with_seed() before sending it")
        return {
            "schema_version": SCHEMA_VERSION,
            "exercise": self.exercise,
            "chunks": [{"label": c.label, "source": c.source} for c in self.chunks],
            "seed": self.seed,
            "preload": list(self.preload),
        }


@lru_cache(maxsize=256)
def imported_modules(source: str) -> tuple[str, ...]:
    """The absolute module names a piece of code imports anywhere in it (``import a.b``,
    ``from a.b import c``); () for code that does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return tuple(sorted(names))


@dataclass(frozen=True)
class RunOutcome:
    """What happened to a child process; never a verdict on the student's code."""

    status: RunStatus
    detail: str = ""
    observations: dict[str, Any] | None = None
    stderr: str = ""
    """The start and end of what the student's code wrote to stderr (capped), for crash messages."""
    stdout: str = ""
    """The same for stdout."""


@dataclass(frozen=True)
class TestResult:
    name: str
    passed: bool
    message: str
    points: float

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class ExerciseResult:
    exercise: str
    tests: tuple[TestResult, ...]
    reused: bool = False
    """Taken from the cache of an earlier batch (``grader.cache``) rather than graded now."""

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "tests": [t.to_json() for t in self.tests],
            "reused": self.reused,
        }


@dataclass(frozen=True)
class SubmissionResult:
    submission: str
    student: str | None
    assignment: str
    notebook: str
    status: SubmissionStatus
    error: str | None = None
    exercises: tuple[ExerciseResult, ...] = ()
    notes: tuple[str, ...] = ()
    """What the grader noticed and worked around (edited locked cells), for student and instructor."""
    max_score_if_ungradable: float = field(default=0.0, repr=False)
    reused: bool = False
    """Its results came from the cache of an earlier batch, and nothing of it ran now."""

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        if self.status == "ungradable":
            return self.max_score_if_ungradable
        return sum(e.max_score for e in self.exercises)

    def exercise(self, exercise_id: str) -> ExerciseResult:
        for result in self.exercises:
            if result.exercise == exercise_id:
                return result
        raise KeyError(exercise_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "student": self.student,
            "assignment": self.assignment,
            "notebook": self.notebook,
            "status": self.status,
            "error": self.error,
            "score": self.score,
            "max_score": self.max_score,
            "exercises": {e.exercise: e.to_json() for e in self.exercises},
            "notes": list(self.notes),
            "reused": self.reused,
        }
