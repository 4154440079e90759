"""Catalogue entries: answers to one exercise written the way students write them.

Instructor-side data for ``python -m grader audit`` and the tests; the child never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import import_module


@dataclass(frozen=True)
class Variant:
    name: str
    source: str
    expect: str | None = None
    """A phrase a failure message must contain (mistakes only; compared case-insensitively)."""
    exercise: str = ""
    """Filled in from the unit the variant was loaded from."""

    @property
    def is_mistake(self) -> bool:
        return self.expect is not None


@dataclass(frozen=True)
class Catalogue:
    exercise: str
    correct: tuple[Variant, ...]
    mistakes: tuple[Variant, ...]

    @property
    def variants(self) -> tuple[Variant, ...]:
        return self.correct + self.mistakes


def load_catalogue(exercise_id: str) -> Catalogue:
    """The unit's ``catalogue.py``: its ``CORRECT`` and ``MISTAKES`` lists."""
    module = import_module(f"grader.exercises.{exercise_id}.catalogue")

    def own(variants: list[Variant]) -> tuple[Variant, ...]:
        return tuple(replace(v, exercise=exercise_id) for v in variants)

    return Catalogue(exercise_id, own(module.CORRECT), own(module.MISTAKES))
