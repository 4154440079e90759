"""Hidden tests for Standardize."""

from __future__ import annotations

from typing import Callable

import torch

from grader.judge.evidence import Evidence, Failure, check, close, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.exercises.buffer.inputs import FIRST, SECOND, inputs, statistics

NOT_SAVED = (
    "mean and std are not in the module's state_dict(): a plain tensor attribute (or a buffer registered with "
    "persistent=False) is not saved or loaded; use self.register_buffer(\"mean\", mean) and the same for std"
)


Formula = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]
RIGHT = "returns (x - mean) / std"
FORMULAS: tuple[tuple[str, Formula], ...] = (
    (RIGHT, lambda x, mean, std: (x - mean) / std),
    ("multiplies by std instead of dividing by it", lambda x, mean, std: (x - mean) * std),
    ("does not divide by std", lambda x, mean, std: x - mean),
    ("does not subtract the mean", lambda x, mean, std: x / std),
    ("adds the mean instead of subtracting it", lambda x, mean, std: (x + mean) / std),
    ("mixes up mean and std", lambda x, mean, std: (x - std) / mean),
    ("divides before subtracting: (x - mean) / std needs the brackets", lambda x, mean, std: x - mean / std),
)
"""What a Standardize computes from its statistics: right, or one of the known mistakes."""


def _computes(out: torch.Tensor, x: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> tuple[str, Formula] | None:
    return next(((d, f) for d, f in FORMULAS if close(out, f(x, mean, std))), None)


def test_forward(ev: Evidence) -> None:
    mean, std = statistics(ev.seed, FIRST)
    for i, x in enumerate(inputs(ev.seed)):
        what = f"Standardize on an input of shape {shape(x)}"
        out = ev.tensor(f"forward{i}/out", what)
        expected = (x - mean) / std
        found = _computes(out, x, mean, std)
        if found and found[0] == RIGHT:
            check(not ev.get(f"forward{i}/input_changed"), f"{what} modified its input in place (x -= ...); return a new tensor")
            continue
        raise Failure(
            f"{what} {found[0]}" if found
            else f"{what} does not return (x - mean) / std (largest difference {max_difference(out, expected):.3g})"
        )


def _own_formula(ev: Evidence) -> Formula:
    """What this answer computes from mean and std (a wrong formula is charged once, by test_forward);
    one that does not depend on both statistics proves nothing about where they are kept."""
    x = inputs(ev.seed)[0]
    found = _computes(ev.tensor("forward0/out", f"Standardize on an input of shape {shape(x)}"), x, *statistics(ev.seed, FIRST))
    if found is None or close(found[1](x, *statistics(ev.seed, FIRST)), found[1](x, *statistics(ev.seed, SECOND))):
        raise Failure("not checked until forward passes")
    return found[1]


def test_in_state_dict(ev: Evidence) -> None:
    x = inputs(ev.seed)[0]
    formula = _own_formula(ev)
    what = "loading one Standardize's state_dict() into another made with other statistics"
    out = ev.tensor("own_round_trip/out", what)
    if close(out, formula(x, *statistics(ev.seed, FIRST))):
        return
    check(not close(out, formula(x, *statistics(ev.seed, SECOND))), f"{what} changed nothing: {NOT_SAVED}")
    raise Failure(f"after {what}, it does not compute what the first one did")


def test_names(ev: Evidence) -> None:
    x = inputs(ev.seed)[0]
    formula = _own_formula(ev)
    what = "loading the state_dict {'mean': ..., 'std': ...} into Standardize"
    error = ev.get("named_round_trip/error")
    if isinstance(error, dict) and "key" in str(error.get("message", "")).lower():
        raise Failure(f"{what} fails: its state_dict keys are {ev.get('state_dict_keys')}; register the buffers as \"mean\" and \"std\"")
    out = ev.tensor("named_round_trip/out", what)
    check(close(out, formula(x, *statistics(ev.seed, FIRST))), f"after {what}, Standardize does not use the loaded mean and std")


def test_not_trainable(ev: Evidence) -> None:
    ev.need("plain_input", "Standardize on an input that does not require grad")
    parameters = ev.get("parameters", [])
    check(
        ev.get("plain_input/requires_grad") is False and not parameters,
        f"Standardize has parameters {parameters}: mean and std are nn.Parameters, so an optimizer would train them; "
        "fixed statistics belong in buffers (self.register_buffer), which are saved but never trained",
    )


def test_follows_dtype(ev: Evidence) -> None:
    x = inputs(ev.seed)[0]
    what = "Standardize made with float64 statistics, then converted with .float(), on a float32 input"
    out = ev.tensor("after_float/out", what)
    dtype = ev.get("after_float/dtype")
    check(
        dtype == "torch.float32",
        f"{what} returned {dtype}: mean and std stayed float64 — a plain tensor attribute does not follow "
        ".float(), .double() or .to(); a buffer does",
    )
    mean, std = statistics(ev.seed, FIRST, dtype=torch.float64)
    check(close(out, _own_formula(ev)(x, mean.float(), std.float())), f"{what} does not return (x - mean) / std")


TESTS = (
    HiddenTest(test_forward, points=1.5),
    HiddenTest(test_in_state_dict, points=1.5),
    HiddenTest(test_names, points=0.5, requires=("in_state_dict",)),
    HiddenTest(test_not_trainable, requires=("forward",)),  # the parameter list is self-reported
    HiddenTest(test_follows_dtype, points=0.5),
)
