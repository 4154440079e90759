"""Pure: the instructor's cells plus the student's answers -> the program for one exercise."""

from __future__ import annotations

from grader.exercises import EXERCISES
from grader.records import Chunk, Program
from grader.references import Cell, strip_solution_markers


def assemble(exercise_id: str, instructor: tuple[Cell, ...], answer: str) -> Program:
    """Cells in notebook order up to the exercise: given code from the instructor, the
    reference answer for every exercise this one builds on (so an earlier mistake is not
    punished twice), and finally the student's own cell."""
    exercise = EXERCISES[exercise_id]
    chunks: list[Chunk] = []
    for cell in instructor:
        if cell.grade_id == exercise_id:
            chunks.append(Chunk(exercise_id, answer))
            return Program(exercise_id, tuple(chunks))
        if cell.is_setup:
            chunks.append(Chunk(cell.grade_id, cell.source))
        elif cell.solution and cell.grade_id in exercise.substitutes:
            chunks.append(Chunk(f"reference {cell.grade_id}", strip_solution_markers(cell.source)))
    raise KeyError(f"the instructor notebook has no cell {exercise_id!r}")
