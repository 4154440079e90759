"""The parameters and the loss an SGD optimizer is tried on, and the settings of each run:
built the same way by the probe and by the hidden tests, which replay torch.optim.SGD on them."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

SHAPES = ((4, 3), (3,), (2, 4))
"""Parameters the loss uses; one more of shape (5,) takes no part in it, so its .grad stays None."""
STEPS = 10
RUNS = {"plain": {"lr": 0.1}, "momentum": {"lr": 0.05, "momentum": 0.9}}
"""Keyword arguments of each run after the parameters: the first relies on momentum's default of 0."""
AS_GENERATOR = {"plain": False, "momentum": True}
"""The momentum run gets its parameters as a generator, as model.parameters() gives them:
it can be iterated only once."""


def start(seed: int, run: str) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Initial parameters (the last one unused by the loss) and the loss's targets."""
    g = generator(seed, 1000 + list(RUNS).index(run))
    params = [torch.randn(s, generator=g) for s in SHAPES] + [torch.randn(5, generator=g)]
    targets = [torch.randn(s, generator=g) for s in SHAPES]
    return params, targets


def loss(params: list[torch.Tensor], targets: list[torch.Tensor]) -> torch.Tensor:
    """A smooth loss whose gradient changes from step to step and couples the parameters."""
    w, b, v = params[:3]
    total = sum(((p - t) ** 2).sum() for p, t in zip(params[:3], targets))
    return total + (w.sum(dim=0) * b).sum().tanh() + 0.1 * (v @ w[:, :1].expand(4, 4)).pow(2).sum()
