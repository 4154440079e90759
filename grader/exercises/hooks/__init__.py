"""Notebook 05, exercise 5: forward hooks that record, that change an output, and their removal."""

from grader.exercises.spec import Exercise

SPEC = Exercise(
    id="hooks", assignment="05_inspecting", kind="function", names=("record_outputs", "clamp_output", "remove_hooks"), points=5
)
