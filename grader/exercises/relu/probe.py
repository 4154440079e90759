"""Observe a student's ReLU."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.relu import SPEC
from grader.exercises.relu.inputs import forward_inputs, grad_case
from grader.probes.common import Observations, Recorder, construct_module, record_backward, record_forward_cases


def observe(namespace: dict[str, Any]) -> Observations:
    rec = Recorder()
    _, module = construct_module(rec, namespace, SPEC.title)
    if module is None:
        return rec.data
    record_forward_cases(rec, module, forward_inputs())

    x64 = forward_inputs()[1].double()
    ok, out = rec.attempt("float64", lambda: module(x64))
    if ok:
        rec["float64/dtype"] = str(out.dtype) if isinstance(out, torch.Tensor) else type(out).__name__

    record_backward(rec, module, *grad_case())
    return rec.data
