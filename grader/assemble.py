"""The instructor's cells plus the student's answers -> the program for one exercise.

``assemble`` is pure; ``earlier_references`` reads the source notebooks of earlier assignments."""

from __future__ import annotations

from pathlib import Path

from grader.exercises import EXERCISES
from grader.magics import BODY_MAGICS
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
            chunks.extend(Chunk(f"reference {unit}", source, given=True) for unit, source in (earlier or {}).items())
            chunks.append(Chunk(exercise_id, as_python(answer)))
            return Program(exercise_id, tuple(chunks))
        if cell.is_setup:
            chunks.append(Chunk(cell.grade_id, cell.source, given=True))
        elif cell.solution and cell.grade_id in exercise.builds_on:
            chunks.append(Chunk(f"reference {cell.grade_id}", strip_solution_markers(cell.source), given=True))
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


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _magic_call(text: str) -> str | None:
    """The call IPython would make for ``%name args``, ``!command`` or ``name?``; None for Python."""
    if text.startswith("%"):
        name, _, args = text.lstrip("%").partition(" ")
        return f"get_ipython().run_line_magic({name!r}, {args.strip()!r})"
    if text.startswith("!"):
        return f"get_ipython().system({text[1:].strip()!r})"
    if text.endswith("?") and "#" not in text and "=" not in text:
        return f"get_ipython().run_line_magic('pinfo', {text.rstrip('?').strip()!r})"
    return None


def _assigned_magic(text: str) -> str | None:
    """``files = !ls`` or ``t = %time f()`` as the assignment of the magic's call."""
    target, equals, value = text.partition("=")
    value = value.strip()
    if not equals or not value.startswith(("%", "!")):
        return None
    if not target.strip() or not all(part.strip().replace(".", "").isidentifier() for part in target.split(",")):
        return None
    call = _magic_call(value)
    return f"{target.strip()} = {call}" if call else None


def as_python(source: str) -> str:
    """Cell text as the kernel would run it: magics, shell escapes and help requests become
    calls to get_ipython(), which in the child is a stand-in that does nothing (but run the
    body of a cell magic such as %%time).

    One pass over the lines, linear in the text: IPython's own transformer takes minutes on
    a cell of a few thousand magics, and the parent must not. Lines inside a multi-line
    string are read as lines too; answer cells do not put magics there."""
    lines = source.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name, _, args = lines[first].strip()[2:].partition(" ")
        body = "\n".join(lines[first + 1 :]) + "\n"
        if name in BODY_MAGICS:  # what they run is the answer: it must be checked, and it runs as it is
            return as_python(body)
        return f"get_ipython().run_cell_magic({name!r}, {args.strip()!r}, {body!r})\n"
    changed = False
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or not (text[0] in "%!" or text[-1] == "?" or "=" in text and ("%" in text or "!" in text)):
            continue
        call = _magic_call(text) or _assigned_magic(text)
        if call:
            lines[i] = _indent(line) + call
            changed = True
    return "\n".join(lines) + "\n" if changed else source
