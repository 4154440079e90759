"""Recording helpers shared by the probes."""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch.overrides import TorchFunctionMode, resolve_name

from grader.exercises.builders import mixed_seed
from grader.text import clean

MAX_MESSAGE = 500
MAX_TEXT = 2000
Observations = dict[str, Any]


def warm_up_training() -> None:
    """First uses of a training loop, for the probes of exercises that train: an optimizer's
    first step imports torch's compiler stack (half a second), a DataLoader its machinery."""
    layer = torch.nn.Linear(4, 2)
    data = torch.utils.data.TensorDataset(torch.zeros(2, 4))
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)
    for (batch,) in torch.utils.data.DataLoader(data, batch_size=1):
        layer(batch).sum().backward()
        optimizer.step()


def error_record(exc: BaseException) -> dict[str, str]:
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a student's exception may fail even to print itself
        message = "(its message could not be shown)"
    return {"type": clean(type(exc).__name__, 100), "message": clean(message, MAX_MESSAGE)}


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

    def output(self, key: str, call: Callable[[], Any]) -> tuple[bool, Any]:
        """``attempt``, and what ``call`` returned recorded as a tensor under ``key/out``."""
        ok, out = self.attempt(key, call)
        if ok:
            self.tensor(f"{key}/out", out)
        return ok, out

    def value(self, key: str, call: Callable[[], Any]) -> None:
        """Record what ``call`` returns under ``key``, or its exception under ``key/error``."""
        ok, result = self.attempt(key, call)
        if ok:
            self.data[key] = result

    def tensor(self, key: str, value: Any) -> None:
        """Record a tensor as a plain, detached, contiguous copy; anything else by its type name."""
        if isinstance(value, torch.Tensor):
            self.value(key, lambda: plain(value))
        else:
            self.data[f"{key}/type"] = type_name(value)

    def text(self, key: str, call: Callable[[], Any]) -> None:
        self.value(key, lambda: str(call())[:MAX_TEXT])


def type_name(value: Any) -> str:
    """``ndarray``, ``tuple``; torch's own types in full (``torch.return_types.max``)."""
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__.startswith("torch") else cls.__name__


def plain(value: torch.Tensor) -> torch.Tensor:
    """A copy that is an ordinary tensor: no subclass, no autograd history, no shared storage."""
    return value.detach().as_subclass(torch.Tensor).contiguous().clone()


class OpRecorder(TorchFunctionMode):
    """Records the qualified name of every torch function called while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        name = resolve_name(func) or _qualified(func)
        self.names.add(name)
        return func(*args, **(kwargs or {}))


def _qualified(func: Any) -> str:
    module, name = getattr(func, "__module__", None), getattr(func, "__qualname__", None)
    return f"{module}.{name}" if module and name else repr(func)


def recorded(rec: Recorder, key: str, call: Callable[[], Any]) -> tuple[bool, Any]:
    """``attempt`` with the torch ops it called recorded under ``key/ops``."""
    ops = OpRecorder()
    with ops:
        ok, value = rec.attempt(key, call)
    rec[f"{key}/ops"] = sorted(ops.names)
    return ok, value


def construct_module(rec: Recorder, namespace: dict[str, Any], name: str, *args: Any, seed: int) -> tuple[Any, Any]:
    """The student's nn.Module class and one instance; (cls, None) or (None, None) with the
    reason recorded when that is not possible. torch's global generator is seeded from the
    batch's seed first, so a regrade with the same seed draws the same initial parameters."""
    cls = lookup_class(rec, namespace, name)
    if cls is None:
        return None, None
    rec["is_module"] = issubclass(cls, torch.nn.Module)
    rec["ancestry"] = [f"{k.__module__}.{k.__qualname__}" for k in cls.__mro__]
    torch.manual_seed(mixed_seed(seed, 0))
    ok, instance = rec.attempt("construct", lambda: cls(*args))
    return cls, instance if ok else None


def record_forward_cases(rec: Recorder, module: Callable[[Any], Any], inputs: list[torch.Tensor]) -> None:
    """Outputs, called ops and input changes for each input, under forward0, forward1, ..."""
    for i, x in enumerate(inputs):
        given = x.clone()
        ok, out = recorded(rec, f"forward{i}", lambda: module(given))
        if ok:
            rec.tensor(f"forward{i}/out", out)
            rec[f"forward{i}/input_changed"] = not torch.equal(given, x)


def record_backward(rec: Recorder, module: Callable[[Any], Any], x: torch.Tensor, upstream: torch.Tensor) -> bool:
    """Forward an input that requires grad and backpropagate ``upstream``; True when backward ran."""
    leaf = x.clone().requires_grad_(True)
    ok, out = rec.attempt("grad_forward", lambda: module(leaf))
    if not ok or not isinstance(out, torch.Tensor):
        return False
    rec["grad/requires_grad"] = bool(out.requires_grad)
    if not out.requires_grad:
        return False
    ok, _ = rec.attempt("grad_backward", lambda: out.backward(upstream))
    if ok and leaf.grad is not None:
        rec.tensor("grad/x", leaf.grad)
    return ok


def lookup_class(rec: Recorder, namespace: dict[str, Any], name: str) -> Any:
    """The class the student defined, or None with the reason recorded."""
    value = namespace.get(name)
    if value is None:
        rec["missing"] = name
    elif not isinstance(value, type):
        rec["not_a_class"] = type(value).__name__
        return None
    return value


def check_kind(rec: Recorder, cls: type, base: type) -> bool:
    """Record whether the student's class derives from the base its exercise asks for."""
    rec["right_kind"] = issubclass(cls, base)
    return bool(rec.data["right_kind"])


def lookup_function(rec: Recorder, namespace: dict[str, Any], name: str) -> Any:
    """The plain function the student defined, or None with the reason recorded."""
    value = namespace.get(name)
    if value is None:
        rec["missing"] = name
    elif isinstance(value, type) or not callable(value):
        rec["not_a_function"] = type(value).__name__ if not isinstance(value, type) else "class"
        return None
    return value
