"""Hidden tests for record_outputs, clamp_output and remove_hooks. The judge rebuilds the model and
inputs from the seed and traces every module's input and output itself, with and without the clamp."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.judge.evidence import Evidence, Failure, check, close
from grader.judge.hidden import HiddenTest
from grader.exercises.hooks.inputs import TARGET, setup


def trace(net: nn.Module, x: torch.Tensor, limit: float | None = None, *, on_input: bool = False) -> tuple[torch.Tensor, dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """The model's output and each named module's output and first input, with TARGET's output (or
    input, ``on_input``) clamped to [-limit, limit] when a limit is given."""
    outputs: dict[str, torch.Tensor] = {}
    inputs: dict[str, torch.Tensor] = {}
    handles = []
    if limit is not None:
        module = net.get_submodule(TARGET)
        if on_input:
            handles.append(module.register_forward_pre_hook(lambda m, args: (args[0].clamp(-limit, limit),)))
        else:
            handles.append(module.register_forward_hook(lambda m, args, out: out.clamp(-limit, limit)))
    for name, module in net.named_modules():
        def keep(m: nn.Module, args: Any, out: torch.Tensor, name: str = name) -> None:
            outputs[name], inputs[name] = out.detach(), args[0].detach()
        handles.append(module.register_forward_hook(keep))
    with torch.no_grad():
        out = net(x)
    for handle in handles:
        handle.remove()
    return out, outputs, inputs


def _recorded(ev: Evidence, key: str, what: str) -> dict[str, tuple[torch.Tensor, bool]]:
    ev.need(key, what)
    ev.need(f"{key}/recorded", f"reading the dict record_outputs returned, after {what}")
    found = ev.get(f"{key}/recorded")
    check(isinstance(found, list), f"record_outputs should return (dict, handles); its first item is a {found}")
    return {entry[0]: (entry[1], entry[2]) for entry in found if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], torch.Tensor)}


def _start(ev: Evidence) -> None:
    ev.need("record", "record_outputs(model, names)")
    kind = ev.get("record/type")
    check(kind is None, f"record_outputs returned a {kind}; it should return a pair (outputs, handles)")


def test_records_outputs(ev: Evidence) -> None:
    _start(ev)
    net, names, _, xs = setup(ev.seed)
    _, outputs, inputs = trace(net, xs[0])
    got = _recorded(ev, "run1", "a forward pass with the recording hooks")
    last = names[-1]
    late = (
        f"the output of every hooked module is stored under {last!r}, the last name: a hook defined in a loop looks "
        "the loop variable up when it runs, not when it was made; bind it at creation (def hook(module, args, output, "
        "name=name), or functools.partial)"
    )
    check(sorted(got) != [last], late)
    check(sorted(got) == sorted(names), f"after a forward pass the dict holds {sorted(got)}; expected exactly the names {sorted(names)}")
    for name in names:
        value = got[name][0]
        if close(value, outputs[name]):
            continue
        if close(value, inputs[name]):
            raise Failure(
                f"{name!r} holds the module's input, not its output: register_forward_pre_hook runs before the module; "
                "use register_forward_hook, whose hook receives (module, args, output)"
            )
        if close(value, outputs[""]):
            raise Failure(f"{name!r} holds the whole model's output: hook the sub-module called {name!r}, not the model")
        raise Failure(f"{name!r} does not hold that module's output after a forward pass")


def test_leaves_output_alone(ev: Evidence) -> None:
    _start(ev)
    net, _, _, xs = setup(ev.seed)
    expected, _, _ = trace(net, xs[0])
    out = ev.tensor("run1/out", "a forward pass with the recording hooks")
    check(
        ev.get("run1/requires_grad") is True,
        "with the recording hooks on, the model's output no longer requires grad: a forward hook that returns a value "
        "replaces the module's output, so returning output.detach() cut the model off from autograd; a recording hook "
        "must return nothing (detach only the copy it stores)",
    )
    check(
        close(out, expected),
        "the recording hooks changed the model's output: a forward hook that returns a value replaces the module's "
        "output; a recording hook must return nothing",
    )


def test_detached(ev: Evidence) -> None:
    got = _recorded(ev, "run1", "a forward pass with the recording hooks")
    attached = sorted(name for name, (_, grad) in got.items() if grad)
    check(
        not attached,
        f"the recorded outputs {attached} still require grad: each keeps the autograd graph of its batch alive (memory "
        "grows with every pass); store output.detach()",
    )


def test_clamp(ev: Evidence) -> None:
    _start(ev)
    net, _, limit, xs = setup(ev.seed)
    ev.need("clamp", "clamp_output(module, limit)")
    out = ev.tensor("run2/out", "a forward pass with clamp_output's hook")
    expected, _, _ = trace(net, xs[1], limit)
    if close(out, expected):
        return
    if close(out, trace(net, xs[1])[0]):
        raise Failure(
            "clamp_output changed nothing: only the value a forward hook returns replaces the output; a hook that "
            "computes output.clamp(...) and returns None leaves the output as it was"
        )
    if close(out, trace(net, xs[1], limit, on_input=True)[0]):
        raise Failure("clamp_output clamped the module's input, not its output: use register_forward_hook, not a forward pre-hook")
    raise Failure(f"with clamp_output's hook the model's output is not that of {TARGET} clamped to [-{limit:g}, {limit:g}]")


def test_removal(ev: Evidence) -> None:
    net, _, limit, xs = setup(ev.seed)
    ev.need("remove", "remove_hooks(handles)")
    out = ev.tensor("run3/out", "a forward pass after remove_hooks")
    check(
        close(out, trace(net, xs[2])[0]),
        "after remove_hooks the hooks are still active (the output is still clamped or changed): call handle.remove() "
        "on each handle; clearing or deleting the list of handles takes no hook off its module",
    )
    before = _recorded(ev, "run2", "a forward pass with clamp_output's hook")
    after = _recorded(ev, "run3", "a forward pass after remove_hooks")
    check(
        sorted(after) == sorted(before) and all(torch.equal(after[n][0], before[n][0]) for n in before),
        "after remove_hooks the outputs are still recorded: every recording hook must be removed too",
    )


TESTS = (
    HiddenTest(test_records_outputs),
    HiddenTest(test_leaves_output_alone, requires=("records_outputs",)),  # a recorder that records nothing must not earn it
    HiddenTest(test_detached, requires=("records_outputs",)),
    HiddenTest(test_clamp),
    HiddenTest(test_removal, requires=("records_outputs", "clamp")),  # removing hooks that never worked earns nothing
)
