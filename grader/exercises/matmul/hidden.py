"""Hidden tests for the MatMul autograd.Function."""

from __future__ import annotations

import torch

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.matmul.inputs import CASES, case_tensors

DELEGATING = frozenset(
    {"torch.autograd.grad", "torch.autograd.backward", "torch.enable_grad", "torch.set_grad_enabled",
     "torch.func.vjp", "torch.autograd.functional.vjp", "torch.Tensor.backward"}
)
DELEGATING_OPS = frozenset({"torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward"})
"""Calls inside backward that hand the work to autograd (entering no_grad, as
once_differentiable does, is not among them)."""


def _what(i: int) -> str:
    (m, n), (_, p) = CASES[i]
    return f"MatMul on X {shape((m, n))} and Y {shape((n, p))}"


def _explain_backward(ev: Evidence, i: int) -> str:
    error = ev.get(f"case{i}/backward/error", {})
    message = str(error.get("message", ""))
    if "incorrect number of gradients" in message:
        return "backward must return one gradient per input of forward: two here, (grad for X, grad for Y)"
    if "invalid gradient at index" in message:
        return (
            f"backward returned a gradient of the wrong shape ({message}); return (grad for X, grad for Y) in that "
            "order, each with the shape of its input: grad_output @ Y.T and X.T @ grad_output"
        )
    if "cannot be multiplied" in message or "size mismatch" in message or "shapes" in message:
        return (
            f"backward fails for {_what(i)[10:]} ({message}); check the transposes: the gradient for X is "
            "grad_output @ Y.T (shape of X), for Y it is X.T @ grad_output (shape of Y)"
        )
    return ev.explain(f"backward of {_what(i)}", error)


def test_is_function(ev: Evidence) -> None:
    """A MatMul that is no Function at all never gets here: the judge stops at that first."""
    check(ev.get("own_backward") is True, "MatMul has no backward of its own; write the staticmethod backward(ctx, grad_output)")
    ev.need("case0/forward", _what(0))
    check(ev.get("case0/no_grad_fn") is None, "the result of MatMul.apply is not linked to autograd (it has no grad_fn)")
    used = forbidden_uses(ev.source, ev.ops("backward"), DELEGATING, frozenset({"backward"}), DELEGATING_OPS, within="MatMul")
    check(
        not used,
        f"MatMul's backward delegates to autograd ({', '.join(used)}); compute the gradients yourself with matrix products",
    )


def test_forward(ev: Evidence) -> None:
    for i in range(len(CASES)):
        X, Y, _ = case_tensors(i)
        out = ev.tensor(f"case{i}/out", _what(i))
        expected = X @ Y
        check(out.shape == expected.shape, f"{_what(i)} returned shape {shape(out)}; expected {shape(expected)}")
        check(close(out, expected), f"{_what(i)} does not return X @ Y (largest difference {max_difference(out, expected):.3g})")
        check(not ev.get(f"case{i}/inputs_changed"), f"{_what(i)} modified its inputs in place")
    ev.need("float32", "MatMul on float32 inputs")
    check(ev.get("float32/dtype") == "torch.float32", f"MatMul turned float32 inputs into {ev.get('float32/dtype')}")


def _check_gradient(ev: Evidence, name: str) -> None:
    for i in range(len(CASES)):
        ev.need(f"case{i}/forward", _what(i))
        if f"case{i}/backward/error" in ev:
            raise Failure(_explain_backward(ev, i))
        X, Y, G = case_tensors(i)
        right = G @ Y.T if name == "x" else X.T @ G
        grad = ev.get(f"case{i}/grad_{name}")
        check(isinstance(grad, torch.Tensor), f"backward returned no gradient for {name.upper()} (None)")
        if close(grad, right, rtol=1e-6, atol=1e-8):
            continue
        mistake = first_match(grad, [
            ("the gradient for X is missing a transpose: it is grad_output @ Y.T", lambda: G @ Y),
            ("the gradient for Y is missing a transpose: it is X.T @ grad_output", lambda: X @ G),
            ("the factors are in the wrong order: the gradient for X is grad_output @ Y.T", lambda: Y.T @ G),
            ("the factors are in the wrong order: the gradient for Y is X.T @ grad_output", lambda: G @ X.T),
            ("the two gradients are swapped: return (grad for X, grad for Y)", lambda: X.T @ G if name == "x" else G @ Y.T),
            ("the gradient ignores grad_output: multiply by the incoming gradient", lambda: torch.ones_like(G) @ Y.T if name == "x" else X.T @ torch.ones_like(G)),
        ])
        raise Failure(
            mistake or f"the gradient for {name.upper()} is wrong for {_what(i)[10:]} (largest difference {max_difference(grad, right):.3g})"
        )


def test_grad_x(ev: Evidence) -> None:
    _check_gradient(ev, "x")


def test_grad_y(ev: Evidence) -> None:
    _check_gradient(ev, "y")


def test_save_for_backward(ev: Evidence) -> None:
    ev.need("case0/forward", _what(0))
    ev.need("case0/saved", "reading the tensors MatMul saved for backward")
    saved = ev.get("case0/saved") or 0
    check(
        saved >= 2,
        f"forward saves {saved} tensor(s) with ctx.save_for_backward and keeps the rest as attributes of ctx "
        "(e.g. ctx.Y = Y); save both with ctx.save_for_backward(X, Y): saved tensors let autograd detect "
        "in-place changes and free memory when the graph goes",
    )


TESTS = (
    HiddenTest(test_is_function),
    HiddenTest(test_forward),
    HiddenTest(test_grad_x),
    HiddenTest(test_grad_y),
    HiddenTest(test_save_for_backward, requires=('forward',)),
)
