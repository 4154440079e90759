"""A time budget for judging one exercise, so that no observations can stall the batch."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator


class JudgeTimeout(Exception):
    """Judging ran past its budget."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise JudgeTimeout in the block after ``seconds``. An alarm can only interrupt the main
    thread; elsewhere the schema's bounds on observations are the only bound."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise JudgeTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
