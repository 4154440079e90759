"""`python -m grader demo`: gradebook, nbgrader's CSV export, feedback and report, from the samples."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from grader.demo import SAMPLES_DIR, run_demo
from grader.fill import parse_answers
from grader.exercises import ASSIGNMENTS
from tests.conftest import ROOT, notebook_points


def test_answer_files_split_into_cells() -> None:
    answers = parse_answers("# %% relu\nclass A: pass\n\n# %% linear\nx = 1\n")
    assert answers == {"relu": "class A: pass\n", "linear": "x = 1\n"}


def test_demo_grades_every_sample_into_gradebook_csv_and_feedback(tmp_path: Path, settings) -> None:
    out = run_demo(tmp_path / "demo", settings)
    students = sorted(p.stem for p in SAMPLES_DIR.glob("*.py"))
    with open(out.grades_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted({r["student_id"] for r in rows}) == students and len(rows) == len(ASSIGNMENTS) * len(students)
    scores = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}
    assert all(scores[("ada", a)] == notebook_points(a) for a in ASSIGNMENTS)
    assert scores[("eve", "01_modules")] == 0
    feedback = (out.feedback_dir / "dee" / "01_modules.md").read_text(encoding="utf-8")
    assert "torch.nn.functional.relu" in feedback and "set it to None" in feedback
    report = json.loads(out.report.read_text(encoding="utf-8"))
    assert len(report["results"]) == len(rows)
    assert (out.feedback_dir / "dee" / "01_modules.html").is_file()
    page = out.course_report.read_text(encoding="utf-8")
    assert out.course_report == out.report.with_name("report.html") and str(report["seed"]) in page
    assert (ROOT / "exercises").is_dir()
