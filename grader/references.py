"""The instructor's notebooks as data: locked cells and reference answers, by grade_id.

Read with the json module on purpose: this also runs inside a Jupyter kernel (the in-kernel
path), where importing nbformat would cost about a second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from grader.exercises import ASSIGNMENTS

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass(frozen=True)
class Cell:
    grade_id: str
    cell_type: str
    source: str
    solution: bool
    grade: bool
    locked: bool
    points: float | None = None

    @property
    def is_setup(self) -> bool:
        """Given code every exercise after it needs (imports, helper classes, demos), not a check."""
        return (
            self.cell_type == "code"
            and self.locked
            and not self.solution
            and not self.grade
            and not self.grade_id.startswith("check_")
        )


def notebook_cells(raw: dict) -> list[Cell]:
    """The nbgrader-tagged cells of a notebook given as parsed JSON."""
    cells = []
    for cell in raw.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader")
        if not isinstance(meta, dict) or "grade_id" not in meta:
            continue
        source = cell.get("source", "")
        cells.append(
            Cell(
                grade_id=str(meta["grade_id"]),
                cell_type=str(cell.get("cell_type", "")),
                source="".join(source) if isinstance(source, list) else str(source),
                solution=bool(meta.get("solution")),
                grade=bool(meta.get("grade")),
                locked=bool(meta.get("locked")),
                points=_points(meta.get("points")),
            )
        )
    return cells


def _points(value: object) -> float | None:
    """Points as written in the metadata; a value that is no number counts as none."""
    try:
        return float(value) if value is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def strip_solution_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


@lru_cache(maxsize=None)
def _cells_of(folder: Path, assignment: str) -> tuple[Cell, ...]:
    path = folder / assignment / ASSIGNMENTS[assignment].filename
    return tuple(notebook_cells(json.loads(path.read_text(encoding="utf-8"))))


def instructor_cells(solutions_dir: Path, assignment: str) -> tuple[Cell, ...]:
    """The source notebook: reference answers and hidden tests included."""
    return _cells_of(solutions_dir, assignment)


def release_cells(release_dir: Path, assignment: str) -> tuple[Cell, ...]:
    """The cells students receive: stubs in the solution cells, hidden tests removed."""
    return _cells_of(release_dir, assignment)


def reference_answer(solutions_dir: Path, assignment: str, grade_id: str) -> str:
    for cell in instructor_cells(solutions_dir, assignment):
        if cell.grade_id == grade_id and cell.solution:
            return strip_solution_markers(cell.source)
    raise KeyError(f"no solution cell {grade_id!r} in {assignment}")

