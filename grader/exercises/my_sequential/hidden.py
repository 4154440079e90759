"""Hidden tests for MySequential."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from grader.judge.evidence import Evidence, Failure, check, close, fail_naming, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.my_sequential.inputs import RELOADED, SHAPED, SQUARE, inputs, layers, run

FORBIDDEN = frozenset({"torch.nn.Sequential", "torch.nn.modules.container.Sequential"})
CHAIN = "MySequential(Linear(4, 4), Tanh(), Linear(4, 4))"
NOT_REGISTERED = (
    "the modules are not registered: kept in a plain Python list (or tuple, or dict), they are invisible to "
    "state_dict(), parameters() and .to(); register each one with self.add_module(str(i), module)"
)


Chain = Callable[[list[nn.Module], torch.Tensor], torch.Tensor]
RIGHT = "runs its modules in order"
CHAINS: tuple[tuple[str, Chain], ...] = (
    (RIGHT, run),
    ("runs the modules in reverse order; run them in the order they were given", lambda m, x: run(m[::-1], x)),
    ("returns after the first module: the return statement is inside the loop", lambda m, x: run(m[:1], x)),
    ("feeds every module the original input instead of the previous module's output", lambda m, x: run(m[-1:], x)),
    ("returns its input unchanged: forward must run every module", lambda m, x: x),
    ("skips the last module", lambda m, x: run(m[:-1], x)),
)
"""What a container computes from its modules: right, or one of the known mistakes."""


def computes(modules: list[nn.Module], out: torch.Tensor, x: torch.Tensor) -> tuple[str, Chain] | None:
    """Which of CHAINS explains ``out``, if any."""
    for description, chain in CHAINS:
        try:
            if close(out, chain(modules, x)):
                return description, chain
        except RuntimeError:
            continue
    return None


def _check_chain(ev: Evidence, key: str, modules: list[nn.Module], x: torch.Tensor, what: str) -> None:
    out = ev.tensor(f"{key}/out", f"{what} on an input of shape {shape(x)}")
    expected = run(modules, x)
    found = computes(modules, out, x)
    if found and found[0] == RIGHT:
        return
    mistake = found[0] if found else None
    if mistake is None and out.shape != expected.shape:
        mistake = f"returned shape {shape(out)}; expected {shape(expected)}"
    fail_naming(
        what, mistake,
        f"does not run its modules one after the other (largest difference {max_difference(out, expected):.3g})",
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


def own_chain(ev: Evidence) -> Chain:
    """What this answer computes from its modules, as the judge can recompute it: the right chain,
    or the known mistake its forward makes (charged once, by test_forward). An answer whose output
    does not depend on its modules' values proves nothing about where they went."""
    x = inputs(ev.seed, SQUARE)[0]
    found = computes(layers(ev.seed, SQUARE), ev.tensor("square0/out", f"{CHAIN} on an input of shape {shape(x)}"), x)
    if found is None or close(found[1](layers(ev.seed, SQUARE), x), found[1](layers(ev.seed, RELOADED), x)):
        raise Failure("not checked until forward passes")
    return found[1]


def test_registered(ev: Evidence) -> None:
    x = inputs(ev.seed, SQUARE)[0]
    chain = own_chain(ev)
    what = "loading one MySequential's state_dict() into another and running it"
    out = ev.tensor("own_round_trip/out", what)
    if close(out, chain(layers(ev.seed, SQUARE), x)):
        return
    if close(out, chain(layers(ev.seed, RELOADED), x)):
        raise Failure(f"{what} changed nothing: {NOT_REGISTERED}")
    raise Failure(f"after {what}, the output is not the first one's")


def test_names(ev: Evidence) -> None:
    x = inputs(ev.seed, SQUARE)[0]
    chain = own_chain(ev)
    what = "loading the state_dict() of nn.Sequential(Linear(4, 4), Tanh(), Linear(4, 4)) into MySequential"
    error = ev.get("sequential_round_trip/error")
    if isinstance(error, dict) and "key" in str(error.get("message", "")).lower():
        raise Failure(
            f"{what} fails: its keys are {ev.get('state_dict_keys')}, not '0.weight', '0.bias', '2.weight', ...; "
            "register the modules under the names \"0\", \"1\", \"2\", ... as nn.Sequential does: add_module(str(i), module)"
        )
    out = ev.tensor("sequential_round_trip/out", what)
    check(close(out, chain(layers(ev.seed, SQUARE), x)), f"after {what}, MySequential does not compute what the nn.Sequential did")


def test_runs_children(ev: Evidence) -> None:
    x = inputs(ev.seed, SQUARE)[0]
    chain = own_chain(ev)
    first, _, last = layers(ev.seed, SQUARE)
    what = f"{CHAIN} after add_module(\"1\", nn.Sigmoid()) replaced its Tanh"
    out = ev.tensor("replaced_child/out", what)
    if close(out, chain([first, nn.Sigmoid(), last], x)):
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
