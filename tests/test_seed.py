"""The probes' inputs come from a secret per-batch seed: unknowable from the grader's source,
reproducible from the batch's report, and never one on which fairness depends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from grader.assemble import assemble, earlier_references
from grader.config import Settings
from grader.exercises import EXERCISES
from grader.exercises.builders import generator
from grader.exercises.variants import load_catalogue
from grader.records import Chunk, Program
from grader.references import instructor_cells, reference_answer
from grader.sandbox.harness import run_program
from tests.conftest import build_submissions, reference_answers


def _observe(exercise_id: str, seed: int) -> dict[str, Any]:
    """The reference answer's observations, probed in this process (trusted code only)."""
    settings = Settings()
    spec = EXERCISES[exercise_id]
    answer = reference_answer(settings.solutions_dir, spec.assignment, exercise_id)
    program = assemble(exercise_id, instructor_cells(settings.solutions_dir, spec.assignment), answer,
                       earlier_references(settings.solutions_dir, exercise_id))
    with torch.random.fork_rng():
        return run_program(program.with_seed(seed).to_json())


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every tensor, number and name the probe recorded, by its path in the observations."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves(item, f"{path}/{key}").items()}
    if isinstance(value, (list, tuple)):
        return {k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{path}[{i}]").items()}
    if isinstance(value, (torch.Tensor, int, float, str)) and not isinstance(value, bool):
        return {path: value}
    return {}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and torch.equal(a, b)
    return bool(a == b)


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_the_same_seed_gives_the_same_inputs_and_another_seed_other_ones(exercise: str) -> None:
    first, again, other = (_leaves(_observe(exercise, seed)) for seed in (11, 11, 12))
    assert first, "the probe recorded nothing to compare"
    assert first.keys() == again.keys()
    assert all(_same(first[key], again[key]) for key in first), [k for k in first if not _same(first[k], again[k])][:5]
    assert first.keys() != other.keys() or any(not _same(first[key], other[key]) for key in first)


def test_cases_of_one_batch_are_distinct_and_batch_seeds_are_mixed_in() -> None:
    draws = {(seed, case): torch.randn(4, generator=generator(seed, case)) for seed in (0, 1, 2) for case in (0, 1, 100)}
    values = list(draws.values())
    assert all(not torch.equal(a, b) for i, a in enumerate(values) for b in values[i + 1:])


def test_program_without_a_seed_is_refused_and_the_cells_never_see_it(capsys) -> None:
    cell = Chunk("relu", "print('INTS', sorted(v for v in list(globals().values()) if isinstance(v, int)), 'seed' in globals())\n")
    with pytest.raises(ValueError, match="no seed"):
        Program("relu", (cell,)).to_json()
    secret = 7_777_777_777_777
    with torch.random.fork_rng():
        run_program(Program("relu", (cell,), seed=secret).to_json())
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("INTS"))
    assert str(secret) not in line and line.endswith("False")


def _run_cli(*args: str | Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "grader", *map(str, args)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An honest student, and one who makes the first known mistake of every exercise
    (their messages quote numbers computed from the inputs)."""
    root = tmp_path_factory.mktemp("submitted")
    honest = reference_answers()
    wrong = {**honest, **{e: load_catalogue(e).mistakes[0].source for e in EXERCISES}}
    build_submissions(root, {"honest": honest, "wrong": wrong}, Settings())
    return root


def test_a_regrade_with_the_reports_seed_is_identical_and_other_seeds_keep_full_marks(course: Path) -> None:
    first = _run_cli("grade", "--json", course)
    assert isinstance(first["seed"], int)
    again = _run_cli("grade", "--json", "--seed", str(first["seed"]), course)
    assert again == first
    other = _run_cli("grade", "--json", "--seed", str((first["seed"] + 1) % 2 ** 63), course)
    assert other["seed"] != first["seed"]
    honest = [r for r in other["results"] if r["student"] == "honest"]
    assert honest and all(r["score"] == r["max_score"] > 0 for r in honest)
    scores = {(r["student"], r["assignment"]): r["score"] for r in first["results"]}
    assert {(r["student"], r["assignment"]): r["score"] for r in other["results"]} == scores
