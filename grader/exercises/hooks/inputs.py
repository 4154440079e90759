"""The model the hooks are tried on, the names to record, the module to clamp and the inputs, all
from the batch's seed, built the same way by the probe and the judge."""

from __future__ import annotations

import random

import torch
from torch import nn

from grader.exercises.builders import generator, mixed_seed

TARGET = "encoder.0"
"""The module whose output is clamped; never one of the recorded names."""


class HookNet(nn.Module):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        a, b, c, d = sizes
        self.encoder = nn.Sequential(nn.Linear(a, b), nn.Tanh(), nn.Linear(b, c))
        self.head = nn.Linear(c, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.encoder(x)))


def setup(seed: int) -> tuple[HookNet, list[str], float, list[torch.Tensor]]:
    """The model, the names to record, the clamp limit and three inputs (the first requires grad)."""
    rng = random.Random(mixed_seed(seed, 1300))
    g = generator(seed, 1310)
    sizes = [rng.randint(3, 7) for _ in range(4)]
    net = HookNet(sizes)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 1.5 / p.shape[-1] ** 0.5)
    names = ["encoder.1", rng.choice(("encoder", "encoder.2")), "head"]
    rng.shuffle(names)
    limit = rng.choice((0.2, 0.3, 0.4))
    xs = [torch.randn(rng.randint(2, 5), sizes[0], generator=g) for _ in range(3)]
    xs[0].requires_grad_(True)
    return net, names, limit, xs
