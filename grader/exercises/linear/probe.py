"""Observe a student's Linear."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.exercises.linear import SPEC
from grader.exercises.linear.inputs import IN, INIT_SIZES, OUT, forward_inputs, grad_case
from grader.probes.common import Observations, Recorder, construct_module, record_backward, record_forward_cases


def describe_attr(rec: Recorder, key: str, module: nn.Module, name: str, *, values: bool = True) -> None:
    """Record what ``module.<name>`` is: a Parameter, a plain tensor, None, False, missing, ..."""
    if not hasattr(module, name):
        rec[f"{key}/kind"] = "missing"
        return
    value = getattr(module, name)
    if isinstance(value, nn.Parameter):
        rec[f"{key}/kind"] = "parameter"
    elif isinstance(value, torch.Tensor):
        rec[f"{key}/kind"] = "tensor"
    elif value is None:
        rec[f"{key}/kind"] = "none"
        return
    else:
        rec[f"{key}/kind"] = repr(value)[:100] if isinstance(value, (bool, int, float, str)) else type(value).__name__
        return
    rec[f"{key}/shape"] = list(value.shape)
    rec[f"{key}/dtype"] = str(value.dtype)
    rec[f"{key}/requires_grad"] = bool(value.requires_grad)
    if values:
        rec.tensor(f"{key}/value", value)


def parameter_names(module: nn.Module) -> list[str]:
    return [name for name, _ in module.named_parameters()]


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls, layer = construct_module(rec, namespace, SPEC.title, IN, OUT, seed=seed)
    if layer is None:
        return rec.data
    describe_attr(rec, "weight", layer, "weight")
    describe_attr(rec, "bias", layer, "bias")
    rec.value("parameters", lambda: parameter_names(layer))
    rec.text("repr", lambda: repr(layer))

    record_forward_cases(rec, layer, forward_inputs(seed))
    if record_backward(rec, layer, *grad_case(seed)):
        for name in ("weight", "bias"):
            grad = getattr(getattr(layer, name, None), "grad", None)
            if isinstance(grad, torch.Tensor):
                rec.tensor(f"grad/{name}", grad)

    for label, (fan_in, fan_out) in INIT_SIZES.items():
        ok, big = rec.attempt(f"init_{label}", lambda: cls(fan_in, fan_out))
        if ok:
            describe_attr(rec, f"init_{label}/weight", big, "weight")
            describe_attr(rec, f"init_{label}/bias", big, "bias")

    ok, plain_layer = rec.attempt("nobias", lambda: cls(IN, OUT, bias=False))
    if ok:
        describe_attr(rec, "nobias/weight", plain_layer, "weight")
        describe_attr(rec, "nobias/bias", plain_layer, "bias", values=False)
        rec.value("nobias/parameters", lambda: parameter_names(plain_layer))
        rec.text("nobias/repr", lambda: repr(plain_layer))
        x = forward_inputs(seed)[1]
        rec.output("nobias/forward", lambda: plain_layer(x.clone()))
    return rec.data
