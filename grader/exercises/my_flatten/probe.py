"""Observe a student's Flatten."""

from __future__ import annotations

from typing import Any

import torch

from grader.exercises.my_flatten import SPEC
from grader.exercises.my_flatten.inputs import PAIRS, REPRS, images, tensor
from grader.probes.common import Observations, Recorder, construct_module, recorded


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls, module = construct_module(rec, namespace, SPEC.title, seed=seed)
    if module is None:
        return rec.data
    for key, x in (("images", images(seed)), ("default", tensor(seed))):
        given = x.clone()
        ok, out = recorded(rec, key, lambda: module(given))
        if ok:
            rec.tensor(f"{key}/out", out)
            rec[f"{key}/input_changed"] = not torch.equal(given, x)
    ok, out = rec.attempt("grad", lambda: module(images(seed).requires_grad_(True)))
    if ok and isinstance(out, torch.Tensor):
        rec["grad/requires_grad"] = bool(out.requires_grad)
    x = tensor(seed)
    for i, (start, end) in enumerate(PAIRS):
        ok, out = recorded(rec, f"pair{i}", lambda: cls(start_dim=start, end_dim=end)(x.clone()))
        if ok:
            rec.tensor(f"pair{i}/out", out)
    for i, args in enumerate(REPRS):
        rec.text(f"repr{i}", lambda: repr(cls(*args)))
    return rec.data
