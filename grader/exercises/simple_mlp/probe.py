"""Observe a student's SimpleMLP (built, in grading, on the reference Linear and ReLU)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import torch
from torch import nn
from torch.nn.modules.module import register_module_forward_hook

from grader.exercises import EXERCISES
from grader.exercises.simple_mlp import SPEC
from grader.exercises.simple_mlp.inputs import forward_inputs
from grader.probes.common import Observations, Recorder, construct_module, recorded

OWN_CLASSES = tuple(name for unit in SPEC.builds_on for name in EXERCISES[unit].names) + ("Flatten",)
"""The notebook's own layer classes: those of the exercises built on, and its given Flatten."""

def module_kind(module: nn.Module, namespace: dict[str, Any]) -> str:
    """Which family a sub-module belongs to: the notebook's own classes or torch.nn's."""
    for name in OWN_CLASSES:
        cls = namespace.get(name)
        if isinstance(cls, type) and type(module) is cls:
            return f"own {name}"
    cls = type(module)
    return f"{cls.__module__}.{cls.__qualname__}"


@contextmanager
def _watching_calls(model: nn.Module, namespace: dict[str, Any], calls: list[list[str]]) -> Iterator[None]:
    """Every module that finishes a forward call, in order, as [registered name or "", kind]:
    the order data flows through the layers, and modules made on the fly inside forward."""
    names = {id(m): name for name, m in model.named_modules() if name}

    def hook(module: nn.Module, args: Any, output: Any) -> None:
        if module is not model:
            calls.append([names.get(id(module), ""), module_kind(module, namespace)])

    handle = register_module_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    _, model = construct_module(rec, namespace, SPEC.title, seed=seed)
    if model is None:
        return rec.data

    def structure() -> None:
        rec["modules"] = [[name, module_kind(m, namespace)] for name, m in model.named_modules() if name]
        rec["parameters"] = [[name, list(p.shape)] for name, p in model.named_parameters()]
        # The layers in the order they were registered, with their current values,
        # so the judge can compute what the network should output.
        layers = []
        for name, m in model.named_modules():
            weight = getattr(m, "weight", None)
            if name and isinstance(weight, torch.Tensor) and weight.dim() == 2:
                bias = getattr(m, "bias", None)
                layers.append([name, weight.detach().clone(), bias.detach().clone() if isinstance(bias, torch.Tensor) else None])
        rec["layers"] = layers

    rec.attempt("structure", structure)
    rec.text("repr", lambda: repr(model))

    for label, x in forward_inputs(seed).items():
        calls: list[list[str]] = []
        with _watching_calls(model, namespace, calls):
            ok, out = recorded(rec, f"forward_{label}", lambda: model(x.clone()))
        rec[f"forward_{label}/calls"] = calls
        if ok:
            rec.tensor(f"forward_{label}/out", out)

    x = forward_inputs(seed)["images"]
    ok, out = rec.attempt("grad_forward", lambda: model(x.clone()))
    if ok and isinstance(out, torch.Tensor):
        rec["grad/requires_grad"] = bool(out.requires_grad)
        if out.requires_grad:
            ok, _ = rec.attempt("grad_backward", lambda: out.sum().backward())
            if ok:
                rec["grad/with_grad"] = [name for name, p in model.named_parameters() if p.grad is not None]
    return rec.data
