"""Hidden tests for Flatten."""

from __future__ import annotations

import re

import torch

from grader.judge.evidence import Evidence, Failure, check, close, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.my_flatten.inputs import PAIRS, REPRS, SHAPE, images, tensor

FORBIDDEN = frozenset(
    {"torch.flatten", "torch.Tensor.flatten", "torch.nn.Flatten", "torch.nn.modules.flatten.Flatten", "torch.Tensor.ravel",
     "torch.ravel", "torch.nn.Unflatten", "torch.Tensor.unflatten"}
)


def _flat(x: torch.Tensor, start: int, end: int) -> torch.Tensor:
    return torch.flatten(x, start, end)


def test_default(ev: Evidence) -> None:
    for key, x in (("images", images(ev.seed)), ("default", tensor(ev.seed))):
        what = f"Flatten() on an input of shape {shape(x)}"
        out = ev.tensor(f"{key}/out", what)
        expected = _flat(x, 1, -1)
        if tuple(out.shape) == (x.numel(),):
            raise Failure(f"{what} returned shape {shape(out)}: it flattened the batch dimension too; by default dims 1 to the last are merged")
        check(tuple(out.shape) == tuple(expected.shape), f"{what} returned shape {shape(out)}; expected {shape(expected)}")
        check(close(out, expected), f"{what} reorders the values; flattening keeps them in the order they are stored (reshape, view)")
        check(not ev.get(f"{key}/input_changed"), f"{what} modified its input in place")
    ev.need("grad", "Flatten() on an input that requires grad")
    check(ev.get("grad/requires_grad") is True, "Flatten's output is cut off from autograd (.detach(), .data, numpy)")


def _shape_as_if(target: tuple[int, ...]) -> tuple[int, ...] | None:
    """The shape x.reshape(target) gives, or None where that reshape is impossible."""
    try:
        return tuple(torch.zeros(SHAPE).reshape(target).shape)
    except RuntimeError:
        return None


def _mistake(out: torch.Tensor, start: int, end: int) -> str:
    """The known mistake that gives ``out``'s shape for this pair, or ''."""
    n = len(SHAPE)
    first, last = start % n, end % n
    right = tuple(_flat(torch.zeros(SHAPE), start, end).shape)
    hypotheses = [
        ("ignores start_dim and end_dim: it always merges dims 1 to the last", (SHAPE[0], -1)),
        ("leaves end_dim out; end_dim is inclusive: dims start_dim to end_dim, both included, are merged",
         (*SHAPE[:first], -1, *SHAPE[last:])),
    ]
    if start < 0 or end < 0:
        hypotheses.append((
            "mishandles negative dims; a negative dim counts from the end (-1 is the last), i.e. it stands for x.dim() + dim",
            (*SHAPE[:start], -1, *SHAPE[end + 1:]),
        ))
    for description, target in hypotheses:
        found = _shape_as_if(target)
        if found is not None and found != right and found == tuple(out.shape):
            return description
    return ""


def test_dims(ev: Evidence) -> None:
    x = tensor(ev.seed)
    failures: list[tuple[str, str]] = []
    for i, (start, end) in enumerate(PAIRS):
        what = f"Flatten(start_dim={start}, end_dim={end}) on an input of shape {shape(x)}"
        error = ev.get(f"pair{i}/error")
        if error is not None:
            failures.append((ev.explain(what, error), ""))
            continue
        out = ev.tensor(f"pair{i}/out", what)
        expected = _flat(x, start, end)
        if tuple(out.shape) == tuple(expected.shape) and close(out, expected):
            continue
        failures.append((f"{what} returned shape {shape(out)}; expected {shape(expected)}", _mistake(out, start, end)))
    if failures:
        text, mistake = next((f for f in failures if f[1]), failures[0])
        raise Failure(text + (f": Flatten {mistake}" if mistake else ""))


def test_extra_repr(ev: Evidence) -> None:
    for i, args in enumerate(REPRS):
        start, end = args or (1, -1)
        ev.need(f"repr{i}", f"repr(Flatten({', '.join(map(str, args))}))")
        text = str(ev.get(f"repr{i}", ""))
        if re.search(rf"start_dim\s*=\s*{start}\s*,\s*end_dim\s*=\s*{end}(?!\d)", text):
            continue
        raise Failure(
            f"repr(Flatten({', '.join(map(str, args))})) should contain 'start_dim={start}, end_dim={end}' (from extra_repr, "
            f"as nn.Flatten shows it); it shows {text!r}"
        )


def test_no_builtin_flatten(ev: Evidence) -> None:
    steps = ["images", "default", *(f"pair{i}" for i in range(len(PAIRS)))]
    used = forbidden_uses(
        ev.source, [*ev.ops(*steps), *ev.get("ancestry", [])], FORBIDDEN, frozenset({"flatten", "ravel", "unflatten"}), within="Flatten"
    )
    check(
        not used,
        f"Flatten uses PyTorch's own flatten ({', '.join(used)}); the exercise is to compute the new shape yourself "
        "and call reshape or view",
    )


TESTS = (
    HiddenTest(test_default),
    HiddenTest(test_dims, points=2),
    HiddenTest(test_extra_repr, requires=("default",)),  # a repr is self-reported: it never earns a point alone
    HiddenTest(test_no_builtin_flatten, requires=("default",)),
)
