"""Input builders shared by the probes (child side) and the hidden tests (judge side).

Every input is drawn from the batch's seed, which the grader keeps secret and hands to the
probe only after the student's cells have run, mixed with a constant of the case. So the
inputs cannot be read from the grader's source in advance (no answering from a table), the
judge rebuilds exactly what the probe fed in, and the cases of one batch stay distinct.
Plain tensors only: nothing here records, patches or runs student code."""

from __future__ import annotations

import hashlib

import torch


def mixed_seed(seed: int, case: int) -> int:
    """One 63-bit seed for ``case`` under the batch's ``seed``: hashed, so that neighbouring
    batch seeds or case constants do not give related streams."""
    digest = hashlib.sha256(f"{seed}:{case}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def generator(seed: int, case: int) -> torch.Generator:
    """A generator for ``case`` (a constant of the unit) under the batch's ``seed``."""
    return torch.Generator().manual_seed(mixed_seed(seed, case))


def no_zeros(x: torch.Tensor) -> torch.Tensor:
    """Push values away from 0, where correct ReLU gradients legitimately differ."""
    return torch.where(x.abs() < 1e-2, torch.full_like(x, 0.5), x)
