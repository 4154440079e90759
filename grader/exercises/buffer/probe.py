"""Observe a student's Standardize."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.buffer import SPEC
from grader.exercises.buffer.inputs import FIRST, SECOND, inputs, statistics
from grader.probes.common import Observations, Recorder, construct_module, record_forward_cases


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls, module = construct_module(rec, namespace, SPEC.title, *statistics(seed, FIRST), seed=seed)
    if module is None:
        return rec.data
    record_forward_cases(rec, module, inputs(seed))
    x = inputs(seed)[0]
    ok, out = rec.attempt("plain_input", lambda: module(x.clone()))
    if ok and isinstance(out, torch.Tensor):
        rec["plain_input/requires_grad"] = bool(out.requires_grad)
    rec.value("parameters", lambda: [str(name)[:100] for name, _ in list(module.named_parameters())[:20]])
    rec.value("state_dict_keys", lambda: [str(k)[:100] for k in list(module.state_dict())[:20]])

    def own_round_trip() -> Any:
        fresh = cls(*statistics(seed, SECOND))
        fresh.load_state_dict(module.state_dict())
        return fresh(x.clone())

    def named_round_trip() -> Any:
        fresh = cls(*statistics(seed, SECOND))
        mean, std = statistics(seed, FIRST)
        fresh.load_state_dict({"mean": mean, "std": std})
        return fresh(x.clone())

    def after_float() -> Any:
        converted = cls(*statistics(seed, FIRST, torch.float64)).float()
        return converted(x.clone())

    for key, call in (("own_round_trip", own_round_trip), ("named_round_trip", named_round_trip), ("after_float", after_float)):
        ok, out = rec.output(key, call)
        if ok and isinstance(out, torch.Tensor):
            rec[f"{key}/dtype"] = str(out.dtype)
    return rec.data
