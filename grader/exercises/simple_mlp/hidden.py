"""Hidden tests for SimpleMLP, which runs on the reference Linear and ReLU."""

from __future__ import annotations

from typing import Any

import torch

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.simple_mlp.inputs import forward_inputs

SIZES = [(100, 784), (10, 100)]
"""Weight shapes, (out_features, in_features), in order."""
PARAMETER_SHAPES = sorted([[100, 784], [100], [10, 100], [10]])
TORCH_LAYERS = frozenset(
    {"torch.nn.Linear", "torch.nn.ReLU", "torch.nn.functional.relu", "torch.nn.functional.linear", "torch.relu",
     "torch.nn.modules.linear.Linear", "torch.nn.modules.activation.ReLU", "torch._C._nn.linear", "torch.Tensor.relu"}
)


def _layers(ev: Evidence) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """Weight and bias of each linear layer, in the order the forward pass used them
    (layers it never used last, in registration order)."""
    ev.need("structure", "listing the model's layers")
    layers: Any = ev.get("layers", [])
    called = [name for name, _ in ev.get("forward_images/calls", []) if name]
    order = {name: called.index(name) if name in called else len(called) + i for i, (name, _, _) in enumerate(layers)}
    return [(w, b) for name, w, b in sorted(layers, key=lambda layer: order[layer[0]]) if isinstance(w, torch.Tensor)]


def _describe(layers: list[tuple[torch.Tensor, torch.Tensor | None]]) -> str:
    return ", ".join(f"Linear({w.shape[1]}, {w.shape[0]})" for w, _ in layers) or "no linear layers"


NO_PARAMETERS = (
    "SimpleMLP has no registered parameters: layers kept in a plain Python list or dict are invisible to "
    "nn.Module (and to the optimizer); assign each layer to an attribute, or use nn.Sequential / nn.ModuleList"
)


def _layer_problem(ev: Evidence, layers: list[tuple[torch.Tensor, torch.Tensor | None]]) -> str | None:
    """Why the model's linear layers are not Linear(784, 100) then Linear(100, 10), or None."""
    if not ev.get("parameters", []):
        return NO_PARAMETERS
    if [tuple(w.shape) for w, _ in layers] != SIZES:
        return f"expected Linear(784, 100) followed by Linear(100, 10); found {_describe(layers)}"
    return None


def test_parameters_registered(ev: Evidence) -> None:
    ev.need("structure", "listing the model's parameters")
    found = ev.get("parameters", [])
    check(bool(found), NO_PARAMETERS)
    shapes = sorted(s for _, s in found)
    check(
        shapes == PARAMETER_SHAPES,
        f"SimpleMLP's parameters have shapes {[tuple(s) for s in shapes]}; expected the weight and bias of "
        "Linear(784, 100) and Linear(100, 10): (100, 784), (100,), (10, 100), (10,)",
    )
    if "grad/requires_grad" not in ev:
        return  # the forward pass failed: that is charged where it is tested
    check(
        ev.get("grad/requires_grad") is True,
        "SimpleMLP's output does not require grad: it was cut off from autograd (.detach(), .data, numpy), "
        "so its parameters receive no gradient and would never be trained",
    )
    ev.need("grad_backward", "backward through SimpleMLP")
    missing = sorted({name for name, _ in found} - set(ev.get("grad/with_grad", [])))
    check(not missing, f"these parameters receive no gradient, so they would never be trained: {missing}")


def test_image_batches(ev: Evidence) -> None:
    for label in ("one_image", "images"):
        x = forward_inputs(ev.seed)[label]
        error = ev.get(f"forward_{label}/error")
        if error is not None and ev.get("forward_flat/error") is None:
            raise Failure(
                f"{ev.explain(f'SimpleMLP on images of shape {shape(x)}', error)} — it works on flat (batch, 784) "
                "input, so the images are not flattened first: start with Flatten()"
            )
        out = ev.tensor(f"forward_{label}/out", f"SimpleMLP on images of shape {shape(x)}")
        check(
            tuple(out.shape) == (x.shape[0], 10),
            f"SimpleMLP on images of shape {shape(x)} returned shape {shape(out)}; expected one row of 10 logits per "
            f"image, {shape((x.shape[0], 10))} (flatten each image, keeping the batch dimension)",
        )


def test_logits(ev: Evidence) -> None:
    layers = _layers(ev)
    problem = _layer_problem(ev, layers)
    check(problem is None, f"cannot check the output: {problem}")
    (w1, b1), (w2, b2) = layers
    x = forward_inputs(ev.seed)["images"]
    out = ev.tensor("forward_images/out", f"SimpleMLP on images of shape {shape(x)}")
    flat = x.reshape(x.shape[0], -1)
    b1 = b1 if b1 is not None else torch.zeros(w1.shape[0])
    b2 = b2 if b2 is not None else torch.zeros(w2.shape[0])
    hidden = flat @ w1.T + b1
    expected = hidden.clamp(min=0) @ w2.T + b2
    if close(out, expected):
        return
    mistake = first_match(out, [
        ("applies softmax at the end; return the raw logits (the loss applies log-softmax itself)", lambda: expected.softmax(-1)),
        ("applies log_softmax at the end; return the raw logits (the loss applies log-softmax itself)", lambda: expected.log_softmax(-1)),
        ("has no ReLU between the two Linear layers, so the network is just one linear map", lambda: hidden @ w2.T + b2),
        ("applies ReLU to the output as well; logits must be able to be negative", lambda: expected.clamp(min=0)),
        ("applies a sigmoid at the end; return the raw logits", lambda: expected.sigmoid()),
    ])
    raise Failure(
        f"SimpleMLP {mistake}" if mistake
        else "SimpleMLP's output is not Linear(100, 10)(ReLU(Linear(784, 100)(flattened images))) computed with its own "
        f"parameters (largest difference {max_difference(out, expected):.3g})"
    )


def test_uses_own_modules(ev: Evidence) -> None:
    ev.need("structure", "listing the model's layers")
    ev.need("forward_images", "SimpleMLP on a batch of images")
    registered = [kind for _, kind in ev.get("modules", [])]
    ran = [kind for _, kind in ev.get("forward_images/calls", [])]
    torch_layers = forbidden_uses(
        ev.source, [*registered, *ran, *ev.ops("forward_images")], TORCH_LAYERS, frozenset({"relu"}), within="SimpleMLP"
    )
    check(
        not torch_layers,
        f"SimpleMLP uses torch.nn's layers ({', '.join(torch_layers)}); build it from your own Linear and ReLU classes",
    )
    check(
        ran.count("own Linear") >= 2,
        "SimpleMLP's forward should run two of your Linear layers (call a layer as layer(x); layer.forward(x) "
        "skips nn.Module's call machinery, hooks included)",
    )
    check(ran.count("own ReLU") >= 1, "SimpleMLP's forward runs no ReLU of yours; put ReLU() between the two Linear layers")


TESTS = (
    HiddenTest(test_image_batches),
    HiddenTest(test_logits, points=2),  # the layers' sizes included: only the logits prove them
    HiddenTest(test_parameters_registered, requires=('logits',)),  # the parameter list is self-reported: it
    # counts once the logits prove that those parameters compute them
    HiddenTest(test_uses_own_modules, requires=('image_batches',)),
)
