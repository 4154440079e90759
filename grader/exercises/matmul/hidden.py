"""Hidden tests for the MatMul autograd.Function."""

from __future__ import annotations

import torch

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.matmul.inputs import CASES, GRADCHECK_CASE, case_tensors

DELEGATING = frozenset(
    {"torch.autograd.grad", "torch.autograd.backward", "torch.enable_grad", "torch.set_grad_enabled",
     "torch.autograd.enable_grad", "torch.autograd.set_grad_enabled", "torch.autograd.grad_mode.enable_grad",
     "torch.autograd.grad_mode.set_grad_enabled", "torch.func.vjp", "torch.autograd.functional.vjp",
     "torch.Tensor.backward"}
)
DELEGATING_METHODS = frozenset({"backward", "grad_fn", "next_functions"})
"""``z.backward()``, or calling a graph node directly (``z.grad_fn(g)``), which no recorder sees."""
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


NO_BACKWARD = "MatMul has no backward of its own; write the staticmethod backward(ctx, grad_output)"


def test_is_function(ev: Evidence) -> None:
    """A MatMul that is no Function at all never gets here: the judge stops at that first."""
    check(ev.get("own_backward") is True, NO_BACKWARD)
    ev.need("case0/forward", _what(0))
    check(ev.get("case0/no_grad_fn") is None, "the result of MatMul.apply is not linked to autograd (it has no grad_fn)")
    used = forbidden_uses(ev.source, ev.ops("backward"), DELEGATING, DELEGATING_METHODS, DELEGATING_OPS, within="MatMul")
    check(
        not used,
        f"MatMul's backward delegates to autograd ({', '.join(used)}); compute the gradients yourself with matrix products",
    )


def test_forward(ev: Evidence) -> None:
    for i in range(len(CASES)):
        X, Y, _ = case_tensors(ev.seed, i)
        out = ev.tensor(f"case{i}/out", _what(i))
        expected = X @ Y
        check(out.shape == expected.shape, f"{_what(i)} returned shape {shape(out)}; expected {shape(expected)}")
        check(close(out, expected), f"{_what(i)} does not return X @ Y (largest difference {max_difference(out, expected):.3g})")
        check(not ev.get(f"case{i}/inputs_changed"), f"{_what(i)} modified its inputs in place")
    ev.need("float32", "MatMul on float32 inputs")
    check(ev.get("float32/dtype") == "torch.float32", f"MatMul turned float32 inputs into {ev.get('float32/dtype')}")


def _check_gradient(ev: Evidence, name: str) -> None:
    check(ev.get("own_backward") is not False, NO_BACKWARD)
    for i in range(len(CASES)):
        ev.need(f"case{i}/forward", _what(i))
        if f"case{i}/backward/error" in ev:
            raise Failure(_explain_backward(ev, i))
        X, Y, G = case_tensors(ev.seed, i)
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


def _partial_backward(ev: Evidence, key: str, when: str, i: int) -> None:
    """Fail, naming the mistake, when the backward of ``key`` (one input requiring grad) raised."""
    error = ev.get(f"{key}/backward/error")
    if error is None:
        return
    message = str(error.get("message", "")) if isinstance(error, dict) else ""
    if "invalid gradient at index" in message:
        raise Failure(
            f"{when}, backward returns a gradient of the wrong shape ({message}): it mixes up which input needs a "
            "gradient; return (grad for X, grad for Y) in that order, None for the one not needed"
        )
    raise Failure(f"{when}, " + ev.explain(f"backward of {_what(i)}", error))


def test_one_input_requires_grad(ev: Evidence) -> None:
    """X alone, then Y alone requires grad: a backward that reads ctx.needs_input_grad the wrong
    way round, or shifts the one gradient it computes into the other slot, is right only when
    both inputs require grad."""
    for mode, name, other in (("only_x", "X", "Y"), ("only_y", "Y", "X")):
        when = f"when only {name} requires grad ({other} does not)"
        for i in range(len(CASES)):
            key = f"{mode}{i}"
            ev.need(f"{key}/forward", f"{_what(i)} {when}")
            check(ev.get(f"{key}/no_grad_fn") is None, f"{when}, the result of MatMul.apply is not linked to autograd (it has no grad_fn)")
            _partial_backward(ev, key, when, i)
            X, Y, G = case_tensors(ev.seed, i)
            right, others = (G @ Y.T, X.T @ G) if name == "X" else (X.T @ G, G @ Y.T)
            grad = ev.get(f"{key}/grad_{name.lower()}")
            check(
                isinstance(grad, torch.Tensor),
                f"{when}, backward returns no gradient for {name}: it mixes up which input needs a gradient "
                f"(ctx.needs_input_grad[0] is X's flag, [1] is Y's); return (grad for X, grad for Y), in that order",
            )
            if close(grad, right, rtol=1e-6, atol=1e-8):
                continue
            if close(grad, others, rtol=1e-6, atol=1e-8):
                raise Failure(
                    f"{when}, backward puts the gradient for {other} in {name}'s place: it mixes up which input needs "
                    "a gradient; return (grad for X, grad for Y) in that order, None for the one not needed"
                )
            raise Failure(
                f"{when}, the gradient for {name} is wrong for {_what(i)[10:]} (largest difference "
                f"{max_difference(grad, right):.3g}), though it is right when both require grad"
            )


FLOAT64_RTOL, FLOAT64_ATOL = 1e-10, 1e-12
"""Any float64 matrix product of these sizes is this exact; a product computed in float32 and
cast back is off by about 1e-8 relative, float32's rounding of the inputs."""


def test_gradcheck(ev: Evidence) -> None:
    """float64 precision, judged here on the outputs; then torch.autograd.gradcheck as run in
    the child, which can only add evidence against the answer (its gradients were checked first)."""
    for i in range(len(CASES)):
        X, Y, _ = case_tensors(ev.seed, i)
        out = ev.tensor(f"case{i}/out", _what(i))
        expected = X @ Y
        check(
            close(out, expected, rtol=FLOAT64_RTOL, atol=FLOAT64_ATOL),
            f"MatMul computes in float32: on float64 inputs its result is off by up to {max_difference(out, expected):.2g}, "
            "the rounding error of float32 (e.g. X.float() @ Y.float()); compute in the inputs' own dtype, "
            "or gradcheck's float64 comparison cannot pass",
        )
    error = ev.get("gradcheck/error")
    if error is not None:
        raise Failure(ev.explain(f"torch.autograd.gradcheck(MatMul.apply, ...) on float64 inputs {shape(CASES[GRADCHECK_CASE][0])} and {shape(CASES[GRADCHECK_CASE][1])}", error))
    check(ev.get("gradcheck/passed") is True, "torch.autograd.gradcheck did not pass on MatMul in float64")


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
    HiddenTest(test_forward),
    HiddenTest(test_grad_x),
    HiddenTest(test_grad_y),
    HiddenTest(test_is_function, points=0.5, requires=("forward", "grad_x", "grad_y")),  # self-reported facts
    HiddenTest(test_one_input_requires_grad, points=0.5, requires=("grad_x", "grad_y")),
    HiddenTest(test_gradcheck, points=0.5, requires=("forward", "grad_x", "grad_y")),
    HiddenTest(test_save_for_backward, points=0.5, requires=("forward",)),
)
"""Points add up to the spec's 5. The two tests that only one-input gradients and float64
precision reveal count once the gradients themselves are right, so no mistake is paid twice."""
