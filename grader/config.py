"""Settings of a grading run: every default is defined here, once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _default_solutions_dir() -> Path:
    return Path(os.environ.get("NN_WORKBOOK_SOLUTIONS", PROJECT_ROOT / "solutions"))


def _default_release_dir() -> Path:
    return Path(os.environ.get("NN_WORKBOOK_RELEASE", PROJECT_ROOT / "exercises"))


@dataclass(frozen=True)
class Settings:
    solutions_dir: Path = field(default_factory=_default_solutions_dir)
    """The instructor's nbgrader source notebooks (locked cells and reference answers)."""
    release_dir: Path = field(default_factory=_default_release_dir)
    """The student release: its solution cells are the stubs that mean 'not attempted'."""
    workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    """Child processes grading side by side."""
    timeout_seconds: float = 20.0
    """Wall-clock limit for one exercise of one submission."""
    max_observation_bytes: int = 16 * 1024 * 1024
    """Observations larger than this are refused unread."""
    max_output_chars: int = 4000
    """How much of a child's stdout and stderr is kept."""
    max_notebook_bytes: int = 8 * 1024 * 1024
    """Submitted notebooks larger than this are ungradable."""
