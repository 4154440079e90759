"""The images a SimpleMLP is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

INPUT_SHAPES = {"one_image": (1, 1, 28, 28), "images": (5, 1, 28, 28), "flat": (5, 784)}


def forward_inputs(seed: int) -> dict[str, torch.Tensor]:
    return {label: torch.rand(shape, generator=generator(seed, 500 + i)) for i, (label, shape) in enumerate(INPUT_SHAPES.items())}
