"""Observe freeze and trainable_sgd: freeze a part of a model, take one SGD step, record the weights."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.freeze import SPEC
from grader.exercises.freeze.inputs import CASES, case, loss
from grader.probes.common import Observations, Recorder, lookup_function, plain, type_name, warm_up_training


def _step(rec: Recorder, key: str, freeze: Any, trainable_sgd: Any, seed: int, index: int) -> None:
    model, name, lr, x, y = case(seed, index)
    ok, _ = rec.attempt(f"{key}/freeze", lambda: freeze(model, name))
    if not ok:
        return
    ok, optimizer = rec.attempt(f"{key}/optimizer", lambda: trainable_sgd(model, lr))
    if not ok:
        return
    if not isinstance(optimizer, torch.optim.Optimizer):
        rec[f"{key}/optimizer/type"] = type_name(optimizer)
        return
    ids = {id(p): n for n, p in model.named_parameters()}

    def held() -> list[str]:
        return [ids.get(id(p), "?") for group in optimizer.param_groups for p in group["params"]]

    rec.value(f"{key}/held", held)

    def train() -> None:
        optimizer.zero_grad()
        loss(model, x, y).backward()
        optimizer.step()

    ok, _ = rec.attempt(f"{key}/step", train)
    if ok:
        rec[f"{key}/after"] = [[n, plain(p)] for n, p in model.named_parameters()]


warm_up = warm_up_training
"""Run by the fork server once, before its first job of this exercise (see harness.warm_up)."""


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    functions = [lookup_function(rec, namespace, name) for name in SPEC.names]
    if any(f is None for f in functions):
        return rec.data
    freeze, trainable_sgd = functions
    for index in range(CASES):
        _step(rec, f"case{index}", freeze, trainable_sgd, seed, index)
    return rec.data
