"""What an exercise is, as plain data: no torch, so the registry loads fast on both sides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["module", "autograd_function", "optimizer", "function"]
"""What the student writes: a subclass of nn.Module, of torch.autograd.Function or of
torch.optim.Optimizer, or a plain function (a loss, a training step)."""

KIND_DESCRIPTION: dict[str, str] = {
    "module": "a subclass of nn.Module: class {name}(nn.Module)",
    "autograd_function": "a subclass of torch.autograd.Function: class {name}(Function), used as {name}.apply(X, Y)",
    "optimizer": "a subclass of torch.optim.Optimizer: class {name}(torch.optim.Optimizer)",
    "function": "a function: def {name}(...)",
}


@dataclass(frozen=True)
class Exercise:
    id: str
    """The solution cell's nbgrader grade_id; also the unit's folder name."""
    assignment: str
    kind: Kind
    names: tuple[str, ...]
    """What the student's cell must define; the first one is how messages name the exercise."""
    points: float
    """Must equal both the hidden tests' points and the notebook's hidden-test cell."""
    builds_on: tuple[str, ...] = ()
    """Earlier exercises (this notebook or an earlier one) whose reference answers replace the
    student's when this one is judged, so one mistake is paid for once."""

    @property
    def title(self) -> str:
        return self.names[0]

    @property
    def is_class(self) -> bool:
        return self.kind != "function"

    @property
    def test_cell(self) -> str:
        """grade_id of the hidden-test cell that carries this exercise's points."""
        return f"test_{self.id}"

    def must_be(self) -> str:
        """How the notebook asks for the answer to be written, for messages."""
        return KIND_DESCRIPTION[self.kind].format(name=self.title)


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
