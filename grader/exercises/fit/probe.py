"""Observe a student's fit: a few epochs on a small MNIST subset, from known starting weights."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.fit import SPEC
from grader.exercises.fit.inputs import EPOCHS, KEYS, LR, MOMENTUM, SHAPES, loader, start_weights
from grader.probes.common import Observations, Recorder, error_record, lookup_function, plain, type_name, warm_up_training


def _model(namespace: dict[str, Any], seed: int) -> Any:
    """The notebook's SimpleMLP (the reference one when grading) with the starting weights."""
    model = namespace["SimpleMLP"]()
    params = list(model.parameters())
    if [tuple(p.shape) for p in params] != list(SHAPES):
        raise TypeError(f"SimpleMLP's parameters have shapes {[tuple(p.shape) for p in params]}")
    with torch.no_grad():
        for p, w in zip(params, start_weights(seed)):
            p.copy_(w)
    return model


def _history(rec: Recorder, value: Any) -> None:
    if not isinstance(value, dict):
        rec["fit/returned"] = type_name(value)
        return
    rec["fit/keys"] = sorted(str(k)[:40] for k in list(value)[:20])
    for key in KEYS:
        series = value.get(key)
        if not isinstance(series, (list, tuple)):
            continue
        numbers: list[float | None] = []
        for item in list(series)[:100]:
            if isinstance(item, torch.Tensor) and item.numel() == 1:
                numbers.append(float(item.detach().reshape(())))
            elif isinstance(item, (int, float)) and not isinstance(item, bool):
                numbers.append(float(item))
            else:
                numbers.append(None)
        rec[f"fit/history/{key}"] = numbers


def warm_up() -> None:
    """Run by the fork server once, before its first fit job: a training loop's first uses,
    and the digits read into memory."""
    from grader.exercises.mnist import MnistMissing, digits

    warm_up_training()
    try:
        digits()
    except MnistMissing:
        pass  # each job reports it


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    fit = lookup_function(rec, namespace, SPEC.title)
    if fit is None:
        return rec.data
    try:
        train, held_out = loader(seed, "train"), loader(seed, "held_out")
    except OSError as exc:  # the MNIST files are missing: the grader's problem, never the student's
        rec["mnist/error"] = error_record(exc)
        return rec.data
    ok, model = rec.attempt("model", lambda: _model(namespace, seed))
    if not ok:
        return rec.data
    ok, value = rec.attempt("fit", lambda: fit(model, train, held_out, EPOCHS, LR, MOMENTUM))
    if ok:
        _history(rec, value)
        rec["fit/weights"] = torch.cat([plain(p).reshape(-1) for p in model.parameters()])
    return rec.data
