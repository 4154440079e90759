"""Real nbgrader, end to end, in a temporary course: its scores equal ours for honest work."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader.course import make_course, nbgrader
from grader.demo import SAMPLES_DIR
from grader.exercises import ASSIGNMENTS, EXERCISES
from grader.fill import parse_answers
from tests.conftest import ROOT, notebook_points, reference_answers

pytestmark = pytest.mark.nbgrader
HONEST_SAMPLES = ("ben", "cy", "dee")
"""Partly wrong or unfinished work from samples/; nobody here tampers with anything."""


def honest_students() -> dict[str, dict[str, str]]:
    students = {"ref": reference_answers(), "stub": {}}
    for name in HONEST_SAMPLES:
        students[name] = parse_answers((SAMPLES_DIR / f"{name}.py").read_text(encoding="utf-8"))
    return students


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_course(tmp_path_factory.mktemp("course"), ROOT / "solutions", honest_students())
    for assignment in ASSIGNMENTS:
        nbgrader("autograde", assignment, "--create", cwd=root)
    nbgrader("export", "--to", "grades.csv", cwd=root)
    return root


@pytest.fixture(scope="module")
def ours(course: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", "--json", str(course / "submitted")],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return {(r["student"], r["assignment"]): r for r in json.loads(done.stdout)["results"]}


def test_release_from_a_fresh_course_has_stubs_and_no_hidden_tests(course: Path) -> None:
    for assignment, spec in ASSIGNMENTS.items():
        text = (course / "release" / assignment / spec.filename).read_text(encoding="utf-8")
        assert "raise NotImplementedError()" in text and "grade_in_kernel" not in text


def test_exported_totals_equal_ours(course: Path, ours: dict) -> None:
    with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
        exported = {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(handle)}
    assert exported == {key: row["score"] for key, row in ours.items()}
    assert all(exported[("ref", a)] == notebook_points(a) and exported[("stub", a)] == 0 for a in ASSIGNMENTS)
    assert all(0 < exported[(name, "01_modules")] < notebook_points("01_modules") for name in HONEST_SAMPLES)
    assert exported[("dee", "02_autograd")] not in (0, notebook_points("02_autograd"))


def test_every_exercise_score_equals_ours(course: Path, ours: dict) -> None:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for (student, assignment), row in ours.items():
            for exercise_id, result in row["exercises"].items():
                grade = gradebook.find_grade(EXERCISES[exercise_id].test_cell, assignment, assignment, student)
                assert grade.score == result["score"], (student, exercise_id)
