"""Observe a student's CrossEntropyLoss."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.cross_entropy import SPEC
from grader.exercises.cross_entropy.inputs import cases, grad_case, large_case
from grader.probes.common import Observations, Recorder, construct_module, recorded


def _call(rec: Recorder, loss: Any, key: str, logits: torch.Tensor, targets: torch.Tensor) -> None:
    given, wanted = logits.clone(), targets.clone()
    ok, out = recorded(rec, key, lambda: loss(given, wanted))
    if ok:
        rec.tensor(f"{key}/out", out)
        rec[f"{key}/input_changed"] = not (torch.equal(given, logits) and torch.equal(wanted, targets))


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    _, loss = construct_module(rec, namespace, SPEC.title, seed=seed)
    if loss is None:
        return rec.data
    for i, (logits, targets) in enumerate(cases(seed)):
        _call(rec, loss, f"case{i}", logits, targets)
    _call(rec, loss, "large", *large_case(seed))

    logits, targets = grad_case(seed)
    leaf = logits.clone().requires_grad_(True)
    ok, out = rec.attempt("grad_forward", lambda: loss(leaf, targets.clone()))
    if ok and isinstance(out, torch.Tensor):
        rec.tensor("grad/out", out)
        rec["grad/requires_grad"] = bool(out.requires_grad)
        if out.requires_grad and out.numel() == 1:
            ok, _ = rec.attempt("grad_backward", lambda: out.reshape(()).backward())
            if ok and leaf.grad is not None:
                rec.tensor("grad/logits", leaf.grad)
    return rec.data
