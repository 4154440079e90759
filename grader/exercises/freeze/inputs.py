"""The models freeze is tried on, with their weights, data and learning rate, all from the batch's
seed: the probe trains them one step, the judge rebuilds them to know where that step must lead."""

from __future__ import annotations

import random

import torch
from torch import nn

from grader.exercises.builders import generator, mixed_seed

CASES = 2
TARGETS = ("stem", "block10", "block1.2", "head")
"""Besides block1 (case 0), what case 1 freezes; block1 is a prefix of block10 in every model."""


class FreezeNet(nn.Module):
    """stem -> block1 (Linear, Tanh, Linear) -> block10 -> head, with a second path through block1.0."""

    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        a, b, c, d = sizes
        self.stem = nn.Linear(a, b)
        self.block1 = nn.Sequential(nn.Linear(b, c), nn.Tanh(), nn.Linear(c, b))
        self.block10 = nn.Linear(b, b)
        self.head = nn.Linear(b, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.stem(x))
        h = h + self.block1(h)
        return self.head(torch.tanh(self.block10(h)))


def case(seed: int, index: int) -> tuple[FreezeNet, str, float, torch.Tensor, torch.Tensor]:
    """The model (weights drawn from the seed), the name to freeze, the learning rate, inputs and targets."""
    rng = random.Random(mixed_seed(seed, 1000 + index))
    g = generator(seed, 1010 + index)
    model = FreezeNet([rng.randint(3, 7) for _ in range(4)])
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    name = "block1" if index == 0 else rng.choice(TARGETS)
    lr = rng.choice((0.05, 0.1, 0.2, 0.3))
    x = torch.randn(8, model.stem.in_features, generator=g)
    y = torch.randn(8, model.head.out_features, generator=g)
    return model, name, lr, x, y


def loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((model(x) - y) ** 2).mean()
