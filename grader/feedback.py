"""What a student sees: their result as a Markdown report and as an HTML page."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from grader.exercises import EXERCISES
from grader.html import render_page
from grader.judge.rules import TAMPERING
from grader.records import ExerciseResult, SubmissionResult
from grader.sandbox.limits import Limits, describe

_LIMIT_HIT = re.compile(
    "could not be tested: (?:"
    + "|".join(re.escape(re.split(r"\d", describe(f.name, Limits()))[0]) for f in dataclasses.fields(Limits))
    + ")"
)
"""A job stopped by a sandbox limit: `describe` words every such message, up to its numbers."""


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


def flags(exercise: ExerciseResult) -> list[str]:
    """What the grader noticed about an exercise beyond its score, as short labels."""
    return message_flags([t.message for t in exercise.tests if not t.passed])


def message_flags(messages: list[str]) -> list[str]:
    found = []
    if any(TAMPERING in m for m in messages):
        found.append("tampering suspected")
    if any(_LIMIT_HIT.search(m) for m in messages):
        found.append("limit hit")
    return found


@dataclass(frozen=True)
class _TestView:
    label: str
    passed: bool
    message: str
    score: float
    points: float


@dataclass(frozen=True)
class _ExerciseView:
    id: str
    title: str
    score: float
    max_score: float
    flags: list[str]
    reason: str
    """The one message every test failed with (the exercise did not run, ...), shown once."""
    tests: list[_TestView]


def _exercise_view(exercise: ExerciseResult) -> _ExerciseView:
    messages = {t.message for t in exercise.tests}
    shared = len(exercise.tests) > 1 and not any(t.passed for t in exercise.tests) and len(messages) == 1
    tests = [
        _TestView(t.name.replace("_", " "), t.passed, "" if shared else t.message, t.score, t.points) for t in exercise.tests
    ]
    return _ExerciseView(
        exercise.exercise, EXERCISES[exercise.exercise].title, exercise.score, exercise.max_score,
        flags(exercise), messages.pop() if shared else "", tests,
    )


def render_html(result: SubmissionResult) -> str:
    """The student's page: score, then per exercise each test and what it found (a hidden
    test is shown by its name and message only, never its code)."""
    return render_page(
        "feedback.html", result=result, exercises=[_exercise_view(e) for e in result.exercises],
    )


def write_all(results: list[SubmissionResult], folder: Path) -> list[Path]:
    """Two files per submission: <folder>/<student>/<notebook>.md and .html (the notebook is
    named after its assignment, so a stray file beside it gets feedback of its own)."""
    written = []
    for result in results:
        owner = result.student or "unknown-student"
        path = folder / owner / f"{result.notebook}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(result), encoding="utf-8")
        page = path.with_suffix(".html")
        page.write_text(render_html(result), encoding="utf-8")
        written += [path, page]
    return written
