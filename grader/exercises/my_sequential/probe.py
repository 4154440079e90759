"""Observe a student's MySequential."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.exercises.my_sequential import SPEC
from grader.exercises.my_sequential.inputs import RELOADED, SHAPED, SQUARE, inputs, layers
from grader.probes.common import Observations, Recorder, construct_module, recorded


def _record_output(rec: Recorder, key: str, call: Any) -> None:
    ok, out = recorded(rec, key, call)
    if ok:
        rec.tensor(f"{key}/out", out)


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls, model = construct_module(rec, namespace, SPEC.title, *layers(seed, SQUARE), seed=seed)
    if model is None:
        return rec.data
    for i, x in enumerate(inputs(seed, SQUARE)):
        _record_output(rec, f"square{i}", lambda: model(x.clone()))
    ok, shaped = rec.attempt("shaped", lambda: cls(*layers(seed, SHAPED)))
    if ok:
        x = inputs(seed, SHAPED)[0]
        _record_output(rec, "shaped0", lambda: shaped(x.clone()))
    x = inputs(seed, SQUARE)[0]
    ok, out = rec.attempt("grad", lambda: model(x.clone().requires_grad_(True)))
    if ok and isinstance(out, torch.Tensor):
        rec["grad/requires_grad"] = bool(out.requires_grad)

    def own_round_trip() -> Any:
        fresh = cls(*layers(seed, RELOADED))
        fresh.load_state_dict(model.state_dict())
        return fresh(x.clone())

    def sequential_round_trip() -> Any:
        fresh = cls(*layers(seed, RELOADED))
        fresh.load_state_dict(nn.Sequential(*layers(seed, SQUARE)).state_dict())
        return fresh(x.clone())

    def replaced_child() -> Any:
        fresh = cls(*layers(seed, SQUARE))
        fresh.add_module("1", nn.Sigmoid())
        return fresh(x.clone())

    _record_output(rec, "own_round_trip", own_round_trip)
    _record_output(rec, "sequential_round_trip", sequential_round_trip)
    _record_output(rec, "replaced_child", replaced_child)
    rec.value("state_dict_keys", lambda: [str(k)[:100] for k in list(model.state_dict())[:50]])
    rec.value("children", lambda: [str(name)[:100] for name, _ in list(model.named_children())[:50]])
    return rec.data
