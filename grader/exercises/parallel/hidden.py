"""Hidden tests for Parallel."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from grader.judge.evidence import Evidence, Failure, check, close, fail_naming, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.exercises.parallel.inputs import DESCRIPTION, FIRST, SECOND, branches, grad_case, inputs


Join = Callable[[nn.Module, nn.Module, torch.Tensor], torch.Tensor]
RIGHT = "joins a(x) and b(x)"
JOINS: tuple[tuple[str, Join], ...] = (
    (RIGHT, lambda a, b, x: torch.cat([a(x), b(x)], dim=-1)),
    ("puts b's output first: concatenate a's output, then b's", lambda a, b, x: torch.cat([b(x), a(x)], dim=-1)),
    ("feeds b with a's output; both branches must get the same input", lambda a, b, x: torch.cat([a(x), b(a(x))], dim=-1)),
    ("returns only a's output; concatenate both", lambda a, b, x: a(x)),
    ("returns only b's output; concatenate both", lambda a, b, x: b(x)),
    ("runs a and then b one after the other instead of side by side", lambda a, b, x: b(a(x))),
)
"""What a Parallel computes from its branches: right, or one of the known mistakes."""


def _computes(seed: int, pair: int, out: torch.Tensor, x: torch.Tensor) -> tuple[str, Join] | None:
    a, b = branches(seed, pair)
    with torch.no_grad():
        for description, join in JOINS:
            try:
                if close(out, join(a, b, x)):
                    return description, join
            except RuntimeError:
                continue
    return None


def _joined(seed: int, pair: int, join: Join, x: torch.Tensor) -> torch.Tensor:
    a, b = branches(seed, pair)
    with torch.no_grad():
        return join(a, b, x)


def _expected(seed: int, pair: int, x: torch.Tensor) -> torch.Tensor:
    return _joined(seed, pair, JOINS[0][1], x)


def _check(ev: Evidence, i: int, x: torch.Tensor) -> None:
    what = f"{DESCRIPTION} on an input of shape {shape(x)}"
    out = ev.tensor(f"forward{i}/out", what)
    expected = _expected(ev.seed, FIRST, x)
    found = _computes(ev.seed, FIRST, out, x)
    if found and found[0] == RIGHT:
        check(not ev.get(f"forward{i}/input_changed"), f"{what} modified its input in place")
        return
    mistake = found[0] if found else None
    if mistake is None and out.shape != expected.shape:
        mistake = f"returned shape {shape(out)}; expected {shape(expected)}: concatenate on the last dimension (dim=-1)"
    fail_naming(
        what, mistake,
        f"does not return torch.cat([a(x), b(x)], dim=-1) (largest difference {max_difference(out, expected):.3g})",
    )


def test_forward(ev: Evidence) -> None:
    _check(ev, 0, inputs(ev.seed)[0])


def _own_join(ev: Evidence) -> Join:
    """How this answer joins its branches on a (batch, features) input: the right way, or the known
    mistake test_forward charges; the tests after it judge the answer by its own join, so that a
    wrong join is paid for once."""
    x = inputs(ev.seed)[0]
    out = ev.get("forward0/out")
    found = _computes(ev.seed, FIRST, out, x) if isinstance(out, torch.Tensor) else None
    return found[1] if found else JOINS[0][1]


def test_last_dimension(ev: Evidence) -> None:
    join = _own_join(ev)
    for i, x in enumerate(inputs(ev.seed)):
        error = ev.get(f"forward{i}/error")
        if error is not None and i and ev.get("forward0/error") is None:
            raise Failure(
                f"{ev.explain(f'{DESCRIPTION} on an input of shape {shape(x)}', error)} — it works on a (batch, features) "
                "input but not here: concatenate on the last dimension, dim=-1 (dim=1 is the last one only for 2-D input)"
            )
        out = ev.tensor(f"forward{i}/out", f"{DESCRIPTION} on an input of shape {shape(x)}")
        if not close(out, _joined(ev.seed, FIRST, join, x)):
            _check(ev, i, x)


def test_registered(ev: Evidence) -> None:
    """Judged against what this answer computes from its branches (a wrong join is charged once,
    above); an answer whose output does not depend on both branches' values proves nothing here."""
    x = inputs(ev.seed)[0]
    found = _computes(ev.seed, FIRST, ev.tensor("forward0/out", f"{DESCRIPTION} on an input of shape {shape(x)}"), x)
    if found is None or close(_joined(ev.seed, FIRST, found[1], x), _joined(ev.seed, SECOND, found[1], x)):
        raise Failure("not checked until forward passes")
    what = "loading one Parallel's state_dict() into another and running it"
    out = ev.tensor("round_trip/out", what)
    if close(out, _joined(ev.seed, FIRST, found[1], x)):
        return
    check(
        not close(out, _joined(ev.seed, SECOND, found[1], x)),
        f"{what} changed nothing: a and b are not registered (kept in a plain list, tuple or dict); assign each "
        "to an attribute, self.a = a and self.b = b, so that state_dict(), parameters() and .to() see them",
    )
    raise Failure(f"after {what}, the output is not the first one's")


def test_gradient(ev: Evidence) -> None:
    x, upstream = grad_case(ev.seed)
    ev.need("grad_forward", f"{DESCRIPTION} on an input that requires grad")
    check(
        ev.get("grad/requires_grad") is True,
        f"the output of {DESCRIPTION} is cut off from autograd (.detach(), .data, numpy), so neither branch could learn",
    )
    ev.need("grad_backward", f"backward through {DESCRIPTION}")
    leaf = x.clone().requires_grad_(True)
    a, b = branches(ev.seed, FIRST)
    joined = _own_join(ev)(a, b, leaf)
    if joined.shape != upstream.shape:
        joined = JOINS[0][1](a, b, leaf)
    expected, = torch.autograd.grad(joined, leaf, upstream)
    grad = ev.tensor("grad/x", f"the gradient of {DESCRIPTION} with respect to its input")
    check(
        close(grad, expected),
        f"the gradient flowing back through Parallel to its input is wrong (largest difference "
        f"{max_difference(grad, expected):.3g}): it should be the sum of what flows back through a and through b",
    )


TESTS = (
    HiddenTest(test_forward, points=2),
    HiddenTest(test_last_dimension),
    HiddenTest(test_registered),
    HiddenTest(test_gradient),
)
