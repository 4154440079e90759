"""The nested models ``inventory`` is tried on, built from the batch's seed the same way by the
probe and the judge: containers of every kind, a module registered under two names, BatchNorm's
buffers and some frozen parameters, so each wrong way of listing or counting shows."""

from __future__ import annotations

import random

import torch
from torch import nn

from grader.exercises.builders import mixed_seed

CASES = 3
NAMES = ("encoder", "decoder", "head", "proj", "mixer", "gate", "stem", "block", "layers", "out")


class Node(nn.Module):
    """A container with named children and, sometimes, a parameter of its own."""

    def forward(self, x: object) -> object:
        return x


def _leaf(rng: random.Random) -> nn.Module:
    a, b = rng.randint(2, 5), rng.randint(2, 5)
    kind = rng.choice(("linear", "linear", "linear_nobias", "batchnorm", "relu"))
    if kind == "batchnorm":
        return nn.BatchNorm1d(a)
    if kind == "relu":
        return nn.ReLU()
    return nn.Linear(a, b, bias=kind == "linear")


def _tree(rng: random.Random, depth: int) -> nn.Module:
    if depth >= 2:
        return _leaf(rng)
    size = rng.randint(2, 3)
    parts = [_tree(rng, depth + 1) if rng.random() < 0.6 else _leaf(rng) for _ in range(size)]
    kind = rng.choice(("node", "sequential", "modulelist", "moduledict"))
    if kind == "sequential":
        return nn.Sequential(*parts)
    if kind == "modulelist":
        return nn.ModuleList(parts)
    names = rng.sample(NAMES, size)
    if kind == "moduledict":
        return nn.ModuleDict(dict(zip(names, parts)))
    node = Node()
    if rng.random() < 0.5:
        node.scale = nn.Parameter(torch.ones(rng.randint(2, 4)))
    for name, part in zip(names, parts):
        node.add_module(name, part)
    return node


def model(seed: int, case: int) -> nn.Module:
    """A nested model, at least three levels deep, with a shared Linear, a BatchNorm and frozen parameters."""
    rng = random.Random(mixed_seed(seed, 900 + case))
    top = Node()
    names = rng.sample(NAMES, 3)
    shared = nn.Linear(rng.randint(2, 5), rng.randint(2, 5))
    top.add_module(names[0], nn.Sequential(_tree(rng, 1), shared, nn.Sequential(nn.BatchNorm1d(3), _leaf(rng))))
    top.add_module(names[1], _tree(rng, 0))
    top.add_module(names[2], shared)  # the same layer under a second name: listed once
    params = list(top.parameters())
    for p in rng.sample(params, max(1, len(params) // 3)):
        p.requires_grad_(False)
    return top
