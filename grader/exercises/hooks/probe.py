"""Observe record_outputs, clamp_output and remove_hooks: three forward passes (recording, recording
and clamping, after removal), each with the model's output and what was recorded."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.hooks import SPEC
from grader.exercises.hooks.inputs import TARGET, setup
from grader.probes.common import Observations, Recorder, lookup_function, plain, type_name


def _snapshot(outputs: Any) -> list[list[Any]] | str:
    """What the dict holds now: [name, tensor, requires_grad] for each entry; the type of anything else."""
    if not isinstance(outputs, dict):
        return type_name(outputs)
    return [[name, plain(t), bool(t.requires_grad)] for name, t in list(outputs.items())[:20]
            if type(name) is str and isinstance(t, torch.Tensor)]


def _run(rec: Recorder, key: str, net: torch.nn.Module, x: torch.Tensor, outputs: Any) -> None:
    ok, out = rec.output(key, lambda: net(x))
    if ok:
        rec[f"{key}/requires_grad"] = bool(isinstance(out, torch.Tensor) and out.requires_grad)
        rec.value(f"{key}/recorded", lambda: _snapshot(outputs))


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    functions = [lookup_function(rec, namespace, name) for name in SPEC.names]
    if any(f is None for f in functions):
        return rec.data
    record_outputs, clamp_output, remove_hooks = functions
    net, names, limit, xs = setup(seed)
    ok, result = rec.attempt("record", lambda: record_outputs(net, list(names)))
    if not ok:
        return rec.data
    if not (isinstance(result, tuple) and len(result) == 2):
        rec["record/type"] = type_name(result)
        return rec.data
    outputs, handles = result
    _run(rec, "run1", net, xs[0], outputs)
    ok, handle = rec.attempt("clamp", lambda: clamp_output(net.get_submodule(TARGET), limit))
    if not ok:
        return rec.data
    _run(rec, "run2", net, xs[1], outputs)
    ok, _ = rec.attempt("remove", lambda: remove_hooks([*handles, handle]))
    if ok:
        _run(rec, "run3", net, xs[2], outputs)
    return rec.data
