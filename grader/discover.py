"""Command-line paths -> the notebooks to grade, with the student each belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.exercises import ASSIGNMENTS


class BadPath(Exception):
    """A path given on the command line that names no submission at all."""


@dataclass(frozen=True)
class Target:
    path: Path
    student: str | None


def _student_of(path: Path) -> str | None:
    """``<student>/<assignment>/<notebook>.ipynb`` names its student; a loose file does not."""
    if path.parent.name in ASSIGNMENTS and path.parent.parent.name:
        return path.parent.parent.name
    return None


def discover(paths: list[Path]) -> list[Target]:
    targets: list[Target] = []
    for path in paths:
        if path.is_file():
            targets.append(Target(path, _student_of(path.resolve())))
        elif path.is_dir():
            found = sorted(
                p for p in path.glob("*/*/*.ipynb") if ".ipynb_checkpoints" not in p.parts and p.is_file()
            )
            if not found:
                raise BadPath(
                    f"{path}: no submissions found; a directory must hold <student>/<assignment>/<notebook>.ipynb"
                )
            targets.extend(Target(p, p.parent.parent.name) for p in found)
        else:
            raise BadPath(f"{path}: no such file or directory")
    return targets
