"""Exercise 5: a Sequential container that registers its modules with add_module."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="my_sequential", assignment="03_composition", kind="module", names=("MySequential",), points=5)
