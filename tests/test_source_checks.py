"""The static check finds forbidden names however they are imported, and nothing else."""

from __future__ import annotations

import pytest

from grader.exercises.linear.hidden import FORBIDDEN as LINEAR_FORBIDDEN
from grader.exercises.relu.hidden import FORBIDDEN as RELU_FORBIDDEN
from grader.judge.source_checks import forbidden_references

RELU_METHODS = frozenset({"relu", "relu_"})


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("y = torch.relu(x)", ["torch.relu"]),
        ("y = F.relu(x)", ["torch.nn.functional.relu"]),
        ("import torch.nn.functional as fn\ny = fn.relu(x)", ["torch.nn.functional.relu"]),
        ("from torch.nn.functional import relu as r\ny = r(x)", ["torch.nn.functional.relu"]),
        ("y = torch.nn.functional.relu(x)", ["torch.nn.functional.relu"]),
        ("layer = nn.ReLU()", ["torch.nn.ReLU"]),
        ("y = x.relu()", ["Tensor.relu()"]),
        ("x.relu_()", ["Tensor.relu_()"]),
    ],
)
def test_finds_every_plain_spelling_of_relu(source: str, found: list[str]) -> None:
    assert forbidden_references(source, RELU_FORBIDDEN, RELU_METHODS) == found


@pytest.mark.parametrize(
    "source",
    [
        "# we must not call torch.relu here\ny = x.clamp(min=0)",
        "message = 'F.relu is forbidden'",
        "y = self.relu(x)",
        "y = torch.where(x > 0, x, 0)",
        "def broken(:\n    F.relu(x)",
    ],
    ids=["comment", "string", "own-submodule", "allowed-op", "syntax-error"],
)
def test_a_name_in_a_comment_string_or_own_module_is_not_a_use(source: str) -> None:
    assert forbidden_references(source, RELU_FORBIDDEN, RELU_METHODS) == []


def test_linear_policy_sees_module_and_function_forms() -> None:
    source = "from torch.nn import Linear as L\nimport torch.nn.functional as G\na = L(3, 4)\nb = G.linear(x, w)"
    assert forbidden_references(source, LINEAR_FORBIDDEN) == ["torch.nn.Linear", "torch.nn.functional.linear"]


def test_only_the_exercise_class_is_searched() -> None:
    source = (
        "class ReLU(nn.Module):\n    def forward(self, x):\n        return x.clamp(min=0)\n\n"
        "t = torch.randn(4)\nassert torch.equal(ReLU()(t), torch.relu(t))\n"
    )
    assert forbidden_references(source, RELU_FORBIDDEN, RELU_METHODS, within="ReLU") == []
    assert forbidden_references(source, RELU_FORBIDDEN, RELU_METHODS) == ["torch.relu"]


def test_own_names_are_not_tensors_but_expressions_can_be() -> None:
    own = "class ReLU(nn.Module):\n    @staticmethod\n    def relu(x):\n        return x.clamp(min=0)\n    def forward(self, x):\n        return ReLU.relu(x)\n"
    assert forbidden_references(own, RELU_FORBIDDEN, RELU_METHODS, within="ReLU") == []
    chained = "class ReLU(nn.Module):\n    def forward(self, x):\n        return (x * 1).relu()\n"
    assert forbidden_references(chained, RELU_FORBIDDEN, RELU_METHODS, within="ReLU") == ["Tensor.relu()"]
