"""The one place that knows the order of the grading stages.

read (as data) -> assemble (per exercise) -> run (sandboxed children) -> judge (here) -> results
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from grader.assemble import as_python, assemble, earlier_references
from grader.config import Settings
from grader.discover import Target, discover
from grader.exercises import EXERCISES, assignment_for_filename
from grader.judge import all_failed, judge, max_score, not_attempted
from grader.notebook import Submission, Ungradable, read_submission
from grader.records import ExerciseResult, Program, RunOutcome, SubmissionResult
from grader.references import instructor_cells, release_cells
from grader.sandbox.pool import Sandbox


@dataclass(frozen=True)
class _Job:
    submission: int
    exercise: str
    program: Program
    source: str


def _ungradable(target: Target, message: str) -> SubmissionResult:
    assignment = assignment_for_filename(target.path.name)
    return SubmissionResult(
        submission=str(target.path),
        student=target.student,
        assignment=assignment.name if assignment else (target.path.parent.name if target.student else ""),
        notebook=target.path.stem,
        status="ungradable",
        error=message,
        max_score_if_ungradable=sum(max_score(e) for e in assignment.exercises) if assignment else 0.0,
    )


def _locked_sources(settings: Settings, assignment: str) -> dict[str, str]:
    """Locked cells as released, to notice a submission that edited them."""
    return {c.grade_id: c.source for c in release_cells(settings.release_dir, assignment) if c.locked and not c.solution}


def _plan(submission: Submission, index: int, settings: Settings) -> tuple[dict[str, ExerciseResult], list[_Job]]:
    """Exercises decided without running anything, and the jobs for the rest."""
    decided: dict[str, ExerciseResult] = {}
    jobs: list[_Job] = []
    stubs = {c.grade_id: c.source for c in release_cells(settings.release_dir, submission.assignment.name) if c.solution}
    cells = instructor_cells(settings.solutions_dir, submission.assignment.name)
    for exercise_id in submission.assignment.exercises:
        answer = submission.answers.get(exercise_id)
        if answer is None:
            decided[exercise_id] = all_failed(
                exercise_id,
                f"the {exercise_id} cell is missing from the notebook (deleted, or its nbgrader metadata was changed)",
            )
        elif answer.strip() == stubs.get(exercise_id, "").strip():
            decided[exercise_id] = not_attempted(exercise_id)
        else:
            # The static checks read the answer as Python, as it runs (magics become calls).
            earlier = earlier_references(settings.solutions_dir, exercise_id)
            jobs.append(_Job(index, exercise_id, assemble(exercise_id, cells, answer, earlier), as_python(answer)))
    return decided, jobs


def _verdict(job: _Job, outcome: RunOutcome) -> ExerciseResult:
    exercise = EXERCISES[job.exercise]
    if outcome.status == "ok" and outcome.observations is not None:
        try:
            return judge(exercise, outcome.observations, job.source)
        except Exception as exc:  # noqa: BLE001 - the observations came from the student's process
            print(f"grader: {exercise.id}: unusable observations ({exc!r})", file=sys.stderr)
            return all_failed(job.exercise, f"{exercise.title} could not be tested: its results were not in the expected form")
    last_words = outcome.stderr.strip().splitlines()[-1:] if outcome.status in ("exited", "crashed") else []
    said = f"; its last error output was: {last_words[0][:300]}" if last_words else ""
    return all_failed(job.exercise, f"{exercise.title} could not be tested: {outcome.detail}{said}")


def _read(target: Target, settings: Settings) -> Submission | SubmissionResult:
    """The submission as data, or its 'ungradable' result."""
    try:
        assignment = assignment_for_filename(target.path.name)
        locked = _locked_sources(settings, assignment.name) if assignment else {}
        submission = read_submission(
            target.path, student=target.student, locked_sources=locked, max_bytes=settings.max_notebook_bytes
        )
    except Ungradable as problem:
        return _ungradable(target, str(problem))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is that file's problem only
        print(f"grader: {target.path}: {exc!r}", file=sys.stderr)
        return _ungradable(target, f"{target.path.name} could not be read as a notebook ({type(exc).__name__})")
    if submission.edited_locked:
        print(
            f"note: {target.path}: locked cells were edited ({', '.join(submission.edited_locked)}); "
            "the instructor's versions were used",
            file=sys.stderr,
        )
    return submission


def grade_targets(targets: list[Target], settings: Settings) -> list[SubmissionResult]:
    read = [_read(target, settings) for target in targets]
    decided: dict[int, dict[str, ExerciseResult]] = {}
    jobs: list[_Job] = []
    for index, item in enumerate(read):
        if isinstance(item, Submission):
            decided[index], new_jobs = _plan(item, index, settings)
            jobs.extend(new_jobs)

    if jobs:
        with Sandbox(settings) as sandbox:
            outcomes = sandbox.run_all([job.program for job in jobs])
        for job, outcome in zip(jobs, outcomes):
            decided[job.submission][job.exercise] = _verdict(job, outcome)

    return [
        item if isinstance(item, SubmissionResult) else SubmissionResult(
            submission=str(item.path),
            student=item.student,
            assignment=item.assignment.name,
            notebook=item.path.stem,
            status="graded",
            exercises=tuple(decided[index][e] for e in item.assignment.exercises),
        )
        for index, item in enumerate(read)
    ]


def grade(paths: list[Path], settings: Settings | None = None) -> list[SubmissionResult]:
    """Grade notebooks and nbgrader-layout directories; raises ``BadPath`` for paths that name nothing."""
    return grade_targets(discover(paths), settings or Settings())

