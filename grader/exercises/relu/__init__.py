"""Exercise 1: ReLU as an nn.Module, without torch's own relu."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="relu", assignment="01_modules", kind="module", names=("ReLU",), points=5)
