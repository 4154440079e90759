"""Exercise 8: k independent deep copies of a block, held in an nn.ModuleList."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="clones", assignment="03_composition", kind="function", names=("clones",), points=5)
