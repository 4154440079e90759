"""Observe a student's MatMul autograd.Function."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import torch
from torch.autograd import Function

from grader.exercises.matmul import SPEC
from grader.exercises.matmul.inputs import CASES, case_tensors
from grader.probes.common import Observations, OpRecorder, Recorder, lookup_class


@contextmanager
def _watching_backward(cls: Any, ops: OpRecorder, *, enabled: bool) -> Iterator[None]:
    """Record the torch calls made inside the student's backward (autograd's engine calls it
    from within Tensor.backward, where an outer recorder sees nothing)."""
    if not enabled:
        yield
        return
    had_own, original, backward = "backward" in vars(cls), vars(cls).get("backward"), cls.backward

    def spy(ctx: Any, *grads: Any) -> Any:
        with ops:
            return backward(ctx, *grads)

    cls.backward = staticmethod(spy)
    try:
        yield
    finally:
        if had_own:
            cls.backward = original
        else:
            del cls.backward


def observe(namespace: dict[str, Any]) -> Observations:
    rec = Recorder()
    cls = lookup_class(rec, namespace, SPEC.title)
    if cls is None:
        return rec.data
    rec["is_function"] = issubclass(cls, Function)
    rec["own_backward"] = any("backward" in vars(k) for k in cls.__mro__ if k not in (Function, object) and not k.__module__.startswith("torch"))
    if not rec.data["is_function"]:
        return rec.data

    inside_backward = OpRecorder()
    for i in range(len(CASES)):
        X, Y, upstream = case_tensors(i)
        X.requires_grad_(True)
        Y.requires_grad_(True)
        ok, Z = rec.attempt(f"case{i}/forward", lambda: cls.apply(X, Y))
        if not ok or not isinstance(Z, torch.Tensor):
            continue
        rec.tensor(f"case{i}/out", Z)
        rec[f"case{i}/inputs_changed"] = not (torch.equal(X, case_tensors(i)[0]) and torch.equal(Y, case_tensors(i)[1]))
        if Z.grad_fn is None:
            rec[f"case{i}/no_grad_fn"] = True
            continue
        rec[f"case{i}/grad_fn"] = type(Z.grad_fn).__name__
        rec.value(f"case{i}/saved", lambda: len(Z.grad_fn.saved_tensors))
        with _watching_backward(cls, inside_backward, enabled=rec.data["own_backward"]):
            ok, _ = rec.attempt(f"case{i}/backward", lambda: Z.backward(upstream))
        if ok:
            for name, leaf in (("x", X), ("y", Y)):
                if leaf.grad is not None:
                    rec.tensor(f"case{i}/grad_{name}", leaf.grad)

    rec["backward/ops"] = sorted(inside_backward.names)

    X, Y, _ = case_tensors(0, torch.float32)
    ok, Z = rec.attempt("float32", lambda: cls.apply(X, Y))
    if ok and isinstance(Z, torch.Tensor):
        rec["float32/dtype"] = str(Z.dtype)
    return rec.data
