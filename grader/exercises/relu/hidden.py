"""Hidden tests for ReLU."""

from __future__ import annotations

import torch

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.relu.inputs import SHAPES, forward_inputs, grad_case

FORBIDDEN = frozenset(
    {
        "torch.relu", "torch.relu_", "torch.nn.functional.relu", "torch.nn.functional.relu_",
        "torch.nn.ReLU", "torch.nn.modules.activation.ReLU", "torch.Tensor.relu", "torch.Tensor.relu_",
        "torch.ops.aten.relu", "torch.ops.aten.relu_",
        # relu under another name: threshold(x, 0, 0) is the same function, and PyTorch's own
        "torch.threshold", "torch.threshold_", "torch.nn.functional.threshold", "torch.nn.functional.threshold_",
        "torch.nn.Threshold", "torch.nn.modules.activation.Threshold",
    }
)
FORBIDDEN_OPS = FORBIDDEN | {
    "torch._C._nn.relu", "aten.relu", "aten.relu_", "aten.relu.default", "aten.relu_.default",
    "aten.threshold", "aten.threshold.default", "aten.threshold_", "aten.threshold_.default",
}


def _outputs(ev: Evidence) -> list[tuple[torch.Tensor, torch.Tensor]]:
    pairs = []
    for i, x in enumerate(forward_inputs(ev.seed)):
        what = f"ReLU on an input of shape {shape(x)}"
        pairs.append((x, ev.tensor(f"forward{i}/out", what)))
    return pairs


def test_forward_values(ev: Evidence) -> None:
    for x, out in _outputs(ev):
        expected = x.clamp(min=0)
        if out.shape != x.shape:
            raise Failure(
                f"for an input of shape {shape(x)} ReLU returned shape {shape(out)}; ReLU works element by "
                "element and keeps the shape (torch.max(x, 0) or x.max() reduce over elements)"
            )
        if close(out, expected):
            continue
        negative = x < 0
        leak = out[negative].double() / x[negative].double()
        mistake = first_match(out, [
            ("returns its input unchanged: negative values must become 0", lambda: x),
            ("returns the absolute value: negative values must become 0, not positive", lambda: x.abs()),
            ("returns 1 where x > 0 (a step function) instead of x itself", lambda: (x > 0).to(x.dtype)),
            ("returns min(x, 0): it keeps the negative values and zeroes the positive ones", lambda: x.clamp(max=0)),
        ])
        if mistake is None and close(out[~negative], x[~negative]) and leak.numel() and bool(
            torch.allclose(leak, leak[0].expand_as(leak), rtol=1e-3)
        ):
            mistake = f"scales negative values by {float(leak[0]):.3g} instead of setting them to 0 (a leaky ReLU)"
        if mistake is None and close(out[negative], torch.zeros_like(out[negative])):
            mistake = "sets negative values to 0 correctly but changes the positive ones; they must pass through unchanged"
        raise Failure(
            f"ReLU {mistake}" if mistake
            else f"ReLU's output differs from max(x, 0) for an input of shape {shape(x)} (largest difference {max_difference(out, expected):.3g})"
        )


def test_keeps_dtype(ev: Evidence) -> None:
    for x, out in _outputs(ev):
        check(out.dtype == x.dtype, f"ReLU turned a {x.dtype} input into {out.dtype}; the output must keep the input's dtype")
    ev.need("float64", "ReLU on a float64 input")
    dtype = ev.get("float64/dtype")
    check(
        dtype == "torch.float64",
        f"ReLU turned a float64 input into {dtype}; keep the input's dtype (no .float() and no torch.tensor(...) rebuild)",
    )


def test_input_unchanged(ev: Evidence) -> None:
    for i, x in enumerate(forward_inputs(ev.seed)):
        ev.need(f"forward{i}", f"ReLU on an input of shape {shape(x)}")
        check(
            not ev.get(f"forward{i}/input_changed", False),
            "ReLU modified its input in place (e.g. x[x < 0] = 0, x.clamp_(...) or x.relu_()); the caller still "
            "needs x, so build and return a new tensor",
        )


def test_gradient(ev: Evidence) -> None:
    x, upstream = grad_case(ev.seed)
    ev.need("grad_forward", "ReLU on an input that requires grad")
    check("grad/requires_grad" in ev, "ReLU did not return a tensor for an input that requires grad")
    check(
        ev.get("grad/requires_grad") is True,
        "ReLU's output does not require grad: it was cut off from autograd (by .detach(), .data, .numpy(), "
        "torch.tensor(...), or by building it from a comparison such as x > 0, which has no gradient), so no "
        "gradient can flow back through it",
    )
    ev.need("grad_backward", "backward through ReLU")
    grad = ev.tensor("grad/x", "the gradient of ReLU")
    expected = upstream * (x > 0)
    if not close(grad, expected):
        raise Failure(
            "the gradient flowing back through ReLU is wrong: it should be the incoming gradient where x > 0 "
            f"and 0 where x < 0 (largest difference {max_difference(grad, expected):.3g})"
        )


def test_no_builtin_relu(ev: Evidence) -> None:
    ev.need("forward0", f"ReLU on an input of shape {shape(SHAPES[0])}")
    steps = [f"forward{i}" for i in range(len(SHAPES))]
    used = forbidden_uses(ev.source, [*ev.ops(*steps), *ev.get("ancestry", [])], FORBIDDEN, frozenset({"relu", "relu_"}), FORBIDDEN_OPS, within="ReLU")
    alias = "; threshold(x, 0, 0) is relu under another name" if any("threshold" in name.lower() for name in used) else ""
    check(
        not used,
        f"ReLU uses PyTorch's own relu ({', '.join(used)}{alias}); the exercise is to write it yourself, e.g. "
        "with clamp, torch.where or torch.maximum",
    )


TESTS = (
    HiddenTest(test_forward_values),
    HiddenTest(test_keeps_dtype, requires=('forward_values',)),
    HiddenTest(test_input_unchanged, requires=('forward_values',)),
    HiddenTest(test_gradient),
    HiddenTest(test_no_builtin_relu, requires=('forward_values',)),
)
