"""Is a tensor plausibly drawn from U(-k, k)? Judged by bounds, centre, spread and shape, never by seed."""

from __future__ import annotations

import math

import torch

UNIFORM_KURTOSIS = 1.8


def uniform_mismatch(values: torch.Tensor, bound: float, what: str, *, fan_out: int) -> str | None:
    """A sentence naming how ``values`` fail to look like U(-bound, bound), or None."""
    v = values.detach().double().flatten()
    n = v.numel()
    k = f"k = 1/sqrt(in_features) = {bound:.4g}"
    if n == 0:
        return f"{what} is empty"
    top = float(v.abs().max())
    if top == 0:
        return f"{what} is all zeros; draw its entries from U(-k, k) with {k}"
    if float(v.min()) == float(v.max()):
        return f"every entry of {what} is {float(v[0]):.4g}; draw the entries independently from U(-k, k) with {k}"
    if float(v.min()) >= 0:
        return (
            f"every entry of {what} is positive: torch.rand draws from U(0, 1); shift and scale it into U(-k, k) with {k}"
        )
    wrong_fan = 1 / math.sqrt(fan_out)
    hint = ""
    if abs(top - wrong_fan) < 0.1 * wrong_fan:
        hint = " (that is 1/sqrt(out_features): the bound must use in_features)"
    elif abs(top - bound ** 2) < 0.1 * bound ** 2:
        hint = " (that is 1/in_features: the bound is 1/sqrt(in_features))"
    if top > bound * (1 + 1e-5):
        normal = _kurtosis(v) > 2.4
        return (
            f"{what} has entries up to {top:.4g}, outside [-k, k] with {k}{hint}"
            + ("; the values look normally distributed (randn?), but they must be uniform" if normal and not hint else "")
        )
    if top < 0.9 * bound:
        return f"{what} stays within ±{top:.4g}, much narrower than [-k, k] with {k}{hint}"
    std_error = bound / math.sqrt(3 * n)
    if abs(float(v.mean())) > 5 * std_error:
        return f"{what} is not centred on 0 (mean {float(v.mean()):.4g}); U(-k, k) has mean 0"
    spread = float(v.std())
    tolerance = max(0.03, 5 * math.sqrt((UNIFORM_KURTOSIS - 1) / n) / 2)
    if abs(spread / (bound / math.sqrt(3)) - 1) > tolerance:
        return f"the spread of {what} (std {spread:.4g}) does not match U(-k, k), whose std is k/sqrt(3) = {bound / math.sqrt(3):.4g}"
    if n >= 1000:
        inner = float((v.abs() < bound / 2).double().mean())
        if abs(inner - 0.5) > 5 * math.sqrt(0.25 / n):
            return (
                f"{fraction(inner)} of the entries of {what} lie within ±k/2, where a uniform distribution puts half; "
                "the values are not uniformly spread over [-k, k]"
            )
    return None


def fraction(x: float) -> str:
    return f"{100 * x:.0f}%"


def _kurtosis(v: torch.Tensor) -> float:
    centred = v - v.mean()
    return float((centred ** 4).mean() / (centred ** 2).mean() ** 2)
