"""What a hidden test sees of a submission, and the helpers that turn gaps into named mistakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, NoReturn

import torch

from grader.exercises import Exercise


class Failure(Exception):
    """A hidden test's verdict 'failed'; the message is shown to the student."""


@dataclass(frozen=True)
class Evidence:
    exercise: Exercise
    observations: dict[str, Any]
    source: str
    """The student's answer cell, for the static checks."""
    seed: int
    """The batch's secret seed: the hidden tests rebuild from it the inputs the probe was given."""

    def __contains__(self, key: str) -> bool:
        return key in self.observations

    def get(self, key: str, default: Any = None) -> Any:
        return self.observations.get(key, default)

    def ops(self, *steps: str) -> list[str]:
        """The torch functions the student's code called during these steps."""
        return [op for step in steps for op in self.observations.get(f"{step}/ops", []) if isinstance(op, str)]

    def not_implemented(self) -> str:
        return (
            f"{self.exercise.title} is not implemented yet: replace `raise NotImplementedError()` "
            f"in the {self.exercise.id} cell with your code"
        )

    def explain(self, what: str, error: Any) -> str:
        """A sentence for an exception the student's code raised while doing ``what``."""
        if not isinstance(error, dict):
            return f"{what} failed"
        kind, message = str(error.get("type", "Exception")), str(error.get("message", ""))
        if kind == "NotImplementedError":
            return self.not_implemented() if not message else f"{what} raised NotImplementedError: {message}"
        if kind == "SystemExit":
            return f"{what} called sys.exit() or exit(), which ends the program instead of returning a result"
        if "numpy() on Tensor that requires grad" in message:
            return (
                f"{what} converts a tensor to numpy, which leaves autograd, so no gradient could flow back; "
                "compute with torch operations instead"
            )
        if "in-place operation" in message:
            return (
                f"{what} raised {kind}: {message} — the code changes a tensor in place (e.g. x[x < 0] = 0 or "
                "clamp_), which autograd forbids here; compute a new tensor instead"
            )
        return f"{what} raised {kind}: {message}"

    def need(self, key: str, what: str) -> None:
        """Fail with the recorded error if the student's code failed at step ``key``."""
        error = self.observations.get(f"{key}/error")
        if error is not None:
            raise Failure(self.explain(what, error))

    def tensor(self, key: str, what: str) -> torch.Tensor:
        """The tensor recorded at ``key``, or a failure naming what came back instead."""
        self.need(key.rsplit("/", 1)[0], what)
        value = self.observations.get(key)
        if isinstance(value, torch.Tensor):
            return value
        kind = self.observations.get(f"{key}/type")
        if isinstance(kind, str) and kind.startswith("torch.return_types."):
            raise Failure(
                f"{what} returned {kind}, the (values, indices) pair of a reduction such as torch.max(x, dim), "
                "not a tensor of the input's shape; to compare every element with 0 use "
                "torch.maximum(x, torch.zeros_like(x)) or x.clamp(min=0)"
            )
        if kind is not None:
            raise Failure(f"{what} returned a {kind}, not a tensor")
        raise Failure(f"{what} produced no result")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)


def fail_naming(what: str, mistake: str | None, otherwise: str) -> NoReturn:
    """Fail with the named mistake when one was recognised, else with what is wrong in general."""
    raise Failure(f"{what} {mistake or otherwise}")


def close(actual: torch.Tensor, expected: torch.Tensor, *, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    """Same shape and equal within tolerance, in float64, whatever the dtypes.

    Written with plain arithmetic rather than torch.allclose: on the in-kernel path a
    submission may have replaced torch.allclose."""
    if not isinstance(actual, torch.Tensor) or actual.shape != expected.shape:
        return False
    if not (actual.is_floating_point() or actual.dtype in (torch.int32, torch.int64, torch.bool)):
        return False
    a, b = actual.double(), expected.double()
    return bool(((a - b).abs() <= atol + rtol * b.abs()).all())


def max_difference(actual: torch.Tensor, expected: torch.Tensor) -> float:
    return float((actual.double() - expected.double()).abs().max()) if actual.shape == expected.shape else float("nan")


def shape(t: torch.Tensor | tuple[int, ...] | list[int]) -> str:
    dims = tuple(t.shape) if isinstance(t, torch.Tensor) else tuple(t)
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def first_match(actual: torch.Tensor, hypotheses: list[tuple[str, Callable[[], torch.Tensor]]]) -> str | None:
    """The description of the first wrong formula that explains ``actual``, if any."""
    for description, compute in hypotheses:
        try:
            if close(actual, compute()):
                return description
        except RuntimeError:
            continue
    return None
