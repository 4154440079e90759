"""Hidden tests for reinit: Xavier-uniform statistics for every Linear, zero biases, and every other
module untouched. The parameters come from the child, so each test first checks that the model's
output on a secret input is the one those parameters compute."""

from __future__ import annotations

import math

import torch
from torch import nn

from grader.judge.evidence import Evidence, Failure, check, close, max_difference
from grader.judge.hidden import HiddenTest
from grader.exercises.reinit.inputs import forward_input, model


def _state(ev: Evidence) -> tuple[nn.Module, dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """The judge's own model, its parameters before reinit, and those reported after it, proven in use."""
    ev.need("reinit", "reinit(model)")
    ev.need("parameters", "listing the model's parameters after reinit")
    net = model(ev.seed)
    before = {n: p.detach().clone() for n, p in net.named_parameters()}
    after = {n: t for n, t in ev.get("parameters", []) if isinstance(n, str) and isinstance(t, torch.Tensor)}
    check(
        sorted(after) == sorted(before) and all(after[n].shape == before[n].shape for n in before),
        "after reinit the model's parameters do not have the names and shapes they had (replace values, not layers)",
    )
    x = forward_input(ev.seed, net.embed.in_features)
    out = ev.tensor("forward/out", "the model's forward pass after reinit")
    net.load_state_dict(after)
    with torch.no_grad():
        expected = net(x)
    check(
        close(out, expected),
        f"after reinit the model's output is not what its parameters compute (largest difference {max_difference(out, expected):.3g})",
    )
    return net, before, after


def _kurtosis(v: torch.Tensor) -> float:
    """1.8 for a uniform distribution, 3 for a normal one."""
    centred = v - v.mean()
    return float((centred ** 4).mean() / (centred ** 2).mean() ** 2)


def xavier_mismatch(w: torch.Tensor, fan_in: int, fan_out: int, what: str) -> str | None:
    """How ``w`` fails to look like a Xavier-uniform draw, or None."""
    v = w.double().flatten()
    bound = math.sqrt(6 / (fan_in + fan_out))
    b = f"b = sqrt(6 / (fan_in + fan_out)) = {bound:.4g}"
    top = float(v.abs().max())
    if top > bound * (1 + 1e-5):
        if _kurtosis(v) > 2.4:
            return f"{what} has entries up to {top:.4g}, beyond {b}, and looks normally distributed (xavier_normal_?); use xavier_uniform_"
        if top <= math.sqrt(6 / fan_in) * (1 + 1e-5):
            return f"{what} has entries up to {top:.4g}, beyond {b}: that is kaiming_uniform_'s range sqrt(6 / fan_in); use xavier_uniform_"
        return f"{what} has entries up to {top:.4g}, outside [-b, b] with {b}"
    if top < 0.9 * bound:
        if top <= (1 + 1e-5) / math.sqrt(fan_in):
            return (
                f"{what} stays within ±{top:.4g}, PyTorch's default range 1/sqrt(in_features): reset_parameters() "
                f"restores the default initialisation, not Xavier's; use nn.init.xavier_uniform_ ({b})"
            )
        return f"{what} stays within ±{top:.4g}, much narrower than [-b, b] with {b}"
    n = v.numel()
    if abs(float(v.mean())) > 5 * bound / math.sqrt(3 * n):
        return f"{what} is not centred on 0 (mean {float(v.mean()):.4g})"
    if abs(float(v.std()) / (bound / math.sqrt(3)) - 1) > 0.15:
        return f"the spread of {what} (std {float(v.std()):.4g}) does not match U(-b, b), whose std is b/sqrt(3) = {bound / math.sqrt(3):.4g}"
    return None


def test_linear_weights(ev: Evidence) -> None:
    net, before, after = _state(ev)
    for name, layer in net.named_modules():
        if not isinstance(layer, nn.Linear):
            continue
        w = after[f"{name}.weight"]
        if torch.equal(w, before[f"{name}.weight"]):
            nested = "." in name
            raise Failure(
                f"the Linear layer {name} was not re-initialised: it still holds its old weights"
                + ("; it is nested, and model.children() (or any loop over the first level) reaches only the direct "
                   "children, while model.apply(fn) calls fn on every module of the tree" if nested else "")
            )
        problem = xavier_mismatch(w, layer.in_features, layer.out_features, f"{name}.weight")
        if problem:
            raise Failure(problem)


def test_biases_zero(ev: Evidence) -> None:
    net, before, after = _state(ev)
    for name, layer in net.named_modules():
        if isinstance(layer, nn.Linear) and layer.bias is not None:
            bias = after[f"{name}.bias"]
            if bool((bias != 0).any()):
                left = torch.equal(bias, before[f"{name}.bias"])
                raise Failure(
                    f"{name}.bias is not all zeros" + (": it still holds its old values; set the bias of each Linear to "
                                                        "zeros (nn.init.zeros_)" if left else "")
                )


def test_others_untouched(ev: Evidence) -> None:
    net, before, after = _state(ev)
    linear = {f"{n}.{k}" for n, m in net.named_modules() if isinstance(m, nn.Linear) for k in ("weight", "bias")}
    changed = [n for n in before if n not in linear and not torch.equal(after[n], before[n])]
    check(
        not changed,
        f"reinit changed {', '.join(changed)}, which belong to a module that is not a Linear: testing for a weight "
        "attribute (hasattr(m, 'weight')) catches every module that has one; test isinstance(m, nn.Linear)",
    )


def test_returns_model(ev: Evidence) -> None:
    check(ev.get("returned_model") is True, "reinit should return the model: model.apply(fn) returns it, so return that")


TESTS = (
    HiddenTest(test_linear_weights, points=2),
    HiddenTest(test_biases_zero),
    HiddenTest(test_others_untouched, requires=("linear_weights",)),  # leaving everything alone must not earn it
    HiddenTest(test_returns_model, requires=("linear_weights",)),  # self-reported: counts once the weights are right
)
