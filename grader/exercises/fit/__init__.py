"""Exercise 8: train a SimpleMLP (the one of 01_modules) on MNIST and keep a history per epoch."""

from grader.exercises.spec import Exercise

SPEC = Exercise(
    id="fit", assignment="04_training", kind="function", names=("fit",), points=4,
    builds_on=("relu", "linear", "simple_mlp", "cross_entropy", "sgd", "train_epoch"),
)
