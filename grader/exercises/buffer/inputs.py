"""The statistics and inputs a Standardize is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

FEATURES = 5
SHAPES = ((8, FEATURES), (FEATURES,), (2, 3, FEATURES))
FIRST, SECOND = 0, 1


def statistics(seed: int, which: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """mean and std, one per feature; std well away from 0, and never equal to the mean."""
    g = generator(seed, 1200 + which)
    mean = torch.randn(FEATURES, generator=g, dtype=torch.float64) * 3
    std = torch.rand(FEATURES, generator=g, dtype=torch.float64) * 2 + 0.5
    return mean.to(dtype), std.to(dtype)


def inputs(seed: int) -> list[torch.Tensor]:
    return [torch.randn(shape, generator=generator(seed, 1250 + i)) * 4 for i, shape in enumerate(SHAPES)]

