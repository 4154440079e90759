"""The instructor's cells plus the student's answers -> the program for one exercise.

``assemble`` is pure; ``earlier_references`` reads the source notebooks of earlier assignments."""

from __future__ import annotations

from pathlib import Path

from grader.exercises import EXERCISES
from grader.records import Chunk, Program
from grader.references import Cell, instructor_cells, reference_answer, strip_solution_markers


def assemble(exercise_id: str, instructor: tuple[Cell, ...], answer: str, earlier: dict[str, str] | None = None) -> Program:
    """Cells in notebook order up to the exercise: given code from the instructor, the
    reference answer for every exercise this one builds on (so an earlier mistake is not
    punished twice), and finally the student's own cell.

    ``earlier`` holds reference answers, by grade_id, of exercises of earlier notebooks that
    this one builds on. They run just before the student's cell, so they take the place of
    any copy of those classes the notebook itself made."""
    exercise = EXERCISES[exercise_id]
    chunks: list[Chunk] = []
    for cell in instructor:
        if cell.grade_id == exercise_id:
            chunks.extend(Chunk(f"reference {unit}", source) for unit, source in (earlier or {}).items())
            chunks.append(Chunk(exercise_id, as_python(answer)))
            return Program(exercise_id, tuple(chunks))
        if cell.is_setup:
            chunks.append(Chunk(cell.grade_id, cell.source))
        elif cell.solution and cell.grade_id in exercise.builds_on:
            chunks.append(Chunk(f"reference {cell.grade_id}", strip_solution_markers(cell.source)))
    raise KeyError(f"the instructor notebook has no cell {exercise_id!r}")


def earlier_references(solutions_dir: Path, exercise_id: str) -> dict[str, str]:
    """For each exercise of an earlier notebook that this one builds on: code that defines its
    names from its reference answer. That answer runs in a scope of its own, after its own
    notebook's given cells (its imports), and only its names are kept."""
    exercise = EXERCISES[exercise_id]
    found: dict[str, str] = {}
    for unit in exercise.builds_on:
        spec = EXERCISES[unit]
        if spec.assignment == exercise.assignment:
            continue
        cells = instructor_cells(solutions_dir, spec.assignment)
        program = assemble(unit, cells, reference_answer(solutions_dir, spec.assignment, unit), earlier_references(solutions_dir, unit))
        code = "\n\n".join(chunk.source for chunk in program.chunks)
        found[unit] = (
            "_scope = {'__name__': '__main__'}\n"
            f"exec(compile({code!r}, {f'<reference {unit}>'!r}, 'exec'), _scope)\n"
            + "".join(f"{name} = _scope[{name!r}]\n" for name in spec.names)
            + "del _scope\n"
        )
    return found


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
