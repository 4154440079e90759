"""The modules unregistered_tensors is tried on, built from the batch's seed the same way by the probe
and the judge. Each holds, somewhere in its tree, parameters, buffers (one not persistent), a plain
tensor that requires grad, a plain tensor that does not, and attributes that are not tensors."""

from __future__ import annotations

import random

import torch
from torch import nn

from grader.exercises.builders import generator, mixed_seed

CASES = 3
NAMES = ("scale", "shift", "mask", "temperature", "offset", "centre", "table", "alpha", "gamma", "noise", "anchor", "prior")
KINDS = ("param", "buffer", "buffer_np", "plain_grad", "plain", "number", "none_buffer", "tensor_list")


class Holder(nn.Module):
    """A module that only holds things."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


def _add(m: nn.Module, kind: str, name: str, g: torch.Generator) -> None:
    value = torch.randn(3, generator=g)
    if kind == "param":
        m.register_parameter(name, nn.Parameter(value))
    elif kind == "buffer":
        m.register_buffer(name, value)
    elif kind == "buffer_np":
        m.register_buffer(name, value, persistent=False)
    elif kind == "none_buffer":
        m.register_buffer(name, None)
    elif kind == "plain_grad":
        setattr(m, name, value.requires_grad_(True))
    elif kind == "plain":
        setattr(m, name, value)
    elif kind == "number":
        setattr(m, name, float(value[0]))
    else:
        setattr(m, name, [value])  # tensors inside a list are not tensor attributes


def _holder(rng: random.Random, g: torch.Generator, required: tuple[str, ...]) -> Holder:
    m = Holder()
    kinds = [*required, *rng.sample(KINDS, rng.randint(1, 3))]
    for kind, name in zip(kinds, rng.sample(NAMES, len(kinds))):
        _add(m, kind, name, g)
    return m


def model(seed: int, case: int) -> nn.Module:
    rng = random.Random(mixed_seed(seed, 1100 + case))
    g = generator(seed, 1110 + case)
    top = _holder(rng, g, ("plain_grad", "buffer_np"))
    inner = _holder(rng, g, ("plain", "buffer", "param"))
    deepest = _holder(rng, g, ("plain_grad",))
    inner.add_module("proj", nn.Linear(3, 3))
    top.add_module("inner", inner)
    top.add_module("stack", nn.Sequential(nn.Linear(3, 3), deepest))
    if rng.random() < 0.5:
        top.add_module("extra", _holder(rng, g, ()))
    return top
