"""Observe a student's clones(block, k)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.exercises.builders import mixed_seed
from grader.exercises.clones import SPEC
from grader.exercises.clones.inputs import FIRST, K, SECOND, SHIFT, block, example
from grader.probes.common import Observations, Recorder, lookup_function, recorded, type_name


def _outputs(rec: Recorder, key: str, copies: Any, x: torch.Tensor) -> None:
    """What each copy computes on x, under key/0, key/1, ..."""
    for i in range(min(len(copies), 10)):
        rec.output(f"{key}/{i}", lambda: copies[i](x.clone()))


def _shift(module: nn.Module) -> None:
    with torch.no_grad():
        for p in module.parameters():
            p.add_(SHIFT)


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    clones = lookup_function(rec, namespace, SPEC.title)
    if clones is None:
        return rec.data
    torch.manual_seed(mixed_seed(seed, 0))
    x = example(seed)
    original = block(seed, FIRST)
    ok, copies = recorded(rec, "call", lambda: clones(original, K))
    if not ok:
        return rec.data
    rec["call/type"] = type_name(copies)
    ok, count = rec.attempt("len", lambda: len(copies))
    if not ok:
        return rec.data
    rec["len"] = int(count)
    _outputs(rec, "fresh", copies, x)
    ok, single = rec.attempt("one", lambda: clones(block(seed, FIRST), 1))
    if ok:
        rec.value("one/len", lambda: int(len(single)))

    rec.attempt("shift_original", lambda: _shift(original))
    _outputs(rec, "after_original", copies, x)
    if rec.attempt("shift_first", lambda: _shift(copies[0]))[0]:
        _outputs(rec, "after_first", copies, x)

    def round_trip() -> list[Any]:
        """A model holding the copies saves and loads them only if they are registered."""
        holder, fresh = nn.Module(), nn.Module()
        loaded = clones(block(seed, SECOND), K)
        holder.copies = clones(block(seed, FIRST), K)
        fresh.copies = loaded
        fresh.load_state_dict(holder.state_dict())
        return [loaded[i](x.clone()) for i in range(K)]

    ok, outs = rec.attempt("round_trip", round_trip)
    if ok:
        for i, out in enumerate(outs):
            rec.tensor(f"round_trip/{i}/out", out)
    return rec.data
