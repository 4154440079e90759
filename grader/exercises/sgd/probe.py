"""Observe a student's SGD optimizer over a few steps of each run."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.sgd import SPEC
from grader.exercises.sgd.inputs import AS_GENERATOR, RUNS, STEPS, loss, start
from grader.probes.common import Observations, Recorder, check_kind, lookup_class, plain, recorded, warm_up_training


def _run(rec: Recorder, cls: type, seed: int, run: str) -> None:
    initial, targets = start(seed, run)
    params = [p.clone().requires_grad_(True) for p in initial]
    given: Any = (p for p in params) if AS_GENERATOR[run] else list(params)
    ok, opt = recorded(rec, f"{run}/construct", lambda: cls(given, **RUNS[run]))
    if not ok:
        return
    trace = []
    for step in range(STEPS):
        ok, _ = rec.attempt(f"{run}/zero_grad", lambda: opt.zero_grad())
        if not ok:
            return
        ok, _ = rec.attempt(f"{run}/backward{step}", lambda: loss(params, targets).backward())
        if not ok:
            return
        ok, _ = recorded(rec, f"{run}/step{step}", lambda: opt.step())
        if not ok:
            return
        trace.append(torch.cat([plain(p).reshape(-1) for p in params]))
    rec[f"{run}/trace"] = torch.stack(trace)
    rec[f"{run}/leaves"] = all(p.is_leaf and p.requires_grad for p in params)


warm_up = warm_up_training
"""Run by the fork server once, before its first job of this exercise (see harness.warm_up)."""


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls = lookup_class(rec, namespace, SPEC.title)
    if cls is None:
        return rec.data
    rec["ancestry"] = [f"{k.__module__}.{k.__qualname__}" for k in cls.__mro__]
    if not check_kind(rec, cls, torch.optim.Optimizer):
        return rec.data
    for run in RUNS:
        _run(rec, cls, seed, run)
    return rec.data
