"""The layers and inputs a MySequential is tried on: built the same way by the probe and the
hidden tests. Layers get their values from the batch's seed, never from torch's global
generator, so the judge rebuilds exactly the layers the probe handed to the answer."""

from __future__ import annotations

import torch
from torch import nn

from grader.exercises.builders import generator

SQUARE, SHAPED, RELOADED = 0, 1, 2
"""Chains: Linear(4, 4), Tanh, Linear(4, 4) (the order matters, yet any order runs), the same
with other values (a fresh instance to load a state_dict into), and Linear(5, 4), Tanh,
Linear(4, 3) (sizes change along the chain)."""
INPUT_SHAPES = {SQUARE: ((6, 4), (2, 3, 4)), SHAPED: ((6, 5),)}


def seeded(module: nn.Module, seed: int, case: int) -> nn.Module:
    """``module`` with every parameter drawn from the case's generator."""
    g = generator(seed, case)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.7)
    return module


def layers(seed: int, chain: int) -> list[nn.Module]:
    if chain == SHAPED:
        modules: list[nn.Module] = [nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)]
    else:
        modules = [nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 4)]
    return [seeded(m, seed, 700 + 10 * chain + i) for i, m in enumerate(modules)]


def inputs(seed: int, chain: int) -> list[torch.Tensor]:
    return [torch.randn(shape, generator=generator(seed, 750 + 10 * chain + i)) for i, shape in enumerate(INPUT_SHAPES[chain])]


def run(modules: list[nn.Module], x: torch.Tensor) -> torch.Tensor:
    """What a sequential container must compute."""
    with torch.no_grad():
        for m in modules:
            x = m(x)
    return x
