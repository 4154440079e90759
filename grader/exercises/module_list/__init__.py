"""Exercise 6: why a plain list hides its layers (answered as code), and the fix with nn.ModuleList."""

from grader.exercises.spec import Exercise

SPEC = Exercise(
    id="module_list", assignment="03_composition", kind="module", names=("ModuleListSequential", "list_container_answer"), points=5
)
