"""The matrices a MatMul is tried on: built the same way by the probe and the hidden tests."""

from __future__ import annotations

import torch

from grader.exercises.builders import generator

CASES = (((3, 3), (3, 3)), ((3, 4), (4, 2)), ((1, 5), (5, 3)), ((6, 2), (2, 6)))
"""The square case comes first: there a misplaced transpose gives wrong values, which the judge
can name; the non-square ones then make sure the shapes are right too."""

GRAD_MODES = {"both": (True, True), "only_x": (True, False), "only_y": (False, True)}
"""Which of X and Y require grad. A backward that mixes up which input needs a gradient
(ctx.needs_input_grad read the wrong way round) is right when both do, wrong otherwise."""

GRADCHECK_CASE = 1
"""The case torch.autograd.gradcheck runs on, in float64: non-square."""


def case_tensors(seed: int, i: int, dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """X, Y and the upstream gradient for case ``i``."""
    (m, n), (_, p) = CASES[i]
    g = generator(seed, 600 + i)
    X = torch.randn(m, n, generator=g, dtype=dtype)
    Y = torch.randn(n, p, generator=g, dtype=dtype)
    return X, Y, torch.randn(m, p, generator=g, dtype=dtype)
