"""Exercise 2: a Linear layer with registered parameters and PyTorch's initialisation."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="linear", assignment="01_modules", kind="module", names=("Linear",), points=10)
