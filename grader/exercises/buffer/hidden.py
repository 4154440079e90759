"""Hidden tests for Standardize."""

from __future__ import annotations

import torch

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.exercises.buffer.inputs import FIRST, SECOND, inputs, standardized, statistics

NOT_SAVED = (
    "mean and std are not in the module's state_dict(): a plain tensor attribute (or a buffer registered with "
    "persistent=False) is not saved or loaded; use self.register_buffer(\"mean\", mean) and the same for std"
)


def test_forward(ev: Evidence) -> None:
    mean, std = statistics(ev.seed, FIRST)
    for i, x in enumerate(inputs(ev.seed)):
        what = f"Standardize on an input of shape {shape(x)}"
        out = ev.tensor(f"forward{i}/out", what)
        expected = (x - mean) / std
        if close(out, expected):
            check(not ev.get(f"forward{i}/input_changed"), f"{what} modified its input in place (x -= ...); return a new tensor")
            continue
        mistake = first_match(out, [
            ("multiplies by std instead of dividing by it", lambda: (x - mean) * std),
            ("does not divide by std", lambda: x - mean),
            ("does not subtract the mean", lambda: x / std),
            ("adds the mean instead of subtracting it", lambda: (x + mean) / std),
            ("mixes up mean and std", lambda: (x - std) / mean),
            ("divides before subtracting: (x - mean) / std needs the brackets", lambda: x - mean / std),
        ])
        raise Failure(
            f"{what} {mistake}" if mistake
            else f"{what} does not return (x - mean) / std (largest difference {max_difference(out, expected):.3g})"
        )


def test_in_state_dict(ev: Evidence) -> None:
    x = inputs(ev.seed)[0]
    what = "loading one Standardize's state_dict() into another made with other statistics"
    out = ev.tensor("own_round_trip/out", what)
    if close(out, standardized(ev.seed, FIRST, x)):
        return
    check(not close(out, standardized(ev.seed, SECOND, x)), f"{what} changed nothing: {NOT_SAVED}")
    raise Failure(f"after {what}, it does not compute what the first one did")


def test_names(ev: Evidence) -> None:
    x = inputs(ev.seed)[0]
    what = "loading the state_dict {'mean': ..., 'std': ...} into Standardize"
    error = ev.get("named_round_trip/error")
    if isinstance(error, dict) and "key" in str(error.get("message", "")).lower():
        raise Failure(f"{what} fails: its state_dict keys are {ev.get('state_dict_keys')}; register the buffers as \"mean\" and \"std\"")
    out = ev.tensor("named_round_trip/out", what)
    check(close(out, standardized(ev.seed, FIRST, x)), f"after {what}, Standardize does not use the loaded mean and std")


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
    check(close(out, (x - mean.float()) / std.float()), f"{what} does not return (x - mean) / std")


TESTS = (
    HiddenTest(test_forward, points=1.5),
    HiddenTest(test_in_state_dict, points=1.5),
    HiddenTest(test_names, points=0.5, requires=("in_state_dict",)),
    HiddenTest(test_not_trainable, requires=("forward",)),  # the parameter list is self-reported
    HiddenTest(test_follows_dtype, points=0.5),
)
