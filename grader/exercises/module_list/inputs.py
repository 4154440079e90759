"""The layers and inputs a ModuleListSequential is tried on, and the right answer to the question.

The layers are MySequential's (same builder, other cases), so both exercises share one way of
making seeded layers."""

from __future__ import annotations

import torch
from torch import nn

from grader.exercises.builders import generator
from grader.exercises.my_sequential.inputs import run, seeded

FIRST, SECOND = 0, 1
"""Two chains Linear(4, 3), ReLU, Linear(3, 2) with different values."""
QUESTION_LAYERS = "ListSequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))"
ANSWER = (0, "b")
"""list(ListSequential(...).parameters()) holds no tensor, and (b) is the reason."""

__all__ = ["ANSWER", "FIRST", "QUESTION_LAYERS", "SECOND", "inputs", "layers", "run"]


def layers(seed: int, chain: int) -> list[nn.Module]:
    modules: list[nn.Module] = [nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)]
    return [seeded(m, seed, 800 + 10 * chain + i) for i, m in enumerate(modules)]


def inputs(seed: int) -> list[torch.Tensor]:
    return [torch.randn(shape, generator=generator(seed, 850 + i)) for i, shape in enumerate(((6, 4), (4,), (2, 3, 4)))]
