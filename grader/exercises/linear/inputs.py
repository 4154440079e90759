"""The inputs a Linear is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

IN, OUT = 7, 5
LEADING_SHAPES = ((), (3,), (2, 3, 4))
"""0, 1 and 3 leading dimensions in front of in_features."""
INIT_SIZES = {"wide": (16, 2000), "mnist": (784, 100)}
"""(in_features, out_features) of layers whose initial values are checked statistically."""


def forward_inputs(seed: int) -> list[torch.Tensor]:
    return [torch.randn(*lead, IN, generator=generator(seed, 300 + i)) * 2 for i, lead in enumerate(LEADING_SHAPES)]


def grad_case(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = generator(seed, 400)
    return torch.randn(3, IN, generator=g), torch.randn(3, OUT, generator=g)
