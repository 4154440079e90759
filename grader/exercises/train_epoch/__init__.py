"""Exercise 7: one pass over a data loader, training when given an optimizer, else evaluating."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="train_epoch", assignment="04_training", kind="function", names=("train_epoch",), points=4)
