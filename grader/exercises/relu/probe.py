"""Observe a student's ReLU."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.relu import SPEC
from grader.exercises.relu.inputs import forward_inputs, grad_case
from grader.probes.common import Observations, Recorder, construct_module, record_backward, record_forward_cases


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    _, module = construct_module(rec, namespace, SPEC.title, seed=seed)
    if module is None:
        return rec.data
    record_forward_cases(rec, module, forward_inputs(seed))

    x64 = forward_inputs(seed)[1].double()
    ok, out = rec.attempt("float64", lambda: module(x64))
    if ok:
        rec["float64/dtype"] = str(out.dtype) if isinstance(out, torch.Tensor) else type(out).__name__

    record_backward(rec, module, *grad_case(seed))
    return rec.data
