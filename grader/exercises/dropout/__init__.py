"""Exercise 11: inverted dropout that follows the module's training flag."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="dropout", assignment="03_composition", kind="module", names=("Dropout",), points=10)
