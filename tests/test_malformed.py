"""Malformed submissions: each gets a row with a reason, and nothing is lost from JSON, gradebook or CSV.

One batch holds a correct student and every kind of broken or odd file; the correct student
must score exactly as in a clean run, and every student given to the grader must appear
in all three outputs.
"""

from __future__ import annotations

import copy
import csv
import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest
from nbgrader.api import Gradebook

from grader import feedback, gradebook, reports
from grader.api import grade
from grader.config import Settings
from grader.exercises import ASSIGNMENTS
from grader.judge import max_score
from grader.records import SubmissionResult
from tests.conftest import build_submissions, reference_answers

NOTEBOOK = ASSIGNMENTS["01_modules"].filename
FULL = sum(max_score(e) for e in ASSIGNMENTS["01_modules"].exercises)


def _reference_notebook(settings: Settings) -> dict[str, Any]:
    from grader.fill import filled_notebook

    return json.loads(json.dumps(filled_notebook(settings.release_dir, "01_modules", reference_answers())))


def _cells(nb: dict[str, Any], grade_id: str) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id]


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], bytes]:
    def make(nb: dict[str, Any]) -> bytes:
        nb = copy.deepcopy(nb)
        change(nb)
        return json.dumps(nb).encode()

    return make


def _delete(grade_id: str) -> Callable[[dict[str, Any]], None]:
    return lambda nb: [nb["cells"].pop(i) for i in reversed(_cells(nb, grade_id))] and None


def _reorder(nb: dict[str, Any]) -> None:
    (i,) = _cells(nb, "relu")
    nb["cells"].append(nb["cells"].pop(i))


def _edit_locked(nb: dict[str, Any]) -> None:
    locked = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("locked") and c["cell_type"] == "code")
    locked["source"] = "import os\nos._exit(1)\n"


def _duplicate_ids(nb: dict[str, Any]) -> None:
    for cell in nb["cells"]:
        cell["id"] = "same"


def _huge_outputs(nb: dict[str, Any]) -> None:
    (i,) = _cells(nb, "relu")
    nb["cells"][i]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * (50 * 1024 * 1024)}]


def _version(number: int) -> Callable[[dict[str, Any]], None]:
    return lambda nb: nb.update(nbformat=number)


