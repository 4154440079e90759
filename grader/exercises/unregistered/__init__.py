"""Notebook 05, exercise 3: find tensors a module holds without registering them."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="unregistered", assignment="05_inspecting", kind="function", names=("unregistered_tensors",), points=5)
