"""The inputs and dimension pairs a Flatten is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

SHAPE = (2, 3, 4, 5)
"""Every dimension of a different size, so that any wrong merge shows in the shape."""
IMAGES = (3, 1, 28, 28)
PAIRS = tuple(
    (start, end)
    for first in range(len(SHAPE)) for last in range(first, len(SHAPE))
    for start in (first, first - len(SHAPE)) for end in (last, last - len(SHAPE))
)
"""Every (start_dim, end_dim) with start <= end, each written as a positive and as a negative index."""
REPRS = ((), (0, 2), (-3, -2))
"""Constructor arguments whose repr is checked: the defaults, and two others."""


def tensor(seed: int) -> torch.Tensor:
    return torch.randn(SHAPE, generator=generator(seed, 1100))


def images(seed: int) -> torch.Tensor:
    return torch.rand(IMAGES, generator=generator(seed, 1101))
