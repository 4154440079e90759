"""What a hidden test is. Each exercise's hidden tests are ``grader/exercises/<grade_id>/hidden.py``.

Each such module lists its tests in ``TESTS``. A test takes the ``Evidence`` of one submission
and raises ``Failure`` with a message naming the mistake. Instructor-side code: the
student release never contains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from grader.judge.evidence import Evidence


@dataclass(frozen=True)
class HiddenTest:
    run: Callable[[Evidence], None]
    points: float = 1.0
    requires: tuple[str, ...] = ()
    """Tests that must pass first: a side property (dtype, policy) earns nothing on a wrong answer."""

    @property
    def name(self) -> str:
        return self.run.__name__.removeprefix("test_")
