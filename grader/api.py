"""The one place that knows the order of the grading stages.

read (as data) -> assemble (per exercise) -> run (sandboxed children) -> judge (here) -> results
"""

from __future__ import annotations

import sys
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import torch

from grader.assemble import as_python, assemble, earlier_references
from grader.cache import ResultCache, job_key
from grader.config import Settings
from grader.discover import Target, discover
from grader.exercises import EXERCISES, assignment_for_filename
from grader.judge import all_failed, judge, max_score, not_attempted, rule_breach
from grader.judge.budget import JudgeTimeout, time_budget
from grader.notebook import Submission, Ungradable, read_submission
from grader.records import ExerciseResult, Program, RunOutcome, SubmissionResult
from grader.references import instructor_cells, release_cells
from grader.sandbox.pool import Interrupted, Sandbox, SchedulerUnavailable
from grader.text import clean


@dataclass(frozen=True)
class _Job:
    submission: int
    exercise: str
    program: Program
    source: str


def _ungradable(target: Target, message: str) -> SubmissionResult:
    assignment = assignment_for_filename(target.path.name)
    return SubmissionResult(
        submission=clean(str(target.path)),
        student=_student(target),
        assignment=assignment.name if assignment else (clean(target.path.parent.name) if target.student else ""),
        notebook=clean(target.path.stem),
        status="ungradable",
        error=clean(message),
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
        elif len(answer) > settings.max_answer_chars:
            decided[exercise_id] = all_failed(
                exercise_id,
                f"the {exercise_id} cell is {len(answer)} characters long, more than the {settings.max_answer_chars} an answer may have",
            )
        else:
            # The static checks read the answer as Python, as it runs (magics become calls).
            source = as_python(answer)
            breach = rule_breach(EXERCISES[exercise_id], source) if settings.enforce_rules else None
            if breach:
                decided[exercise_id] = breach
                continue
            earlier = earlier_references(settings.solutions_dir, exercise_id)
            jobs.append(_Job(index, exercise_id, assemble(exercise_id, cells, answer, earlier), source))
    return decided, jobs


def _verdict(job: _Job, outcome: RunOutcome, settings: Settings) -> ExerciseResult:
    exercise = EXERCISES[job.exercise]
    if outcome.status == "ok" and outcome.observations is not None:
        assert job.program.seed is not None  # grade_targets gives every job the batch's seed
        try:
            with time_budget(settings.judge_seconds):
                return judge(exercise, outcome.observations, job.source, seed=job.program.seed, enforce_rules=settings.enforce_rules)
        except JudgeTimeout:
            print(f"grader: {exercise.id}: judging took more than {settings.judge_seconds:g} s", file=sys.stderr)
            return all_failed(job.exercise, f"internal grader problem: judging {exercise.title} took too long; please tell the instructor")
        except Exception as exc:  # noqa: BLE001 - the observations came from the student's process
            print(f"grader: {exercise.id}: unusable observations ({exc!r})", file=sys.stderr)
            return all_failed(job.exercise, f"{exercise.title} could not be tested: its results were not in the expected form")
    if outcome.status == "infrastructure":
        return all_failed(job.exercise, f"internal grader problem: {outcome.detail}; please regrade this submission")
    last_words = outcome.stderr.strip().splitlines()[-1:] if outcome.status in ("exited", "crashed") else []
    said = f"; its last error output was: {last_words[0][:300]}" if last_words else ""
    return all_failed(job.exercise, f"{exercise.title} could not be tested: {outcome.detail}{said}")


def _student(target: Target) -> str | None:
    """The student's folder name as text that is safe to store and show."""
    return clean(target.student, 200) if target.student is not None else None


def _read(target: Target, settings: Settings) -> Submission | SubmissionResult:
    """The submission as data, or its 'ungradable' result."""
    if target.linked:
        return _ungradable(target, f"{target.path.name} is reached through a symbolic link; submit the notebook file itself")
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
    return submission


def _notes(submission: Submission) -> tuple[str, ...]:
    if not submission.edited_locked:
        return ()
    cells = ", ".join(clean(grade_id, 100) for grade_id in submission.edited_locked)
    return (f"locked cells were edited ({cells}); the instructor's versions were used",)


def _executor(settings: Settings) -> Any:
    """Where jobs run: this machine's sandbox, or the sandboxes of a Dask cluster's workers."""
    if settings.scheduler is None:
        return Sandbox(settings)
    try:
        from grader.sandbox.cluster import DaskSandbox
    except ImportError:
        raise SchedulerUnavailable(
            'grading on a Dask cluster needs Dask distributed: pip install -e ".[dask]" (here and on every worker)'
        ) from None
    return DaskSandbox(settings, settings.scheduler)


def _progress(read: list[Submission | SubmissionResult], jobs: list[_Job], finished: list[int]) -> str:
    pending = {jobs[i].submission for i in set(range(len(jobs))) - set(finished)}
    complete = [item for index, item in enumerate(read) if isinstance(item, Submission) and index not in pending]
    names = ", ".join(clean(f"{item.student or '-'}/{item.path.name}", 100) for item in complete[:20])
    more = f" and {len(complete) - 20} more" if len(complete) > 20 else ""
    return (
        f"{len(set(finished))} of {len(jobs)} jobs had finished; {len(complete)} of "
        f"{sum(isinstance(item, Submission) for item in read)} submissions were completely graded"
        + (f" ({names}{more})" if complete else "")
        + "; nothing was recorded"
    )


class Progress(Protocol):
    """Told how many jobs a batch runs, then of each one as it is judged."""

    def start(self, jobs: int) -> None: ...

    def advance(self) -> None: ...


def grade_targets(
    targets: list[Target], settings: Settings, *, cache: ResultCache | None = None, force: bool = False,
    progress: Progress | None = None, sandbox: Sandbox | None = None,
) -> list[SubmissionResult]:
    """Grade one batch. Give ``settings`` a seed (``Settings.with_batch_seed``) to know the
    batch's seed, e.g. for its report; without one, a fresh secret seed is drawn here.
    With a ``cache``, jobs whose key it holds are not run (unless ``force``), and every new
    result is stored in it. A ``sandbox`` the caller started early (``Sandbox.start``) runs
    the jobs and is closed after them; the caller closes it too (again harmless), for the
    batch that had nothing to run. Without one, one is started when there are jobs to run."""
    settings = settings.with_batch_seed()
    assert settings.seed is not None
    # The judge's tensors are small: more threads would only spin against the jobs for the cores.
    torch.set_num_threads(1)
    read = [_read(target, settings) for target in targets]
    decided: dict[int, dict[str, ExerciseResult]] = {}
    jobs: list[_Job] = []
    for index, item in enumerate(read):
        if isinstance(item, Submission):
            try:
                decided[index], new_jobs = _plan(item, index, settings)
            except Exception as exc:  # noqa: BLE001 - one submission must never stop the batch
                print(f"grader: {item.path}: could not be prepared ({exc!r})", file=sys.stderr)
                decided[index], new_jobs = {e: all_failed(e, "internal grader problem: this answer could not be prepared for testing; please tell the instructor") for e in item.assignment.exercises}, []
            jobs.extend(replace(job, program=job.program.with_seed(settings.seed)) for job in new_jobs)

    # One run per distinct program: identical answers (a shared file, an untouched notebook
    # resubmitted) are graded once, and a cache gives back what an earlier batch decided.
    keys = [job_key(job.program, settings) for job in jobs]
    stored = {key: result for key in dict.fromkeys(keys) if cache is not None and not force and (result := cache.get(key))}
    distinct: dict[str, _Job] = {}
    for key, job in zip(keys, jobs):
        if key not in stored:
            distinct.setdefault(key, job)
    to_run = list(distinct.items())
    if progress is not None:
        progress.start(len(to_run))
    verdicts: dict[str, ExerciseResult] = {}
    if to_run:
        finished: list[int] = []
        try:
            # Judged here, in the main thread (its time budget needs it), while the other jobs run.
            executor: Any = sandbox if sandbox is not None else _executor(settings)
            with executor, closing(executor.completed([job.program for _, job in to_run])) as stream:
                for index, outcome in stream:
                    key, job = to_run[index]
                    verdicts[key] = _verdict(job, outcome, settings)
                    finished.append(index)
                    if progress is not None:
                        progress.advance()
        except KeyboardInterrupt:
            raise Interrupted(_progress(read, [job for _, job in to_run], finished)) from None
        if cache is not None:
            cache.put_all(list(verdicts.items()))
    ran_anew: set[int] = set()
    for job, key in zip(jobs, keys):
        if key in verdicts:
            ran_anew.add(job.submission)
        decided[job.submission][job.exercise] = verdicts[key] if key in verdicts else stored[key]

    return [
        item if isinstance(item, SubmissionResult) else SubmissionResult(
            submission=clean(str(item.path)),
            student=_student(Target(item.path, item.student)),
            assignment=item.assignment.name,
            notebook=item.path.stem,
            status="graded",
            exercises=tuple(decided[index][e] for e in item.assignment.exercises),
            notes=_notes(item),
            reused=index not in ran_anew and any(decided[index][e].reused for e in item.assignment.exercises),
        )
        for index, item in enumerate(read)
    ]


def grade(
    paths: list[Path], settings: Settings | None = None, *, cache: ResultCache | None = None, force: bool = False,
    progress: Progress | None = None, sandbox: Sandbox | None = None,
) -> list[SubmissionResult]:
    """Grade notebooks and nbgrader-layout directories; raises ``BadPath`` for paths that name nothing."""
    return grade_targets(discover(paths), settings or Settings(), cache=cache, force=force, progress=progress, sandbox=sandbox)

