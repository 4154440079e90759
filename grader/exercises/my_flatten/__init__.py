"""Exercise 9: Flatten(start_dim, end_dim) as nn.Flatten computes it, without torch's flatten."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="my_flatten", assignment="03_composition", kind="module", names=("Flatten",), points=5)
