"""Observe a student's inventory(model) on nested models built from the batch's seed."""

from __future__ import annotations

from typing import Any

from grader.exercises.naming import SPEC
from grader.exercises.naming.inputs import CASES, model
from grader.probes.common import Observations, Recorder, lookup_function, type_name

KEYS = ("children", "modules", "parameters")
MAX_NAMES = 500


def names_or_none(value: Any) -> list[str] | None:
    """A list of strings as plain data, or None when ``value`` is not one."""
    if isinstance(value, (list, tuple)) and len(value) <= MAX_NAMES and all(type(v) is str for v in value):
        return list(value)
    return None


def _read(rec: Recorder, key: str, result: Any) -> None:
    """The returned dict's entries as plain data; the type of anything else."""
    if not isinstance(result, dict):
        rec[f"{key}/type"] = type_name(result)
        return
    for name in KEYS:
        value = result.get(name)
        names = names_or_none(value)
        if names is None:
            rec[f"{key}/{name}/type"] = type_name(value)
        else:
            rec[f"{key}/{name}"] = names
    count = result.get("trainable")
    if type(count) is int:
        rec[f"{key}/trainable"] = count
    else:
        rec[f"{key}/trainable/type"] = type_name(count)


def observe(namespace: dict[str, Any], seed: int) -> Observations:
    """``seed`` is the batch's secret seed, given only once the student's cells have run."""
    rec = Recorder()
    inventory = lookup_function(rec, namespace, SPEC.title)
    if inventory is None:
        return rec.data
    for case in range(CASES):
        key = f"model{case}"
        ok, result = rec.attempt(key, lambda: inventory(model(seed, case)))
        if ok:
            rec.attempt(f"{key}/read", lambda: _read(rec, key, result))
    return rec.data
