"""Observe a student's train_epoch: one training epoch, then one evaluation."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.exercises.train_epoch import SPEC
from grader.exercises.train_epoch.inputs import Watched, loader, optimizer, weights
from grader.probes.common import Observations, Recorder, lookup_function, plain, recorded, type_name, warm_up_training


def _result(rec: Recorder, key: str, value: Any) -> None:
    """The returned pair as [loss, accuracy] of plain floats, or what came back instead."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        rec[f"{key}/returned"] = type_name(value) + (f" of {len(value)}" if isinstance(value, (tuple, list)) else "")
        return
    numbers = []
    for item in value:
        if isinstance(item, torch.Tensor) and item.numel() == 1:
            numbers.append(float(item.detach().reshape(())))
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            numbers.append(float(item))
        else:
            rec[f"{key}/returned"] = f"a pair holding {type_name(item)}"
            return
    rec[f"{key}/result"] = numbers


def _state(model: nn.Module) -> torch.Tensor:
    """Every parameter, flattened into one tensor in the order of model.parameters()."""
    return torch.cat([plain(p).reshape(-1) for p in model.parameters()])


warm_up = warm_up_training
"""Run by the fork server once, before its first job of this exercise (see harness.warm_up)."""


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    train_epoch = lookup_function(rec, namespace, SPEC.title)
    if train_epoch is None:
        return rec.data

    model = Watched(weights(seed))
    model.eval()  # as a previous evaluation would leave it: training must switch it back
    ok, value = recorded(rec, "train", lambda: train_epoch(model, loader(seed, "train"), nn.CrossEntropyLoss(), optimizer(model)))
    if ok:
        _result(rec, "train", value)
        rec["train/params"] = _state(model)
        rec["train/seen"] = [list(s) for s in model.seen[:50]]

    model = Watched(weights(seed))
    ok, value = recorded(rec, "eval", lambda: train_epoch(model, loader(seed, "eval"), nn.CrossEntropyLoss()))
    if ok:
        _result(rec, "eval", value)
        rec["eval/params"] = _state(model)
        rec["eval/grads"] = [p.grad is not None for p in model.parameters()]
        rec["eval/seen"] = [list(s) for s in model.seen[:50]]
    return rec.data
