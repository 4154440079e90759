"""Hidden tests for freeze and trainable_sgd: the judge rebuilds each model from the seed, works out
the one SGD step itself, and compares it with the weights the student's step left."""

from __future__ import annotations

import torch

from grader.judge.evidence import Evidence, Failure, check, close
from grader.judge.hidden import HiddenTest
from grader.exercises.freeze.inputs import CASES, case, loss


def _inside(parameter: str, name: str) -> bool:
    return parameter.startswith(name + ".")


def _truth(ev: Evidence, index: int) -> tuple[str, float, dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """The name frozen, the learning rate, the weights before the step and their gradients."""
    model, name, lr, x, y = case(ev.seed, index)
    loss(model, x, y).backward()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    grads = {n: p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p) for n, p in model.named_parameters()}
    return name, lr, before, grads


def _after(ev: Evidence, index: int, names: list[str]) -> dict[str, torch.Tensor]:
    key = f"case{index}"
    ev.need(f"{key}/freeze", "freeze(model, name)")
    ev.need(f"{key}/optimizer", "trainable_sgd(model, lr)")
    kind = ev.get(f"{key}/optimizer/type")
    check(kind is None, f"trainable_sgd returned a {kind}, not an optimizer (torch.optim.SGD)")
    ev.need(f"{key}/step", "a training step with the optimizer trainable_sgd returned")
    after = {n: t for n, t in ev.get(f"{key}/after", []) if isinstance(n, str) and isinstance(t, torch.Tensor)}
    check(sorted(after) == sorted(names), "after freeze and one training step the model's parameters are not the ones it started with")
    return after


def test_frozen_part_unchanged(ev: Evidence) -> None:
    for index in range(CASES):
        name, _, before, grads = _truth(ev, index)
        after = _after(ev, index, list(before))
        inside = [n for n in before if _inside(n, name)]
        moved = [n for n in inside if not torch.equal(after[n], before[n])]
        if not moved:
            continue
        if len(moved) == len(inside):
            raise Failure(
                f"after freeze(model, {name!r}) the parameters of {name} still changed in a training step, so nothing was "
                "frozen. Setting module.requires_grad = False only stores a plain attribute on the module, and "
                "module.eval() freezes nothing (it switches dropout and batch norm to inference); call "
                "module.requires_grad_(False), or set p.requires_grad = False on each of its parameters, nested ones "
                "included (parameters(recurse=False) gives only the module's own)"
            )
        raise Failure(
            f"after freeze(model, {name!r}) some parameters nested inside {name} still trained ({', '.join(moved)}); "
            "freeze every parameter of the sub-module, nested ones included (parameters() recurses by default; "
            "recurse=False gives only the module's own)"
        )


def test_rest_trains(ev: Evidence) -> None:
    for index in range(CASES):
        name, lr, before, grads = _truth(ev, index)
        after = _after(ev, index, list(before))
        outside = [n for n in before if not _inside(n, name)]
        still = [n for n in outside if torch.equal(after[n], before[n])]
        if len(still) == len(outside):
            raise Failure(
                f"after freeze(model, {name!r}) and a training step, the parameters outside {name} did not change: "
                "the optimizer must hold the parameters that still require grad (p.requires_grad is True), not the frozen ones"
            )
        prefixed = [n for n in still if n.startswith(name)]
        if prefixed:
            raise Failure(
                f"freeze(model, {name!r}) also froze {', '.join(prefixed)}: a name test such as startswith({name!r}) "
                "matches every module whose name begins the same way; compare whole dotted paths, or freeze "
                "model.get_submodule(name)"
            )
        check(not still, f"these parameters outside {name} did not train: {', '.join(still)}")
        for n in outside:
            expected = before[n] - lr * grads[n]
            if close(after[n], expected):
                continue
            step = (before[n] - after[n]).double().flatten()
            grad = grads[n].double().flatten()
            used = float(step @ grad / (grad @ grad)) if float(grad @ grad) > 0 else float("nan")
            if close(after[n], before[n] - used * grads[n]):
                raise Failure(
                    f"the training step used a learning rate of {used:.3g}, not the lr={lr:g} given to trainable_sgd"
                )
            raise Failure(
                f"{n} did not take one plain SGD step (p - lr * grad, lr={lr:g}): use torch.optim.SGD(params, lr=lr) "
                "without momentum or weight decay"
            )


def test_optimizer_holds_only_trainable(ev: Evidence) -> None:
    for index in range(CASES):
        name, _, before, _ = _truth(ev, index)
        held = ev.get(f"case{index}/held", [])
        ev.need(f"case{index}/held", "listing the optimizer's parameters")
        frozen = sorted({n for n in held if isinstance(n, str) and _inside(n, name)})
        check(
            not frozen,
            f"the optimizer also holds the frozen parameters ({', '.join(frozen)}); give trainable_sgd's SGD only "
            "the parameters with requires_grad=True, so that stale gradients, weight decay or momentum can never move them",
        )
        expected = sorted(n for n in before if not _inside(n, name))
        check(sorted(n for n in held if isinstance(n, str)) == expected, "the optimizer should hold each trainable parameter exactly once")


TESTS = (
    HiddenTest(test_frozen_part_unchanged, points=2),
    HiddenTest(test_rest_trains, points=2),
    HiddenTest(test_optimizer_holds_only_trainable, requires=("frozen_part_unchanged", "rest_trains")),
    # which parameters the optimizer holds is reported by the child: it counts once the weights prove the step
)
