"""Exercise 3: a 784-100-10 classifier built from the student's own Linear and ReLU."""

from grader.exercises.spec import Exercise

SPEC = Exercise(
    id="simple_mlp", assignment="01_modules", kind="module", names=("SimpleMLP",), points=5, builds_on=("relu", "linear")
)
