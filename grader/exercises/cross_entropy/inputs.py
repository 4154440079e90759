"""The logits and targets a CrossEntropyLoss is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

SHAPES = ((5, 3), (1, 10), (8, 4), (16, 7))
"""(examples, classes): one example, more classes than examples and the other way round."""
LARGE = (6, 5)
"""Logits of size about 1000, where exp() overflows even in float64."""


def cases(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Logits (float32) of mixed scales, and integer targets (int64) in range."""
    found = []
    for i, (n, c) in enumerate(SHAPES):
        g = generator(seed, 900 + i)
        scale = 0.5 if i % 2 else 3.0
        found.append((torch.randn(n, c, generator=g) * scale, torch.randint(0, c, (n,), generator=g)))
    return found


def large_case(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits of ±1000 and more, each target well below its row's largest logit."""
    g = generator(seed, 950)
    n, c = LARGE
    logits = torch.randn(n, c, generator=g) * 300 + torch.where(torch.rand(n, c, generator=g) < 0.5, -1000.0, 1000.0)
    lowest = logits.argmin(dim=1)
    return logits, lowest


def grad_case(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """float64 logits (gradients and precision are judged in float64) and targets."""
    g = generator(seed, 960)
    return torch.randn(7, 4, generator=g, dtype=torch.float64) * 2, torch.randint(0, 4, (7,), generator=g)
