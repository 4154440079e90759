"""Read a submitted notebook as data and find the student's answer cells.

Nothing here executes the submission. Locked cells are never taken from it: the program
for each exercise is built from the instructor's cells (see ``assemble``).
"""

from __future__ import annotations

import errno
import json
import os
import stat
import warnings
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


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, if it is a regular file of at most ``max_bytes`` reached without
    following a symbolic link (a link could point at anything on the grader's machine)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Ungradable(f"{path.name} is a symbolic link; submit the notebook file itself") from None
        raise Ungradable(f"cannot read {path.name}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Ungradable(f"{path.name} is not a regular file")
        if info.st_size > max_bytes:
            raise Ungradable(f"{path.name} is {info.st_size} bytes, more than the {max_bytes} a submission may have")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Ungradable(f"{path.name} is more than the {max_bytes} bytes a submission may have")
    return data


def parse(data: bytes, name: str) -> dict:
    """The notebook as JSON data, validated as nbformat 4 with its outputs left out (nothing is
    graded from outputs, and 50 MB of them must not cost a validation pass)."""
    if not data.strip():
        raise Ungradable(f"{name} is empty")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Ungradable(f"{name} is not a readable notebook (not UTF-8 text; is it a binary file?)") from None
    except json.JSONDecodeError as exc:
        raise Ungradable(f"{name} is not a readable notebook (invalid JSON: {exc}; was it cut short?)") from None
    except RecursionError:
        raise Ungradable(f"{name} is not a readable notebook (nested too deeply)") from None
    if not isinstance(raw, dict):
        raise Ungradable(f"{name} is not a Jupyter notebook (its JSON is not an object)")
    version = raw.get("nbformat")
    if version != 4:
        raise Ungradable(
            f"{name} is in notebook format {version!r}; this grader reads format 4 "
            "(open it in a current Jupyter and save it again)"
        )
    if not isinstance(raw.get("cells"), list):
        raise Ungradable(f"{name} is not a Jupyter notebook (no list of cells)")
    checked = {**raw, "cells": [_without_outputs(cell) for cell in raw["cells"]]}
    try:
        with warnings.catch_warnings():  # duplicate cell ids are repaired, with a warning
            warnings.simplefilter("ignore")
            nbformat.validate(nbformat.from_dict(checked), version=4)
    except nbformat.ValidationError as exc:
        raise Ungradable(f"{name} is not a valid notebook: {str(exc).splitlines()[0]}") from None
    except Exception as exc:  # noqa: BLE001 - whatever trips the validator is the file's fault
        raise Ungradable(f"{name} is not a valid notebook ({type(exc).__name__})") from None
    return raw


def _without_outputs(cell: object) -> object:
    if isinstance(cell, dict) and cell.get("cell_type") == "code":
        return {**cell, "outputs": [], "execution_count": None}
    return cell


def read_submission(path: Path, *, student: str | None, locked_sources: dict[str, str], max_bytes: int) -> Submission:
    assignment = identify(path)
    raw = parse(read_bytes(path, max_bytes), path.name)

    answers: dict[str, str] = {}
    edited: list[str] = []
    for cell in notebook_cells(raw):
        if cell.solution:
            # A duplicated cell keeps its metadata: run the copies in order, as the kernel would.
            answers[cell.grade_id] = f"{answers[cell.grade_id]}\n\n{cell.source}" if cell.grade_id in answers else cell.source
        elif cell.grade_id in locked_sources and cell.source != locked_sources[cell.grade_id]:
            edited.append(cell.grade_id)
    return Submission(path, student, assignment, answers, tuple(edited))
