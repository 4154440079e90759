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
    """None for a notebook given on its own: only the nbgrader layout says whose it is."""
    linked: bool = False
    """Reached through a symbolic link (the file, or its student or assignment folder)."""


def _notebooks(pattern: str, folder: Path) -> list[Path]:
    """Every entry that is not a folder: a link or a FIFO gets an 'ungradable' row, not silence."""
    return sorted(p for p in folder.glob(pattern) if (p.is_symlink() or not p.is_dir()) and ".ipynb_checkpoints" not in p.parts)


def _linked(path: Path, levels: int) -> bool:
    """Whether the file or one of the ``levels`` - 1 folders above it is a symbolic link."""
    return any(p.is_symlink() for p in [path, *path.parents][:levels])


def discover(paths: list[Path]) -> list[Target]:
    """Files are graded as given; a folder is either <dir>/<student>/<assignment>/<notebook>.ipynb
    (a course's submitted/ folder) or one student's <student>/<assignment>/<notebook>.ipynb."""
    targets: list[Target] = []
    for path in paths:
        if path.is_file() or path.is_symlink():
            targets.append(Target(path, None, path.is_symlink()))
        elif path.is_dir():
            course = _notebooks("*/*/*.ipynb", path)
            own = [p for p in _notebooks("*/*.ipynb", path) if p.parent.name in ASSIGNMENTS]
            if course:
                targets.extend(Target(p, p.parent.parent.name, _linked(p, 3)) for p in course)
            elif own:
                targets.extend(Target(p, path.resolve().name, _linked(p, 2)) for p in own)
            else:
                raise BadPath(
                    f"{path}: no submissions found; a directory must hold <student>/<assignment>/<notebook>.ipynb"
                )
        else:
            raise BadPath(f"{path}: no such file or directory")
    return targets
