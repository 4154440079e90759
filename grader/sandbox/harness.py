"""Runs inside the child: execute the assembled cells, probe the result, save observations."""

from __future__ import annotations

import io
import os
import sys
import traceback
from typing import Any

import torch

from grader.exercises import EXERCISES
from grader.magics import BODY_MAGICS
from grader.probes import probe_module
from grader.probes.common import Observations, error_record
from grader.records import SCHEMA_VERSION

RESULT_FD = 3
"""The child writes its observations to this descriptor, a pipe its fork server reads."""


class _NoShell:
    """Stands in for IPython in a notebook cell: magics and shell escapes do nothing here,
    except that a cell magic which would run its body (``%%time``) still runs it."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self._namespace = namespace

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        if name in BODY_MAGICS:
            exec(compile(cell, f"<%%{name} cell>", "exec"), self._namespace)

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def _display(*objects: Any, **_options: Any) -> None:
    """IPython's display() as a notebook cell may call it: here it prints."""
    for value in objects:
        print(repr(value))


def run_program(program: dict[str, Any]) -> Observations:
    """Run the cells, then probe. The seed goes to the probe only: the cells' namespace never
    holds it, so an answer cannot look its inputs up in advance."""
    seed = program["seed"]
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"the program's seed must be an integer, not {type(seed).__name__}")
    namespace: dict[str, Any] = {"__name__": "__main__", "display": _display}
    shell = _NoShell(namespace)
    namespace["get_ipython"] = lambda: shell
    cell_errors: dict[str, dict[str, str]] = {}
    for chunk in program["chunks"]:
        try:
            exec(compile(chunk["source"], f"<cell {chunk['label']}>", "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit in a cell is the student's
            cell_errors[chunk["label"]] = error_record(exc)
            traceback.print_exc()
    observations = probe_module(program["exercise"]).observe(namespace, seed)
    observations["cell_errors"] = cell_errors
    return observations


def run_job(program: dict[str, Any]) -> int:
    if program.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"program schema {program.get('schema_version')!r}, this harness reads {SCHEMA_VERSION}")
    observations = run_program(program)
    sys.stdout.flush()
    buffer = io.BytesIO()
    torch.save(observations, buffer)
    with os.fdopen(RESULT_FD, "wb") as channel:
        channel.write(buffer.getvalue())
    return 0


def warm_up() -> None:
    """Pay the first-use costs every job shares once, in the fork server, so that children
    start warm. What only some exercises need (an optimizer's first step imports half a
    second of torch) is their probe's own ``warm_up``, run by the server before its first job
    of that exercise (``warm_up_exercise``); tests/test_warm_up.py proves that a reference
    answer's job then imports nothing."""
    for name in EXERCISES:
        probe_module(name)
    from grader.probes.common import OpRecorder

    x = torch.randn(3, 4, requires_grad=True)
    with OpRecorder():
        y = (x @ x.T).relu()
        y.backward(torch.ones_like(y))  # an upstream gradient, as the probes give one
    repr(torch.nn.Sequential(torch.nn.Linear(4, 2)))
    repr(y)  # a tensor printed, as demo cells do
    torch.save({"x": x.detach()}, io.BytesIO())


def warm_up_exercise(exercise_id: str) -> None:
    """The exercise's own warm-up, where its probe has one."""
    if exercise_id in EXERCISES:
        warm = getattr(probe_module(exercise_id), "warm_up", None)
        if callable(warm):
            warm()
