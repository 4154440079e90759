"""Exercise 6: stochastic gradient descent with momentum as a torch.optim.Optimizer."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="sgd", assignment="04_training", kind="optimizer", names=("SGD",), points=4)