# student -> (how to make the file from the reference notebook, file name, status, phrase in error or notes)
CASES: dict[str, tuple[Callable[[dict[str, Any]], bytes], str, str, str]] = {
    "invalid_json": (lambda nb: b"{not json", NOTEBOOK, "ungradable", "invalid JSON"),
    "truncated": (lambda nb: json.dumps(nb).encode()[:5000], NOTEBOOK, "ungradable", "cut short"),
    "empty": (lambda nb: b"", NOTEBOOK, "ungradable", "is empty"),
    "binary": (lambda nb: bytes(range(256)) * 10, NOTEBOOK, "ungradable", "not UTF-8"),
    "latin1": (lambda nb: json.dumps(nb, ensure_ascii=False).replace("ReLU", "ReLU\u00e9").encode("latin-1", "replace"), NOTEBOOK, "ungradable", "not UTF-8"),
    "nbformat3": (_edit(_version(3)), NOTEBOOK, "ungradable", "format 3"),
    "nbformat9": (_edit(_version(9)), NOTEBOOK, "ungradable", "format 9"),
    "no_cells": (lambda nb: b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', NOTEBOOK, "ungradable", "no list of cells"),
    "missing_answer": (_edit(_delete("relu")), NOTEBOOK, "graded", ""),
    "deleted_locked": (_edit(_delete("setup")), NOTEBOOK, "graded", ""),
    "reordered": (_edit(_reorder), NOTEBOOK, "graded", ""),
    "edited_locked": (_edit(_edit_locked), NOTEBOOK, "graded", "locked cells were edited"),
    "duplicate_ids": (_edit(_duplicate_ids), NOTEBOOK, "graded", ""),
    "huge_outputs": (_edit(_huge_outputs), NOTEBOOK, "graded", ""),
    "wrong_name": (lambda nb: json.dumps(nb).encode(), "homework.ipynb", "ungradable", "not a notebook of this workbook"),
}
FULL_MARKS = {"reordered", "edited_locked", "duplicate_ids", "huge_outputs", "deleted_locked"}
ODD_NAMES = ["a..b", "with space", "\u00fcn\u00efc\u00f6de", "=HYPERLINK(1)", "+1", "-cmd", "@sum"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> tuple[Path, list[SubmissionResult], str]:
    root = tmp_path_factory.mktemp("batch")
    submitted = root / "submitted"
    build_submissions(submitted, {"good": reference_answers(), **{name: reference_answers() for name in ODD_NAMES}}, settings)
    reference = _reference_notebook(settings)
    for student, (make, filename, _, _) in CASES.items():
        path = submitted / student / "01_modules" / filename
        path.parent.mkdir(parents=True)
        path.write_bytes(make(reference))
    # a symbolic link to a file outside the batch, and a student folder that is a link
    secret = root / "secret.ipynb"
    secret.write_text(json.dumps(reference))
    (submitted / "linker" / "01_modules").mkdir(parents=True)
    (submitted / "linker" / "01_modules" / NOTEBOOK).symlink_to(secret)
    (submitted / "folder_linker").symlink_to(submitted / "good")
    (submitted / "piper" / "01_modules").mkdir(parents=True)
    os.mkfifo(submitted / "piper" / "01_modules" / NOTEBOOK)
    results = grade([submitted], settings)
    db = f"sqlite:///{root / 'gradebook.db'}"
    gradebook.record(results, db, settings)
    gradebook.export_csv(db, root / "grades.csv")
    feedback.write_all(results, root / "feedback")
    return root, results, db


def _row(results: list[SubmissionResult], student: str, notebook: str = "01_modules") -> SubmissionResult:
    (row,) = [r for r in results if r.student == student and r.assignment == "01_modules" and r.notebook == notebook]
    return row


@pytest.mark.parametrize("student", sorted(CASES))
def test_each_malformed_file_gets_a_row_with_a_reason(batch, student: str) -> None:
    _, results, _ = batch
    _, filename, status, phrase = CASES[student]
    row = _row(results, student, Path(filename).stem)
    assert row.status == status, row
    said = (row.error or "") + " ".join(row.notes)
    assert phrase in said, said
    if student in FULL_MARKS:
        assert row.score == FULL, [t.message for e in row.exercises for t in e.tests if not t.passed]
    if student == "missing_answer":
        assert row.exercise("relu").score == 0 and "cell is missing" in row.exercise("relu").tests[0].message
        assert row.exercise("linear").score == row.exercise("linear").max_score


def test_links_and_pipes_are_refused_with_a_reason(batch) -> None:
    _, results, _ = batch
    assert "symbolic link" in (_row(results, "linker").error or "")
    assert "symbolic link" in (_row(results, "folder_linker").error or "")
    assert "not a regular file" in (_row(results, "piper").error or "")


def test_the_correct_and_oddly_named_students_score_as_in_a_clean_run(batch) -> None:
    _, results, _ = batch
    for student in ["good", *ODD_NAMES]:
        assert _row(results, student).score == FULL, student


def test_nothing_is_lost_from_json_gradebook_or_csv(batch) -> None:
    root, results, db = batch
    students = {"good", "linker", "folder_linker", "piper", *CASES, *ODD_NAMES}
    document = json.loads(reports.json_report(results, 0))
    assert {r["student"] for r in document["results"]} == students
    with Gradebook(db) as book:
        assert {s.id for s in book.students} == students
        assert book.find_submission("01_modules", "good").score == FULL
        assert book.find_submission("01_modules", "wrong_name").score == 0
    with open(root / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["student_id"].lstrip("'") for r in rows} == students
    for row in rows:
        assert not row["student_id"].startswith(("=", "+", "-", "@")), row


def test_feedback_is_written_for_every_row(batch) -> None:
    root, results, _ = batch
    for result in results:
        owner = result.student or "unknown-student"
        assert (root / "feedback" / owner / f"{result.notebook}.md").is_file(), result.submission
    edited = (root / "feedback" / "edited_locked" / "01_modules.md").read_text(encoding="utf-8")
    assert "locked cells were edited" in edited


def test_grading_the_same_batch_again_gives_the_same_results(batch, settings: Settings) -> None:
    root, results, _ = batch
    again = grade([root / "submitted"], settings)
    assert [r.to_json() for r in again] == [r.to_json() for r in results]
