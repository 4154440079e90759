"""Incremental regrading (`grade --cache FILE`): unchanged answers under unchanged tests and
settings reuse their stored results; anything else is graded anew, and `--force` regrades all."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.cache import PACKAGE, ResultCache, storable, verdict_sources
from grader.config import Settings
from grader import records
from grader.fill import filled_notebook, write_submission
from tests.conftest import notebook_points, points, reference_answers

WRONG_RELU = "class ReLU(nn.Module):\n    def forward(self, x):\n        return x.abs()\n"
OTHER_RELU = "class ReLU(nn.Module):\n    def forward(self, x):\n        return torch.where(x > 0, x, torch.zeros_like(x))\n"


def _grade(*args: str | Path) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", "--json", "--workers", "2", *map(str, args)],
        capture_output=True, text=True, timeout=600,
    )
    return done.returncode, json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}, done.stderr


def _by_student(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["student"]: r for r in report["results"]}


def _scores(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {r["student"]: {e: x["score"] for e, x in r["exercises"].items()} for r in report["results"]}


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    submitted = tmp_path / "submitted"
    settings = Settings()
    answers = reference_answers()
    for student, relu in (("ann", answers["relu"]), ("bo", WRONG_RELU), ("cid", answers["relu"])):
        notebook = filled_notebook(settings.release_dir, "01_modules", {**answers, "relu": relu})
        write_submission(submitted, student, "01_modules", notebook)
    return submitted


def test_a_rerun_reuses_every_result_and_says_so(course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    code, first, _ = _grade("--cache", cache, course)
    assert code == 0 and not any(r["reused"] for r in first["results"])
    code, second, stderr = _grade("--cache", cache, course)
    assert code == 0 and all(r["reused"] for r in second["results"])
    assert all(x["reused"] for r in second["results"] for x in r["exercises"].values())
    assert "3 of 3 submission(s) reused" in stderr
    assert second["seed"] == first["seed"], "the cache keeps the seed its results were drawn with"
    assert _scores(second) == _scores(first)
    assert _by_student(second)["bo"]["exercises"]["relu"]["tests"] == _by_student(first)["bo"]["exercises"]["relu"]["tests"]


def test_only_what_changed_is_graded_again(course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    _grade("--cache", cache, course)
    fixed = filled_notebook(Settings().release_dir, "01_modules", {**reference_answers(), "relu": OTHER_RELU})
    write_submission(course, "bo", "01_modules", fixed)  # bo resubmits with ReLU fixed, in words of his own
    code, report, _ = _grade("--cache", cache, course)
    results = _by_student(report)
    assert code == 0 and results["ann"]["reused"] and results["cid"]["reused"] and not results["bo"]["reused"]
    assert not results["bo"]["exercises"]["relu"]["reused"] and results["bo"]["exercises"]["relu"]["score"] == points("relu")
    assert results["bo"]["exercises"]["linear"]["reused"], "bo's unchanged exercises come from the cache"


def test_identical_answers_are_graded_once(course: Path, tmp_path: Path) -> None:
    """A key is the content of the job, not whose it is: ann's and cid's identical notebooks
    share results, so a copy of a graded answer is not graded again."""
    cache = tmp_path / "cache.sqlite"
    _grade("--cache", cache, course)
    fixed = filled_notebook(Settings().release_dir, "01_modules", reference_answers())
    write_submission(course, "dee", "01_modules", fixed)
    _, report, _ = _grade("--cache", cache, course)
    assert _by_student(report)["dee"]["reused"] and _by_student(report)["dee"]["score"] == notebook_points("01_modules")


def test_force_and_changed_settings_grade_everything_again(course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    _, first, _ = _grade("--cache", cache, course)
    _, forced, _ = _grade("--cache", cache, "--force", course)
    assert not any(r["reused"] for r in forced["results"]) and _scores(forced) == _scores(first)
    _, other_limit, _ = _grade("--cache", cache, "--timeout", "30", course)
    assert not any(r["reused"] for r in other_limit["results"]), "a limit is part of every key"
    _, other_seed, _ = _grade("--cache", cache, "--seed", str(first["seed"] + 1), course)
    assert not any(r["reused"] for r in other_seed["results"]) and _scores(other_seed) == _scores(first)


def test_bad_cache_files_and_options_say_what_to_do(course: Path, tmp_path: Path) -> None:
    not_a_cache = tmp_path / "notes.txt"
    not_a_cache.write_text("these are my notes, not a database\n" * 100)
    code, _, stderr = _grade("--cache", not_a_cache, course)
    assert code == 2 and "is not a grading cache" in stderr and "delete" in stderr
    assert not_a_cache.read_text().startswith("these are my notes"), "nothing of the file is lost"
    code, _, stderr = _grade("--force", course)
    assert code == 2 and "--cache FILE" in stderr


def test_results_that_say_nothing_about_the_student_are_never_stored(tmp_path: Path) -> None:
    problem = records.ExerciseResult("relu", (records.TestResult("forward_values", False, "internal grader problem: no sandbox", 1.0),))
    slow = records.ExerciseResult("relu", (records.TestResult("forward_values", False, "ReLU could not be tested: timed out after 20 s", 1.0),))
    fine = records.ExerciseResult("relu", (records.TestResult("forward_values", False, "ReLU returns the absolute value", 1.0),))
    assert not storable(problem) and not storable(slow) and storable(fine)
    cache = ResultCache(tmp_path / "c.sqlite")
    cache.put_all([("a", problem), ("b", slow), ("c", fine)])
    assert cache.get("a") is None and cache.get("b") is None
    reused = cache.get("c")
    assert reused is not None and reused.reused and reused.tests == fine.tests
    cache.close()
    assert sqlite3.connect(tmp_path / "c.sqlite").execute("SELECT COUNT(*) FROM results").fetchone() == (1,)


def test_a_key_covers_the_exercise_unit_but_not_other_units_or_catalogues() -> None:
    relu = set(verdict_sources("relu"))
    assert PACKAGE / "exercises" / "relu" / "hidden.py" in relu and PACKAGE / "exercises" / "relu" / "probe.py" in relu
    assert PACKAGE / "judge" / "evidence.py" in relu and PACKAGE / "sandbox" / "harness.py" in relu
    assert PACKAGE / "exercises" / "linear" / "hidden.py" not in relu
    assert not any(path.name == "catalogue.py" for path in relu)


def test_a_batch_runs_each_distinct_job_once_even_without_a_cache(course: Path) -> None:
    """ann and cid hand in the same notebook, and bo differs only in ReLU: of nine jobs, four
    are distinct (two ReLUs, one Linear, one SimpleMLP), and only those are run."""
    from grader.api import grade

    class Count:
        def start(self, jobs: int) -> None:
            self.jobs, self.done = jobs, 0

        def advance(self) -> None:
            self.done += 1

    counted = Count()
    results = {r.student: r for r in grade([course], Settings(workers=2), progress=counted)}
    assert (counted.jobs, counted.done) == (4, 4)
    assert results["ann"].score == results["cid"].score == notebook_points("01_modules")
    assert results["bo"].exercise("relu").score < points("relu") and results["bo"].exercise("linear").score == points("linear")
    assert not any(r.reused for r in results.values()), "shared within a batch is graded here, not reused"
