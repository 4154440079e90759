"""Observe a student's ReLU."""

from __future__ import annotations

from typing import Any

import torch

from grader.probes.common import (
    Observations,
    Recorder,
    construct_module,
    generator,
    no_zeros,
    record_backward,
    record_forward_cases,
)

SHAPES = ((6,), (4, 7), (2, 3, 4, 5), (1, 1, 28, 28))


def forward_inputs() -> list[torch.Tensor]:
    """Mixed signs, magnitudes below 1 and well above it, and no exact zeros."""
    inputs = []
    for i, shape in enumerate(SHAPES):
        g = generator(100 + i)
        scale = torch.where(torch.rand(shape, generator=g) < 0.5, 0.8, 5.0)
        inputs.append(no_zeros(torch.randn(shape, generator=g) * scale))
    return inputs


def grad_case() -> tuple[torch.Tensor, torch.Tensor]:
    """An input and the upstream gradient fed to backward."""
    g = generator(200)
    x = no_zeros(torch.randn(5, 6, generator=g) * 2)
    return x, torch.randn(5, 6, generator=g)


def observe(namespace: dict[str, Any]) -> Observations:
    rec = Recorder()
    _, module = construct_module(rec, namespace, "ReLU")
    if module is None:
        return rec.data
    record_forward_cases(rec, module, forward_inputs())

    x64 = forward_inputs()[1].double()
    ok, out = rec.attempt("float64", lambda: module(x64))
    if ok:
        rec["float64/dtype"] = str(out.dtype) if isinstance(out, torch.Tensor) else type(out).__name__

    record_backward(rec, module, *grad_case())
    return rec.data
