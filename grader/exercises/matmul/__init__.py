"""Exercise 4: matrix multiplication as a torch.autograd.Function with its own backward."""

from grader.exercises.spec import Exercise

SPEC = Exercise(id="matmul", assignment="02_autograd", kind="autograd_function", names=("MatMul",), points=5)
