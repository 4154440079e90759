"""Notebook 05, exercise 4: re-initialise every Linear of a model through model.apply."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="reinit", assignment="05_inspecting", kind="function", names=("reinit", "init_linear"), points=5)
