"""Hidden tests for unregistered_tensors: the judge builds the same module trees from the seed and
finds their unregistered tensors itself."""

from __future__ import annotations

import torch
from torch import nn

from grader.judge.evidence import Evidence, Failure
from grader.judge.hidden import HiddenTest
from grader.exercises.unregistered.inputs import CASES, model


def truth(m: nn.Module) -> dict[str, set[str]]:
    """Dotted names by what they are: unregistered tensors (those requiring grad or not), parameters,
    persistent and non-persistent buffers. nn.Module keeps registered ones out of the instance's dict."""
    found: dict[str, set[str]] = {k: set() for k in ("plain_grad", "plain", "parameter", "buffer", "buffer_np")}
    for prefix, sub in m.named_modules():
        def full(name: str) -> str:
            return f"{prefix}.{name}" if prefix else name
        for name, value in vars(sub).items():
            if isinstance(value, torch.Tensor) and not name.startswith("_"):
                found["plain_grad" if value.requires_grad else "plain"].add(full(name))
        found["parameter"] |= {full(n) for n, _ in sub.named_parameters(recurse=False)}
        for name, _ in sub.named_buffers(recurse=False):
            found["buffer" if name in sub.state_dict(keep_vars=True) else "buffer_np"].add(full(name))
    return found


def _returned(ev: Evidence, case: int) -> list[str]:
    ev.need(f"model{case}", "unregistered_tensors on a module tree")
    ev.need(f"model{case}/names", "reading what unregistered_tensors returned")
    names = ev.get(f"model{case}/names")
    if not isinstance(names, list):
        raise Failure(f"unregistered_tensors returned a {names}; it should return a list of names (strings)")
    return names


def _missing_hint(got: set[str], missing: set[str], kinds: dict[str, set[str]]) -> str:
    if missing <= kinds["plain"]:
        return (
            "a plain tensor that does not require grad is just as unregistered: the optimizer never sees it, "
            "state_dict() does not save it and .to() does not move it; test registration, not requires_grad"
        )
    dotted = [name for name in missing if "." in name]
    if dotted and all(name.rsplit(".", 1)[-1] in got for name in dotted):
        return "name a sub-module's tensor by its dotted path from the model (inner.scale), as named_parameters() does"
    if all("." in name for name in missing):
        return "tensors of sub-modules count too: go through every module of the tree (named_modules())"
    return "every tensor attribute that is not a registered parameter or buffer belongs in the list"


def test_finds_unregistered(ev: Evidence) -> None:
    for case in range(CASES):
        got = set(_returned(ev, case))
        kinds = truth(model(ev.seed, case))
        missing = (kinds["plain_grad"] | kinds["plain"]) - got
        if missing:
            raise Failure(f"unregistered_tensors missed {', '.join(sorted(missing))}: {_missing_hint(got, missing, kinds)}")


def test_ignores_registered(ev: Evidence) -> None:
    for case in range(CASES):
        got = _returned(ev, case)
        kinds = truth(model(ev.seed, case))
        if extra := set(got) & kinds["parameter"]:
            raise Failure(f"unregistered_tensors lists parameters ({', '.join(sorted(extra))}): an nn.Parameter assigned to a module is registered")
        if extra := set(got) & kinds["buffer"]:
            raise Failure(
                f"unregistered_tensors lists buffers ({', '.join(sorted(extra))}): a tensor given to register_buffer is "
                "registered (named_buffers() lists it), though it is not an nn.Parameter"
            )
        if extra := set(got) & kinds["buffer_np"]:
            raise Failure(
                f"unregistered_tensors lists a non-persistent buffer ({', '.join(sorted(extra))}): register_buffer(..., "
                "persistent=False) leaves it out of state_dict(), but it is registered all the same (named_buffers() lists it)"
            )
        expected = kinds["plain_grad"] | kinds["plain"]
        if extra := set(got) - expected:
            raise Failure(f"unregistered_tensors lists names that are not unregistered tensors: {', '.join(sorted(extra))}")
        if len(got) != len(expected):
            raise Failure("unregistered_tensors lists some names more than once")


TESTS = (
    HiddenTest(test_finds_unregistered, points=3),
    HiddenTest(test_ignores_registered, points=2, requires=("finds_unregistered",)),  # an empty list must not earn it
)
