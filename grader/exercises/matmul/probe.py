"""Observe a student's MatMul autograd.Function."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import torch
from torch.autograd import Function, gradcheck

from grader.exercises.matmul import SPEC
from grader.exercises.matmul.inputs import CASES, GRAD_MODES, GRADCHECK_CASE, case_tensors
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


def _prefix(mode: str, i: int) -> str:
    """Keys of case ``i``: ``case{i}`` when both inputs require grad, ``only_x{i}``, ``only_y{i}``."""
    return f"case{i}" if mode == "both" else f"{mode}{i}"


def _record_case(rec: Recorder, cls: Any, seed: int, mode: str, i: int, inside_backward: OpRecorder) -> None:
    """Forward and backward of case ``i`` with the inputs of ``mode`` requiring grad."""
    key = _prefix(mode, i)
    X, Y, upstream = case_tensors(seed, i)
    needs_x, needs_y = GRAD_MODES[mode]
    X.requires_grad_(needs_x)
    Y.requires_grad_(needs_y)
    ok, Z = rec.attempt(f"{key}/forward", lambda: cls.apply(X, Y))
    if not ok or not isinstance(Z, torch.Tensor):
        return
    if mode == "both":
        rec.tensor(f"{key}/out", Z)
        original_x, original_y, _ = case_tensors(seed, i)
        rec[f"{key}/inputs_changed"] = not (torch.equal(X, original_x) and torch.equal(Y, original_y))
    grad_fn: Any = Z.grad_fn
    if grad_fn is None:
        rec[f"{key}/no_grad_fn"] = True
        return
    if mode == "both":
        rec[f"{key}/grad_fn"] = type(grad_fn).__name__
        rec.value(f"{key}/saved", lambda: len(grad_fn.saved_tensors))
    with _watching_backward(cls, inside_backward, enabled=rec.data["own_backward"]):
        ok, _ = rec.attempt(f"{key}/backward", lambda: Z.backward(upstream))
    if ok:
        for name, leaf in (("x", X), ("y", Y)):
            if leaf.grad is not None:
                rec.tensor(f"{key}/grad_{name}", leaf.grad)


def warm_up() -> None:
    """Run by the fork server once, before its first MatMul job: gradcheck's first use."""
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    gradcheck(lambda t: t @ t.T, (x,))


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls = lookup_class(rec, namespace, SPEC.title)
    if cls is None:
        return rec.data
    rec["is_function"] = issubclass(cls, Function)
    rec["own_backward"] = any("backward" in vars(k) for k in cls.__mro__ if k not in (Function, object) and not k.__module__.startswith("torch"))
    if not rec.data["is_function"]:
        return rec.data

    inside_backward = OpRecorder()
    for mode in GRAD_MODES:
        for i in range(len(CASES)):
            _record_case(rec, cls, seed, mode, i, inside_backward)

    X, Y, _ = case_tensors(seed, GRADCHECK_CASE)
    X.requires_grad_(True)
    Y.requires_grad_(True)
    with _watching_backward(cls, inside_backward, enabled=rec.data["own_backward"]):
        ok, passed = rec.attempt("gradcheck", lambda: gradcheck(cls.apply, (X, Y), eps=1e-6, atol=1e-5))
    if ok:
        rec["gradcheck/passed"] = passed is True

    rec["backward/ops"] = sorted(inside_backward.names)

    X, Y, _ = case_tensors(seed, 0, torch.float32)
    ok, Z = rec.attempt("float32", lambda: cls.apply(X, Y))
    if ok and isinstance(Z, torch.Tensor):
        rec["float32/dtype"] = str(Z.dtype)
    return rec.data
