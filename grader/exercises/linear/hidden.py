"""Hidden tests for Linear."""

from __future__ import annotations

import math
import re

import torch

from grader.judge.evidence import Evidence, Failure, check, close, fail_naming, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.judge.statistics import uniform_mismatch
from grader.exercises.linear.inputs import IN, INIT_SIZES, LEADING_SHAPES, OUT, forward_inputs, grad_case

FORBIDDEN = frozenset(
    {"torch.nn.Linear", "torch.nn.modules.linear.Linear", "torch.nn.functional.linear", "torch._C._nn.linear"}
)
LAYER = f"Linear({IN}, {OUT})"


def _kind_message(kind: str, name: str) -> str:
    if kind == "missing":
        return f"{LAYER} has no attribute named {name}; the layer must store its parameters as self.weight and self.bias"
    if kind == "tensor":
        return (
            f"{name} is a plain tensor, not an nn.Parameter, so model.parameters() does not see it and an "
            "optimizer would never train it; wrap it in nn.Parameter(...)"
        )
    return f"{name} of {LAYER} should be an nn.Parameter, found {kind}"


def _weight(ev: Evidence) -> torch.Tensor:
    """The weight as (out, in), accepting a transposed layout so one mistake costs one test."""
    kind = ev.get("weight/kind")
    check(kind in ("parameter", "tensor"), _kind_message(str(kind), "weight"))
    weight = ev.tensor("weight/value", "the weight")
    if tuple(weight.shape) == (IN, OUT):
        return weight.T
    check(tuple(weight.shape) == (OUT, IN), f"cannot check the output: weight has shape {shape(weight)}, expected {shape((OUT, IN))}")
    return weight


def _bias(ev: Evidence) -> torch.Tensor:
    kind = ev.get("bias/kind")
    check(kind in ("parameter", "tensor"), _kind_message(str(kind), "bias"))
    return ev.tensor("bias/value", "the bias")


def test_parameters_registered(ev: Evidence) -> None:
    for name in ("weight", "bias"):
        kind = str(ev.get(f"{name}/kind"))
        check(kind == "parameter", _kind_message(kind, name))
    ev.need("parameters", f"{LAYER}.named_parameters()")
    names = ev.get("parameters")
    check(
        isinstance(names, list) and sorted(names) == ["bias", "weight"],
        f"{LAYER}.named_parameters() lists {names}; it should list exactly weight and bias",
    )
    for name in ("weight", "bias"):
        check(ev.get(f"{name}/requires_grad") is True, f"{name} does not require grad, so it cannot be trained")


def test_weight_shape(ev: Evidence) -> None:
    kind = str(ev.get("weight/kind"))
    check(kind in ("parameter", "tensor"), _kind_message(kind, "weight"))
    found = tuple(ev.get("weight/shape", ()))
    if found == (IN, OUT):
        raise Failure(
            f"weight has shape {shape(found)}, i.e. (in_features, out_features); store it as "
            f"(out_features, in_features) = {shape((OUT, IN))} like PyTorch's layers, and compute x @ weight.T"
        )
    check(found == (OUT, IN), f"weight of {LAYER} has shape {shape(found)}; expected (out_features, in_features) = {shape((OUT, IN))}")
    bias_shape = tuple(ev.get("bias/shape", ()))
    if ev.get("bias/kind") in ("parameter", "tensor"):
        check(bias_shape == (OUT,), f"bias of {LAYER} has shape {shape(bias_shape)}; expected (out_features,) = {shape((OUT,))}")


def _check_init(ev: Evidence, name: str) -> None:
    for label, (fan_in, fan_out) in INIT_SIZES.items():
        ev.need(f"init_{label}", f"Linear({fan_in}, {fan_out})")
        kind = str(ev.get(f"init_{label}/{name}/kind"))
        check(kind in ("parameter", "tensor"), _kind_message(kind, name))
        values = ev.tensor(f"init_{label}/{name}/value", f"{name} of Linear({fan_in}, {fan_out})")
        problem = uniform_mismatch(values, 1 / math.sqrt(fan_in), f"the {name} of Linear({fan_in}, {fan_out})", fan_out=fan_out)
        if problem:
            raise Failure(problem)


def test_weight_init(ev: Evidence) -> None:
    _check_init(ev, "weight")


def test_bias_init(ev: Evidence) -> None:
    _check_init(ev, "bias")


def _check_output(ev: Evidence, i: int, x: torch.Tensor) -> None:
    what = f"{LAYER} on an input of shape {shape(x)}"
    out = ev.tensor(f"forward{i}/out", what)
    weight, bias = _weight(ev), _bias(ev)
    expected = x @ weight.T + bias
    if out.shape != expected.shape:
        raise Failure(f"{what} returned shape {shape(out)}; expected {shape(expected)}")
    if close(out, expected):
        check(not ev.get(f"forward{i}/input_changed"), f"{what} modified its input in place; leave x unchanged")
        return
    mistake = first_match(out, [
        ("does not add the bias", lambda: x @ weight.T),
        ("adds the bias twice", lambda: x @ weight.T + 2 * bias),
        ("subtracts the bias instead of adding it", lambda: x @ weight.T - bias),
        ("applies an activation (ReLU) to the output; a Linear layer is only x @ weight.T + bias", lambda: (x @ weight.T + bias).clamp(min=0)),
    ])
    fail_naming(
        what, mistake,
        f"does not compute x @ weight.T + bias with the layer's own parameters (largest difference {max_difference(out, expected):.3g})",
    )


