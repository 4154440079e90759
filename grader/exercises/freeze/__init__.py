"""Notebook 05, exercise 2: freeze a sub-module and train only what still requires grad."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="freeze", assignment="05_inspecting", kind="function", names=("freeze", "trainable_sgd"), points=5)
