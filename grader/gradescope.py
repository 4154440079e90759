"""Results in Gradescope's autograder format: one results.json per submission.

Gradescope shows each entry of ``tests`` as a test case with its own score; a hidden test
appears by its name and its message (``output``), never its code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from grader.exercises import EXERCISES
from grader.records import SubmissionResult

Visibility = Literal["hidden", "after_due_date", "after_published", "visible"]
VISIBILITIES: tuple[Visibility, ...] = ("visible", "after_due_date", "after_published", "hidden")


def results_json(result: SubmissionResult, visibility: Visibility = "visible") -> dict[str, Any]:
    """The submission as Gradescope's results.json document."""
    if result.status == "ungradable":
        return {
            "score": 0.0,
            "output": f"This notebook could not be graded: {result.error}",
            "output_format": "text",
            "visibility": visibility,
            "tests": [],
        }
    tests = []
    for exercise in result.exercises:
        title = EXERCISES[exercise.exercise].title
        for test in exercise.tests:
            tests.append({
                "name": f"{title} ({exercise.exercise}): {test.name.replace('_', ' ')}",
                "score": test.score,
                "max_score": test.points,
                "status": "passed" if test.passed else "failed",
                "output": test.message if not test.passed else "passed",
                "output_format": "text",  # student text is shown as it is, never as HTML or Markdown
                "visibility": visibility,
            })
    output = "\n".join(f"Note: {note}" for note in result.notes)
    return {"score": result.score, "output": output, "output_format": "text", "visibility": visibility, "tests": tests}


def write_all(results: list[SubmissionResult], folder: Path, visibility: Visibility = "visible") -> list[Path]:
    """<folder>/<student>/<notebook>/results.json, one per submission."""
    written = []
    for result in results:
        path = folder / (result.student or "unknown-student") / result.notebook / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results_json(result, visibility), indent=2), encoding="utf-8")
        written.append(path)
    return written
