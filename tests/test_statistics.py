"""The initialisation check accepts any uniform draw in range and names the usual wrong ones."""

from __future__ import annotations

import math

import pytest
import torch

from grader.exercises.builders import mixed_seed
from grader.judge.statistics import uniform_mismatch

FAN_IN, FAN_OUT = 784, 100
BOUND = 1 / math.sqrt(FAN_IN)


def _check(values: torch.Tensor) -> str | None:
    return uniform_mismatch(values, BOUND, "the weight", fan_out=FAN_OUT)


@pytest.mark.parametrize("seed", range(20))
def test_many_correct_draws_pass(seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    assert _check(torch.empty(FAN_OUT, FAN_IN).uniform_(-BOUND, BOUND, generator=generator)) is None
    assert _check(torch.empty(FAN_OUT).uniform_(-BOUND, BOUND, generator=generator)) is None


def test_correct_initialisations_pass_whatever_the_batch_seed() -> None:
    """The probe seeds torch from the batch's secret seed before building a layer: no seed may
    fail a correct init (5-sigma bounds; 3000 seeds were tried by hand, none failed)."""
    for seed in range(200):
        torch.manual_seed(mixed_seed(seed, 0))
        for fan_in, fan_out in ((FAN_IN, FAN_OUT), (16, 2000)):
            weight = torch.empty(fan_out, fan_in)
            torch.nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
            bias = torch.empty(fan_out).uniform_(-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))
            for values in (weight, bias):
                assert uniform_mismatch(values, 1 / math.sqrt(fan_in), "the init", fan_out=fan_out) is None, seed


def test_kaiming_uniform_with_sqrt5_is_the_same_distribution() -> None:
    weight = torch.empty(FAN_OUT, FAN_IN)
    torch.nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
    assert _check(weight) is None


def _right_spread_wrong_shape() -> torch.Tensor:
    """A third of the entries at ±k, the rest near 0: bound, mean and std all match U(-k, k)."""
    values = torch.empty(FAN_OUT * FAN_IN).uniform_(-BOUND / 100, BOUND / 100)
    edge = torch.rand(values.shape) < 1 / 3
    values[edge] = BOUND * torch.sign(torch.randn(int(edge.sum())))
    return values


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda: torch.zeros(FAN_OUT, FAN_IN), "all zeros"),
        (lambda: torch.full((FAN_OUT, FAN_IN), 0.01), "every entry"),
        (lambda: torch.rand(FAN_OUT, FAN_IN) * BOUND, "positive"),
        (lambda: torch.randn(FAN_OUT, FAN_IN) * BOUND, "normally distributed"),
        (lambda: torch.empty(FAN_OUT, FAN_IN).uniform_(-0.1, 0.1), "1/sqrt(out_features)"),
        (lambda: torch.empty(FAN_OUT, FAN_IN).uniform_(-1 / FAN_IN, 1 / FAN_IN), "1/in_features"),
        (lambda: torch.empty(FAN_OUT, FAN_IN).uniform_(-BOUND, BOUND) + BOUND / 4, "outside"),
        (_right_spread_wrong_shape, "within ±k/2"),
    ],
    ids=["zeros", "constant", "rand", "randn", "fan-out", "one-over-fan-in", "shifted", "wrong-shape"],
)
def test_wrong_initialisations_are_named(make, phrase: str) -> None:
    torch.manual_seed(0)
    message = _check(make())
    assert message is not None and phrase in message
