"""An exercise may build on one of an earlier notebook: that exercise's reference takes the student's place."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from grader.assemble import assemble, earlier_references
from grader.config import Settings
from grader.exercises import EXERCISES, Exercise
from grader.inkernel import _substituted
from grader.references import Cell, instructor_cells

LATER = Exercise(id="two_layers", assignment="02_autograd", kind="module", names=("TwoLayers",), points=1, builds_on=("linear", "relu"))
ANSWER = "class TwoLayers(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a, self.b = Linear(3, 4), ReLU()\n"
BROKEN_LINEAR = "class Linear:\n    def __init__(self, *args):\n        raise RuntimeError('a student copy with a mistake')\n"


@pytest.fixture
def later_exercise(monkeypatch: pytest.MonkeyPatch) -> Exercise:
    """A unit of 02_autograd that builds on two exercises of 01_modules."""
    monkeypatch.setitem(EXERCISES, LATER.id, LATER)
    return LATER


def _run(program_chunks: tuple[Any, ...]) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for chunk in program_chunks:
        exec(compile(chunk.source, f"<cell {chunk.label}>", "exec"), namespace)
    return namespace


def test_assemble_puts_earlier_notebooks_references_before_the_answer(later_exercise: Exercise) -> None:
    settings = Settings()
    given = Cell("student_copy", "code", "from torch import nn\n" + BROKEN_LINEAR, solution=False, grade=False, locked=True)
    answer_cell = Cell(LATER.id, "code", "", solution=True, grade=False, locked=False)
    cells = (*instructor_cells(settings.solutions_dir, LATER.assignment), given, answer_cell)
    earlier = earlier_references(settings.solutions_dir, LATER.id)
    assert list(earlier) == ["linear", "relu"]
    program = assemble(LATER.id, cells, ANSWER, earlier)
    labels = [c.label for c in program.chunks]
    assert labels[-3:] == ["reference linear", "reference relu", LATER.id]
    assert labels.index("student_copy") < labels.index("reference linear")
    namespace = _run(program.chunks)
    model = namespace["TwoLayers"]()
    assert model.a(torch.ones(2, 3)).shape == (2, 4)
    assert "Flatten" not in namespace and "math" not in namespace, "only the names of the exercises built on cross over"


def test_references_of_the_same_notebook_stay_in_notebook_order() -> None:
    assert earlier_references(Settings().solutions_dir, "simple_mlp") == {}


def test_in_kernel_path_substitutes_across_notebooks(later_exercise: Exercise) -> None:
    namespace: dict[str, Any] = {"torch": torch}
    exec(BROKEN_LINEAR, namespace)
    broken = namespace["Linear"]
    with _substituted(namespace, LATER, Settings()):
        assert namespace["Linear"](3, 4)(torch.ones(2, 3)).shape == (2, 4)
        assert "ReLU" in namespace
    assert namespace["Linear"] is broken and "ReLU" not in namespace
