"""Bad input gets a clear result and costs nothing else: not the batch, not another row."""

from __future__ import annotations

import json
from pathlib import Path

from nbgrader.api import Gradebook

from grader import feedback, gradebook, reports
from grader.api import grade
from grader.config import Settings
from grader.fill import filled_notebook, write_submission
from grader.judge import judge
from grader.exercises import EXERCISES
from tests.conftest import build_submissions, notebook_points, points, reference_answers


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_notebooks_are_ungradable_rows_and_the_batch_goes_on(tmp_path: Path, settings: Settings) -> None:
    build_submissions(tmp_path, {"good": reference_answers()}, settings)
    release = json.loads((settings.release_dir / "01_modules" / "01_modules.ipynb").read_text(encoding="utf-8"))
    release["cells"][1]["metadata"]["nbgrader"]["points"] = "lots"
    _write(tmp_path / "odd_points" / "01_modules" / "01_modules.ipynb", json.dumps(release))
    _write(tmp_path / "deep" / "01_modules" / "01_modules.ipynb", "[" * 100_000)
    _write(tmp_path / "empty" / "01_modules" / "01_modules.ipynb", "")
    rows = {r.student: r for r in grade([tmp_path], settings) if r.assignment == "01_modules"}
    assert rows["good"].score == notebook_points("01_modules")
    assert rows["odd_points"].status == "graded" and rows["odd_points"].score == 0
    assert rows["deep"].status == rows["empty"].status == "ungradable"
    assert "nested too deeply" in (rows["deep"].error or "")


def test_a_stray_notebook_never_overwrites_the_real_ones_grade_or_feedback(tmp_path: Path, settings: Settings) -> None:
    submitted = tmp_path / "submitted"
    build_submissions(submitted, {"alice": reference_answers()}, settings)
    _write(submitted / "alice" / "01_modules" / "Untitled.ipynb", "{}")
    results = grade([submitted], settings)
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    gradebook.record(results, db, settings)
    feedback.write_all(results, tmp_path / "feedback")
    with Gradebook(db) as book:
        assert book.find_submission("01_modules", "alice").score == notebook_points("01_modules")
    full = f"{notebook_points('01_modules'):g} / {notebook_points('01_modules'):g}"
    assert full in (tmp_path / "feedback" / "alice" / "01_modules.md").read_text(encoding="utf-8")
    assert "could not be graded" in (tmp_path / "feedback" / "alice" / "Untitled.md").read_text(encoding="utf-8")


def test_a_duplicated_answer_cell_runs_both_copies_in_order(tmp_path: Path, settings: Settings) -> None:
    notebook = filled_notebook(settings.release_dir, "01_modules", {})
    stub = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relu")
    answer = stub.copy()
    answer.id = "copy-of-relu"
    answer.source = reference_answers()["relu"]
    notebook.cells.insert(notebook.cells.index(stub) + 1, answer)
    write_submission(tmp_path, "copier", "01_modules", notebook)
    (result,) = grade([tmp_path], settings)
    assert result.exercise("relu").score == points("relu")


def test_observations_of_the_wrong_shape_fail_the_exercise_not_the_judge() -> None:
    for forged in ({"cell_errors": {"setup": "boom"}}, {"cell_errors": ["boom"]}):
        result = judge(EXERCISES["relu"], forged, "", seed=0)
        assert result.score == 0 and "internal grader problem" in result.tests[0].message


def test_unusable_observations_become_a_failed_exercise(tmp_path: Path, settings: Settings) -> None:
    forged = reference_answers()["relu"] + (
        "\nimport torch as _t\n_save = _t.save\n"
        "_t.save = lambda obs, path: _save({'cell_errors': {'setup': 'boom'}}, path)\n"
    )
    build_submissions(tmp_path, {"forger": {**reference_answers(), "relu": forged}}, settings)
    modules = next(r for r in grade([tmp_path], settings) if r.assignment == "01_modules")
    assert modules.exercise("relu").score == 0
    assert modules.exercise("linear").score == points("linear")


def test_an_answer_too_long_to_check_scores_zero_and_costs_nothing_else(tmp_path: Path, settings: Settings) -> None:
    padded = reference_answers()["relu"] + "\nx = [1, 2, 3]" * (settings.max_answer_chars // 10)
    build_submissions(tmp_path, {"padder": {**reference_answers(), "relu": padded}}, settings)
    modules = next(r for r in grade([tmp_path], settings) if r.assignment == "01_modules")
    assert modules.exercise("relu").score == 0 and "characters long" in modules.exercise("relu").tests[0].message
    assert modules.exercise("linear").score == points("linear")


def test_unprintable_text_from_student_code_reaches_json_and_feedback_cleaned(tmp_path: Path, settings: Settings) -> None:
    """A lone surrogate and terminal escapes in an exception message once crashed feedback writing."""
    raising = "class ReLU(nn.Module):\n    def forward(self, x):\n        raise ValueError('\\ud800 \\x1b[2J gone')\n"
    build_submissions(tmp_path / "submitted", {"odd": {**reference_answers(), "relu": raising}}, settings)
    results = grade([tmp_path / "submitted"], settings)
    written = feedback.write_all(results, tmp_path / "feedback")
    text = "".join(path.read_text(encoding="utf-8") for path in written) + reports.json_report(results, seed=1)
    assert "ValueError" in text and "gone" in text
    assert "\x1b" not in text and "\ud800" not in text
