"""Each exercise is one unit, and the registry agrees with the notebooks, the release and the README."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import grader
from grader.exercises import ASSIGNMENTS, COURSE_ORDER, EXERCISES, child_side_paths
from grader.exercises.variants import load_catalogue
from grader.judge import hidden_tests
from grader.references import instructor_cells, release_cells
from tests.conftest import ROOT

PACKAGE = Path(grader.__file__).resolve().parent
UNITS = PACKAGE / "exercises"


def test_every_source_notebook_is_an_assignment_of_the_registry() -> None:
    assert sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()) == sorted(ASSIGNMENTS)
    assert all((ROOT / "solutions" / a / spec.filename).is_file() for a, spec in ASSIGNMENTS.items())


def test_every_unit_folder_is_registered_in_course_order() -> None:
    folders = {p.name for p in UNITS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(COURSE_ORDER) == set(EXERCISES)
    notebooks = list(ASSIGNMENTS)
    positions = [(notebooks.index(EXERCISES[e].assignment), i) for i, e in enumerate(COURSE_ORDER)]
    assert positions == sorted(positions), "exercises of one notebook must be listed together, notebooks in order"


@pytest.mark.parametrize("exercise", COURSE_ORDER)
def test_unit_has_spec_probe_hidden_tests_and_catalogue(exercise: str) -> None:
    spec = EXERCISES[exercise]
    for name in ("probe.py", "hidden.py", "catalogue.py"):
        assert (UNITS / exercise / name).is_file(), f"grader/exercises/{exercise}/{name} is missing"
    assert spec.names and all(name.isidentifier() for name in spec.names)
    assert sum(test.points for test in hidden_tests(exercise)) == spec.points


@pytest.mark.parametrize("exercise", COURSE_ORDER)
def test_builds_on_names_earlier_exercises(exercise: str) -> None:
    earlier = COURSE_ORDER[: COURSE_ORDER.index(exercise)]
    assert all(unit in earlier for unit in EXERCISES[exercise].builds_on), earlier


@pytest.mark.parametrize("exercise", COURSE_ORDER)
def test_source_notebook_has_the_units_cells_and_points(exercise: str) -> None:
    spec = EXERCISES[exercise]
    cells = {c.grade_id: c for c in instructor_cells(ROOT / "solutions", spec.assignment)}
    answer, hidden = cells[exercise], cells[spec.test_cell]
    assert answer.solution and not answer.grade
    defined = set(re.findall(r"^(?:class|def) (\w+)", answer.source, re.MULTILINE))
    assert set(spec.names) <= defined, f"the reference answer must define {spec.names}"
    assert hidden.grade and hidden.locked and hidden.points == spec.points
    assert f'grade_in_kernel("{exercise}", globals())' in hidden.source
    assert f'check_rules("{exercise}", globals())' in cells[f"check_{exercise}"].source, "the visible check warns about the rules"
    assert f"({spec.points:g} points)" in hidden.source
    task = next((c for c in cells.values() if c.cell_type == "markdown" and f"`{spec.title}`" in c.source.splitlines()[0]), None)
    assert task is not None and f"({spec.points:g} points)" in task.source.splitlines()[0]


@pytest.mark.parametrize("exercise", COURSE_ORDER)
def test_release_has_the_stub_and_no_hidden_test_cell(exercise: str) -> None:
    spec = EXERCISES[exercise]
    cells = {c.grade_id: c for c in release_cells(ROOT / "exercises", spec.assignment)}
    assert cells[exercise].solution and "raise NotImplementedError()" in cells[exercise].source
    assert "grade_in_kernel" not in cells.get(spec.test_cell, cells[exercise]).source


def test_readme_table_matches_the_registry() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (?:`(\w+)`)? *\| `(\w+)` — `(\w+)` \| (\d+) \|$", text, re.MULTILINE)
    table, notebook = [], ""
    for assignment, grade_id, title, points in rows:
        notebook = assignment or notebook
        table.append((notebook, grade_id, title, float(points)))
    assert table == [(e.assignment, e.id, e.title, e.points) for e in EXERCISES.values()]


def test_child_side_paths_are_enough_to_run_the_probes(tmp_path: Path) -> None:
    """The sandbox mounts only these files into the child: the harness's imports must work with them alone."""
    copy = tmp_path / "grader"
    for relative in child_side_paths():
        source = PACKAGE / relative
        assert source.exists(), relative
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    assert not list(copy.rglob("hidden.py")) and not list(copy.rglob("catalogue.py")) and not (copy / "judge").exists()
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import grader, grader.records, grader.probes.common\n"
        "assert grader.__file__.startswith(sys.argv[1]), grader.__file__\n"
        "from grader.exercises import EXERCISES\n"
        "from grader.probes import probe_module\n"
        "for e in EXERCISES: probe_module(e).observe({}, 0)\n"
        "assert all(m.split('.')[-1] not in ('hidden', 'catalogue') for m in sys.modules if m.startswith('grader.'))\n"
        "assert not any(m.startswith('grader.judge') for m in sys.modules)\n"
        "print('ok', len(EXERCISES))\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ok {len(EXERCISES)}"


def test_judge_side_never_imports_the_child_side_runtime() -> None:
    """Hidden tests share input builders with the probes, never the probes' recorders."""
    script = (
        "import sys\n"
        "from grader.exercises import EXERCISES\n"
        "from grader.judge import hidden_tests\n"
        "for e in EXERCISES: hidden_tests(e)\n"
        "bad = [m for m in sys.modules if m.startswith('grader.probes') or m.endswith('.probe')]\n"
        "print(bad)\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_plain_function_exercise_can_be_looked_up() -> None:
    from grader.probes.common import Recorder, lookup_function

    rec = Recorder()
    assert lookup_function(rec, {"loss": len}, "loss") is len
    assert lookup_function(rec, {"loss": int}, "loss") is None and rec.data["not_a_function"] == "class"
    assert lookup_function(rec, {}, "loss") is None and rec.data["missing"] == "loss"


def test_a_class_of_another_kind_is_recorded_as_such() -> None:
    import torch

    from grader.probes.common import Recorder, check_kind

    rec = Recorder()
    assert not check_kind(rec, int, torch.optim.Optimizer) and rec.data["right_kind"] is False
    assert check_kind(rec, torch.optim.SGD, torch.optim.Optimizer)


@pytest.mark.parametrize("exercise", COURSE_ORDER)
def test_pytest_collects_exactly_the_hidden_tests_the_judge_runs(exercise: str) -> None:
    module = importlib.import_module(f"grader.exercises.{exercise}.hidden")
    assert {name for name in vars(module) if name.startswith("test_")} == {f"test_{t.name}" for t in hidden_tests(exercise)}


def test_hidden_tests_run_under_pytest_on_the_reference_and_on_a_mistake(tmp_path: Path) -> None:
    files = [str(UNITS / e / "hidden.py") for e in COURSE_ORDER]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    total = sum(len(hidden_tests(e)) for e in COURSE_ORDER)
    assert done.returncode == 0 and f"{total} passed" in done.stdout, done.stdout[-2000:]
    saved = tmp_path / "observations.pt"
    mistake = load_catalogue(COURSE_ORDER[-1]).mistakes[0]  # files[-1] holds the last unit's hidden tests
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", files[-1],
                           "--variant", mistake.name, "--save-observations", str(saved)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 1 and "failed" in done.stdout and saved.is_file(), done.stdout[-2000:]
