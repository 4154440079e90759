"""Hidden tests for inventory: the judge builds the same models from the seed and lists them itself."""

from __future__ import annotations

from typing import Callable

from torch import nn

from grader.judge.evidence import Evidence, Failure, check
from grader.judge.hidden import HiddenTest
from grader.exercises.naming.inputs import CASES, model


def _returned(ev: Evidence, case: int, key: str) -> list[str]:
    ev.need(f"model{case}", "inventory(model) on a nested model")
    ev.need(f"model{case}/read", "reading the dict inventory returned")
    kind = ev.get(f"model{case}/type")
    check(kind is None, f"inventory returned a {kind}; it should return a dict with keys 'children', 'modules', 'parameters' and 'trainable'")
    value = ev.get(f"model{case}/{key}")
    if not isinstance(value, list):
        raise Failure(f"inventory(model)[{key!r}] is a {ev.get(f'model{case}/{key}/type')}, not a list of names (strings)")
    return value


def _same(got: list[str], expected: list[str]) -> bool:
    """The same names as many times each, in any order."""
    return sorted(got) == sorted(expected)


def _listing(
    ev: Evidence, key: str, expected_of: Callable[[nn.Module], list[str]], hints: Callable[[nn.Module, list[str]], str | None]
) -> None:
    for case in range(CASES):
        got = _returned(ev, case, key)
        m = model(ev.seed, case)
        expected = expected_of(m)
        if _same(got, expected):
            continue
        hint = hints(m, got)
        raise Failure(
            f"inventory(model)[{key!r}] is wrong for a nested model" + (f": {hint}" if hint else "")
            + f" (expected {len(expected)} names, got {len(got)}: {', '.join(map(repr, got[:6]))}{', ...' if len(got) > 6 else ''})"
        )


def _children_hint(m: nn.Module, got: list[str]) -> str | None:
    if _same(got, [n for n, _ in m.named_modules() if n]) or any("." in n for n in got):
        return "named_children() lists only the direct children, without dots; you listed nested modules too (that is named_modules())"
    return None


def _modules_hint(m: nn.Module, got: list[str]) -> str | None:
    everything = [n for n, _ in m.named_modules()]
    if _same(got, everything[1:]):
        return "named_modules() starts with the model itself, under the empty name ''; keep it in the list"
    if _same(got, [n for n, _ in m.named_children()]) or _same(got, ["", *(n for n, _ in m.named_children())]):
        return "named_modules() walks the whole tree, nested modules included, not just the direct children"
    if len(got) > len(everything):
        return "a module registered under two names is one module: named_modules() lists it once"
    return None


def _parameters_hint(m: nn.Module, got: list[str]) -> str | None:
    if set(got) == set(m.state_dict()) or any(n.endswith(("running_mean", "running_var", "num_batches_tracked")) for n in got):
        return "state_dict() also holds buffers (BatchNorm's running_mean, running_var, num_batches_tracked); named_parameters() lists only parameters"
    if _same(got, [n for n, _ in m.named_parameters(recurse=False)]):
        return "named_parameters(recurse=False) lists only the model's own parameters; the default recurse=True includes every sub-module's"
    if len(got) > len(list(m.named_parameters())):
        return "a parameter shared by two names (the same layer registered twice) is listed once by named_parameters()"
    return None


def test_children(ev: Evidence) -> None:
    _listing(ev, "children", lambda m: [n for n, _ in m.named_children()], _children_hint)


def test_modules(ev: Evidence) -> None:
    _listing(ev, "modules", lambda m: [n for n, _ in m.named_modules()], _modules_hint)


def test_parameters(ev: Evidence) -> None:
    _listing(ev, "parameters", lambda m: [n for n, _ in m.named_parameters()], _parameters_hint)


def _trainable_hint(m: nn.Module, got: int) -> str | None:
    params = list(m.parameters())
    guesses = [
        (sum(p.numel() for p in params), "counts frozen parameters too; count only those with requires_grad=True"),
        (sum(p.numel() for sub in m.modules() for p in sub.parameters() if p.requires_grad),
         "counts nested parameters several times: model.modules() already visits every sub-module, and "
         "sub.parameters() recurses into its children again; sum over model.parameters() once"),
        (sum(p.numel() for sub in m.modules() for p in sub.parameters()),
         "counts nested parameters several times (model.modules() with sub.parameters() recurses twice) and "
         "frozen ones too; sum p.numel() over model.parameters() with requires_grad"),
        (sum(1 for p in params if p.requires_grad), "counts parameter tensors, not the numbers in them; add up p.numel()"),
        (sum(v.numel() for v in m.state_dict().values()), "counts state_dict() entries: buffers, shared layers twice and frozen parameters"),
        (sum(p.numel() for _, sub in m.named_modules(remove_duplicate=False) for p in sub.parameters(recurse=False) if p.requires_grad),
         "counts a shared layer once per name; the same parameter is trained once"),
    ]
    return next((hint for value, hint in guesses if value == got), None)


def test_trainable(ev: Evidence) -> None:
    for case in range(CASES):
        ev.need(f"model{case}", "inventory(model) on a nested model")
        ev.need(f"model{case}/read", "reading the dict inventory returned")
        got = ev.get(f"model{case}/trainable")
        check(isinstance(got, int), f"inventory(model)['trainable'] is a {ev.get(f'model{case}/trainable/type')}, not an int")
        m = model(ev.seed, case)
        expected = sum(p.numel() for p in m.parameters() if p.requires_grad)
        if got != expected:
            hint = _trainable_hint(m, got)
            raise Failure(
                f"inventory(model)['trainable'] is {got} for a nested model; it has {expected} trainable numbers"
                + (f": it {hint}" if hint else "")
            )


TESTS = (
    HiddenTest(test_children),
    HiddenTest(test_modules),
    HiddenTest(test_parameters),
    HiddenTest(test_trainable, points=2),
)
