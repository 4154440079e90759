"""Run one exercise's hidden tests under pytest, each test on its own, to debug them.

    pytest grader/exercises/relu/hidden.py                          # on the reference answer
    pytest grader/exercises/relu/hidden.py --variant relu_leaky     # on a catalogue answer
    pytest grader/exercises/relu/hidden.py --observations obs.pt --seed N   # on saved observations

A hidden test takes the ``ev`` fixture below. Answers are probed here, in this process, as
the sandbox would probe them: use it only on answers you trust (the reference, the
catalogue). ``--save-observations FILE`` keeps what the probe recorded; judge them later with
the same ``--seed`` (the inputs come from it; without it a fresh one is drawn and printed in
the header). Tests run without
their ``requires`` gates, so a side property is judged even when the main one fails.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import torch

from grader.assemble import as_python, assemble, earlier_references
from grader.config import Settings, draw_seed
from grader.exercises import EXERCISES
from grader.exercises.variants import load_catalogue
from grader.judge.evidence import Evidence
from grader.references import instructor_cells, reference_answer


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hidden tests")
    group.addoption("--variant", metavar="NAME", help="judge this catalogue answer instead of the reference")
    group.addoption("--observations", metavar="FILE", type=Path, help="judge observations saved with torch.save")
    group.addoption("--save-observations", metavar="FILE", type=Path, help="write the probed observations here")
    group.addoption("--seed", metavar="N", type=int, help="seed of the probe's inputs (default: a fresh one)")


_SEED: list[int] = []


def _seed(config: pytest.Config) -> int:
    """The seed of this session's inputs: --seed, or one drawn once for the session."""
    if not _SEED:
        given = config.getoption("--seed", None)
        _SEED.append(given if given is not None else draw_seed())
    return _SEED[0]


def pytest_report_header(config: pytest.Config) -> str:
    return f"hidden-test inputs from seed {_seed(config)} (--seed to reproduce)"


def observe(exercise_id: str, source: str, settings: Settings, seed: int) -> dict[str, Any]:
    """What the sandbox's child would record for this answer, serialised as it would be."""
    from grader.sandbox.harness import run_program

    spec = EXERCISES[exercise_id]
    cells = instructor_cells(settings.solutions_dir, spec.assignment)
    program = assemble(exercise_id, cells, source, earlier_references(settings.solutions_dir, exercise_id))
    with torch.random.fork_rng():
        observations = run_program(program.with_seed(seed).to_json())
    buffer = io.BytesIO()
    torch.save(observations, buffer)
    buffer.seek(0)
    loaded: dict[str, Any] = torch.load(buffer, weights_only=True)
    return loaded


@pytest.fixture(scope="module")
def ev(request: pytest.FixtureRequest) -> Evidence:
    """The evidence a hidden test of this unit judges (the unit is the test file's folder)."""
    exercise_id = Path(str(request.module.__file__)).parent.name
    settings = Settings()
    spec = EXERCISES[exercise_id]
    variant_name = request.config.getoption("--variant")
    if variant_name:
        variants = {v.name: v for v in load_catalogue(exercise_id).variants}
        if variant_name not in variants:
            raise pytest.UsageError(f"{exercise_id} has no catalogue answer {variant_name!r}")
        source = variants[variant_name].source
    else:
        source = reference_answer(settings.solutions_dir, spec.assignment, exercise_id)
    saved = request.config.getoption("--observations")
    seed = _seed(request.config)
    observations = torch.load(saved, weights_only=True) if saved else observe(exercise_id, source, settings, seed)
    target = request.config.getoption("--save-observations")
    if target:
        torch.save(observations, target)
    return Evidence(spec, observations, as_python(source), seed)
