"""Observe a student's answer to the question and their ModuleListSequential."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.exercises.module_list import SPEC
from grader.exercises.module_list.inputs import FIRST, SECOND, inputs, layers
from grader.exercises.builders import mixed_seed
from grader.probes.common import Observations, Recorder, lookup_class, lookup_function, recorded, type_name


def _record_answer(rec: Recorder, namespace: dict[str, Any]) -> None:
    """The answer as plain data: a count and a letter, or what came back instead."""
    answer_function = lookup_function(Recorder(), namespace, SPEC.names[1])
    if answer_function is None:
        rec["answer/missing"] = True
        return
    ok, answer = rec.attempt("answer", answer_function)
    if not ok:
        return
    if isinstance(answer, (tuple, list)) and len(answer) == 2:
        count, letter = answer
        rec["answer/count"] = count if type(count) is int else type_name(count)
        rec["answer/count_is_int"] = type(count) is int
        rec["answer/letter"] = str(letter)[:20] if isinstance(letter, str) else type_name(letter)
    else:
        rec["answer/type"] = type_name(answer)


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    _record_answer(rec, namespace)
    cls = lookup_class(rec, namespace, SPEC.title)
    if cls is None:
        return rec.data
    rec["is_module"] = issubclass(cls, nn.Module)
    torch.manual_seed(mixed_seed(seed, 0))
    # Built under its own key, not "construct": a class left unfinished must not cost the question's points.
    ok, model = rec.attempt("build", lambda: cls(*layers(seed, FIRST)))
    if not ok:
        return rec.data
    for i, x in enumerate(inputs(seed)):
        ok, out = recorded(rec, f"forward{i}", lambda: model(x.clone()))
        if ok:
            rec.tensor(f"forward{i}/out", out)
    x = inputs(seed)[0]

    def module_list_round_trip() -> Any:
        reference = nn.Module()
        reference.layers = nn.ModuleList(layers(seed, FIRST))
        fresh = cls(*layers(seed, SECOND))
        fresh.load_state_dict(reference.state_dict())
        return fresh(x.clone())

    rec.output("round_trip", module_list_round_trip)
    ok, out = rec.attempt("grad", lambda: model(x.clone().requires_grad_(True)))
    if ok and isinstance(out, torch.Tensor):
        rec["grad/requires_grad"] = bool(out.requires_grad)
    rec.value("state_dict_keys", lambda: [str(k)[:100] for k in list(model.state_dict())[:50]])
    rec.value("layers_type", lambda: type_name(getattr(model, "layers", None)))
    return rec.data
