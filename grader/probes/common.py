"""Recording helpers shared by the probes."""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch.overrides import TorchFunctionMode, resolve_name

MAX_MESSAGE = 500
MAX_TEXT = 2000
Observations = dict[str, Any]


def error_record(exc: BaseException) -> dict[str, str]:
    return {"type": type(exc).__name__, "message": str(exc)[:MAX_MESSAGE]}


class Recorder:
    """Collects observations; every student call goes through ``attempt``."""

    def __init__(self) -> None:
        self.data: Observations = {}

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value

    def attempt(self, key: str, call: Callable[[], Any]) -> tuple[bool, Any]:
        """Run ``call``; on any exception (SystemExit included) record it under ``key/error``."""
        try:
            return True, call()
        except BaseException as exc:  # noqa: BLE001 - a student's failure is an observation
            self.data[f"{key}/error"] = error_record(exc)
            return False, None

    def tensor(self, key: str, value: Any) -> None:
        """Record a tensor as a plain, detached, contiguous copy; anything else by its type name."""
        if isinstance(value, torch.Tensor):
            self.data[key] = plain(value)
        else:
            self.data[f"{key}/type"] = type(value).__name__

    def text(self, key: str, call: Callable[[], Any]) -> None:
        ok, value = self.attempt(key, call)
        if ok:
            self.data[key] = str(value)[:MAX_TEXT]


def plain(value: torch.Tensor) -> torch.Tensor:
    """A copy that is an ordinary tensor: no subclass, no autograd history, no shared storage."""
    return value.detach().as_subclass(torch.Tensor).contiguous().clone()


class OpRecorder(TorchFunctionMode):
    """Records the qualified name of every torch function called while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[override]
        name = resolve_name(func) or getattr(func, "__qualname__", repr(func))
        self.names.add(name)
        return func(*args, **(kwargs or {}))


def recorded(rec: Recorder, key: str, call: Callable[[], Any]) -> tuple[bool, Any]:
    """``attempt`` with the torch ops it called recorded under ``key/ops``."""
    ops = OpRecorder()
    with ops:
        ok, value = rec.attempt(key, call)
    rec[f"{key}/ops"] = sorted(ops.names)
    return ok, value


def lookup_class(rec: Recorder, namespace: dict[str, Any], name: str) -> Any:
    """The class the student defined, or None with the reason recorded."""
    value = namespace.get(name)
    if value is None:
        rec["missing"] = name
    elif not isinstance(value, type):
        rec["not_a_class"] = type(value).__name__
        return None
    return value


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def no_zeros(x: torch.Tensor) -> torch.Tensor:
    """Push values away from 0, where correct ReLU gradients legitimately differ."""
    return torch.where(x.abs() < 1e-2, torch.full_like(x, 0.5), x)
