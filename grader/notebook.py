"""Read a submitted notebook as data and find the student's answer cells.

Nothing here executes the submission. Locked cells are never taken from it: the program
for each exercise is built from the instructor's cells (see ``assemble``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.exercises import ASSIGNMENTS, Assignment, assignment_for_filename
from grader.references import notebook_cells


class Ungradable(Exception):
    """The file cannot be graded at all; the message says why, for the student and instructor."""


@dataclass(frozen=True)
class Submission:
    path: Path
    student: str | None
    assignment: Assignment
    answers: dict[str, str]
    """Solution cell sources by grade_id, as the student left them."""
    edited_locked: tuple[str, ...]
    """grade_ids of locked cells whose text differs from the instructor's (ignored, but reported)."""


def identify(path: Path) -> Assignment:
    assignment = assignment_for_filename(path.name)
    if assignment is None:
        known = ", ".join(a.filename for a in ASSIGNMENTS.values())
        raise Ungradable(f"{path.name} is not a notebook of this workbook (expected one of: {known})")
    return assignment


def read_submission(path: Path, *, student: str | None, locked_sources: dict[str, str], max_bytes: int) -> Submission:
    assignment = identify(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Ungradable(f"cannot read {path}: {exc.strerror}") from None
    if size > max_bytes:
        raise Ungradable(f"{path.name} is {size} bytes, more than the {max_bytes} a submission may have")
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Ungradable(f"{path.name} is not a readable notebook (invalid JSON: {exc})") from None
    except RecursionError:
        raise Ungradable(f"{path.name} is not a readable notebook (nested too deeply)") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise Ungradable(f"{path.name} is not a Jupyter notebook (no list of cells)")
    try:
        nbformat.validate(nbformat.from_dict(raw), version=raw.get("nbformat", 4))
    except nbformat.ValidationError as exc:
        raise Ungradable(f"{path.name} is not a valid notebook: {str(exc).splitlines()[0]}") from None
    except Exception as exc:  # noqa: BLE001 - an unknown nbformat version is still the file's fault
        raise Ungradable(f"{path.name} is not a valid notebook: {exc}") from None

    answers: dict[str, str] = {}
    edited: list[str] = []
    for cell in notebook_cells(raw):
        if cell.solution:
            # A duplicated cell keeps its metadata: run the copies in order, as the kernel would.
            answers[cell.grade_id] = f"{answers[cell.grade_id]}\n\n{cell.source}" if cell.grade_id in answers else cell.source
        elif cell.grade_id in locked_sources and cell.source != locked_sources[cell.grade_id]:
            edited.append(cell.grade_id)
    return Submission(path, student, assignment, answers, tuple(edited))
