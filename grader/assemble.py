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
            chunks.append(Chunk(exercise_id, as_python(answer)))
            return Program(exercise_id, tuple(chunks))
        if cell.is_setup:
            chunks.append(Chunk(cell.grade_id, cell.source))
        elif cell.solution and cell.grade_id in exercise.substitutes:
            chunks.append(Chunk(f"reference {cell.grade_id}", strip_solution_markers(cell.source)))
    raise KeyError(f"the instructor notebook has no cell {exercise_id!r}")


def _has_ipython_syntax(source: str) -> bool:
    """A line that starts with % or ! or ends with ?: one pass, linear in the text (a regular
    expression with \\s* across lines backtracks quadratically on a cell of blank lines)."""
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(("%", "!")) or stripped.endswith("?"):
            return True
    return False


def as_python(source: str) -> str:
    """Cell text as the kernel would run it: magics and shell escapes become calls to
    get_ipython(), which in the child is a stand-in that does nothing."""
    if not _has_ipython_syntax(source):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython gives up on some inputs; the cell then fails as Python would
        return source
