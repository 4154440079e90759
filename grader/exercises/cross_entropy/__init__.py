"""Exercise 5: cross-entropy from logits as an nn.Module, stable for large logits."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="cross_entropy", assignment="04_training", kind="module", names=("CrossEntropyLoss",), points=4)
