"""Observe a student's Parallel."""

from __future__ import annotations

from typing import Any

from grader.exercises.parallel import SPEC
from grader.exercises.parallel.inputs import FIRST, SECOND, branches, grad_case, inputs
from grader.probes.common import Observations, Recorder, construct_module, record_backward, record_forward_cases


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    cls, model = construct_module(rec, namespace, SPEC.title, *branches(seed, FIRST), seed=seed)
    if model is None:
        return rec.data
    record_forward_cases(rec, model, inputs(seed))
    x = inputs(seed)[0]

    def round_trip() -> Any:
        fresh = cls(*branches(seed, SECOND))
        fresh.load_state_dict(model.state_dict())
        return fresh(x.clone())

    rec.output("round_trip", round_trip)
    record_backward(rec, cls(*branches(seed, FIRST)), *grad_case(seed))
    return rec.data
