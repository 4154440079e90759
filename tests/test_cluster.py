"""Grading on Dask distributed gives the same results as grading here.

A real ``LocalCluster`` of two worker processes on loopback, each hosting its own sandboxed
fork servers, grades the same catalogue batch (same seed) as the local pool in
``test_catalogue.py``; every answer must get the identical result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from grader.audit import ExerciseAudit, audit
from grader.config import Settings
from grader.exercises import COURSE_ORDER
from tests.conftest import audited_exercises, build_submissions, by_exercise, reference_answers

distributed = pytest.importorskip("distributed", reason="the Dask extra is part of the test install")

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def cluster_audits(request: pytest.FixtureRequest, settings: Settings, scheduler: str) -> dict[str, ExerciseAudit]:
    exercises = sorted(audited_exercises(request), key=COURSE_ORDER.index)
    return {a.exercise: a for a in audit(exercises, replace(settings, scheduler=scheduler))}


@pytest.mark.parametrize("exercise", by_exercise(list(COURSE_ORDER)))
def test_a_dask_cluster_grades_the_catalogue_exactly_as_the_local_pool(audits, cluster_audits, exercise: str) -> None:
    here, there = audits[exercise], cluster_audits[exercise]
    assert there.seed == here.seed
    assert there.reference.to_json() == here.reference.to_json()
    assert there.stub.to_json() == here.stub.to_json()
    assert [o.variant.name for o in there.outcomes] == [o.variant.name for o in here.outcomes]
    for near, far in zip(here.outcomes, there.outcomes):
        assert far.result.to_json() == near.result.to_json(), near.variant.name
        assert [e.to_json() for e in far.others] == [e.to_json() for e in near.others], near.variant.name


def test_an_unreachable_scheduler_is_a_clear_error_that_grades_nothing(tmp_path: Path) -> None:
    from tests.test_cli import run_cli

    build_submissions(tmp_path, {"alice": reference_answers()}, Settings())
    done = run_cli("grade", "--scheduler", "tcp://127.0.0.1:9", tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr and "dask scheduler" in done.stderr
