"""Observe a student's ReLU."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.probes.common import Observations, Recorder, generator, lookup_class, no_zeros, recorded

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
    cls = lookup_class(rec, namespace, "ReLU")
    if cls is None:
        return rec.data
    rec["is_module"] = issubclass(cls, nn.Module)
    ok, module = rec.attempt("construct", cls)
    if not ok:
        return rec.data

    for i, x in enumerate(forward_inputs()):
        given = x.clone()
        ok, out = recorded(rec, f"forward{i}", lambda: module(given))
        if ok:
            rec.tensor(f"forward{i}/out", out)
            rec[f"forward{i}/input_changed"] = not torch.equal(given, x)

    x64 = forward_inputs()[1].double()
    ok, out = rec.attempt("float64", lambda: module(x64))
    if ok:
        rec["float64/dtype"] = str(out.dtype) if isinstance(out, torch.Tensor) else type(out).__name__

    x, upstream = grad_case()
    leaf = x.clone().requires_grad_(True)
    ok, out = rec.attempt("grad_forward", lambda: module(leaf))
    if ok and isinstance(out, torch.Tensor):
        rec["grad/requires_grad"] = bool(out.requires_grad)
        if out.requires_grad:
            ok, _ = rec.attempt("grad_backward", lambda: out.backward(upstream))
            if ok and leaf.grad is not None:
                rec.tensor("grad/x", leaf.grad)
    return rec.data
