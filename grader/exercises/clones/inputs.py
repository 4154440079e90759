"""The blocks and inputs clones is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch
from torch import nn

from grader.exercises.builders import generator
from grader.exercises.my_sequential.inputs import run, seeded

K = 3
FIRST, SECOND = 0, 1
"""Two blocks Sequential(Linear(5, 4), Tanh(), Linear(4, 3)) with different values."""
DESCRIPTION = "clones(Sequential(Linear(5, 4), Tanh(), Linear(4, 3)), 3)"
SHIFT = 0.25
"""What the probe adds to every parameter of one block to see which others change with it."""

__all__ = ["DESCRIPTION", "FIRST", "K", "SECOND", "SHIFT", "block", "computed", "example", "run"]


def block(seed: int, which: int) -> nn.Sequential:
    return seeded(nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)), seed, 1000 + 10 * which)  # type: ignore[return-value]


def example(seed: int) -> torch.Tensor:
    return torch.randn(7, 5, generator=generator(seed, 1050))


def computed(seed: int, which: int, shifted: bool = False) -> torch.Tensor:
    """What a copy of the block computes on the example, once shifted if asked."""
    module = block(seed, which)
    if shifted:
        with torch.no_grad():
            for p in module.parameters():
                p.add_(SHIFT)
    return run(list(module), example(seed))
