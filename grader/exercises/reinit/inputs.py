"""The model reinit is tried on, its weights before re-initialisation and an input, all from the
batch's seed: Linear layers at three depths (one without bias) and a non-Linear module that also has
a 2-D weight and a bias, which must be left alone."""

from __future__ import annotations

import random

import torch
from torch import nn

from grader.exercises.builders import generator, mixed_seed


class Mix(nn.Module):
    """Not a Linear, though it has a weight and a bias."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(size, size))
        self.bias = nn.Parameter(torch.empty(size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight + self.bias


class ReinitNet(nn.Module):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        a, b, c, d, e = sizes
        self.embed = nn.Linear(a, b)
        self.body = nn.Sequential(nn.Linear(b, c), nn.Tanh(), Mix(c), nn.Sequential(nn.Linear(c, d, bias=False), nn.Tanh()))
        self.head = nn.Linear(d, e)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(self.embed(x)))


def model(seed: int) -> ReinitNet:
    """Weights far from any Xavier draw (standard normal), so a layer left alone shows."""
    rng = random.Random(mixed_seed(seed, 1200))
    g = generator(seed, 1210)
    net = ReinitNet([rng.randint(24, 48) for _ in range(5)])
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    return net


def forward_input(seed: int, in_features: int) -> torch.Tensor:
    return torch.randn(4, in_features, generator=generator(seed, 1220))
