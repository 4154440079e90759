"""The student's self-check: a working notebook's visible checks, run out of kernel in the sandbox.

For each exercise the program is what the notebook itself runs up to that exercise's
visible check: the release's given cells, the student's own answers in notebook order, then
the check cell as released (an edited check cannot pass itself). An answer that is still
the stub is 'not attempted'; one that breaks the rules for answer cells is 'failed' with the
rule, unrun, as in grading. Nothing is graded here and no hidden test is involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.assemble import as_python
from grader.config import Settings
from grader.exercises import EXERCISES
from grader.judge.rules import describe, violations
from grader.notebook import Submission, read_submission
from grader.records import Chunk, Program, RunOutcome
from grader.references import Cell, release_cells
from grader.sandbox.pool import Sandbox

CheckStatus = Literal["passed", "failed", "not attempted"]


@dataclass(frozen=True)
class CheckResult:
    exercise: str
    points: float
    status: CheckStatus
    message: str


def _program(exercise_id: str, cells: tuple[Cell, ...], submission: Submission, seed: int) -> Program | None:
    """Given cells and the student's answers up to the exercise, then its visible check."""
    chunks: list[Chunk] = []
    for cell in cells:
        if cell.is_setup:
            chunks.append(Chunk(cell.grade_id, cell.source, given=True))
        elif cell.solution and cell.grade_id in submission.answers:
            chunks.append(Chunk(cell.grade_id, as_python(submission.answers[cell.grade_id])))
        elif cell.grade_id == f"check_{exercise_id}":
            chunks.append(Chunk(cell.grade_id, cell.source, given=True))
            return Program(exercise_id, tuple(chunks), seed)
    return None


def _verdict(exercise_id: str, outcome: RunOutcome) -> tuple[CheckStatus, str]:
    check = f"check_{exercise_id}"
    if outcome.status != "ok" or outcome.observations is None:
        return "failed", f"the check could not run: {outcome.detail}"
    errors = outcome.observations.get("cell_errors", {})
    for label, error in errors.items() if isinstance(errors, dict) else []:
        if label in EXERCISES and label != exercise_id:
            continue  # an earlier exercise's own failure; this check says if it matters here
        where = {check: "the visible check", exercise_id: f"your {exercise_id} cell"}.get(label, f"the given cell {label}")
        return "failed", f"{where} raised {error.get('type')}: {error.get('message')}"
    said = [line for line in outcome.stdout.splitlines() if "passes" in line]
    return "passed", said[-1] if said else "the visible check ran without complaint"


def check_notebook(path: Path, settings: Settings | None = None) -> list[CheckResult]:
    """One result per exercise of the notebook's assignment; raises ``Ungradable`` for a file
    that is not one of the workbook's notebooks."""
    settings = (settings or Settings()).with_batch_seed()
    submission = read_submission(path, student=None, locked_sources={}, max_bytes=settings.max_notebook_bytes)
    cells = release_cells(settings.release_dir, submission.assignment.name)
    stubs = {c.grade_id: c.source.strip() for c in cells if c.solution}
    results: dict[str, CheckResult] = {}
    runs: list[tuple[str, Program]] = []
    for exercise_id in submission.assignment.exercises:
        spec = EXERCISES[exercise_id]
        answer = submission.answers.get(exercise_id)
        if answer is None or answer.strip() == stubs.get(exercise_id):
            results[exercise_id] = CheckResult(exercise_id, spec.points, "not attempted", "still the stub")
            continue
        if len(answer) > settings.max_answer_chars:
            message = f"the answer is {len(answer)} characters long, more than the {settings.max_answer_chars} an answer may have"
            results[exercise_id] = CheckResult(exercise_id, spec.points, "failed", message)
            continue
        found = violations(as_python(answer), spec.names)
        program = _program(exercise_id, cells, submission, settings.seed or 0)
        if found:
            results[exercise_id] = CheckResult(exercise_id, spec.points, "failed", describe(found, spec.title))
        elif program is None:
            results[exercise_id] = CheckResult(exercise_id, spec.points, "failed", "this notebook has no visible check for it")
        else:
            runs.append((exercise_id, program))
    if runs:
        with Sandbox(settings) as sandbox:
            outcomes = sandbox.run_all([program for _, program in runs])
        for (exercise_id, _), outcome in zip(runs, outcomes):
            status, message = _verdict(exercise_id, outcome)
            results[exercise_id] = CheckResult(exercise_id, EXERCISES[exercise_id].points, status, message)
    return [results[e] for e in submission.assignment.exercises]


def table(results: list[CheckResult]) -> str:
    lines = []
    for r in results:
        lines.append(f"{r.exercise:<12} {r.points:g} points at stake  {r.status:<13}  {r.message}")
    attempted = [r for r in results if r.status != "not attempted"]
    passed = sum(r.status == "passed" for r in attempted)
    lines.append(f"{passed} of {len(attempted)} attempted exercises pass their visible checks "
                 f"({len(results) - len(attempted)} not attempted). Hidden tests check much more when you submit.")
    return "\n".join(lines)
