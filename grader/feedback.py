"""What a student sees: their result as a short Markdown report."""

from __future__ import annotations

from pathlib import Path

from grader.exercises import EXERCISES
from grader.records import SubmissionResult


def render(result: SubmissionResult) -> str:
    lines = [f"# Feedback: {result.assignment or result.notebook}", ""]
    if result.student:
        lines += [f"Student: {result.student}", ""]
    if result.status == "ungradable":
        lines += [f"**This notebook could not be graded:** {result.error}", "", f"Score: 0 / {result.max_score:g}", ""]
        return "\n".join(lines)
    lines += [f"**Score: {result.score:g} / {result.max_score:g}**", ""]
    lines += [f"Note: {note}" for note in result.notes] + ([""] if result.notes else [])
    for exercise in result.exercises:
        title = EXERCISES[exercise.exercise].title
        lines += [f"## {title} (`{exercise.exercise}`): {exercise.score:g} / {exercise.max_score:g}", ""]
        for test in exercise.tests:
            mark = "passed" if test.passed else "FAILED"
            lines.append(f"- {test.name.replace('_', ' ')}: {mark}" + (f" — {test.message}" if test.message else ""))
        lines.append("")
    return "\n".join(lines)


def write_all(results: list[SubmissionResult], folder: Path) -> list[Path]:
    """One file per submission: <folder>/<student>/<notebook>.md (the notebook is named after its
    assignment, so a stray file beside it gets feedback of its own)."""
    written = []
    for result in results:
        owner = result.student or "unknown-student"
        path = folder / owner / f"{result.notebook}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(result), encoding="utf-8")
        written.append(path)
    return written
