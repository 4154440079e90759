"""The MNIST digits, starting weights and settings fit is tried on: built the same way by the
probe and the hidden tests, which replay the training themselves on the same digits."""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, TensorDataset

from grader.exercises.builders import generator
from grader.exercises.mnist import HELD_OUT, TRAIN, digits

SIZES = {"train": 320, "held_out": 200}
"""How many digits of each part of the split the probe uses: a small subset keeps a job to a
fraction of a second."""
BATCH = 64
EPOCHS, LR, MOMENTUM = 3, 0.05, 0.9
KEYS = ("train_loss", "train_accuracy", "held_out_loss", "held_out_accuracy")
SHAPES = ((100, 784), (100,), (10, 100), (10,))


def subset(seed: int, part: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (n, 1, 28, 28) and labels of a random subset of the train or held-out digits."""
    images, labels = digits()
    span = TRAIN if part == "train" else HELD_OUT
    pick = torch.randperm(len(span), generator=generator(seed, 1300 + (part != "train")))[: SIZES[part]] + span.start
    return images[pick], labels[pick]


def loader(seed: int, part: str) -> DataLoader:
    return DataLoader(TensorDataset(*subset(seed, part)), batch_size=BATCH, shuffle=False)


def start_weights(seed: int) -> list[torch.Tensor]:
    """Weights and biases of Linear(784, 100) and Linear(100, 10), drawn as the workbook's Linear draws them."""
    g = generator(seed, 1400)
    bounds = (1 / 28, 1 / 28, 0.1, 0.1)
    return [(torch.rand(s, generator=g) * 2 - 1) * k for s, k in zip(SHAPES, bounds)]
