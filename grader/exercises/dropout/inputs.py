"""The inputs a Dropout is tried on: built the same way by the probe and the hidden tests.

The masks are the answer's own draws, which the judge cannot know; it judges them by their
statistics on inputs large enough that a correct answer stays far inside the tolerances."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

RATES = (0.2, 0.7)
"""Neither 0.5, where dropping with probability 1 - p instead of p would go unseen."""
DEFAULT_RATE = 0.5
SHAPE = (50, 400)
TOLERANCE = 0.03
"""How far the fraction of zeros may stray from p: about 8 standard deviations for 20,000 elements."""
GRAD_RATE = 0.2


def tensor(seed: int, case: int = 0) -> torch.Tensor:
    """No zeros and no tiny values, so that a dropped element is exactly the zeros of the output."""
    g = generator(seed, 1300 + case)
    magnitude = torch.rand(SHAPE, generator=g) + 0.5
    sign = torch.where(torch.rand(SHAPE, generator=g) < 0.5, -1.0, 1.0)
    return magnitude * sign


def upstream(seed: int) -> torch.Tensor:
    return torch.randn(SHAPE, generator=generator(seed, 1350))
