"""The trusted side: turns observations into verdicts. Never imports or runs student code."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

from grader.exercises import EXERCISES, Exercise
from grader.judge.evidence import Evidence, Failure
from grader.judge.hidden import HiddenTest
from grader.judge.rules import describe, violations
from grader.records import GATED, ExerciseResult, TestResult


def hidden_tests(exercise_id: str) -> tuple[HiddenTest, ...]:
    return import_module(f"grader.exercises.{exercise_id}.hidden").TESTS


def max_score(exercise_id: str) -> float:
    return float(sum(test.points for test in hidden_tests(exercise_id)))


def all_failed(exercise_id: str, message: str) -> ExerciseResult:
    """Every test of the exercise failed for one reason (not attempted, crashed, ...)."""
    return ExerciseResult(
        exercise_id,
        tuple(TestResult(test.name, False, message, test.points) for test in hidden_tests(exercise_id)),
    )


def not_attempted(exercise_id: str) -> ExerciseResult:
    exercise = EXERCISES[exercise_id]
    return all_failed(exercise_id, Evidence(exercise, {}, "", seed=0).not_implemented())  # no inputs rebuilt for a message


def _blocking_problem(ev: Evidence) -> str | None:
    """A reason no test of this exercise can pass, or None."""
    exercise = ev.exercise
    cell_errors = ev.get("cell_errors", {})
    if not isinstance(cell_errors, dict):
        return "internal grader problem: the results of running the cells were not in the expected form"
    own_error = cell_errors.get(exercise.id)
    for label, error in cell_errors.items():
        if label != exercise.id:
            return f"internal grader problem: the instructor's cell {label!r} failed ({ev.explain('it', error)})"
    missing = ev.get("missing")
    if missing:
        if own_error is not None:
            return ev.explain(f"running your {exercise.id} cell", own_error) + f", so {missing} was never defined"
        what = "a class" if exercise.is_class else "a function"
        return f"{missing} is not defined: the {exercise.id} cell must define {what} named {missing}"
    if ev.get("not_a_class"):
        return f"{exercise.title} should be a class, but it is a {ev.get('not_a_class')}"
    if ev.get("not_a_function"):
        return f"{exercise.title} should be a function, but it is a {ev.get('not_a_function')}"
    if any(ev.get(key) is False for key in ("is_function", "is_module", "right_kind")):
        return f"{exercise.title} must be {exercise.must_be()}"
    if "construct/error" in ev:
        return ev.explain(f"creating {exercise.title}(...)", ev.get("construct/error"))
    return None


def rule_breach(exercise: Exercise, source: str) -> ExerciseResult | None:
    """Zero for an answer that uses what answers may not use (``rules``), or None. Decided from
    the source alone, so the grader need not run it, and nothing it does when run can undo it."""
    found = violations(source, exercise.names)
    return all_failed(exercise.id, describe(found, exercise.title)) if found else None


def judge(exercise: Exercise, observations: dict[str, Any], source: str, *, seed: int, enforce_rules: bool = True) -> ExerciseResult:
    """``seed`` must be the one the probe was given: the hidden tests recompute its inputs from it."""
    breach = rule_breach(exercise, source) if enforce_rules else None
    if breach:
        return breach
    ev = Evidence(exercise, observations, source, seed)
    problem = _blocking_problem(ev)
    if problem:
        return all_failed(exercise.id, problem)
    results: dict[str, TestResult] = {}
    for test in hidden_tests(exercise.id):
        results[test.name] = _run(test, ev, results)
    return ExerciseResult(exercise.id, tuple(results.values()))


def _run(test: HiddenTest, ev: Evidence, earlier: dict[str, TestResult]) -> TestResult:
    unmet = [name for name in test.requires if not earlier[name].passed]
    if unmet:
        message = f"{GATED}{' and '.join(n.replace('_', ' ') for n in unmet)} passes"
        return TestResult(test.name, False, message, test.points)
    try:
        test.run(ev)
        return TestResult(test.name, True, "", test.points)
    except Failure as failure:
        return TestResult(test.name, False, str(failure), test.points)
    except Exception as exc:  # noqa: BLE001 - a judge bug must not stop the batch; it is reported
        print(f"grader: hidden test {ev.exercise.id}.{test.name} crashed: {exc!r}", file=sys.stderr)
        message = f"internal grader problem in this test ({type(exc).__name__}); please tell the instructor"
        return TestResult(test.name, False, message, test.points)
