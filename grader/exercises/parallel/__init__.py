"""Exercise 7: two modules run side by side on one input, their outputs concatenated."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="parallel", assignment="03_composition", kind="module", names=("Parallel",), points=5)
