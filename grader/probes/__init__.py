"""Probes exercise a student's objects on inputs chosen by the grader and record what happened.

A probe never decides anything: it returns plain observations (tensors, strings, numbers,
lists and dicts of them) that the judge, in another process, compares with the truth.
The same probes run in the sandboxed child and, for plain ``nbgrader autograde``, in the kernel.
Each exercise's probe is ``grader/exercises/<grade_id>/probe.py``; the shared recording
helpers are in ``grader.probes.common``.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def probe_module(exercise_id: str) -> ModuleType:
    return import_module(f"grader.exercises.{exercise_id}.probe")
