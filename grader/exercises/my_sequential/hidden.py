"""Hidden tests for MySequential."""

from __future__ import annotations

import torch
from torch import nn

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.my_sequential.inputs import RELOADED, SHAPED, SQUARE, inputs, layers, run

FORBIDDEN = frozenset({"torch.nn.Sequential", "torch.nn.modules.container.Sequential"})
CHAIN = "MySequential(Linear(4, 4), Tanh(), Linear(4, 4))"
NOT_REGISTERED = (
    "the modules are not registered: kept in a plain Python list (or tuple, or dict), they are invisible to "
    "state_dict(), parameters() and .to(); register each one with self.add_module(str(i), module)"
)


def _check_chain(ev: Evidence, key: str, modules: list[nn.Module], x: torch.Tensor, what: str) -> None:
    out = ev.tensor(f"{key}/out", f"{what} on an input of shape {shape(x)}")
    expected = run(modules, x)
    if out.shape == expected.shape and close(out, expected):
        return
    first, middle, last = modules
    mistake = first_match(out, [
        ("runs the modules in reverse order; run them in the order they were given", lambda: run(modules[::-1], x)),
        ("returns after the first module: the return statement is inside the loop", lambda: run([first], x)),
        ("feeds every module the original input instead of the previous module's output", lambda: run([last], x)),
        ("returns its input unchanged: forward must run every module", lambda: x),
        ("skips the last module", lambda: run([first, middle], x)),
    ])
    if mistake is None and out.shape != expected.shape:
        mistake = f"returned shape {shape(out)}; expected {shape(expected)}"
    raise Failure(
        f"{what} {mistake}" if mistake
        else f"{what} does not run its modules one after the other (largest difference {max_difference(out, expected):.3g})"
    )


def test_forward(ev: Evidence) -> None:
    for i, x in enumerate(inputs(ev.seed, SQUARE)):
        _check_chain(ev, f"square{i}", layers(ev.seed, SQUARE), x, CHAIN)
    x = inputs(ev.seed, SHAPED)[0]
    ev.need("shaped", "MySequential(Linear(5, 4), Tanh(), Linear(4, 3))")
    _check_chain(ev, "shaped0", layers(ev.seed, SHAPED), x, "MySequential(Linear(5, 4), Tanh(), Linear(4, 3))")
    ev.need("grad", f"{CHAIN} on an input that requires grad")
    check(
        ev.get("grad/requires_grad") is True,
        "MySequential's output does not require grad: it was cut off from autograd (.detach(), .data, numpy), so "
        "the modules inside could never be trained",
    )


def test_registered(ev: Evidence) -> None:
    x = inputs(ev.seed, SQUARE)[0]
    what = "loading one MySequential's state_dict() into another and running it"
    out = ev.tensor("own_round_trip/out", what)
    if close(out, run(layers(ev.seed, SQUARE), x)):
        return
    if close(out, run(layers(ev.seed, RELOADED), x)):
        raise Failure(f"{what} changed nothing: {NOT_REGISTERED}")
    raise Failure(f"after {what}, the output is not the first one's")


def test_names(ev: Evidence) -> None:
    x = inputs(ev.seed, SQUARE)[0]
    what = "loading the state_dict() of nn.Sequential(Linear(4, 4), Tanh(), Linear(4, 4)) into MySequential"
    error = ev.get("sequential_round_trip/error")
    if isinstance(error, dict) and "key" in str(error.get("message", "")).lower():
        raise Failure(
            f"{what} fails: its keys are {ev.get('state_dict_keys')}, not '0.weight', '0.bias', '2.weight', ...; "
            "register the modules under the names \"0\", \"1\", \"2\", ... as nn.Sequential does: add_module(str(i), module)"
        )
    out = ev.tensor("sequential_round_trip/out", what)
    check(close(out, run(layers(ev.seed, SQUARE), x)), f"after {what}, MySequential does not compute what the nn.Sequential did")


def test_runs_children(ev: Evidence) -> None:
    x = inputs(ev.seed, SQUARE)[0]
    first, _, last = layers(ev.seed, SQUARE)
    what = f"{CHAIN} after add_module(\"1\", nn.Sigmoid()) replaced its Tanh"
    out = ev.tensor("replaced_child/out", what)
    if close(out, run([first, nn.Sigmoid(), last], x)):
        return
    raise Failure(
        f"{what} still computes the old chain: forward does not run the registered children. Loop over "
        "self.children(), so that the modules forward runs are the ones the module has registered"
    )


def test_no_builtin_sequential(ev: Evidence) -> None:
    used = forbidden_uses(ev.source, [*ev.ops("square0"), *ev.get("ancestry", [])], FORBIDDEN, within="MySequential")
    check(not used, f"MySequential uses PyTorch's own nn.Sequential ({', '.join(used)}); the exercise is to write it yourself")


TESTS = (
    HiddenTest(test_forward, points=2),
    HiddenTest(test_registered),
    HiddenTest(test_names, points=0.5, requires=("registered",)),
    HiddenTest(test_runs_children, requires=("forward",)),
    HiddenTest(test_no_builtin_sequential, points=0.5, requires=("forward",)),
)
