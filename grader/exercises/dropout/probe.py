"""Observe a student's Dropout."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.dropout import SPEC
from grader.exercises.dropout.inputs import GRAD_RATE, RATES, tensor, upstream
from grader.probes.common import Observations, Recorder, construct_module, recorded


def _call(rec: Recorder, key: str, module: Any, x: torch.Tensor) -> None:
    given = x.clone()
    ok, out = recorded(rec, key, lambda: module(given))
    if ok:
        rec.tensor(f"{key}/out", out)
        rec[f"{key}/input_changed"] = not torch.equal(given, x)


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls, module = construct_module(rec, namespace, SPEC.title, RATES[0], seed=seed)
    if module is None:
        return rec.data
    x = tensor(seed)
    for i, p in enumerate(RATES):
        ok, layer = rec.attempt(f"rate{i}", lambda: cls(p))
        if not ok:
            continue
        _call(rec, f"rate{i}/train", layer, x)
        _call(rec, f"rate{i}/again", layer, x)
        if rec.attempt(f"rate{i}/eval_mode", lambda: layer.eval())[0]:
            _call(rec, f"rate{i}/eval", layer, x)
        if rec.attempt(f"rate{i}/train_mode", lambda: layer.train())[0]:
            _call(rec, f"rate{i}/retrain", layer, x)
    ok, layer = rec.attempt("default", lambda: cls())
    if ok:
        _call(rec, "default/train", layer, x)
    ok, layer = rec.attempt("zero", lambda: cls(0.0))
    if ok:
        _call(rec, "zero/train", layer, x)

    ok, layer = rec.attempt("grad", lambda: cls(GRAD_RATE))
    if ok:
        leaf = x.clone().requires_grad_(True)
        ok, out = rec.attempt("grad_forward", lambda: layer(leaf))
        if ok and isinstance(out, torch.Tensor):
            rec.tensor("grad/out", out)
            rec["grad/requires_grad"] = bool(out.requires_grad)
            if out.requires_grad and rec.attempt("grad_backward", lambda: out.backward(upstream(seed)))[0] and leaf.grad is not None:
                rec.tensor("grad/x", leaf.grad)
    return rec.data
