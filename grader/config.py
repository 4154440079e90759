"""Settings of a grading run: every default is defined here, once."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.sandbox.limits import Limits

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _default_solutions_dir() -> Path:
    return Path(os.environ.get("NN_WORKBOOK_SOLUTIONS", PROJECT_ROOT / "solutions"))


def _default_release_dir() -> Path:
    return Path(os.environ.get("NN_WORKBOOK_RELEASE", PROJECT_ROOT / "exercises"))


MAX_WORKERS = 1024
"""Workers one grader run may have: each worker's jobs run as a user no other worker's have."""


@dataclass(frozen=True)
class Settings:
    solutions_dir: Path = field(default_factory=_default_solutions_dir)
    """The instructor's nbgrader source notebooks (locked cells and reference answers)."""
    release_dir: Path = field(default_factory=_default_release_dir)
    """The student release: its solution cells are the stubs that mean 'not attempted'."""
    workers: int = field(default_factory=lambda: usable_cores())
    """Child processes grading side by side: one per core this process may use."""
    limits: Limits = field(default_factory=Limits)
    """What one job (one exercise of one submission) may use: the sandbox's limits table."""
    max_output_chars: int = 4000
    """How much of a child's stdout and of its stderr is kept for messages (start and end)."""
    enforce_rules: bool = True
    """Refuse answers that break the rules for answer cells (``grader.judge.rules``) unrun. Off only
    in tests that prove the sandbox holds by itself, with nothing refused before it runs."""
    isolate: bool = True
    """Confine jobs in the OS sandbox. Off only to measure what the sandbox costs (make bench)."""
    judge_seconds: float = 10.0
    """Time budget for judging one exercise's observations (a bug or a forged file, never the student's time)."""
    max_answer_chars: int = 256 * 1024
    """An answer cell longer than this scores zero unread: the static checks' cost grows with it."""
    max_notebook_bytes: int = 64 * 1024 * 1024
    """Submitted notebooks larger than this are ungradable (outputs count, though nothing is graded from them)."""
    scheduler: str | None = None
    """Address of a Dask scheduler (``tcp://host:8786``) whose workers run the jobs; None runs
    them on this machine. Where jobs run never changes a score."""
    seed: int | None = None
    """The secret seed the probes' inputs are drawn from; None draws a fresh one per batch.
    A batch's seed is in its JSON report: grading again with it gives the same results."""

    def with_batch_seed(self) -> Settings:
        """These settings with a seed: the given one, or a fresh secret one for this batch."""
        return self if self.seed is not None else replace(self, seed=draw_seed())


def usable_cores() -> int:
    """Cores this process may run on (a container's or taskset's share, not the whole machine's)."""
    try:
        return min(MAX_WORKERS, max(1, len(os.sched_getaffinity(0))))
    except AttributeError:  # macOS and others
        return min(MAX_WORKERS, max(1, os.cpu_count() or 1))


def draw_seed() -> int:
    """A seed nobody can know in advance (not from the grader's source, not from the time)."""
    return secrets.randbits(63)
