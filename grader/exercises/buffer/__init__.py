"""Exercise 10: fixed statistics kept in buffers: saved and moved with the module, never trained."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="buffer", assignment="03_composition", kind="module", names=("Standardize",), points=5)
