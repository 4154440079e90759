"""The branches and inputs a Parallel is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch
from torch import nn

from grader.exercises.builders import generator
from grader.exercises.my_sequential.inputs import seeded

FEATURES = 6
SHAPES = ((5, FEATURES), (FEATURES,), (2, 3, FEATURES))
"""A batch first (where dim=1 is also the last dimension), then no and two leading dimensions."""
FIRST, SECOND = 0, 1
"""Two pairs of branches with different values: a = Linear(6, 6), b = Sequential(Linear(6, 3), Tanh())."""
DESCRIPTION = "Parallel(Linear(6, 6), Sequential(Linear(6, 3), Tanh()))"


def branches(seed: int, pair: int) -> tuple[nn.Module, nn.Module]:
    """a keeps the width, so that feeding b with a's output (a mistake) still runs and can be named."""
    a = seeded(nn.Linear(FEATURES, FEATURES), seed, 900 + 10 * pair)
    b = seeded(nn.Sequential(nn.Linear(FEATURES, 3), nn.Tanh()), seed, 901 + 10 * pair)
    return a, b


def inputs(seed: int) -> list[torch.Tensor]:
    return [torch.randn(shape, generator=generator(seed, 950 + i)) for i, shape in enumerate(SHAPES)]


def grad_case(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = generator(seed, 960)
    return torch.randn(4, FEATURES, generator=g), torch.randn(4, FEATURES + 3, generator=g)
