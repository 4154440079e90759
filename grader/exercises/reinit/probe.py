"""Observe reinit on a model built from the batch's seed: its parameters afterwards and its output."""

from __future__ import annotations

from typing import Any

from grader.exercises.reinit import SPEC
from grader.exercises.reinit.inputs import forward_input, model
from grader.probes.common import Observations, Recorder, lookup_function, plain


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    functions = [lookup_function(rec, namespace, name) for name in SPEC.names]
    if any(f is None for f in functions):
        return rec.data
    reinit = functions[0]
    net = model(seed)
    ok, returned = rec.attempt("reinit", lambda: reinit(net))
    if not ok:
        return rec.data
    rec["returned_model"] = returned is net
    rec.value("parameters", lambda: [[name, plain(p)] for name, p in net.named_parameters()])
    x = forward_input(seed, net.embed.in_features)
    rec.output("forward", lambda: net(x))
    return rec.data
