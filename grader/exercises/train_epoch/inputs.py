"""The small model and data train_epoch is tried on: built the same way by the probe and the
hidden tests, which replay the epoch themselves."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.exercises.builders import generator

FEATURES, HIDDEN, CLASSES = 6, 8, 3
TRAIN = (23, 5)
"""(examples, batch size): the last batch is smaller, so a mean of batch means is not the mean."""
EVAL = (17, 4)
LR, MOMENTUM = 0.5, 0.5


class Watched(nn.Module):
    """A two-layer classifier that notes, at every forward call, whether it was in training
    mode and whether autograd was recording."""

    def __init__(self, weights: list[torch.Tensor]) -> None:
        super().__init__()
        self.first = nn.Linear(FEATURES, HIDDEN)
        self.second = nn.Linear(HIDDEN, CLASSES)
        with torch.no_grad():
            for p, w in zip(self.parameters(), weights):
                p.copy_(w)
        self.seen: list[list[bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append([self.training, torch.is_grad_enabled()])
        return self.second(torch.tanh(self.first(x)))


def weights(seed: int) -> list[torch.Tensor]:
    g = generator(seed, 1100)
    shapes = ((HIDDEN, FEATURES), (HIDDEN,), (CLASSES, HIDDEN), (CLASSES,))
    return [torch.randn(s, generator=g) * 0.7 for s in shapes]


def data(seed: int, which: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Features and labels ("train" or "eval"); the labels follow a rule the model can learn."""
    n = (TRAIN if which == "train" else EVAL)[0]
    g = generator(seed, 1200 + (which == "eval"))
    x = torch.randn(n, FEATURES, generator=g)
    y = (x[:, :CLASSES] + 0.5 * torch.randn(n, CLASSES, generator=g)).argmax(dim=1)
    return x, y


def loader(seed: int, which: str) -> DataLoader:
    batch = (TRAIN if which == "train" else EVAL)[1]
    return DataLoader(TensorDataset(*data(seed, which)), batch_size=batch, shuffle=False)


def optimizer(model: nn.Module) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
