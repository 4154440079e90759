"""The same probes and hidden tests, run inside a Jupyter kernel by plain `nbgrader autograde`.

A hidden-test cell calls ``grade_in_kernel("relu", globals())``; its value, the exercise's
score, is the cell's output, which nbgrader reads as partial credit. This path trusts the
kernel, so it is only as safe as nbgrader itself; ``python -m grader grade`` is the safe one.
For honest submissions both give the same scores.
"""

from __future__ import annotations

import ast
import contextlib
import io
import warnings
from typing import Any, Iterator

import torch

from grader.assemble import earlier_references
from grader.config import Settings
from grader.exercises import EXERCISES, Exercise
from grader.judge import judge
from grader.judge.rules import violations
from grader.judge.schema import validate
from grader.probes import probe_module
from grader.records import ExerciseResult
from grader.references import reference_answer


DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _cell_source(namespace: dict[str, Any], name: str) -> str:
    """The most recent executed cell that defines the class or function ``name`` (IPython keeps
    them in ``In``, magics already translated)."""
    history = namespace.get("In")
    for source in reversed(history if isinstance(history, list) else []):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if any(isinstance(node, DEFINITIONS) and node.name == name for node in tree.body):
            return source
    return ""


@contextlib.contextmanager
def _substituted(namespace: dict[str, Any], exercise: Exercise, settings: Settings) -> Iterator[None]:
    """Temporarily replace the classes this exercise builds on with the reference ones."""
    if not exercise.builds_on:
        yield
        return
    scratch = dict(namespace)
    earlier = earlier_references(settings.solutions_dir, exercise.id)
    for dependency in exercise.builds_on:
        if dependency in earlier:  # of an earlier notebook: with that notebook's imports
            exec(earlier[dependency], scratch)
        else:
            exec(reference_answer(settings.solutions_dir, exercise.assignment, dependency), scratch)
    names = [name for d in exercise.builds_on for name in EXERCISES[d].names]
    saved = {name: namespace[name] for name in names if name in namespace}
    namespace.update({name: scratch[name] for name in names})
    try:
        yield
    finally:
        for name in names:
            if name in saved:
                namespace[name] = saved[name]
            else:
                namespace.pop(name, None)


def _across_boundary(observations: dict[str, Any]) -> dict[str, Any]:
    """Serialise as the sandbox does, so both paths judge exactly the same kind of data."""
    buffer = io.BytesIO()
    torch.save(observations, buffer)
    buffer.seek(0)
    return validate(torch.load(buffer, weights_only=True))


def describe(result: ExerciseResult) -> str:
    lines = [f"{EXERCISES[result.exercise].title}: {result.score:g} / {result.max_score:g} points"]
    for test in result.tests:
        lines.append(f"  {'passed' if test.passed else 'FAILED'}  {test.name}" + (f": {test.message}" if test.message else ""))
    return "\n".join(lines)


def grade_in_kernel(exercise_id: str, namespace: dict[str, Any], seed: int | None = None) -> float:
    """The exercise's score. Its inputs come from ``seed``, by default a fresh random one each
    call, as in the sandbox: honest answers score the same whatever the seed."""
    exercise = EXERCISES[exercise_id]
    settings = Settings(seed=seed).with_batch_seed()
    assert settings.seed is not None
    # nbgrader gives 0 points to a test cell that writes anything to stderr: keep warnings out.
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), torch.random.fork_rng():
        warnings.simplefilter("ignore")
        with _substituted(namespace, exercise, settings):
            observations = probe_module(exercise_id).observe(namespace, settings.seed)
        observations = _across_boundary(observations)
    result = judge(exercise, observations, _cell_source(namespace, exercise.title), seed=settings.seed)
    print(describe(result))
    return result.score


def check_rules(exercise_id: str, namespace: dict[str, Any]) -> bool:
    """For a visible check: say before submission what grading would refuse unrun, with the
    same rules (``grader.judge.rules``) read from the answer cell the kernel last ran."""
    exercise = EXERCISES[exercise_id]
    found = violations(_cell_source(namespace, exercise.title), exercise.names)
    for violation in found:
        print(f"Rule broken in your {exercise.title} cell: {violation}.")
    if found:
        print(f"Graded as it is, {exercise.title} would score 0 points without being run: change those lines.")
    return not found