def test_forward(ev: Evidence) -> None:
    _check_output(ev, 1, forward_inputs(ev.seed)[1])


def test_leading_dimensions(ev: Evidence) -> None:
    for i, x in enumerate(forward_inputs(ev.seed)):
        error = ev.get(f"forward{i}/error")
        if error is not None and i != 1 and ev.get("forward1/error") is None:
            raise Failure(
                f"{ev.explain(f'{LAYER} on an input of shape {shape(x)}', error)} — it works on a (batch, in_features) "
                "input but not here. Use x @ weight.T (or torch.matmul), which handles any number of leading "
                f"dimensions (none, one or three here), instead of torch.mm or code written for 2-D input"
            )
        _check_output(ev, i, x)


def test_gradients(ev: Evidence) -> None:
    x, upstream = grad_case(ev.seed)
    ev.need("grad_forward", f"{LAYER} on an input that requires grad")
    check(
        ev.get("grad/requires_grad") is True,
        f"the output of {LAYER} does not require grad: it was cut off from autograd (.detach(), .data, numpy or "
        "torch.tensor(...)), so the layer could never learn",
    )
    ev.need("grad_backward", f"backward through {LAYER}")
    weight_shape = tuple(ev.get("weight/shape", ()))
    expected_weight = upstream.T @ x
    if weight_shape == (IN, OUT):
        expected_weight = expected_weight.T
    for name, expected in (("weight", expected_weight), ("bias", upstream.sum(0))):
        if ev.get(f"{name}/requires_grad") is not True:
            continue  # charged once, by parameters_registered
        grad = ev.get(f"grad/{name}")
        check(
            isinstance(grad, torch.Tensor),
            f"{name} received no gradient after backward: it does not take part in the computation as a tensor that requires grad",
        )
        check(close(grad, expected), f"the gradient of {name} is wrong (largest difference {max_difference(grad, expected):.3g})")


def test_no_bias(ev: Evidence) -> None:
    ev.need("nobias", f"Linear({IN}, {OUT}, bias=False)")
    kind = str(ev.get("nobias/bias/kind"))
    if kind == "False":
        raise Failure(
            "with bias=False the layer sets self.bias = False; set it to None instead — that is PyTorch's convention, "
            "and code such as `if layer.bias is not None` relies on it"
        )
    check(kind != "missing", "with bias=False the layer has no bias attribute at all; set self.bias = None")
    check(kind == "none", f"with bias=False, bias should be None, found {kind}")
    names = ev.get("nobias/parameters")
    check(
        isinstance(names, list) and "bias" not in names,
        f"with bias=False, named_parameters() should not list a bias, found {names}",
    )
    x = forward_inputs(ev.seed)[1]
    out = ev.tensor("nobias/forward/out", f"Linear({IN}, {OUT}, bias=False) on an input of shape {shape(x)}")
    weight = ev.tensor("nobias/weight/value", "the weight of the layer without bias")
    if tuple(weight.shape) == (IN, OUT):
        weight = weight.T
    check(close(out, x @ weight.T) if weight.shape == (OUT, IN) else False, "with bias=False the output should be x @ weight.T")


def _repr_says(text: str, bias: bool) -> bool:
    pattern = rf"in_features\s*=\s*{IN}\s*,\s*out_features\s*=\s*{OUT}\s*,\s*bias\s*=\s*{bias}\b"
    return re.search(pattern, text) is not None


def test_extra_repr(ev: Evidence) -> None:
    for key, bias in (("repr", True), ("nobias/repr", False)):
        ev.need(key, f"repr() of Linear({IN}, {OUT}{'' if bias else ', bias=False'})")
        text = str(ev.get(key, ""))
        if _repr_says(text, bias):
            continue
        if "tensor(" in text or "Parameter containing" in text:
            raise Failure(
                "extra_repr prints the bias tensor itself; show bias=True or bias=False (whether the layer has a bias)"
            )
        raise Failure(
            f"repr() of the layer should contain 'in_features={IN}, out_features={OUT}, bias={bias}' "
            f"(from extra_repr); it shows {text!r}"
        )


def test_no_builtin_linear(ev: Evidence) -> None:
    ev.need("forward1", f"{LAYER} on a batch")
    steps = [f"forward{i}" for i in range(len(LEADING_SHAPES))]
    used = forbidden_uses(ev.source, [*ev.ops(*steps), *ev.get("ancestry", [])], FORBIDDEN, within="Linear")
    check(
        not used,
        f"Linear uses PyTorch's own linear layer ({', '.join(used)}); the exercise is to write it yourself, "
        "with @, torch.matmul or einsum",
    )


TESTS = (
    HiddenTest(test_forward),
    HiddenTest(test_parameters_registered, requires=('forward',)),  # kinds and shapes are self-reported:
    HiddenTest(test_weight_shape, requires=('forward',)),  # they count once the output proves the state is used
    HiddenTest(test_weight_init),
    HiddenTest(test_bias_init),
    HiddenTest(test_leading_dimensions),
    HiddenTest(test_gradients),
    HiddenTest(test_no_bias),
    HiddenTest(test_extra_repr, requires=('forward',)),  # a repr is self-reported: it never earns a point alone
    HiddenTest(test_no_builtin_linear, requires=('forward',)),
)
