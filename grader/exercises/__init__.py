"""The registry of exercises, built from the units in this folder.

Each exercise is one sub-package named by its grade_id: ``__init__`` holds its ``SPEC``
(plain data), ``probe.py`` observes the student's answer in the child, ``hidden.py`` holds
the hidden tests the judge runs, ``catalogue.py`` the correct answers and known mistakes the
audit grades. ``inputs.py``, when present, builds the inputs both sides need.
Only the spec, the inputs and the probe are ever needed where student code runs
(``child_side_paths``). ``conftest.py`` lets pytest run a unit's hidden tests one by one.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from grader.exercises.spec import Assignment, Exercise

__all__ = ["ASSIGNMENTS", "EXERCISES", "Assignment", "Exercise", "assignment_for_filename", "child_side_paths"]

COURSE_ORDER = (
    "relu", "linear", "simple_mlp", "matmul",
    "my_sequential", "module_list", "parallel", "clones", "my_flatten", "buffer", "dropout",
    "cross_entropy", "sgd", "train_epoch", "fit",
    "naming", "freeze", "unregistered", "reinit", "hooks",
)
"""Every unit, in the order students meet them (notebook by notebook)."""

PACKAGE = Path(__file__).resolve().parent


def _load() -> dict[str, Exercise]:
    exercises: dict[str, Exercise] = {}
    for unit in COURSE_ORDER:
        spec = import_module(f"grader.exercises.{unit}").SPEC
        if not isinstance(spec, Exercise) or spec.id != unit:
            raise TypeError(f"grader/exercises/{unit}/__init__.py must define SPEC = Exercise(id={unit!r}, ...)")
        exercises[unit] = spec
    return exercises


EXERCISES: dict[str, Exercise] = _load()

ASSIGNMENTS: dict[str, Assignment] = {
    name: Assignment(name, tuple(e.id for e in EXERCISES.values() if e.assignment == name))
    for name in dict.fromkeys(e.assignment for e in EXERCISES.values())
}


def assignment_for_filename(filename: str) -> Assignment | None:
    for assignment in ASSIGNMENTS.values():
        if assignment.filename == filename:
            return assignment
    return None


CHILD_SIDE_SHARED = (
    "__init__.py", "records.py", "text.py", "magics.py", "probes", "sandbox",
    "exercises/__init__.py", "exercises/spec.py", "exercises/builders.py", "exercises/mnist.py",
)
CHILD_SIDE_UNIT_FILES = ("__init__.py", "inputs.py", "probe.py")


def child_side_paths() -> list[Path]:
    """Everything under the ``grader`` package that the child (sandbox harness) needs, relative
    to that package: the records, the registry and specs, the input builders and the probes.
    Hidden tests, catalogues and the judge are never among them."""
    paths = [Path(p) for p in CHILD_SIDE_SHARED]
    for unit in COURSE_ORDER:
        paths.extend(Path("exercises", unit, name) for name in CHILD_SIDE_UNIT_FILES if (PACKAGE / unit / name).exists())
    return paths
