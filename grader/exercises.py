"""The registry of exercises: one grade_id names the cell, the probe, the hidden tests and the gradebook row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    id: str
    """The solution cell's nbgrader grade_id."""
    assignment: str
    title: str
    """The class the student writes; also how messages refer to the exercise."""
    substitutes: tuple[str, ...] = ()
    """Exercises whose reference answer replaces the student's when this one is judged."""

    @property
    def test_cell(self) -> str:
        """grade_id of the hidden-test cell that carries this exercise's points."""
        return f"test_{self.id}"


@dataclass(frozen=True)
class Assignment:
    name: str
    exercises: tuple[str, ...]

    @property
    def notebook(self) -> str:
        return self.name

    @property
    def filename(self) -> str:
        return f"{self.name}.ipynb"


EXERCISES: dict[str, Exercise] = {
    e.id: e
    for e in (
        Exercise("relu", "01_modules", "ReLU"),
        Exercise("linear", "01_modules", "Linear"),
        Exercise("simple_mlp", "01_modules", "SimpleMLP", substitutes=("relu", "linear")),
        Exercise("matmul", "02_autograd", "MatMul"),
    )
}

ASSIGNMENTS: dict[str, Assignment] = {
    a.name: a
    for a in (
        Assignment("01_modules", ("relu", "linear", "simple_mlp")),
        Assignment("02_autograd", ("matmul",)),
    )
}


def assignment_for_filename(filename: str) -> Assignment | None:
    for assignment in ASSIGNMENTS.values():
        if assignment.filename == filename:
            return assignment
    return None
