"""The main job end to end on bundled sample submissions: grade, record, export, give feedback."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from grader import course_report, feedback, gradebook, reports
from grader.api import grade
from grader.config import PROJECT_ROOT, Settings
from grader.exercises import ASSIGNMENTS
from grader.fill import filled_notebook, parse_answers, write_submission

SAMPLES_DIR = PROJECT_ROOT / "samples"


@dataclass(frozen=True)
class DemoOutput:
    submitted: Path
    gradebook_url: str
    grades_csv: Path
    feedback_dir: Path
    report: Path
    course_report: Path
    summary: str


def build_submissions(samples_dir: Path, submitted: Path, settings: Settings) -> list[Path]:
    """One notebook per sample student and assignment, the student's answers filled in."""
    paths = []
    for sample in sorted(samples_dir.glob("*.py")):
        answers = parse_answers(sample.read_text(encoding="utf-8"))
        for assignment in ASSIGNMENTS:
            notebook = filled_notebook(settings.release_dir, assignment, answers)
            paths.append(write_submission(submitted, sample.stem, assignment, notebook))
    return paths


def run_demo(out: Path, settings: Settings | None = None, samples_dir: Path = SAMPLES_DIR) -> DemoOutput:
    settings = (settings or Settings()).with_batch_seed()
    assert settings.seed is not None
    if out.exists():
        shutil.rmtree(out)
    submitted = out / "submitted"
    build_submissions(samples_dir, submitted, settings)
    results = grade([submitted], settings)
    db_url = f"sqlite:///{(out / 'gradebook.db').resolve()}"
    gradebook.record(results, db_url, settings)
    gradebook.export_csv(db_url, out / "grades.csv")
    feedback.write_all(results, out / "feedback")
    (out / "report.json").write_text(reports.json_report(results, settings.seed), encoding="utf-8")
    course_report.write(out / "report.json", out / "report.html")
    return DemoOutput(
        submitted, db_url, out / "grades.csv", out / "feedback", out / "report.json", out / "report.html", reports.table(results)
    )
