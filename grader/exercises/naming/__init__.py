"""Notebook 05, exercise 1: what named_children, named_modules and named_parameters each list."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="naming", assignment="05_inspecting", kind="function", names=("inventory",), points=5)
