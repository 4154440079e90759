"""The inputs a ReLU is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator, no_zeros

SHAPES = ((6,), (4, 7), (2, 3, 4, 5), (1, 1, 28, 28))


def forward_inputs(seed: int) -> list[torch.Tensor]:
    """Mixed signs, magnitudes below 1 and well above it, and no exact zeros."""
    inputs = []
    for i, shape in enumerate(SHAPES):
        g = generator(seed, 100 + i)
        scale = torch.where(torch.rand(shape, generator=g) < 0.5, 0.8, 5.0)
        inputs.append(no_zeros(torch.randn(shape, generator=g) * scale))
    return inputs


def grad_case(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """An input and the upstream gradient fed to backward."""
    g = generator(seed, 200)
    x = no_zeros(torch.randn(5, 6, generator=g) * 2)
    return x, torch.randn(5, 6, generator=g)
